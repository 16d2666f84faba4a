-- 001_schema.sql - first schema: agents, queues, requesters, tickets, the audit trail,
-- the functions deskd calls for every write, and the NOTIFY trigger behind live updates.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE agents (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9._-]{1,64}$'),
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('l1', 'l2', 'supervisor', 'admin')),
    -- bcrypt via pgcrypto's crypt(): salted, never the plaintext.
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE queues (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    tier        smallint NOT NULL CHECK (tier IN (1, 2)),
    description text NOT NULL DEFAULT ''
);

-- Which agents work which queue (L2 specialist groups are queues of tier 2).
CREATE TABLE queue_members (
    queue_id integer NOT NULL REFERENCES queues(id),
    agent_id integer NOT NULL REFERENCES agents(id),
    PRIMARY KEY (queue_id, agent_id)
);

CREATE TABLE requesters (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL,
    email        text,
    phone        text,
    organisation text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX requesters_name_idx ON requesters (lower(name) text_pattern_ops);
CREATE INDEX requesters_email_idx ON requesters (lower(email) text_pattern_ops);
CREATE INDEX requesters_phone_idx ON requesters (phone text_pattern_ops);

-- Impact (1 high .. 3 low) x urgency (1 high .. 3 low) -> priority 1..4. Configurable.
CREATE TABLE priority_matrix (
    impact   smallint NOT NULL CHECK (impact BETWEEN 1 AND 3),
    urgency  smallint NOT NULL CHECK (urgency BETWEEN 1 AND 3),
    priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
    PRIMARY KEY (impact, urgency)
);
INSERT INTO priority_matrix VALUES
    (1, 1, 1), (1, 2, 2), (1, 3, 3),
    (2, 1, 2), (2, 2, 3), (2, 3, 4),
    (3, 1, 3), (3, 2, 4), (3, 3, 4);

CREATE SEQUENCE ticket_number_seq START 1001;

CREATE TABLE tickets (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number       bigint NOT NULL UNIQUE DEFAULT nextval('ticket_number_seq'),
    subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 32000),
    type         text NOT NULL DEFAULT 'incident'
                 CHECK (type IN ('incident', 'service_request', 'information_request', 'problem')),
    status       text NOT NULL DEFAULT 'new'
                 CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'resolved', 'closed', 'cancelled')),
    impact       smallint NOT NULL DEFAULT 3 CHECK (impact BETWEEN 1 AND 3),
    urgency      smallint NOT NULL DEFAULT 3 CHECK (urgency BETWEEN 1 AND 3),
    priority     smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
    queue_id     integer NOT NULL REFERENCES queues(id),
    assignee_id  integer REFERENCES agents(id),
    requester_id integer REFERENCES requesters(id),
    channel      text NOT NULL DEFAULT 'phone'
                 CHECK (channel IN ('phone', 'email', 'walk_in', 'portal', 'chat')),
    client_key   text UNIQUE,
    created_by   integer REFERENCES agents(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer NOT NULL DEFAULT 1
);
ALTER SEQUENCE ticket_number_seq OWNED BY tickets.number;
CREATE INDEX tickets_queue_status_idx ON tickets (queue_id, status, updated_at DESC);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id, status) WHERE assignee_id IS NOT NULL;
CREATE INDEX tickets_updated_idx ON tickets (updated_at DESC);
CREATE INDEX tickets_requester_idx ON tickets (requester_id);

-- Append-only audit trail: one row per change, written in the changing transaction.
CREATE TABLE ticket_events (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id bigint NOT NULL REFERENCES tickets(id),
    at        timestamptz NOT NULL DEFAULT now(),
    actor_id  integer REFERENCES agents(id),
    kind      text NOT NULL,
    field     text,
    old_value text,
    new_value text,
    note      text
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

CREATE FUNCTION desk_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ticket_events is append-only' USING ERRCODE = 'DK403';
END $$;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE OR DELETE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION desk_events_immutable();
CREATE TRIGGER ticket_events_no_truncate BEFORE TRUNCATE ON ticket_events
    FOR EACH STATEMENT EXECUTE FUNCTION desk_events_immutable();

-- What a ticket looks like on the wire.
CREATE VIEW ticket_view AS
SELECT t.id, 'HD-' || t.number AS key, t.subject, t.description, t.type, t.status,
       t.impact, t.urgency, t.priority, q.tier, t.queue_id, q.name AS queue,
       t.assignee_id, a.login AS assignee, t.requester_id, r.name AS requester,
       t.channel,
       (extract(epoch FROM t.created_at) * 1000)::bigint AS created_ms,
       (extract(epoch FROM t.updated_at) * 1000)::bigint AS updated_ms,
       t.version
  FROM tickets t
  JOIN queues q ON q.id = t.queue_id
  LEFT JOIN agents a ON a.id = t.assignee_id
  LEFT JOIN requesters r ON r.id = t.requester_id;

-- Every committed insert or update of a ticket tells every listening deskd:
-- payload "id queue_id old_queue_id".
CREATE FUNCTION desk_ticket_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('desk_ticket', NEW.id || ' ' || NEW.queue_id || ' ' ||
                      COALESCE(OLD.queue_id, NEW.queue_id));
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_notify AFTER INSERT OR UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION desk_ticket_notify();

-- One 'field' event per column that differs between two versions of a ticket row.
CREATE FUNCTION desk_record_changes(p_actor integer, p_old tickets, p_new tickets,
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
           AND o.key NOT IN ('version', 'updated_at')
         ORDER BY o.key
    LOOP
        INSERT INTO ticket_events (ticket_id, actor_id, kind, field, old_value, new_value)
        VALUES (p_new.id, p_actor, p_kind, k, v_old, v_new);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

-- Changes made by hand in SQL still bump the version and leave audit events.
CREATE FUNCTION desk_ticket_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('desk.via_api', true) IS DISTINCT FROM 'on' THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
        PERFORM desk_record_changes(NULL, OLD, NEW, 'sql_update');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER tickets_touch BEFORE UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION desk_ticket_touch();

CREATE FUNCTION desk_priority(p_impact smallint, p_urgency smallint) RETURNS smallint
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT priority FROM priority_matrix
                      WHERE impact = p_impact AND urgency = p_urgency), 4::smallint)
