-- 009_dashboard.sql - the supervisor dashboard and the reports: indexes that keep them off
-- full scans at a million tickets, the reopen count, presence, and one function per panel
-- and per report. Definitions of every metric: docs/metrics.md.

INSERT INTO desk_settings VALUES
    ('report_tz', 'UTC'),      -- the zone "today" and report days are read in
    ('fcr_minutes', '30');     -- resolved this soon after creation counts as first contact

CREATE FUNCTION desk_setting_text(p_key text, p_default text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT value FROM desk_settings WHERE key = p_key), p_default)
$$;

-- Start of the current day in the reporting zone.
CREATE FUNCTION desk_day_start() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT date_trunc('day', now() AT TIME ZONE desk_setting_text('report_tz', 'UTC'))
           AT TIME ZONE desk_setting_text('report_tz', 'UTC')
$$;

CREATE INDEX tickets_created_idx ON tickets (created_at);
CREATE INDEX tickets_resolved_at_idx ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX tickets_assignee_resolved_idx ON tickets (assignee_id, resolved_at)
    WHERE resolved_at IS NOT NULL;
CREATE INDEX ticket_sla_met_idx ON ticket_sla (met_at) WHERE met_at IS NOT NULL;
CREATE INDEX ticket_sla_breached_idx ON ticket_sla (breached_at) WHERE breached_at IS NOT NULL;
CREATE INDEX ticket_escalations_at_idx ON ticket_escalations (at);

-- How often a ticket was reopened (resolved -> open), for first-contact resolution.
ALTER TABLE tickets ADD COLUMN reopen_count integer NOT NULL DEFAULT 0;
CREATE FUNCTION desk_count_reopen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'resolved' AND NEW.status = 'open' THEN
        NEW.reopen_count := OLD.reopen_count + 1;
    END IF;
    RETURN NEW;
END $$;
-- Named to run before tickets_touch (BEFORE triggers run in name order).
CREATE TRIGGER tickets_count_reopen BEFORE UPDATE OF status ON tickets
    FOR EACH ROW EXECUTE FUNCTION desk_count_reopen();

-- Presence beyond "connected": the console reports 'away' after a while without keys.
ALTER TABLE agents ADD COLUMN presence text NOT NULL DEFAULT 'online'
    CHECK (presence IN ('online', 'away'));

-- ---------------------------------------------------------------- metric helpers

