-- 003_work.sql - working a ticket: replies and notes with time spent, questions from L2 to
-- L1, hierarchical escalation (raise / acknowledge), merge and problem links, categories that
-- route, automatic assignment per queue, agent presence, requester and similar-ticket search.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ---------------------------------------------------------------- categories

CREATE TABLE categories (
    id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id        integer REFERENCES categories(id),
    name             text NOT NULL,
    default_queue_id integer REFERENCES queues(id),
    UNIQUE NULLS NOT DISTINCT (parent_id, name)
);
ALTER TABLE tickets ADD COLUMN category_id integer REFERENCES categories(id);

-- "Hardware/Printer": the path of a category.
CREATE FUNCTION desk_category_path(p_id integer) RETURNS text LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up(id, parent_id, name, depth) AS (
        SELECT id, parent_id, name, 0 FROM categories WHERE id = p_id
        UNION ALL
        SELECT c.id, c.parent_id, c.name, up.depth + 1
          FROM categories c JOIN up ON c.id = up.parent_id WHERE up.depth < 16)
    SELECT string_agg(name, '/' ORDER BY depth DESC) FROM up
$$;

-- The queue a category routes to: its own default, else its nearest ancestor's.
CREATE FUNCTION desk_category_queue(p_id integer) RETURNS integer LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up(id, parent_id, default_queue_id, depth) AS (
        SELECT id, parent_id, default_queue_id, 0 FROM categories WHERE id = p_id
        UNION ALL
        SELECT c.id, c.parent_id, c.default_queue_id, up.depth + 1
          FROM categories c JOIN up ON c.id = up.parent_id WHERE up.depth < 16)
    SELECT default_queue_id FROM up WHERE default_queue_id IS NOT NULL
     ORDER BY depth LIMIT 1
$$;

-- ---------------------------------------------------------------- conversation

CREATE TABLE ticket_comments (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id bigint NOT NULL REFERENCES tickets(id),
    at        timestamptz NOT NULL DEFAULT now(),
    author_id integer REFERENCES agents(id),
    -- reply: public, to the requester; note: internal; question: L2 asks L1 for information;
    -- answer: L1 answers an open question.
    kind      text NOT NULL CHECK (kind IN ('reply', 'note', 'question', 'answer')),
    body      text NOT NULL CHECK (length(body) BETWEEN 1 AND 32000),
    minutes   integer NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 1440)
);
CREATE INDEX ticket_comments_ticket_idx ON ticket_comments (ticket_id, id);
CREATE INDEX ticket_comments_author_idx ON ticket_comments (author_id, at);
CREATE TRIGGER ticket_comments_no_update BEFORE UPDATE OR DELETE ON ticket_comments
    FOR EACH ROW EXECUTE FUNCTION desk_events_immutable();

ALTER TABLE tickets
    ADD COLUMN minutes_spent   integer NOT NULL DEFAULT 0,
    ADD COLUMN question_open   boolean NOT NULL DEFAULT false,
    -- hierarchical escalation: none -> raised -> acknowledged
    ADD COLUMN raise_state     text NOT NULL DEFAULT 'none'
               CHECK (raise_state IN ('none', 'raised', 'acknowledged')),
    ADD COLUMN raise_reason    text,
    ADD COLUMN merged_into     bigint REFERENCES tickets(id),
    ADD COLUMN problem_id      bigint REFERENCES tickets(id);
CREATE INDEX tickets_raised_idx ON tickets (raise_state) WHERE raise_state = 'raised';
CREATE INDEX tickets_problem_idx ON tickets (problem_id) WHERE problem_id IS NOT NULL;
CREATE INDEX tickets_subject_trgm_idx ON tickets USING gin (subject gin_trgm_ops);

-- ---------------------------------------------------------------- routing and presence

ALTER TABLE queues
    ADD COLUMN assign_mode text NOT NULL DEFAULT 'manual'
               CHECK (assign_mode IN ('manual', 'round_robin', 'least_loaded')),
    ADD COLUMN max_load    integer NOT NULL DEFAULT 10 CHECK (max_load > 0),
    ADD COLUMN rr_last_agent integer REFERENCES agents(id);
ALTER TABLE agents ADD COLUMN last_seen timestamptz;