$$;

-- Login: returns the agent when the password matches.
CREATE FUNCTION desk_login(p_login text, p_password text)
RETURNS TABLE (id integer, login text, name text, role text)
LANGUAGE sql STABLE AS $$
    SELECT a.id, a.login, a.name, a.role FROM agents a
     WHERE a.login = p_login AND a.active
       AND a.password_hash = crypt(p_password, a.password_hash)
$$;

CREATE FUNCTION desk_set_password(p_login text, p_password text) RETURNS void
LANGUAGE sql AS $$
    UPDATE agents SET password_hash = crypt(p_password, gen_salt('bf', 8)) WHERE login = p_login
$$;

-- Create a ticket and its 'created' event in one transaction. A repeated client_key returns
-- the ticket created the first time instead of a duplicate.
CREATE FUNCTION desk_ticket_create(
    p_actor integer, p_subject text, p_description text, p_type text, p_impact smallint,
    p_urgency smallint, p_queue_id integer, p_requester_id integer, p_channel text,
    p_client_key text)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_queue integer := p_queue_id;
BEGIN
    IF p_client_key IS NOT NULL THEN
        SELECT t.id INTO v_id FROM tickets t WHERE t.client_key = p_client_key;
        IF FOUND THEN
            RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = v_id;
            RETURN;
        END IF;
    END IF;
    IF v_queue IS NULL THEN
        SELECT q.id INTO v_queue FROM queues q WHERE q.tier = 1 ORDER BY q.id LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no tier-1 queue exists' USING ERRCODE = 'DK404';
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM queues q WHERE q.id = v_queue) THEN
        RAISE EXCEPTION 'queue % does not exist', v_queue USING ERRCODE = 'DK404';
    END IF;
    IF p_requester_id IS NOT NULL AND
       NOT EXISTS (SELECT 1 FROM requesters r WHERE r.id = p_requester_id) THEN
        RAISE EXCEPTION 'requester % does not exist', p_requester_id USING ERRCODE = 'DK404';
    END IF;
    INSERT INTO tickets (subject, description, type, impact, urgency, priority, queue_id,
                         requester_id, channel, client_key, created_by)
    VALUES (p_subject, coalesce(p_description, ''), coalesce(p_type, 'incident'),
            coalesce(p_impact, 3), coalesce(p_urgency, 3),
            desk_priority(coalesce(p_impact, 3::smallint), coalesce(p_urgency, 3::smallint)),
            v_queue, p_requester_id, coalesce(p_channel, 'phone'), p_client_key, p_actor)
    RETURNING tickets.id INTO v_id;
    INSERT INTO ticket_events (ticket_id, actor_id, kind, new_value)
    VALUES (v_id, p_actor, 'created', p_subject);
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = v_id;
END $$;

-- Apply a set of field changes (a jsonb object) to a ticket at a known version. Every field
-- that really changes leaves one 'field' event with its old and new value.
CREATE FUNCTION desk_ticket_update(p_actor integer, p_id bigint, p_version integer,
                                   p_changes jsonb)
RETURNS SETOF ticket_view LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    n tickets%ROWTYPE;
    k text;
BEGIN
    SELECT * INTO t FROM tickets WHERE tickets.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ticket % does not exist', p_id USING ERRCODE = 'DK404';
    END IF;
    IF t.version <> p_version THEN
        RAISE EXCEPTION 'ticket % is at version %, not %', p_id, t.version, p_version
            USING ERRCODE = 'DK409';
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
    n.priority := desk_priority(n.impact, n.urgency);

    n.updated_at := now();
    IF desk_record_changes(p_actor, t, n) = 0 THEN
        -- Nothing changed: no new version, no event, no notification.
        RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
        RETURN;
    END IF;

    PERFORM set_config('desk.via_api', 'on', true);
    UPDATE tickets SET subject = n.subject, description = n.description, type = n.type,
           status = n.status, impact = n.impact, urgency = n.urgency, priority = n.priority,
           channel = n.channel, queue_id = n.queue_id, assignee_id = n.assignee_id,
           requester_id = n.requester_id, updated_at = now(), version = t.version + 1
     WHERE tickets.id = p_id;
    PERFORM set_config('desk.via_api', 'off', true);
    RETURN QUERY SELECT * FROM ticket_view WHERE ticket_view.id = p_id;
END $$;
