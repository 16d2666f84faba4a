-- 004_resolution_rules.sql - resolution fields belong to resolving: they can only be set or
-- changed while the ticket is (or becomes) resolved, and a resolved ticket always keeps a
-- non-blank note. Closed and cancelled tickets refuse every change before any field check.

CREATE OR REPLACE FUNCTION desk_check_transition(t tickets, INOUT n tickets)
LANGUAGE plpgsql AS $$
BEGIN
    IF t.status IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'ticket is %; it cannot change any more', t.status
            USING ERRCODE = 'DK422';
    END IF;
    IF n.status <> t.status AND NOT EXISTS (
           SELECT 1 FROM status_transitions
            WHERE from_status = t.status AND to_status = n.status) THEN
        RAISE EXCEPTION 'a ticket cannot go from % to %', t.status, n.status
            USING ERRCODE = 'DK422';
    END IF;
    IF n.status = 'resolved' THEN
        IF n.resolution_code IS NULL OR coalesce(btrim(n.resolution_note), '') = '' THEN
            RAISE EXCEPTION 'resolving needs a resolution_code and a resolution_note'
                USING ERRCODE = 'DK400';
        END IF;
        IF t.status <> 'resolved' THEN
            n.resolved_at := now();
        END IF;
    ELSIF t.status = 'resolved' AND n.status = 'open' THEN
        IF t.resolved_at < now() - make_interval(
               hours => desk_setting_int('reopen_window_hours', 168)) THEN
            RAISE EXCEPTION 'the reopen window of % hours has passed; open a new ticket',
                desk_setting_int('reopen_window_hours', 168) USING ERRCODE = 'DK422';
        END IF;
        n.resolved_at := NULL;
        n.resolution_code := NULL;
        n.resolution_note := NULL;
    ELSIF n.status <> 'closed' AND
          (n.resolution_code IS DISTINCT FROM t.resolution_code OR
           n.resolution_note IS DISTINCT FROM t.resolution_note) THEN
        RAISE EXCEPTION 'resolution_code and resolution_note are set by resolving the ticket'
            USING ERRCODE = 'DK400';
    END IF;
END $$;

-- The closed/cancelled check now lives in desk_check_transition, before any field is read.
CREATE OR REPLACE FUNCTION desk_ticket_update(p_actor integer, p_id bigint, p_version integer,
                                              p_changes jsonb)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
    k text;
BEGIN
    t := desk_ticket_lock(p_id, p_version);
    IF t.status IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'ticket is %; it cannot change any more', t.status
            USING ERRCODE = 'DK422';
    END IF;
    n := t;
    FOR k IN SELECT jsonb_object_keys(p_changes) LOOP
        CASE k
        WHEN 'subject' THEN n.subject := p_changes->>k;
        WHEN 'description' THEN n.description := p_changes->>k;
        WHEN 'type' THEN n.type := p_changes->>k;
        WHEN 'status' THEN n.status := p_changes->>k;
        WHEN 'impact' THEN n.impact := (p_changes->>k)::smallint;
        WHEN 'urgency' THEN n.urgency := (p_changes->>k)::smallint;
        WHEN 'channel' THEN n.channel := p_changes->>k;
        WHEN 'resolution_note' THEN n.resolution_note := p_changes->>k;
        WHEN 'resolution_code' THEN
            n.resolution_code := p_changes->>k;
            IF NOT EXISTS (SELECT 1 FROM resolution_codes c WHERE c.code = n.resolution_code)
            THEN
                RAISE EXCEPTION 'unknown resolution code %', n.resolution_code
                    USING ERRCODE = 'DK400';
            END IF;
        WHEN 'queue_id' THEN
            n.queue_id := (p_changes->>k)::integer;
            IF NOT EXISTS (SELECT 1 FROM queues q WHERE q.id = n.queue_id) THEN
                RAISE EXCEPTION 'queue % does not exist', n.queue_id USING ERRCODE = 'DK404';
            END IF;
        WHEN 'assignee_id' THEN
            n.assignee_id := (p_changes->>k)::integer;
            IF n.assignee_id IS NOT NULL AND
               NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = n.assignee_id AND a.active) THEN
                RAISE EXCEPTION 'agent % does not exist', n.assignee_id USING ERRCODE = 'DK404';
            END IF;
        WHEN 'requester_id' THEN
            n.requester_id := (p_changes->>k)::integer;
            IF n.requester_id IS NOT NULL AND
               NOT EXISTS (SELECT 1 FROM requesters r WHERE r.id = n.requester_id) THEN
                RAISE EXCEPTION 'requester % does not exist', n.requester_id
                    USING ERRCODE = 'DK404';
            END IF;
        WHEN 'category_id' THEN
            n.category_id := (p_changes->>k)::integer;
            IF n.category_id IS NOT NULL AND
               NOT EXISTS (SELECT 1 FROM categories c WHERE c.id = n.category_id) THEN
                RAISE EXCEPTION 'category % does not exist', n.category_id
                    USING ERRCODE = 'DK404';
            END IF;
        ELSE
            RAISE EXCEPTION 'field % cannot be changed', k USING ERRCODE = 'DK400';
        END CASE;
    END LOOP;
    n.priority := desk_priority(n.impact, n.urgency);
    n := desk_check_transition(t, n);

    IF desk_record_changes(p_actor, t, n) = 0 THEN
        -- Nothing changed: no new version, no event, no notification.
        RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
        RETURN;
    END IF;
    PERFORM desk_ticket_store(n);
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
END $$;