-- First-contact resolution: resolved within fcr_minutes of creation, never escalated to a
-- tier-2 group, never reopened.
CREATE FUNCTION desk_first_contact(t tickets, p_fcr_minutes integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT t.resolved_at IS NOT NULL
       AND t.resolved_at - t.created_at <= make_interval(mins => p_fcr_minutes)
       AND t.reopen_count = 0
       AND NOT EXISTS (SELECT 1 FROM ticket_escalations e
                        WHERE e.ticket_id = t.id AND e.kind = 'functional')
$$;

-- A decided clock was met on time: met, not breached, not after its due time.
CREATE FUNCTION desk_on_time(p_met timestamptz, p_due timestamptz, p_breached timestamptz)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_met IS NOT NULL AND p_breached IS NULL AND (p_due IS NULL OR p_met <= p_due)
$$;

-- ---------------------------------------------------------------- dashboard panels

-- Per queue: the open tickets by state. Reads only open tickets (tickets_queue_status_idx)
-- and their clocks by primary key.
CREATE FUNCTION desk_dash_queues()
RETURNS TABLE (queue_id integer, name text, tier smallint, n_new bigint, n_open bigint,
               n_pending bigint, n_on_hold bigint, n_unassigned bigint, n_at_risk bigint,
               n_breached bigint, oldest_ms bigint)
LANGUAGE sql STABLE AS $$
    SELECT q.id, q.name, q.tier,
           count(*) FILTER (WHERE t.status = 'new'),
           count(*) FILTER (WHERE t.status = 'open'),
           count(*) FILTER (WHERE t.status = 'pending'),
           count(*) FILTER (WHERE t.status = 'on_hold'),
           count(*) FILTER (WHERE t.id IS NOT NULL AND t.assignee_id IS NULL),
           count(*) FILTER (WHERE c.state = 'warning'),
           count(*) FILTER (WHERE c.state = 'breached'),
           desk_ms(min(t.created_at) FILTER (WHERE t.status = 'new' OR t.assignee_id IS NULL))
      FROM queues q
      LEFT JOIN tickets t ON t.queue_id = q.id
                         AND t.status IN ('new', 'open', 'pending', 'on_hold')
      LEFT JOIN LATERAL (
          SELECT CASE WHEN bool_or(s.breached_at IS NOT NULL OR s.due_at <= now())
                      THEN 'breached'
                      WHEN bool_or(s.warn_at <= now()) THEN 'warning' END AS state
            FROM ticket_sla s
           WHERE s.ticket_id = t.id AND s.met_at IS NULL AND s.paused_since IS NULL
             AND s.target_s IS NOT NULL) c ON t.id IS NOT NULL
     GROUP BY q.id, q.name, q.tier
     ORDER BY q.tier, q.name
$$;

-- Per agent who works tickets: presence, load and today's work.
CREATE FUNCTION desk_dash_agents()
RETURNS TABLE (agent_id integer, login text, name text, role text, presence text,
               open_assigned bigint, max_load integer, resolved_today bigint,
               minutes_today bigint)
LANGUAGE sql STABLE AS $$
    SELECT a.id, a.login, a.name, a.role,
           CASE WHEN a.last_seen IS NULL OR a.last_seen < now() - interval '90 seconds'
                THEN 'offline' ELSE a.presence END,
           (SELECT count(*) FROM tickets t
             WHERE t.assignee_id = a.id AND t.status IN ('new', 'open', 'pending', 'on_hold')),
           coalesce((SELECT min(q.max_load) FROM queue_members m JOIN queues q ON q.id = m.queue_id
                      WHERE m.agent_id = a.id), 10),
           (SELECT count(*) FROM tickets t
             WHERE t.assignee_id = a.id AND t.resolved_at >= desk_day_start()),
           (SELECT coalesce(sum(c.minutes), 0) FROM ticket_comments c
             WHERE c.author_id = a.id AND c.at >= desk_day_start())
      FROM agents a
     WHERE a.active AND a.role IN ('l1', 'l2', 'supervisor')
     ORDER BY a.role, a.login
$$;

-- Today's KPIs (from desk_day_start()). Durations in seconds; NULL when nothing to measure.
CREATE FUNCTION desk_dash_kpis()
RETURNS TABLE (created bigint, resolved bigint, first_contact bigint, escalated bigint,
               fr_decided bigint, fr_on_time bigint, res_decided bigint, res_on_time bigint,
               ttfr_median_s double precision, ttfr_p90_s double precision,
               ttr_mean_s double precision, ttr_biz_mean_s double precision)
LANGUAGE sql STABLE AS $$
    WITH d AS (SELECT desk_day_start() AS since, desk_setting_int('fcr_minutes', 30) AS fcr),
    made AS (
        SELECT count(*) AS created,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ticket_escalations e
                                               WHERE e.ticket_id = t.id
                                                 AND e.kind = 'functional')) AS escalated
          FROM tickets t, d WHERE t.created_at >= d.since),
    done AS (
        SELECT count(*) AS resolved,
               count(*) FILTER (WHERE desk_first_contact(t, d.fcr)) AS first_contact,
               avg(extract(epoch FROM t.resolved_at - t.created_at)) AS ttr,
               avg(s.elapsed_s) AS ttr_biz
          FROM tickets t CROSS JOIN d
          LEFT JOIN ticket_sla s ON s.ticket_id = t.id AND s.kind = 'resolution'
         WHERE t.resolved_at >= d.since AND t.status IN ('resolved', 'closed')),
    clocks AS (
        SELECT s.ticket_id, s.kind, s.met_at, s.started_at, s.due_at, s.breached_at
          FROM ticket_sla s JOIN tickets t ON t.id = s.ticket_id AND t.status <> 'cancelled', d
         WHERE s.met_at >= d.since
        UNION
        SELECT s.ticket_id, s.kind, s.met_at, s.started_at, s.due_at, s.breached_at
          FROM ticket_sla s JOIN tickets t ON t.id = s.ticket_id AND t.status <> 'cancelled', d
         WHERE s.breached_at >= d.since),
    sla AS (
        SELECT count(*) FILTER (WHERE kind = 'first_response') AS fr_decided,
               count(*) FILTER (WHERE kind = 'first_response' AND desk_on_time(met_at, due_at,
                                                                               breached_at))
                   AS fr_on_time,
               count(*) FILTER (WHERE kind = 'resolution') AS res_decided,
               count(*) FILTER (WHERE kind = 'resolution' AND desk_on_time(met_at, due_at,
                                                                           breached_at))
                   AS res_on_time,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM met_at - started_at))
                   FILTER (WHERE kind = 'first_response' AND met_at > started_at) AS ttfr_median,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM met_at - started_at))
                   FILTER (WHERE kind = 'first_response' AND met_at > started_at) AS ttfr_p90
          FROM clocks)
    SELECT made.created, done.resolved, done.first_contact, made.escalated,
           sla.fr_decided, sla.fr_on_time, sla.res_decided, sla.res_on_time,
           sla.ttfr_median, sla.ttfr_p90, done.ttr, done.ttr_biz
      FROM made, done, sla
