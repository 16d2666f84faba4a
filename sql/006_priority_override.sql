-- 006_priority_override.sql - a supervisor may override the computed priority with a reason;
-- the override stays visible on the ticket and survives impact/urgency changes until cleared.

ALTER TABLE tickets
    ADD COLUMN priority_override boolean NOT NULL DEFAULT false,
    ADD COLUMN priority_reason   text;

CREATE OR REPLACE VIEW ticket_view AS
SELECT t.id, 'HD-' || t.number AS key, t.subject, t.description, t.type, t.status,
       t.impact, t.urgency, t.priority, q.tier, t.queue_id, q.name AS queue,
       t.assignee_id, a.login AS assignee, t.requester_id, r.name AS requester,
       t.channel,
       (extract(epoch FROM t.created_at) * 1000)::bigint AS created_ms,
       (extract(epoch FROM t.updated_at) * 1000)::bigint AS updated_ms,
       t.version,
       t.owner_id, o.login AS owner, t.resolution_code, t.resolution_note,
       (extract(epoch FROM t.resolved_at) * 1000)::bigint AS resolved_ms,
       t.category_id, desk_category_path(t.category_id) AS category,
       t.minutes_spent, t.question_open, t.raise_state, t.raise_reason,
       CASE WHEN t.merged_into IS NULL THEN NULL
            ELSE (SELECT 'HD-' || m.number FROM tickets m WHERE m.id = t.merged_into) END
           AS merged_into,
       CASE WHEN t.problem_id IS NULL THEN NULL
            ELSE (SELECT 'HD-' || p.number FROM tickets p WHERE p.id = t.problem_id) END
           AS problem,
       (extract(epoch FROM e.at) * 1000)::bigint AS escalated_ms,
       e.reason AS escalation_reason,
       t.priority_override, t.priority_reason
  FROM tickets t
  JOIN queues q ON q.id = t.queue_id
  LEFT JOIN agents a ON a.id = t.assignee_id
  LEFT JOIN agents o ON o.id = t.owner_id
  LEFT JOIN requesters r ON r.id = t.requester_id
  LEFT JOIN LATERAL (SELECT x.at, x.reason FROM ticket_escalations x
                      WHERE x.ticket_id = t.id ORDER BY x.id DESC LIMIT 1) e ON true;

CREATE OR REPLACE FUNCTION desk_ticket_store(n tickets) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_prev text := current_setting('desk.via_api', true);
BEGIN
    PERFORM set_config('desk.via_api', 'on', true);
    UPDATE tickets SET subject = n.subject, description = n.description, type = n.type,
           status = n.status, impact = n.impact, urgency = n.urgency, priority = n.priority,
           channel = n.channel, queue_id = n.queue_id, assignee_id = n.assignee_id,
           requester_id = n.requester_id, owner_id = n.owner_id,
           resolution_code = n.resolution_code, resolution_note = n.resolution_note,
           resolved_at = n.resolved_at, category_id = n.category_id,
           minutes_spent = n.minutes_spent, question_open = n.question_open,
           raise_state = n.raise_state, raise_reason = n.raise_reason,
           merged_into = n.merged_into, problem_id = n.problem_id,
           priority_override = n.priority_override, priority_reason = n.priority_reason,
           updated_at = now(), version = tickets.version + 1
     WHERE tickets.id = n.id;
    PERFORM set_config('desk.via_api', coalesce(v_prev, 'off'), true);
END $$;

-- Set (p_priority 1..4) or clear (NULL) a supervisor's priority override. deskd checks the
-- role; the reason is required when setting.
CREATE FUNCTION desk_ticket_set_priority(p_actor integer, p_id bigint, p_version integer,
                                         p_priority smallint, p_reason text)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
BEGIN
    t := desk_ticket_lock(p_id, p_version);
    IF t.status IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'ticket is %; it cannot change any more', t.status
            USING ERRCODE = 'DK422';
    END IF;
    n := t;
    IF p_priority IS NULL THEN
        n.priority_override := false;
        n.priority_reason := NULL;
        n.priority := desk_priority(n.impact, n.urgency);
    ELSE
        IF coalesce(btrim(p_reason), '') = '' THEN
            RAISE EXCEPTION 'overriding the priority needs a reason' USING ERRCODE = 'DK400';
        END IF;
        n.priority_override := true;
        n.priority_reason := p_reason;
        n.priority := p_priority;
    END IF;
    IF desk_record_changes(p_actor, t, n) > 0 THEN
        PERFORM desk_ticket_store(n);
    END IF;
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
END $$;

-- Impact/urgency changes recompute the priority (desk_ticket_update) unless an override
-- holds: the same rules as 004, plus that.
CREATE OR REPLACE FUNCTION desk_check_transition(t tickets, INOUT n tickets)
LANGUAGE plpgsql AS $$
BEGIN
    -- A supervisor's override holds through impact and urgency changes.
    IF t.priority_override AND n.priority_override THEN
        n.priority := t.priority;
    END IF;
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
