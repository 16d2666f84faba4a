-- 014_event_labels.sql - readable names for the ids a ticket's history records. A field event
-- keeps the column's value as it was (an agent's id for assignee_id); ticket.get sends the
-- name beside it, looked up now, so the history reads "assignee: ana -> carla".

-- The name of value p_value of ticket column p_field, or NULL when the field holds no id (or
-- the row is gone).
CREATE FUNCTION desk_event_label(p_field text, p_value text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_value IS NULL OR p_value !~ '^[0-9]{1,18}$' THEN NULL
        WHEN p_field IN ('assignee_id', 'owner_id', 'created_by') THEN
            (SELECT a.login FROM agents a WHERE a.id = p_value::bigint)
        WHEN p_field = 'requester_id' THEN
            (SELECT r.name FROM requesters r WHERE r.id = p_value::bigint)
        WHEN p_field = 'queue_id' THEN
            (SELECT q.name FROM queues q WHERE q.id = p_value::bigint)
        WHEN p_field = 'category_id' THEN
            desk_category_path(p_value::int)
        WHEN p_field IN ('merged_into', 'problem_id') THEN
            (SELECT 'HD-' || t.number FROM tickets t WHERE t.id = p_value::bigint)
    END
$$;
