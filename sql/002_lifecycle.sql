-- 002_lifecycle.sql - the ticket lifecycle: an enforced status transition table, resolution
-- codes, reopen window and automatic closing, the L1 owner (single point of contact),
-- functional escalation to L2 groups with its path, and taking a ticket.

CREATE TABLE desk_settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO desk_settings VALUES
    ('reopen_window_hours', '168'),  -- a resolved ticket may be reopened for 7 days
    ('auto_close_hours', '72');      -- resolved tickets close by themselves after 3 days

CREATE FUNCTION desk_setting_int(p_key text, p_default integer) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT value::integer FROM desk_settings WHERE key = p_key), p_default)
$$;

-- Which status may follow which. common/ticket.c holds the same table for the console.
CREATE TABLE status_transitions (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO status_transitions VALUES
    ('new', 'open'), ('new', 'pending'), ('new', 'on_hold'), ('new', 'resolved'),
    ('new', 'cancelled'),
    ('open', 'pending'), ('open', 'on_hold'), ('open', 'resolved'), ('open', 'cancelled'),
    ('pending', 'open'), ('pending', 'on_hold'), ('pending', 'resolved'),
    ('pending', 'cancelled'),
    ('on_hold', 'open'), ('on_hold', 'pending'), ('on_hold', 'resolved'),
    ('on_hold', 'cancelled'),
    ('resolved', 'open'), ('resolved', 'closed');

CREATE TABLE resolution_codes (
    code  text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,32}$'),
    label text NOT NULL
);
INSERT INTO resolution_codes VALUES
    ('fixed', 'Fixed'),
    ('workaround', 'Workaround provided'),
    ('advice', 'Advice / how-to given'),
    ('user_error', 'User error'),
    ('no_fault_found', 'No fault found'),
    ('duplicate', 'Duplicate'),
    ('out_of_scope', 'Out of scope');

ALTER TABLE tickets
    ADD COLUMN owner_id        integer REFERENCES agents(id),
    ADD COLUMN resolution_code text REFERENCES resolution_codes(code),
    ADD COLUMN resolution_note text CHECK (length(resolution_note) <= 4000),
    ADD COLUMN resolved_at     timestamptz;
UPDATE tickets SET owner_id = created_by WHERE owner_id IS NULL;
UPDATE tickets SET resolved_at = updated_at WHERE status IN ('resolved', 'closed')
   AND resolved_at IS NULL;
CREATE INDEX tickets_resolved_idx ON tickets (resolved_at) WHERE status = 'resolved';

-- The agent who registered the contact stays its owner (SPOC) through escalations.
CREATE FUNCTION desk_ticket_default_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.owner_id := coalesce(NEW.owner_id, NEW.created_by);
    RETURN NEW;
END $$;
CREATE TRIGGER tickets_default_owner BEFORE INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION desk_ticket_default_owner();

-- Escalation path: every functional escalation and hand-back, in order.
CREATE TABLE ticket_escalations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id     bigint NOT NULL REFERENCES tickets(id),
    at            timestamptz NOT NULL DEFAULT now(),
    kind          text NOT NULL CHECK (kind IN ('functional', 'handback')),
    actor_id      integer REFERENCES agents(id),
    from_queue_id integer NOT NULL REFERENCES queues(id),
    to_queue_id   integer NOT NULL REFERENCES queues(id),
    reason        text NOT NULL,
    tried         text NOT NULL DEFAULT ''
);
CREATE INDEX ticket_escalations_ticket_idx ON ticket_escalations (ticket_id, id);
CREATE TRIGGER ticket_escalations_no_update BEFORE UPDATE OR DELETE ON ticket_escalations
    FOR EACH ROW EXECUTE FUNCTION desk_events_immutable();

CREATE OR REPLACE VIEW ticket_view AS
SELECT t.id, 'HD-' || t.number AS key, t.subject, t.description, t.type, t.status,
       t.impact, t.urgency, t.priority, q.tier, t.queue_id, q.name AS queue,
       t.assignee_id, a.login AS assignee, t.requester_id, r.name AS requester,
       t.channel,
       (extract(epoch FROM t.created_at) * 1000)::bigint AS created_ms,
       (extract(epoch FROM t.updated_at) * 1000)::bigint AS updated_ms,
       t.version,
       t.owner_id, o.login AS owner, t.resolution_code, t.resolution_note,
       (extract(epoch FROM t.resolved_at) * 1000)::bigint AS resolved_ms
  FROM tickets t
  JOIN queues q ON q.id = t.queue_id
  LEFT JOIN agents a ON a.id = t.assignee_id
  LEFT JOIN agents o ON o.id = t.owner_id
  LEFT JOIN requesters r ON r.id = t.requester_id;

