-- 008_sla.sql - service level agreements: business calendars, policies with targets per
-- priority, escalation levels, and one clock per ticket and target.
--
-- The split of work: PostgreSQL keeps the facts of every clock (when it started, every pause
-- in wall-clock time, when it was met, which steps have fired) and fires the steps whose time
-- has come (desk_sla_fire_due). Business-time arithmetic lives in one place, common/bizcal.c:
-- deskd's scheduler (server/sla.c) reads every clock marked dirty, computes its due, warning
-- and next firing instants, and writes them back (desk_sla_computed). One deskd at a time
-- holds the scheduler's advisory lock (desk_sla_tick).

CREATE FUNCTION desk_ms(p timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT (extract(epoch FROM p) * 1000)::bigint
$$;

-- ---------------------------------------------------------------- calendars

CREATE TABLE calendars (
    id     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name   text NOT NULL UNIQUE,
    tz     text NOT NULL DEFAULT 'UTC',       -- IANA zone the hours are read in
    always boolean NOT NULL DEFAULT false     -- 24x7: every second counts, no holidays
);

-- Refuse zones PostgreSQL does not know (it reads the same system tzdata as deskd).
CREATE FUNCTION desk_calendar_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = NEW.tz) THEN
        RAISE EXCEPTION 'unknown time zone "%"', NEW.tz USING ERRCODE = 'DK400';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER calendars_check BEFORE INSERT OR UPDATE OF tz ON calendars
    FOR EACH ROW EXECUTE FUNCTION desk_calendar_check();

-- Working hours: weekday 0 = Sunday .. 6 = Saturday. A closing time at or before the opening
-- time means the shift ends the next day (22:00-06:00); 00:00-00:00 is the whole day.
CREATE TABLE calendar_hours (
    calendar_id integer NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    weekday     smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens       time NOT NULL,
    closes      time NOT NULL,
    PRIMARY KEY (calendar_id, weekday, opens)
);

-- A holiday blanks one local calendar day (00:00-24:00) of its calendar.
CREATE TABLE calendar_holidays (
    calendar_id integer NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    day         date NOT NULL,
    name        text NOT NULL DEFAULT '',
    PRIMARY KEY (calendar_id, day)
);

-- A queue's calendar applies when its ticket's policy names none; new queues get the one
-- named by the 'default_calendar' setting. With neither, every second counts.
ALTER TABLE queues ADD COLUMN calendar_id integer REFERENCES calendars(id);
INSERT INTO desk_settings VALUES ('default_calendar', 'Office hours');
CREATE FUNCTION desk_default_calendar() RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT c.id FROM calendars c JOIN desk_settings s ON s.key = 'default_calendar'
     WHERE c.name = s.value
$$;
ALTER TABLE queues ALTER COLUMN calendar_id SET DEFAULT desk_default_calendar();

-- ---------------------------------------------------------------- policies

-- The policy of a ticket: among the policies whose conditions all hold (a NULL condition
-- holds for every ticket), the lowest rank; on equal ranks the one with more conditions; then
-- the oldest. See docs/admin-guide.md.
CREATE TABLE sla_policies (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    calendar_id  integer REFERENCES calendars(id),   -- NULL: the queue's calendar
    queue_id     integer REFERENCES queues(id),
    ticket_type  text CHECK (ticket_type IN ('incident', 'service_request',
                                             'information_request', 'problem')),
    organisation text,                               -- the requester's organisation
    rank         integer NOT NULL DEFAULT 100,
    warn_pct     smallint NOT NULL DEFAULT 75 CHECK (warn_pct BETWEEN 1 AND 99)
);

-- Targets per priority, in business time of the policy's calendar. A policy without a
-- target of some kind for a priority has no such clock for those tickets.
CREATE TABLE sla_targets (
    policy_id integer NOT NULL REFERENCES sla_policies(id) ON DELETE CASCADE,
    priority  smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
    kind      text NOT NULL CHECK (kind IN ('first_response', 'resolution', 'next_update')),
    target    interval NOT NULL CHECK (target > interval '0' AND target <= interval '3650 days'),
    PRIMARY KEY (policy_id, priority, kind)
);