$$;

-- Tickets created and resolved per hour over the last 24 hours, oldest first.
CREATE FUNCTION desk_dash_hourly()
RETURNS TABLE (hour_ms bigint, created bigint, resolved bigint)
LANGUAGE sql STABLE AS $$
    WITH h AS (SELECT generate_series(date_trunc('hour', now()) - interval '23 hours',
                                      date_trunc('hour', now()), interval '1 hour') AS at)
    SELECT desk_ms(h.at),
           (SELECT count(*) FROM tickets t
             WHERE t.created_at >= h.at AND t.created_at < h.at + interval '1 hour'),
           (SELECT count(*) FROM tickets t
             WHERE t.resolved_at >= h.at AND t.resolved_at < h.at + interval '1 hour')
      FROM h ORDER BY h.at
$$;

-- Tickets that need a supervisor first: raised ones, then breached running clocks.
CREATE FUNCTION desk_dash_attention(p_limit integer) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT id FROM (
        SELECT t.id, 0 AS rank, t.updated_at AS at FROM tickets t WHERE t.raise_state = 'raised'
        UNION ALL
        SELECT s.ticket_id, 1, s.due_at FROM ticket_sla s
          JOIN tickets t ON t.id = s.ticket_id
         WHERE s.met_at IS NULL AND s.due_at <= now() AND s.paused_since IS NULL
           AND t.raise_state <> 'raised'
           AND t.status IN ('new', 'open', 'pending', 'on_hold')) x
     GROUP BY id
     ORDER BY min(rank), min(at)
     LIMIT p_limit
$$;

-- ---------------------------------------------------------------- reports

-- Every category with the name of its top-level ancestor (categories are few: computed
-- once per query and hash-joined).
CREATE VIEW category_roots AS
WITH RECURSIVE up(id, root_id, depth) AS (
    SELECT id, id, 0 FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, up.root_id, up.depth + 1 FROM categories c JOIN up ON c.parent_id = up.id
     WHERE up.depth < 32)
SELECT up.id, r.name AS root FROM up JOIN categories r ON r.id = up.root_id;

-- One row per ticket with what the reports group and measure by. The category is the
-- top-level one; the agent is the assignee.
CREATE VIEW report_facts AS
SELECT t.id, t.created_at, t.resolved_at, t.status, t.type, t.channel, t.priority,
       t.reopen_count, q.name AS queue, q.tier, coalesce(a.login, '(unassigned)') AS agent,
       t.assignee_id,
       coalesce(cr.root, '(none)') AS category,
       EXISTS (SELECT 1 FROM ticket_escalations e
                WHERE e.ticket_id = t.id AND e.kind = 'functional') AS escalated,
       fr.started_at AS fr_started_at, fr.met_at AS fr_met_at, fr.due_at AS fr_due_at,
       fr.breached_at AS fr_breached_at, fr.elapsed_s AS fr_elapsed_s,
       rs.started_at AS res_started_at, rs.met_at AS res_met_at, rs.due_at AS res_due_at,
       rs.breached_at AS res_breached_at, rs.elapsed_s AS res_elapsed_s
  FROM tickets t
  JOIN queues q ON q.id = t.queue_id
  LEFT JOIN agents a ON a.id = t.assignee_id
  LEFT JOIN category_roots cr ON cr.id = t.category_id
  LEFT JOIN ticket_sla fr ON fr.ticket_id = t.id AND fr.kind = 'first_response'
  LEFT JOIN ticket_sla rs ON rs.ticket_id = t.id AND rs.kind = 'resolution';