-- Lock a ticket at the version the client saw; raise not found / stale otherwise.
CREATE FUNCTION desk_ticket_lock(p_id bigint, p_version integer) RETURNS tickets
LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
BEGIN
    SELECT * INTO t FROM tickets WHERE tickets.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ticket % does not exist', p_id USING ERRCODE = 'DK404';
    END IF;
    IF t.version <> p_version THEN
        RAISE EXCEPTION 'ticket % is at version %, not %', p_id, t.version, p_version
            USING ERRCODE = 'DK409';
    END IF;
    RETURN t;
END $$;

-- Check a status change against the transition table and its rules; fills in the
-- resolution bookkeeping on n.
CREATE FUNCTION desk_check_transition(t tickets, INOUT n tickets)
LANGUAGE plpgsql AS $$
BEGIN
    IF n.status = t.status THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM status_transitions
                    WHERE from_status = t.status AND to_status = n.status) THEN
        RAISE EXCEPTION 'a ticket cannot go from % to %', t.status, n.status
            USING ERRCODE = 'DK422';
    END IF;
    IF n.status = 'resolved' THEN
        IF n.resolution_code IS NULL OR coalesce(btrim(n.resolution_note), '') = '' THEN
            RAISE EXCEPTION 'resolving needs a resolution_code and a resolution_note'
                USING ERRCODE = 'DK400';
        END IF;
        n.resolved_at := now();
    ELSIF t.status = 'resolved' AND n.status = 'open' THEN
        IF t.resolved_at < now() - make_interval(
               hours => desk_setting_int('reopen_window_hours', 168)) THEN
            RAISE EXCEPTION 'the reopen window of % hours has passed; open a new ticket',
                desk_setting_int('reopen_window_hours', 168) USING ERRCODE = 'DK422';
        END IF;
        n.resolved_at := NULL;
        n.resolution_code := NULL;
        n.resolution_note := NULL;
    END IF;
END $$;

-- Write n over the ticket as deskd (no sql_update events), bumping the version.
CREATE FUNCTION desk_ticket_store(n tickets) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('desk.via_api', 'on', true);
    UPDATE tickets SET subject = n.subject, description = n.description, type = n.type,
           status = n.status, impact = n.impact, urgency = n.urgency, priority = n.priority,
           channel = n.channel, queue_id = n.queue_id, assignee_id = n.assignee_id,
           requester_id = n.requester_id, owner_id = n.owner_id,
           resolution_code = n.resolution_code, resolution_note = n.resolution_note,
           resolved_at = n.resolved_at, updated_at = now(), version = tickets.version + 1
     WHERE tickets.id = n.id;
    PERFORM set_config('desk.via_api', 'off', true);
END $$;

CREATE OR REPLACE FUNCTION desk_ticket_update(p_actor integer, p_id bigint, p_version integer,
                                              p_changes jsonb)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
    k text;
BEGIN
    t := desk_ticket_lock(p_id, p_version);
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
        ELSE
            RAISE EXCEPTION 'field % cannot be changed', k USING ERRCODE = 'DK400';
        END CASE;
    END LOOP;
    IF t.status IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'ticket is %; it cannot change any more', t.status
            USING ERRCODE = 'DK422';
    END IF;
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

-- Take a ticket: the actor becomes its assignee; a new ticket becomes open.
CREATE FUNCTION desk_ticket_take(p_actor integer, p_id bigint, p_version integer)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
BEGIN
    t := desk_ticket_lock(p_id, p_version);
    IF t.status NOT IN ('new', 'open', 'pending', 'on_hold') THEN
        RAISE EXCEPTION 'a % ticket cannot be taken', t.status USING ERRCODE = 'DK422';
    END IF;
    n := t;
    n.assignee_id := p_actor;
    IF n.status = 'new' THEN
        n.status := 'open';
    END IF;
    IF desk_record_changes(p_actor, t, n) > 0 THEN
        PERFORM desk_ticket_store(n);
    END IF;
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
END $$;