-- Escalation levels beyond the built-in warning (warn_pct) and breach (100 %): each fires
-- once, in order of pct, with its actions.
CREATE TABLE sla_levels (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    policy_id   integer NOT NULL REFERENCES sla_policies(id) ON DELETE CASCADE,
    kind        text CHECK (kind IN ('first_response', 'resolution', 'next_update')),
    pct         smallint NOT NULL CHECK (pct BETWEEN 1 AND 1000),
    notify      boolean NOT NULL DEFAULT true,      -- push an alert to the ticket's followers
    escalate_to integer REFERENCES queues(id),      -- functional escalation to this group
    raise       boolean NOT NULL DEFAULT false,     -- hierarchical: raise to supervisors
    priority_up boolean NOT NULL DEFAULT false      -- one priority step up (override)
);
CREATE INDEX sla_levels_policy_idx ON sla_levels (policy_id);

-- Statuses in which the resolution and next-update clocks stop.
CREATE TABLE sla_pause_statuses (
    status text PRIMARY KEY CHECK (status IN ('new', 'open', 'pending', 'on_hold'))
);
INSERT INTO sla_pause_statuses VALUES ('pending'), ('on_hold');

-- ---------------------------------------------------------------- clocks

CREATE SEQUENCE sla_stamp_seq;