CREATE FUNCTION desk_report_group(f report_facts, p_group text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_group WHEN 'queue' THEN f.queue WHEN 'agent' THEN f.agent
                        WHEN 'category' THEN f.category WHEN 'channel' THEN f.channel
                        WHEN 'priority' THEN 'P' || f.priority WHEN 'type' THEN f.type
                        ELSE 'all' END
$$;

CREATE FUNCTION desk_pct(p_part numeric, p_whole numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_whole > 0 THEN round(100 * p_part / p_whole, 1) END
$$;

-- SLA compliance of the clocks decided in [from, to): met on time / (met + breached). A clock
-- is decided when it is met or breached, whichever comes first. Cancelled tickets excluded.
CREATE FUNCTION desk_report_sla(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, fr_decided bigint, fr_on_time bigint, fr_pct numeric,
               res_decided bigint, res_on_time bigint, res_pct numeric)
LANGUAGE sql STABLE AS $$
    WITH c AS (
        SELECT s.ticket_id, s.kind, desk_on_time(s.met_at, s.due_at, s.breached_at) AS ok
          FROM ticket_sla s
         WHERE s.kind IN ('first_response', 'resolution')
           AND ((s.met_at >= p_from AND s.met_at < p_to)
                OR (s.breached_at >= p_from AND s.breached_at < p_to))
           AND least(s.met_at, s.breached_at) >= p_from
           AND least(s.met_at, s.breached_at) < p_to),
    g AS (
        SELECT desk_report_group(f, p_group) AS g, c.kind, c.ok
          FROM c JOIN report_facts f ON f.id = c.ticket_id
         WHERE f.status <> 'cancelled')
    SELECT g,
           count(*) FILTER (WHERE kind = 'first_response'),
           count(*) FILTER (WHERE kind = 'first_response' AND ok),
           desk_pct(count(*) FILTER (WHERE kind = 'first_response' AND ok),
                    count(*) FILTER (WHERE kind = 'first_response')),
           count(*) FILTER (WHERE kind = 'resolution'),
           count(*) FILTER (WHERE kind = 'resolution' AND ok),
           desk_pct(count(*) FILTER (WHERE kind = 'resolution' AND ok),
                    count(*) FILTER (WHERE kind = 'resolution'))
      FROM g GROUP BY g ORDER BY g
$$;

-- First-contact resolution among the tickets resolved in [from, to).
CREATE FUNCTION desk_report_fcr(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, resolved bigint, first_contact bigint, fcr_pct numeric)
LANGUAGE sql STABLE AS $$
    SELECT desk_report_group(f, p_group) AS g, count(*),
           count(*) FILTER (WHERE desk_first_contact(t, desk_setting_int('fcr_minutes', 30))),
           desk_pct(count(*) FILTER (WHERE desk_first_contact(t,
                                                desk_setting_int('fcr_minutes', 30))), count(*))
      FROM report_facts f JOIN tickets t ON t.id = f.id
     WHERE f.resolved_at >= p_from AND f.resolved_at < p_to
       AND f.status IN ('resolved', 'closed')
     GROUP BY g ORDER BY g
$$;

-- Time to first response of the first responses made by a reply in [from, to) (contacts
-- met at creation are excluded: they measure nothing). Wall-clock and business minutes.
CREATE FUNCTION desk_report_first_response(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, responses bigint, median_min numeric, p90_min numeric,
               median_biz_min numeric, p90_biz_min numeric)
LANGUAGE sql STABLE AS $$
    SELECT desk_report_group(f, p_group) AS g, count(*),
           round((percentile_cont(0.5) WITHIN GROUP (
               ORDER BY extract(epoch FROM f.fr_met_at - f.fr_started_at)) / 60)::numeric, 1),
           round((percentile_cont(0.9) WITHIN GROUP (
               ORDER BY extract(epoch FROM f.fr_met_at - f.fr_started_at)) / 60)::numeric, 1),
           round((percentile_cont(0.5) WITHIN GROUP (ORDER BY f.fr_elapsed_s) / 60)::numeric, 1),
           round((percentile_cont(0.9) WITHIN GROUP (ORDER BY f.fr_elapsed_s) / 60)::numeric, 1)
      FROM report_facts f
     WHERE f.fr_met_at >= p_from AND f.fr_met_at < p_to AND f.fr_met_at > f.fr_started_at
       AND f.status <> 'cancelled'
     GROUP BY g ORDER BY g
$$;

-- Time to resolve of the tickets resolved in [from, to): wall-clock hours from creation, and
-- business hours of the resolution clock (pauses and time outside the calendar excluded).
CREATE FUNCTION desk_report_resolution(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, resolved bigint, mean_h numeric, median_h numeric, p90_h numeric,
               mean_biz_h numeric)
LANGUAGE sql STABLE AS $$
    SELECT desk_report_group(f, p_group) AS g, count(*),
           round((avg(extract(epoch FROM f.resolved_at - f.created_at)) / 3600)::numeric, 2),
           round((percentile_cont(0.5) WITHIN GROUP (
               ORDER BY extract(epoch FROM f.resolved_at - f.created_at)) / 3600)::numeric, 2),
           round((percentile_cont(0.9) WITHIN GROUP (
               ORDER BY extract(epoch FROM f.resolved_at - f.created_at)) / 3600)::numeric, 2),
           round((avg(f.res_elapsed_s) / 3600)::numeric, 2)
      FROM report_facts f
     WHERE f.resolved_at >= p_from AND f.resolved_at < p_to
       AND f.status IN ('resolved', 'closed')
     GROUP BY g ORDER BY g
$$;

-- Tickets open at p_to that were created before it, by age at p_to. (For p_to in the past,
-- "open" means not resolved by then and not cancelled or closed since without a resolution.)
CREATE FUNCTION desk_report_backlog(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, open bigint, under_1d bigint, d1_3 bigint, d3_7 bigint, d7_30 bigint,
               over_30d bigint)
LANGUAGE sql STABLE AS $$
    WITH f AS (
        SELECT desk_report_group(f, p_group) AS g, p_to - f.created_at AS age
          FROM report_facts f
         WHERE f.created_at < p_to
           AND (f.resolved_at IS NULL OR f.resolved_at >= p_to)
           AND (f.status IN ('new', 'open', 'pending', 'on_hold') OR f.resolved_at >= p_to))
    SELECT g, count(*),
           count(*) FILTER (WHERE age < interval '1 day'),
           count(*) FILTER (WHERE age >= interval '1 day' AND age < interval '3 days'),
           count(*) FILTER (WHERE age >= interval '3 days' AND age < interval '7 days'),
           count(*) FILTER (WHERE age >= interval '7 days' AND age < interval '30 days'),
           count(*) FILTER (WHERE age >= interval '30 days')
      FROM f GROUP BY g ORDER BY g
$$;

-- Tickets created and resolved in [from, to).
CREATE FUNCTION desk_report_volume(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, created bigint, resolved bigint, incidents bigint, requests bigint)
LANGUAGE sql STABLE AS $$
    SELECT desk_report_group(f, p_group) AS g,
           count(*) FILTER (WHERE f.created_at >= p_from AND f.created_at < p_to),
           count(*) FILTER (WHERE f.resolved_at >= p_from AND f.resolved_at < p_to),
           count(*) FILTER (WHERE f.created_at >= p_from AND f.created_at < p_to
                              AND f.type = 'incident'),
           count(*) FILTER (WHERE f.created_at >= p_from AND f.created_at < p_to
                              AND f.type = 'service_request')
      FROM report_facts f
     WHERE (f.created_at >= p_from AND f.created_at < p_to)
        OR (f.resolved_at >= p_from AND f.resolved_at < p_to)
     GROUP BY g ORDER BY g
$$;

-- Per agent: tickets assigned and open now, resolved in [from, to), replies written and
-- minutes logged in [from, to).
CREATE FUNCTION desk_report_workload(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, open_now bigint, resolved bigint, replies bigint, minutes bigint)
LANGUAGE sql STABLE AS $$
    SELECT a.login,
           (SELECT count(*) FROM tickets t WHERE t.assignee_id = a.id
               AND t.status IN ('new', 'open', 'pending', 'on_hold')),
           (SELECT count(*) FROM tickets t WHERE t.assignee_id = a.id
               AND t.resolved_at >= p_from AND t.resolved_at < p_to),
           (SELECT count(*) FROM ticket_comments c WHERE c.author_id = a.id
               AND c.kind = 'reply' AND c.at >= p_from AND c.at < p_to),
           (SELECT coalesce(sum(c.minutes), 0) FROM ticket_comments c WHERE c.author_id = a.id
               AND c.at >= p_from AND c.at < p_to)
      FROM agents a WHERE a.role IN ('l1', 'l2', 'supervisor')
     ORDER BY a.login
$$;

-- Share of the tickets created in [from, to) that were functionally escalated to tier 2.
CREATE FUNCTION desk_report_escalation(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, created bigint, escalated bigint, escalation_pct numeric)
LANGUAGE sql STABLE AS $$
    SELECT desk_report_group(f, p_group) AS g, count(*), count(*) FILTER (WHERE f.escalated),
           desk_pct(count(*) FILTER (WHERE f.escalated), count(*))
      FROM report_facts f
     WHERE f.created_at >= p_from AND f.created_at < p_to
     GROUP BY g ORDER BY g
$$;

-- Per day of the reporting zone in [from, to): created, resolved, escalated, SLA compliance.
CREATE FUNCTION desk_report_trends(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, created bigint, resolved bigint, escalated bigint, fr_pct numeric,
               res_pct numeric)
LANGUAGE sql STABLE AS $$
    WITH tz AS (SELECT desk_setting_text('report_tz', 'UTC') AS z),
    days AS (
        SELECT d::date AS day, (d::date::timestamp AT TIME ZONE tz.z) AS lo,
               ((d::date + 1)::timestamp AT TIME ZONE tz.z) AS hi
          FROM tz, generate_series((p_from AT TIME ZONE tz.z)::date,
                                   ((p_to AT TIME ZONE tz.z) - interval '1 microsecond')::date,
                                   interval '1 day') d)
    SELECT to_char(days.day, 'YYYY-MM-DD'),
           (SELECT count(*) FROM tickets t WHERE t.created_at >= days.lo AND t.created_at < days.hi),
           (SELECT count(*) FROM tickets t
             WHERE t.resolved_at >= days.lo AND t.resolved_at < days.hi),
           (SELECT count(DISTINCT e.ticket_id) FROM ticket_escalations e
             WHERE e.kind = 'functional' AND e.at >= days.lo AND e.at < days.hi),
           (SELECT desk_pct(count(*) FILTER (WHERE desk_on_time(s.met_at, s.due_at, s.breached_at)),
                            count(*))
              FROM ticket_sla s
              JOIN tickets t ON t.id = s.ticket_id AND t.status <> 'cancelled'
             WHERE s.kind = 'first_response'
               AND ((s.met_at >= days.lo AND s.met_at < days.hi)
                    OR (s.breached_at >= days.lo AND s.breached_at < days.hi))
               AND least(s.met_at, s.breached_at) >= days.lo
               AND least(s.met_at, s.breached_at) < days.hi),
           (SELECT desk_pct(count(*) FILTER (WHERE desk_on_time(s.met_at, s.due_at, s.breached_at)),
                            count(*))
              FROM ticket_sla s
              JOIN tickets t ON t.id = s.ticket_id AND t.status <> 'cancelled'
             WHERE s.kind = 'resolution'
               AND ((s.met_at >= days.lo AND s.met_at < days.hi)
                    OR (s.breached_at >= days.lo AND s.breached_at < days.hi))
               AND least(s.met_at, s.breached_at) >= days.lo
               AND least(s.met_at, s.breached_at) < days.hi)
      FROM days ORDER BY days.day
$$;