CREATE INDEX requesters_name_trgm_idx ON requesters USING gin (name gin_trgm_ops);
CREATE INDEX requesters_email_trgm_idx ON requesters USING gin (email gin_trgm_ops);
CREATE INDEX requesters_phone_trgm_idx ON requesters USING gin (phone gin_trgm_ops);

-- The view gains the new columns at its end.
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
           AS problem
  FROM tickets t
  JOIN queues q ON q.id = t.queue_id
  LEFT JOIN agents a ON a.id = t.assignee_id
  LEFT JOIN agents o ON o.id = t.owner_id
  LEFT JOIN requesters r ON r.id = t.requester_id;

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
           updated_at = now(), version = tickets.version + 1
     WHERE tickets.id = n.id;
    PERFORM set_config('desk.via_api', coalesce(v_prev, 'off'), true);
END $$;

-- Pick an agent for an unassigned ticket in an automatically assigned queue: members of the
-- queue seen in the last 90 s (logged in), under the queue's maximum load; round robin takes
-- the next after the last one picked, least loaded the one with fewest open tickets.
CREATE FUNCTION desk_pick_agent(p_queue_id integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    q queues%ROWTYPE;
    v_agent integer;
BEGIN
    SELECT * INTO q FROM queues WHERE id = p_queue_id FOR UPDATE;
    IF NOT FOUND OR q.assign_mode = 'manual' THEN
        RETURN NULL;
    END IF;
    WITH candidates AS (
        SELECT a.id,
               (SELECT count(*) FROM tickets t
                 WHERE t.assignee_id = a.id
                   AND t.status IN ('new', 'open', 'pending', 'on_hold')) AS load
          FROM queue_members m JOIN agents a ON a.id = m.agent_id
         WHERE m.queue_id = p_queue_id AND a.active AND a.role IN ('l1', 'l2', 'supervisor')
           AND a.last_seen > now() - interval '90 seconds')
    SELECT c.id INTO v_agent FROM candidates c
     WHERE c.load < q.max_load
     ORDER BY CASE WHEN q.assign_mode = 'least_loaded' THEN c.load ELSE 0 END,
              CASE WHEN q.assign_mode = 'round_robin'
                   THEN (c.id <= coalesce(q.rr_last_agent, 0))::int ELSE 0 END,
              c.id
     LIMIT 1;
    IF v_agent IS NOT NULL THEN
        UPDATE queues SET rr_last_agent = v_agent WHERE id = p_queue_id;
    END IF;
    RETURN v_agent;
END $$;

-- After a ticket lands unassigned in an automatically assigned queue, assign it.
CREATE FUNCTION desk_auto_assign() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_agent integer;
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
BEGIN
    IF NEW.assignee_id IS NOT NULL OR NEW.status NOT IN ('new', 'open') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.queue_id = NEW.queue_id THEN
        RETURN NULL;
    END IF;
    v_agent := desk_pick_agent(NEW.queue_id);
    IF v_agent IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT * INTO t FROM tickets WHERE id = NEW.id;
    n := t;
    n.assignee_id := v_agent;
    INSERT INTO ticket_events (ticket_id, actor_id, kind, field, old_value, new_value, note)
    VALUES (NEW.id, NULL, 'field', 'assignee_id', NULL, v_agent::text, 'auto-assigned');
    PERFORM desk_ticket_store(n);
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_auto_assign AFTER INSERT OR UPDATE OF queue_id ON tickets
    FOR EACH ROW EXECUTE FUNCTION desk_auto_assign();

-- ---------------------------------------------------------------- actions

-- Add a reply, note, question or answer. Needs no version: comments never conflict. Bumps
-- the ticket's version so every console sees the change.
CREATE FUNCTION desk_ticket_comment(p_actor integer, p_id bigint, p_kind text, p_body text,
                                    p_minutes integer)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
BEGIN
    SELECT * INTO t FROM tickets WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ticket % does not exist', p_id USING ERRCODE = 'DK404';
    END IF;
    IF p_kind = 'answer' AND NOT t.question_open THEN
        RAISE EXCEPTION 'there is no open question to answer' USING ERRCODE = 'DK422';
    END IF;
    n := t;
    n.minutes_spent := t.minutes_spent + coalesce(p_minutes, 0);
    IF p_kind = 'question' THEN
        n.question_open := true;
    ELSIF p_kind = 'answer' THEN
        n.question_open := false;
    END IF;
    INSERT INTO ticket_comments (ticket_id, author_id, kind, body, minutes)
    VALUES (p_id, p_actor, p_kind, p_body, coalesce(p_minutes, 0));
    INSERT INTO ticket_events (ticket_id, actor_id, kind, note)
    VALUES (p_id, p_actor, p_kind, left(p_body, 200));
    PERFORM desk_ticket_store(n);
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
END $$;

-- Hierarchical escalation: raise to supervisors with a reason (any agent), or acknowledge a
-- raised ticket (supervisors; deskd checks the role).
CREATE FUNCTION desk_ticket_raise(p_actor integer, p_id bigint, p_version integer,
                                  p_ack boolean, p_reason text)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
BEGIN
    t := desk_ticket_lock(p_id, p_version);
    n := t;
    IF p_ack THEN
        IF t.raise_state <> 'raised' THEN
            RAISE EXCEPTION 'the ticket is not raised' USING ERRCODE = 'DK422';
        END IF;
        n.raise_state := 'acknowledged';
    ELSE
        IF t.status IN ('closed', 'cancelled') THEN
            RAISE EXCEPTION 'a % ticket cannot be raised', t.status USING ERRCODE = 'DK422';
        END IF;
        IF t.raise_state = 'raised' THEN
            RAISE EXCEPTION 'the ticket is already raised' USING ERRCODE = 'DK422';
        END IF;
        n.raise_state := 'raised';
        n.raise_reason := p_reason;
    END IF;
    INSERT INTO ticket_events (ticket_id, actor_id, kind, note)
    VALUES (p_id, p_actor, CASE WHEN p_ack THEN 'raise_acknowledged' ELSE 'raised' END,
            p_reason);
    PERFORM desk_record_changes(p_actor, t, n);
    PERFORM desk_ticket_store(n);
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
END $$;

-- Merge a duplicate into a surviving ticket: the duplicate closes (resolution 'duplicate')
-- and points to the survivor; both histories record it.
CREATE FUNCTION desk_ticket_merge(p_actor integer, p_id bigint, p_version integer,
                                  p_into bigint)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
    s tickets%ROWTYPE;
BEGIN
    IF p_id = p_into THEN
        RAISE EXCEPTION 'a ticket cannot be merged into itself' USING ERRCODE = 'DK400';
    END IF;
    t := desk_ticket_lock(p_id, p_version);
    SELECT * INTO s FROM tickets WHERE id = p_into FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ticket % does not exist', p_into USING ERRCODE = 'DK404';
    END IF;
    IF t.status IN ('closed', 'cancelled') OR s.status IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'closed or cancelled tickets cannot be merged' USING ERRCODE = 'DK422';
    END IF;
    IF s.merged_into IS NOT NULL THEN
        RAISE EXCEPTION 'the target was itself merged' USING ERRCODE = 'DK422';
    END IF;
    n := t;
    n.status := 'closed';
    n.merged_into := p_into;
    n.resolution_code := 'duplicate';
    n.resolution_note := 'Duplicate of HD-' || s.number;
    n.resolved_at := now();
    INSERT INTO ticket_events (ticket_id, actor_id, kind, new_value, note)
    VALUES (p_id, p_actor, 'merged', 'HD-' || s.number, 'merged into HD-' || s.number),
           (p_into, p_actor, 'merged_from', 'HD-' || t.number,
            'HD-' || t.number || ' merged into this ticket');
    PERFORM desk_record_changes(p_actor, t, n);
    PERFORM desk_ticket_store(n);
    PERFORM desk_ticket_store(s); -- survivor's consoles learn of the merge too
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
END $$;

-- Link an incident to a problem ticket (p_problem NULL unlinks).
CREATE FUNCTION desk_ticket_link(p_actor integer, p_id bigint, p_version integer,
                                 p_problem bigint)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
    v_type text;
BEGIN
    t := desk_ticket_lock(p_id, p_version);
    IF p_problem IS NOT NULL THEN
        SELECT type INTO v_type FROM tickets WHERE id = p_problem;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'ticket % does not exist', p_problem USING ERRCODE = 'DK404';
        END IF;
        IF v_type <> 'problem' THEN
            RAISE EXCEPTION 'tickets are linked to a problem ticket' USING ERRCODE = 'DK400';
        END IF;
        IF p_problem = p_id THEN
            RAISE EXCEPTION 'a ticket cannot be linked to itself' USING ERRCODE = 'DK400';
        END IF;
    END IF;
    n := t;
    n.problem_id := p_problem;
    IF desk_record_changes(p_actor, t, n) > 0 THEN
        PERFORM desk_ticket_store(n);
    END IF;
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
END $$;

-- Resolve every open incident linked to a problem with the problem's resolution.
CREATE FUNCTION desk_problem_resolve_linked(p_actor integer, p_problem bigint)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    p tickets%ROWTYPE;
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
    c integer := 0;
BEGIN
    SELECT * INTO p FROM tickets WHERE id = p_problem;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ticket % does not exist', p_problem USING ERRCODE = 'DK404';
    END IF;
    IF p.status NOT IN ('resolved', 'closed') THEN
        RAISE EXCEPTION 'resolve the problem first' USING ERRCODE = 'DK422';
    END IF;
    FOR t IN SELECT * FROM tickets WHERE problem_id = p_problem
                AND status IN ('new', 'open', 'pending', 'on_hold') FOR UPDATE LOOP
        n := t;
        n.status := 'resolved';
        n.resolution_code := p.resolution_code;
        n.resolution_note := 'Resolved with problem HD-' || p.number || ': ' ||
                             coalesce(p.resolution_note, '');
        n.resolved_at := now();
        PERFORM desk_record_changes(p_actor, t, n);
        PERFORM desk_ticket_store(n);
        c := c + 1;
    END LOOP;
    RETURN c;
END $$;

-- Create, now also with a category that routes the ticket when no queue is given.
CREATE FUNCTION desk_ticket_create2(
    p_actor integer, p_subject text, p_description text, p_type text, p_impact smallint,
    p_urgency smallint, p_queue_id integer, p_requester_id integer, p_channel text,
    p_client_key text, p_category_id integer)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    v_queue integer := p_queue_id;
    v_id bigint;
BEGIN
    IF p_category_id IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM categories WHERE id = p_category_id) THEN
            RAISE EXCEPTION 'category % does not exist', p_category_id USING ERRCODE = 'DK404';
        END IF;
        IF v_queue IS NULL THEN
            v_queue := desk_category_queue(p_category_id);
        END IF;
    END IF;
    SELECT id INTO v_id FROM desk_ticket_create(p_actor, p_subject, p_description, p_type,
        p_impact, p_urgency, v_queue, p_requester_id, p_channel, p_client_key);
    IF p_category_id IS NOT NULL THEN
        PERFORM set_config('desk.via_api', 'on', true);
        -- Set once at creation (no version bump): part of the 'created' state.
        UPDATE tickets SET category_id = p_category_id
         WHERE id = v_id AND category_id IS NULL;
        PERFORM set_config('desk.via_api', 'off', true);
    END IF;
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = v_id;
END $$;

-- Demo-friendly default categories.
INSERT INTO categories (name) VALUES ('Hardware'), ('Access'), ('Network'), ('Software'),
    ('Security');
INSERT INTO categories (parent_id, name)
SELECT c.id, x.name FROM categories c
  JOIN (VALUES ('Hardware', 'Printer'), ('Hardware', 'Laptop'), ('Hardware', 'Monitor'),
               ('Access', 'Password'), ('Access', 'Permissions'), ('Network', 'VPN'),
               ('Network', 'Wi-Fi'), ('Software', 'Mail'), ('Software', 'ERP'),
               ('Security', 'Phishing')) AS x(parent, name) ON x.parent = c.name
 WHERE c.parent_id IS NULL;
UPDATE categories c SET default_queue_id = q.id FROM queues q
 WHERE c.parent_id IS NULL AND q.name = CASE c.name WHEN 'Hardware' THEN 'Hardware'
     WHEN 'Network' THEN 'Network' WHEN 'Software' THEN 'Applications'
     WHEN 'Security' THEN 'Security' END;