CREATE TABLE ticket_sla (
    ticket_id    bigint NOT NULL REFERENCES tickets(id),
    kind         text NOT NULL CHECK (kind IN ('first_response', 'resolution', 'next_update')),
    policy_id    integer REFERENCES sla_policies(id) ON DELETE SET NULL,
    calendar_id  integer REFERENCES calendars(id) ON DELETE SET NULL,
    target_s     bigint,               -- business seconds; NULL: no target any more
    warn_pct     smallint NOT NULL DEFAULT 75,
    -- Facts, kept by the triggers below.
    started_at   timestamptz,          -- NULL: not running yet (next update before a reply)
    paused_since timestamptz,
    met_at       timestamptz,          -- resolution: resolved; next update: stopped
    warned_at    timestamptz,
    breached_at  timestamptz,
    fired_pct    smallint NOT NULL DEFAULT 0,   -- the last step fired, as (pct, ord)
    fired_ord    integer NOT NULL DEFAULT 0,
    -- Computed by deskd's scheduler from the facts and the calendar.
    due_at       timestamptz,
    warn_at      timestamptz,
    next_fire_at timestamptz,
    paused_s     bigint NOT NULL DEFAULT 0,     -- business seconds in closed pauses
    left_s       bigint,                        -- business seconds left, while paused
    elapsed_s    bigint,                        -- business seconds run until met
    dirty        boolean NOT NULL DEFAULT true, -- facts changed since the last computation
    rev          bigint NOT NULL DEFAULT 1,     -- bumped with every change of the facts
    stamp        bigint NOT NULL DEFAULT nextval('sla_stamp_seq'), -- bumped on every change
    PRIMARY KEY (ticket_id, kind)
);
CREATE INDEX ticket_sla_fire_idx ON ticket_sla (next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE INDEX ticket_sla_dirty_idx ON ticket_sla (ticket_id) WHERE dirty;
CREATE INDEX ticket_sla_due_idx ON ticket_sla (due_at) WHERE met_at IS NULL;

CREATE TABLE ticket_sla_pauses (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id bigint NOT NULL REFERENCES tickets(id),
    kind      text NOT NULL,
    from_at   timestamptz NOT NULL,
    to_at     timestamptz,             -- NULL: still paused
    reason    text NOT NULL            -- the status, or 'resolved' for a reopened ticket
);
CREATE INDEX ticket_sla_pauses_idx ON ticket_sla_pauses (ticket_id, kind, from_at);

-- Every change of a clock's facts marks it dirty for the scheduler; the scheduler's own
-- write-back (desk.sla_compute) clears it. A clock met after its due time without the breach
-- having fired yet (the scheduler fires within a second) records the breach here.
CREATE FUNCTION desk_sla_before_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.stamp := nextval('sla_stamp_seq');
    IF current_setting('desk.sla_compute', true) = 'on' THEN
        RETURN NEW;
    END IF;
    NEW.rev := OLD.rev + 1;
    NEW.dirty := true;
    NEW.next_fire_at := NULL;
    IF NEW.met_at IS NOT NULL AND OLD.met_at IS NULL AND NEW.breached_at IS NULL
       AND NOT OLD.dirty AND OLD.due_at IS NOT NULL AND NEW.met_at > OLD.due_at THEN
        NEW.breached_at := OLD.due_at;
        INSERT INTO ticket_events (ticket_id, actor_id, kind, field, new_value, note)
        VALUES (NEW.ticket_id, NULL, 'sla_breach', NEW.kind, '100%',
                'met after the due time ' || to_char(OLD.due_at AT TIME ZONE 'UTC',
                                                     'YYYY-MM-DD HH24:MI:SS "UTC"'));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ticket_sla_before_update BEFORE UPDATE ON ticket_sla
    FOR EACH ROW EXECUTE FUNCTION desk_sla_before_update();

-- A dirty clock wakes the scheduler; a computed one is pushed to the consoles as a ticket
-- change (desk_ticket_notify's payload, tagged "sla": the ticket's version did not change).
CREATE FUNCTION desk_sla_after_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_queue integer;
BEGIN
    IF NEW.dirty THEN
        PERFORM pg_notify('desk_sla_dirty', '');
    ELSE
        SELECT queue_id INTO v_queue FROM tickets WHERE id = NEW.ticket_id;
        PERFORM pg_notify('desk_ticket',
                          NEW.ticket_id || ' ' || v_queue || ' ' || v_queue || ' sla');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ticket_sla_after_change AFTER INSERT OR UPDATE ON ticket_sla
    FOR EACH ROW EXECUTE FUNCTION desk_sla_after_change();

-- The policy for a ticket (all NULLs when none matches).
CREATE FUNCTION desk_sla_policy_for(t tickets) RETURNS sla_policies LANGUAGE sql STABLE AS $$
    SELECT p.* FROM sla_policies p
     WHERE (p.queue_id IS NULL OR p.queue_id = t.queue_id)
       AND (p.ticket_type IS NULL OR p.ticket_type = t.type)
       AND (p.organisation IS NULL OR p.organisation =
            (SELECT r.organisation FROM requesters r WHERE r.id = t.requester_id))
     ORDER BY p.rank,
              (p.queue_id IS NOT NULL)::int + (p.ticket_type IS NOT NULL)::int +
              (p.organisation IS NOT NULL)::int DESC,
              p.id
     LIMIT 1
$$;

-- The steps a clock fires, in order: the warning, the breach, then the policy's levels.
-- A step is identified by (pct, ord); a clock remembers the last one fired, so a step whose
-- pct has already passed never fires twice, even after a change of policy.
CREATE FUNCTION desk_sla_steps(p_policy integer, p_kind text, p_warn smallint)
RETURNS TABLE (pct smallint, ord integer, step text, level_id integer)
LANGUAGE sql STABLE AS $$
    SELECT p_warn, 0, 'warning', NULL::integer
    UNION ALL
    SELECT 100::smallint, 1, 'breach', NULL::integer
    UNION ALL
    SELECT l.pct, 1 + l.id, 'level', l.id FROM sla_levels l
     WHERE l.policy_id = p_policy AND (l.kind IS NULL OR l.kind = p_kind)
$$;

-- Bring a ticket's clocks in line with the ticket: policy and targets (priority, queue, type,
-- requester), pauses, met and reopened. Priority or policy changes keep the start, the
-- pauses and the steps already fired: the new target is measured from the same start.
CREATE FUNCTION desk_sla_sync(p_id bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t tickets%ROWTYPE;
    p sla_policies%ROWTYPE;
    o ticket_sla%ROWTYPE;
    n ticket_sla%ROWTYPE;
    k text;
    v_found boolean;
    v_pause boolean;
    v_done boolean;
    v_spoke boolean;
    v_now timestamptz := now();
BEGIN
    SELECT * INTO t FROM tickets WHERE id = p_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    p := desk_sla_policy_for(t);
    v_pause := t.status IN (SELECT status FROM sla_pause_statuses);
    v_done := t.status IN ('resolved', 'closed', 'cancelled');
    -- An agent logging a phone call or a walk-in has spoken to the requester: that contact
    -- is the first response.
    v_spoke := t.channel IN ('phone', 'walk_in') AND t.created_by IS NOT NULL;
    FOREACH k IN ARRAY ARRAY['first_response', 'resolution', 'next_update'] LOOP
        SELECT * INTO o FROM ticket_sla WHERE ticket_id = p_id AND kind = k FOR UPDATE;
        v_found := FOUND;
        n := o;
        n.ticket_id := p_id;
        n.kind := k;
        n.policy_id := p.id;
        n.calendar_id := coalesce(p.calendar_id,
                                  (SELECT q.calendar_id FROM queues q WHERE q.id = t.queue_id));
        n.warn_pct := coalesce(p.warn_pct, 75);
        n.target_s := (SELECT extract(epoch FROM g.target)::bigint FROM sla_targets g
                        WHERE g.policy_id = p.id AND g.priority = t.priority AND g.kind = k);
        IF NOT v_found THEN
            IF n.target_s IS NULL THEN
                CONTINUE;
            END IF;
            n.fired_pct := 0;
            n.fired_ord := 0;
            n.paused_s := 0;
            n.dirty := true;
            n.rev := 1;
        END IF;

        IF k = 'first_response' THEN
            n.started_at := t.created_at;
            IF n.met_at IS NULL AND v_spoke THEN
                n.met_at := t.created_at;
            ELSIF n.met_at IS NULL AND v_done THEN
                n.met_at := coalesce(t.resolved_at, v_now);
            END IF;
        ELSE
            IF k = 'resolution' THEN
                n.started_at := t.created_at;
            ELSIF n.started_at IS NULL THEN
                -- The next update is due a target after the latest public reply.
                n.started_at := coalesce(
                    (SELECT max(c.at) FROM ticket_comments c
                      WHERE c.ticket_id = p_id AND c.kind = 'reply'),
                    CASE WHEN v_spoke THEN t.created_at END);
            END IF;
            IF v_done AND n.met_at IS NULL THEN
                n.met_at := coalesce(t.resolved_at, v_now);
            ELSIF NOT v_done AND n.met_at IS NOT NULL THEN
                -- Reopened: the time spent resolved does not count.
                INSERT INTO ticket_sla_pauses (ticket_id, kind, from_at, to_at, reason)
                VALUES (p_id, k, n.met_at, greatest(n.met_at, v_now), 'resolved');
                n.met_at := NULL;
            END IF;
            IF v_pause AND NOT v_done AND n.paused_since IS NULL THEN
                n.paused_since := v_now;
                INSERT INTO ticket_sla_pauses (ticket_id, kind, from_at, reason)
                VALUES (p_id, k, v_now, t.status);
            ELSIF NOT (v_pause AND NOT v_done) AND n.paused_since IS NOT NULL THEN
                UPDATE ticket_sla_pauses SET to_at = greatest(from_at, v_now)
                 WHERE ticket_id = p_id AND kind = k AND to_at IS NULL;
                n.paused_since := NULL;
            END IF;
        END IF;

        IF NOT v_found THEN
            INSERT INTO ticket_sla (ticket_id, kind, policy_id, calendar_id, target_s, warn_pct,
                                    started_at, paused_since, met_at)
            VALUES (n.ticket_id, n.kind, n.policy_id, n.calendar_id, n.target_s, n.warn_pct,
                    n.started_at, n.paused_since, n.met_at);
        ELSIF n IS DISTINCT FROM o THEN
            IF n.policy_id IS DISTINCT FROM o.policy_id THEN
                INSERT INTO ticket_events (ticket_id, actor_id, kind, field, old_value,
                                           new_value)
                VALUES (p_id, NULL, 'sla_policy', k,
                        (SELECT name FROM sla_policies WHERE id = o.policy_id),
                        (SELECT name FROM sla_policies WHERE id = n.policy_id));
            END IF;
            UPDATE ticket_sla SET policy_id = n.policy_id, calendar_id = n.calendar_id,
                   target_s = n.target_s, warn_pct = n.warn_pct, started_at = n.started_at,
                   paused_since = n.paused_since, met_at = n.met_at
             WHERE ticket_id = p_id AND kind = k;
        END IF;
    END LOOP;
END $$;

-- A public reply meets the first response and restarts the next-update clock.
CREATE FUNCTION desk_sla_reply(p_id bigint, p_at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticket_sla SET met_at = p_at
     WHERE ticket_id = p_id AND kind = 'first_response' AND met_at IS NULL;
    UPDATE ticket_sla SET started_at = p_at, fired_pct = 0, fired_ord = 0, warned_at = NULL,
           breached_at = NULL
     WHERE ticket_id = p_id AND kind = 'next_update' AND met_at IS NULL;
END $$;

CREATE FUNCTION desk_sla_ticket_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM desk_sla_sync(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_sla AFTER INSERT OR UPDATE OF status, priority, queue_id, type,
    requester_id, channel, created_at, resolved_at ON tickets
    FOR EACH ROW EXECUTE FUNCTION desk_sla_ticket_trigger();

CREATE FUNCTION desk_sla_comment_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM desk_sla_reply(NEW.ticket_id, NEW.at);
    RETURN NULL;
END $$;
CREATE TRIGGER ticket_comments_sla AFTER INSERT ON ticket_comments
    FOR EACH ROW WHEN (NEW.kind = 'reply') EXECUTE FUNCTION desk_sla_comment_trigger();

-- Mark every running clock dirty, locking in key order (as the scheduler does).
CREATE FUNCTION desk_sla_touch_open() RETURNS void LANGUAGE sql AS $$
    UPDATE ticket_sla s SET rev = s.rev
      FROM (SELECT ticket_id, kind FROM ticket_sla WHERE met_at IS NULL
             ORDER BY ticket_id, kind FOR UPDATE) o
     WHERE s.ticket_id = o.ticket_id AND s.kind = o.kind
$$;

-- Configuration changes apply to the open tickets at once: new policies or targets re-sync
-- them, new hours or holidays make their clocks recompute. deskd reloads its calendars on
-- 'desk_config'.
CREATE FUNCTION desk_sla_config_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME IN ('calendars', 'calendar_hours', 'calendar_holidays') THEN
        PERFORM pg_notify('desk_config', 'calendars');
        PERFORM desk_sla_touch_open();
    ELSE
        PERFORM desk_sla_sync(t.id) FROM tickets t
         WHERE t.status IN ('new', 'open', 'pending', 'on_hold');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER calendars_sla AFTER INSERT OR UPDATE OR DELETE ON calendars
    FOR EACH STATEMENT EXECUTE FUNCTION desk_sla_config_trigger();
CREATE TRIGGER calendar_hours_sla AFTER INSERT OR UPDATE OR DELETE ON calendar_hours
    FOR EACH STATEMENT EXECUTE FUNCTION desk_sla_config_trigger();
CREATE TRIGGER calendar_holidays_sla AFTER INSERT OR UPDATE OR DELETE ON calendar_holidays
    FOR EACH STATEMENT EXECUTE FUNCTION desk_sla_config_trigger();
CREATE TRIGGER sla_policies_sla AFTER INSERT OR UPDATE OR DELETE ON sla_policies
    FOR EACH STATEMENT EXECUTE FUNCTION desk_sla_config_trigger();
CREATE TRIGGER sla_targets_sla AFTER INSERT OR UPDATE OR DELETE ON sla_targets
    FOR EACH STATEMENT EXECUTE FUNCTION desk_sla_config_trigger();
CREATE TRIGGER sla_pause_statuses_sla AFTER INSERT OR UPDATE OR DELETE ON sla_pause_statuses
    FOR EACH STATEMENT EXECUTE FUNCTION desk_sla_config_trigger();
CREATE TRIGGER queues_calendar_sla AFTER UPDATE OF calendar_id ON queues
    FOR EACH STATEMENT EXECUTE FUNCTION desk_sla_config_trigger();
CREATE TRIGGER requesters_org_sla AFTER UPDATE OF organisation ON requesters
    FOR EACH STATEMENT EXECUTE FUNCTION desk_sla_config_trigger();
-- New levels only change what fires next: recompute the open clocks.
CREATE FUNCTION desk_sla_levels_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM desk_sla_touch_open();
    RETURN NULL;
END $$;
CREATE TRIGGER sla_levels_sla AFTER INSERT OR UPDATE OR DELETE ON sla_levels
    FOR EACH STATEMENT EXECUTE FUNCTION desk_sla_levels_trigger();

-- ---------------------------------------------------------------- the scheduler's half

-- What deskd needs to compute the dirty clocks: the facts, the next step's pct, and the
-- pauses as "from:to" in Unix seconds (to empty while open), oldest first.
CREATE FUNCTION desk_sla_dirty(p_limit integer)
RETURNS TABLE (ticket_id bigint, kind text, rev bigint, calendar_id integer, started_s bigint,
               target_s bigint, warn_pct smallint, next_pct smallint, met_s bigint,
               pauses text)
LANGUAGE sql STABLE AS $$
    SELECT s.ticket_id, s.kind, s.rev, s.calendar_id,
           floor(extract(epoch FROM s.started_at))::bigint, s.target_s, s.warn_pct,
           (SELECT x.pct FROM desk_sla_steps(s.policy_id, s.kind, s.warn_pct) x
             WHERE (x.pct, x.ord) > (s.fired_pct, s.fired_ord)
             ORDER BY x.pct, x.ord LIMIT 1),
           floor(extract(epoch FROM s.met_at))::bigint,
           (SELECT string_agg(floor(extract(epoch FROM z.from_at))::bigint || ':' ||
                              coalesce(ceil(extract(epoch FROM z.to_at))::bigint::text, ''),
                              ',' ORDER BY z.from_at, z.id)
              FROM ticket_sla_pauses z WHERE z.ticket_id = s.ticket_id AND z.kind = s.kind)
      FROM ticket_sla s
     WHERE s.dirty
     ORDER BY s.ticket_id, s.kind
     LIMIT p_limit
$$;

-- deskd's results for the clocks it read (times in Unix ms, NULL for none). A clock whose
-- facts changed since it was read (rev) stays dirty and is computed again.
CREATE FUNCTION desk_sla_computed(p_ids bigint[], p_kinds text[], p_revs bigint[],
                                  p_due bigint[], p_warn bigint[], p_next bigint[],
                                  p_paused bigint[], p_left bigint[], p_elapsed bigint[])
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_n integer;
BEGIN
    PERFORM set_config('desk.sla_compute', 'on', true);
    -- Only the clocks nobody else holds (a ticket change or a configuration change may be
    -- updating them): the others stay dirty and are computed again on the next cycle, so the
    -- scheduler never waits for a lock and cannot deadlock.
    WITH mine AS (
        SELECT s.ticket_id, s.kind FROM ticket_sla s
          JOIN unnest(p_ids, p_kinds, p_revs) AS k(id, kind, rev)
            ON s.ticket_id = k.id AND s.kind = k.kind AND s.rev = k.rev
         ORDER BY s.ticket_id, s.kind
           FOR UPDATE OF s SKIP LOCKED)
    UPDATE ticket_sla s
       SET due_at = to_timestamp(u.due / 1000.0), warn_at = to_timestamp(u.warn / 1000.0),
           next_fire_at = to_timestamp(u.nxt / 1000.0), paused_s = u.paused, left_s = u.lft,
           elapsed_s = u.elapsed, dirty = false
      FROM unnest(p_ids, p_kinds, p_revs, p_due, p_warn, p_next, p_paused, p_left, p_elapsed)
           AS u(id, kind, rev, due, warn, nxt, paused, lft, elapsed), mine
     WHERE s.ticket_id = u.id AND s.kind = u.kind AND s.rev = u.rev
       AND mine.ticket_id = s.ticket_id AND mine.kind = s.kind;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM set_config('desk.sla_compute', 'off', true);
    RETURN v_n;
END $$;

CREATE FUNCTION desk_sla_label(p_kind text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_kind WHEN 'first_response' THEN 'first response'
                       WHEN 'next_update' THEN 'next update' ELSE p_kind END
$$;

-- Fire every step whose time has come, each once, in order: an audit event, the level's
-- actions, and a 'desk_sla' notification "ticket kind step pct actions" for the consoles.
-- A clock fires one step per call; its next step's time is computed by deskd first.
CREATE FUNCTION desk_sla_fire_due(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    c record;
    r ticket_sla%ROWTYPE;
    st record;
    l sla_levels%ROWTYPE;
    t tickets%ROWTYPE;
    v_n integer := 0;
    v_actions text[];
    v_why text;
    v_queue text;
BEGIN
    -- Locks go ticket first, then clock, as in every ticket change (whose triggers lock the
    -- clocks); and never wait: a ticket or clock someone holds is fired on a later tick.
    FOR c IN SELECT s.ticket_id, s.kind FROM ticket_sla s
              WHERE s.next_fire_at <= clock_timestamp() AND NOT s.dirty
              ORDER BY s.next_fire_at LIMIT p_limit LOOP
        PERFORM 1 FROM tickets WHERE id = c.ticket_id FOR UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND;
        SELECT * INTO r FROM ticket_sla s
         WHERE s.ticket_id = c.ticket_id AND s.kind = c.kind
           AND s.next_fire_at <= clock_timestamp() AND NOT s.dirty
           FOR UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND;
        SELECT * INTO st FROM desk_sla_steps(r.policy_id, r.kind, r.warn_pct) x
         WHERE (x.pct, x.ord) > (r.fired_pct, r.fired_ord) ORDER BY x.pct, x.ord LIMIT 1;
        IF NOT FOUND THEN
            UPDATE ticket_sla SET rev = rev WHERE ticket_id = r.ticket_id AND kind = r.kind;
            CONTINUE;
        END IF;
        v_actions := '{}';
        v_why := 'SLA ' || desk_sla_label(r.kind) || ' at ' || st.pct || ' %';
        l := NULL;
        IF st.step = 'level' THEN
            SELECT * INTO l FROM sla_levels WHERE id = st.level_id;
            IF l.escalate_to IS NOT NULL THEN
                SELECT name INTO v_queue FROM queues WHERE id = l.escalate_to;
                BEGIN
                    SELECT * INTO t FROM tickets WHERE id = r.ticket_id FOR UPDATE;
                    PERFORM desk_ticket_escalate(NULL, t.id, t.version, l.escalate_to, v_why,
                                                 '');
                    v_actions := v_actions || ('escalated to ' || v_queue);
                EXCEPTION WHEN deadlock_detected OR lock_not_available OR serialization_failure THEN
                    RAISE;
                WHEN others THEN
                    v_actions := v_actions || ('not escalated to ' || v_queue || ': ' || SQLERRM);
                END;
            END IF;
            IF l.raise THEN
                BEGIN
                    SELECT * INTO t FROM tickets WHERE id = r.ticket_id FOR UPDATE;
                    PERFORM desk_ticket_raise(NULL, t.id, t.version, false, v_why);
                    v_actions := v_actions || 'raised to supervisors'::text;
                EXCEPTION WHEN deadlock_detected OR lock_not_available OR serialization_failure THEN
                    RAISE;
                WHEN others THEN
                    v_actions := v_actions || ('not raised: ' || SQLERRM);
                END;
            END IF;
            IF l.priority_up THEN
                BEGIN
                    SELECT * INTO t FROM tickets WHERE id = r.ticket_id FOR UPDATE;
                    IF t.priority > 1 THEN
                        PERFORM desk_ticket_set_priority(NULL, t.id, t.version,
                                                         (t.priority - 1)::smallint, v_why);
                        v_actions := v_actions || ('priority P' || t.priority || ' -> P' ||
                                                   t.priority - 1);
                    ELSE
                        v_actions := v_actions || 'priority already P1'::text;
                    END IF;
                EXCEPTION WHEN deadlock_detected OR lock_not_available OR serialization_failure THEN
                    RAISE;
                WHEN others THEN
                    v_actions := v_actions || ('priority unchanged: ' || SQLERRM);
                END;
            END IF;
        END IF;
        INSERT INTO ticket_events (ticket_id, actor_id, kind, field, new_value, note)
        VALUES (r.ticket_id, NULL, 'sla_' || st.step, r.kind, st.pct || '%',
                'due ' || to_char(r.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') ||
                CASE WHEN cardinality(v_actions) > 0
                     THEN '; ' || array_to_string(v_actions, '; ') ELSE '' END);
        UPDATE ticket_sla
           SET fired_pct = st.pct, fired_ord = st.ord,
               warned_at = CASE WHEN st.step = 'warning' THEN r.next_fire_at ELSE warned_at END,
               breached_at = CASE WHEN st.step = 'breach' THEN coalesce(breached_at, r.next_fire_at)
                                  ELSE breached_at END
         WHERE ticket_id = r.ticket_id AND kind = r.kind;
        IF st.step <> 'level' OR l.notify THEN
            PERFORM pg_notify('desk_sla', left(r.ticket_id || ' ' || r.kind || ' ' || st.step ||
                                               ' ' || st.pct || ' ' ||
                                               array_to_string(v_actions, '; '), 7000));
        END IF;
        v_n := v_n + 1;
    END LOOP;
    RETURN v_n;
END $$;

-- One scheduler for all deskd processes: the caller's session holds (or takes) the advisory
-- lock, then fires what is due. -1: another session holds the lock. The lock is the
-- session's, so it passes to another deskd when the holder's connection ends.
CREATE FUNCTION desk_sla_tick(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_locks
                    WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                      AND classid = 1684370283 AND objid = 1 AND objsubid = 2) THEN
        IF NOT pg_try_advisory_lock(1684370283, 1) THEN
            RETURN -1;
        END IF;
    END IF;
    RETURN desk_sla_fire_due(p_limit);
END $$;

-- Calendars as deskd loads them: hours as "weekday start_min end_min" (end past 1440 runs
-- into the next day), holidays as ISO dates.
CREATE VIEW calendar_spec AS
SELECT c.id, c.tz, c.always,
       (SELECT string_agg(h.weekday || ' ' || (extract(epoch FROM h.opens) / 60)::int || ' ' ||
                          ((extract(epoch FROM h.closes) / 60)::int +
                           CASE WHEN h.closes <= h.opens THEN 1440 ELSE 0 END), ',')
          FROM calendar_hours h WHERE h.calendar_id = c.id) AS hours,
       (SELECT string_agg(to_char(d.day, 'YYYY-MM-DD'), ',')
          FROM calendar_holidays d WHERE d.calendar_id = c.id) AS holidays
  FROM calendars c;

-- ---------------------------------------------------------------- the wire

-- The view gains the clocks at its end: per kind (fr_, res_, nu_) the target and the
-- instants in Unix ms, plus the policy, a stamp that grows with every clock change, and the
-- earliest due among the running clocks.
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
       t.priority_override, t.priority_reason,
       sp.name AS sla_policy,
       coalesce(greatest(f.stamp, rs.stamp, nu.stamp), 0) AS sla_stamp,
       desk_ms(least(CASE WHEN f.met_at IS NULL AND f.paused_since IS NULL THEN f.due_at END,
                     CASE WHEN rs.met_at IS NULL AND rs.paused_since IS NULL THEN rs.due_at END,
                     CASE WHEN nu.met_at IS NULL AND nu.paused_since IS NULL THEN nu.due_at END))
           AS sla_due_ms,
       f.target_s AS fr_target_s, desk_ms(f.due_at) AS fr_due_ms,
       desk_ms(f.warn_at) AS fr_warn_ms, desk_ms(f.met_at) AS fr_met_ms,
       desk_ms(f.breached_at) AS fr_breached_ms, desk_ms(f.paused_since) AS fr_paused_ms,
       f.paused_s AS fr_paused_s, f.left_s AS fr_left_s,
       rs.target_s AS res_target_s, desk_ms(rs.due_at) AS res_due_ms,
       desk_ms(rs.warn_at) AS res_warn_ms, desk_ms(rs.met_at) AS res_met_ms,
       desk_ms(rs.breached_at) AS res_breached_ms, desk_ms(rs.paused_since) AS res_paused_ms,
       rs.paused_s AS res_paused_s, rs.left_s AS res_left_s,
       nu.target_s AS nu_target_s, desk_ms(nu.due_at) AS nu_due_ms,
       desk_ms(nu.warn_at) AS nu_warn_ms, desk_ms(nu.met_at) AS nu_met_ms,
       desk_ms(nu.breached_at) AS nu_breached_ms, desk_ms(nu.paused_since) AS nu_paused_ms,
       nu.paused_s AS nu_paused_s, nu.left_s AS nu_left_s
  FROM tickets t
  JOIN queues q ON q.id = t.queue_id
  LEFT JOIN agents a ON a.id = t.assignee_id
  LEFT JOIN agents o ON o.id = t.owner_id
  LEFT JOIN requesters r ON r.id = t.requester_id
  LEFT JOIN LATERAL (SELECT x.at, x.reason FROM ticket_escalations x
                      WHERE x.ticket_id = t.id ORDER BY x.id DESC LIMIT 1) e ON true
  LEFT JOIN ticket_sla f ON f.ticket_id = t.id AND f.kind = 'first_response'
  LEFT JOIN ticket_sla rs ON rs.ticket_id = t.id AND rs.kind = 'resolution'
  LEFT JOIN ticket_sla nu ON nu.ticket_id = t.id AND nu.kind = 'next_update'
  LEFT JOIN sla_policies sp ON sp.id = coalesce(rs.policy_id, f.policy_id, nu.policy_id);

-- ---------------------------------------------------------------- defaults

-- Out of the box: office hours (Mon-Fri 09:00-17:00, UTC until an admin sets the zone), a
-- 24x7 calendar, and one policy for every ticket. Admins edit these (docs/admin-guide.md).
INSERT INTO calendars (name, tz, always) VALUES ('Office hours', 'UTC', false),
                                               ('24x7', 'UTC', true);
INSERT INTO calendar_hours (calendar_id, weekday, opens, closes)
SELECT c.id, d, '09:00', '17:00' FROM calendars c, generate_series(1, 5) d
 WHERE c.name = 'Office hours';
UPDATE queues SET calendar_id = (SELECT id FROM calendars WHERE name = 'Office hours');
INSERT INTO sla_policies (name, rank) VALUES ('Standard', 1000);
INSERT INTO sla_targets (policy_id, priority, kind, target)
SELECT p.id, x.priority, x.kind, x.target::interval
  FROM sla_policies p,
       (VALUES (1, 'first_response', '15 minutes'), (1, 'resolution', '4 hours'),
               (1, 'next_update', '1 hour'),
               (2, 'first_response', '30 minutes'), (2, 'resolution', '8 hours'),
               (2, 'next_update', '2 hours'),
               (3, 'first_response', '2 hours'), (3, 'resolution', '24 hours'),
               (4, 'first_response', '4 hours'), (4, 'resolution', '40 hours'))
       AS x(priority, kind, target)
 WHERE p.name = 'Standard';
INSERT INTO sla_levels (policy_id, kind, pct, raise)
SELECT id, 'resolution', 150, true FROM sla_policies WHERE name = 'Standard';