-- Functional escalation to a tier-2 group (or hand-back to a tier-1 queue). The owner (the
-- L1 agent in contact with the requester) stays; the assignee is cleared so the target group
-- picks it up from its escalation queue.
CREATE FUNCTION desk_ticket_escalate(p_actor integer, p_id bigint, p_version integer,
                                     p_queue_id integer, p_reason text, p_tried text)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
    v_tier smallint;
    v_from_tier smallint;
    v_kind text;
BEGIN
    t := desk_ticket_lock(p_id, p_version);
    SELECT q.tier INTO v_tier FROM queues q WHERE q.id = p_queue_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'queue % does not exist', p_queue_id USING ERRCODE = 'DK404';
    END IF;
    SELECT q.tier INTO v_from_tier FROM queues q WHERE q.id = t.queue_id;
    IF t.status NOT IN ('new', 'open', 'pending', 'on_hold') THEN
        RAISE EXCEPTION 'a % ticket cannot be escalated', t.status USING ERRCODE = 'DK422';
    END IF;
    IF p_queue_id = t.queue_id THEN
        RAISE EXCEPTION 'the ticket is already in that queue' USING ERRCODE = 'DK422';
    END IF;
    v_kind := CASE WHEN v_tier = 1 AND v_from_tier = 2 THEN 'handback' ELSE 'functional' END;
    IF v_tier = 1 AND v_kind = 'functional' THEN
        RAISE EXCEPTION 'functional escalation goes to a tier-2 group' USING ERRCODE = 'DK400';
    END IF;
    n := t;
    n.queue_id := p_queue_id;
    n.assignee_id := CASE WHEN v_kind = 'handback' THEN t.owner_id ELSE NULL END;
    IF n.status = 'new' THEN
        n.status := 'open';
    END IF;
    INSERT INTO ticket_escalations (ticket_id, kind, actor_id, from_queue_id, to_queue_id,
                                    reason, tried)
    VALUES (p_id, v_kind, p_actor, t.queue_id, p_queue_id, p_reason, coalesce(p_tried, ''));
    INSERT INTO ticket_events (ticket_id, actor_id, kind, old_value, new_value, note)
    VALUES (p_id, p_actor, CASE WHEN v_kind = 'handback' THEN 'handed_back' ELSE 'escalated' END,
            (SELECT name FROM queues WHERE id = t.queue_id),
            (SELECT name FROM queues WHERE id = p_queue_id),
            p_reason || CASE WHEN coalesce(p_tried, '') <> '' THEN E'\nTried: ' || p_tried
                             ELSE '' END);
    PERFORM desk_record_changes(p_actor, t, n);
    PERFORM desk_ticket_store(n);
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
END $$;

-- Close resolved tickets whose auto-close time has passed; returns how many. Safe to run
-- from several deskd processes at once (row locks, SKIP LOCKED).
CREATE FUNCTION desk_auto_close() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
    c integer := 0;
BEGIN
    FOR t IN SELECT * FROM tickets
              WHERE status = 'resolved'
                AND resolved_at < now() - make_interval(
                        hours => desk_setting_int('auto_close_hours', 72))
              ORDER BY resolved_at LIMIT 500
                FOR UPDATE SKIP LOCKED LOOP
        n := t;
        n.status := 'closed';
        PERFORM desk_record_changes(NULL, t, n);
        PERFORM desk_ticket_store(n);
        c := c + 1;
    END LOOP;
    RETURN c;
END $$;

-- Bookkeeping columns are not worth an event of their own.
CREATE OR REPLACE FUNCTION desk_record_changes(p_actor integer, p_old tickets, p_new tickets,
                                               p_kind text DEFAULT 'field') RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    k text;
    v_old text;
    v_new text;
    n integer := 0;
BEGIN
    FOR k, v_old, v_new IN
        SELECT o.key, o.value, nw.value
          FROM jsonb_each_text(to_jsonb(p_old)) o
          JOIN jsonb_each_text(to_jsonb(p_new)) nw USING (key)
         WHERE o.value IS DISTINCT FROM nw.value
           AND o.key NOT IN ('version', 'updated_at', 'resolved_at')
         ORDER BY o.key
    LOOP
        INSERT INTO ticket_events (ticket_id, actor_id, kind, field, old_value, new_value)
        VALUES (p_new.id, p_actor, p_kind, k, v_old, v_new);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
