-- 012_report_plans.sql - the dashboard's KPIs and the reports rewritten for the planner, found
-- by the 1M-ticket benchmark (tests/bench/run-reports.sh, docs/benchmarks.md). Every function
-- keeps its name, arguments and result columns and returns the same rows as the one it
-- replaces (the reports fixture, tests/integration/reports.sh, checks every cell).

-- ---------------------------------------------------------------- settings

-- JIT compilation is triggered by cost estimates; on these queries it cost 0.1 to 1.3 s of
-- compiling per statement and never paid back. Off for this database (or, where the role may
-- not alter the database, for this role in it); deskd's connections read it when they open.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I SET jit = off', current_database());
END $$;
SET jit = off;

-- ---------------------------------------------------------------- indexes

-- When a clock was decided (met or breached, whichever came first): what the SLA report and
-- the trends select on. Besides the index, ANALYZE keeps statistics of the expression, so the
-- planner knows how many clocks a range holds (a year: all of them, hence hash joins; a week:
-- a few, hence the index). The clock is decided in the range exactly when this is in it, so
-- the old "met in it or breached in it" conditions, which hid the range from the planner,
-- are gone.
CREATE INDEX ticket_sla_decided_idx ON ticket_sla ((least(met_at, breached_at)));

-- ---------------------------------------------------------------- dashboard

-- Today's KPIs: desk_day_start() written where it is compared, not read from a CTE row, so
-- that the planner sees "since the start of today" (a day of index range) and not an unknown
-- bound (a third of the table, hence full scans).
CREATE OR REPLACE FUNCTION desk_dash_kpis()
RETURNS TABLE (created bigint, resolved bigint, first_contact bigint, escalated bigint,
               fr_decided bigint, fr_on_time bigint, res_decided bigint, res_on_time bigint,
               ttfr_median_s double precision, ttfr_p90_s double precision,
               ttr_mean_s double precision, ttr_biz_mean_s double precision)
LANGUAGE sql STABLE AS $$
    WITH made AS (
        SELECT count(*) AS created,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ticket_escalations e
                                               WHERE e.ticket_id = t.id
                                                 AND e.kind = 'functional')) AS escalated
          FROM tickets t WHERE t.created_at >= desk_day_start()),
    done AS (
        SELECT count(*) AS resolved,
               count(*) FILTER (WHERE desk_first_contact(t, (SELECT desk_setting_int(
                                                                 'fcr_minutes', 30))))
                   AS first_contact,
               avg(extract(epoch FROM t.resolved_at - t.created_at)) AS ttr,
               avg(s.elapsed_s) AS ttr_biz
          FROM tickets t
          LEFT JOIN ticket_sla s ON s.ticket_id = t.id AND s.kind = 'resolution'
         WHERE t.resolved_at >= desk_day_start() AND t.status IN ('resolved', 'closed')),
    clocks AS (
        SELECT s.ticket_id, s.kind, s.met_at, s.started_at, s.due_at, s.breached_at
          FROM ticket_sla s JOIN tickets t ON t.id = s.ticket_id AND t.status <> 'cancelled'
         WHERE s.met_at >= desk_day_start()
        UNION
        SELECT s.ticket_id, s.kind, s.met_at, s.started_at, s.due_at, s.breached_at
          FROM ticket_sla s JOIN tickets t ON t.id = s.ticket_id AND t.status <> 'cancelled'
         WHERE s.breached_at >= desk_day_start()),
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

-- ---------------------------------------------------------------- reports

-- The ticket facts with the functional escalation as a join to the escalated tickets (one
-- hash join, and removed by the planner when a report does not read it) instead of an EXISTS
-- probe per ticket. Same columns as before.
CREATE OR REPLACE VIEW report_facts AS
SELECT t.id, t.created_at, t.resolved_at, t.status, t.type, t.channel, t.priority,
       t.reopen_count, q.name AS queue, q.tier, coalesce(a.login, '(unassigned)') AS agent,
       t.assignee_id,
       coalesce(cr.root, '(none)') AS category,
       e.ticket_id IS NOT NULL AS escalated,
       fr.started_at AS fr_started_at, fr.met_at AS fr_met_at, fr.due_at AS fr_due_at,
       fr.breached_at AS fr_breached_at, fr.elapsed_s AS fr_elapsed_s,
       rs.started_at AS res_started_at, rs.met_at AS res_met_at, rs.due_at AS res_due_at,
       rs.breached_at AS res_breached_at, rs.elapsed_s AS res_elapsed_s
  FROM tickets t
  JOIN queues q ON q.id = t.queue_id
  LEFT JOIN agents a ON a.id = t.assignee_id
  LEFT JOIN category_roots cr ON cr.id = t.category_id
  LEFT JOIN (SELECT DISTINCT x.ticket_id FROM ticket_escalations x
              WHERE x.kind = 'functional') e ON e.ticket_id = t.id
  LEFT JOIN ticket_sla fr ON fr.ticket_id = t.id AND fr.kind = 'first_response'
  LEFT JOIN ticket_sla rs ON rs.ticket_id = t.id AND rs.kind = 'resolution';

-- The group of a report row from the columns it can be, not from the whole report_facts row:
-- a whole-row argument makes PostgreSQL build every column of report_facts for every ticket
-- (the escalation, both clock joins) and keeps the function from being inlined. Inlined, with
-- p_group a constant, the CASE folds to the one column asked for. (p_priority::text: 'P' ||
-- smallint would be anytextcat, only STABLE, and an IMMUTABLE SQL function whose body is less
-- than immutable is never inlined.)
CREATE FUNCTION desk_report_group(p_group text, p_queue text, p_agent text, p_category text,
                                  p_channel text, p_priority smallint, p_type text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_group WHEN 'queue' THEN p_queue WHEN 'agent' THEN p_agent
                        WHEN 'category' THEN p_category WHEN 'channel' THEN p_channel
                        WHEN 'priority' THEN 'P' || p_priority::text WHEN 'type' THEN p_type
                        ELSE 'all' END
$$;

CREATE OR REPLACE FUNCTION desk_report_sla(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, fr_decided bigint, fr_on_time bigint, fr_pct numeric,
               res_decided bigint, res_on_time bigint, res_pct numeric)
LANGUAGE sql STABLE AS $$
    WITH c AS (
        SELECT s.ticket_id, s.kind, desk_on_time(s.met_at, s.due_at, s.breached_at) AS ok
          FROM ticket_sla s
         WHERE s.kind IN ('first_response', 'resolution')
           AND least(s.met_at, s.breached_at) >= p_from
           AND least(s.met_at, s.breached_at) < p_to),
    g AS (
        SELECT desk_report_group(p_group, f.queue, f.agent, f.category, f.channel, f.priority,
                                 f.type) AS g, c.kind, c.ok
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

-- desk_first_contact() written out on report_facts, which has the escalation already. The
-- setting as a sub-select is read once (bare, desk_setting_int() is a call per row).
CREATE OR REPLACE FUNCTION desk_report_fcr(p_from timestamptz, p_to timestamptz, p_group text)
RETURNS TABLE (grp text, resolved bigint, first_contact bigint, fcr_pct numeric)
LANGUAGE sql STABLE AS $$
    SELECT g, count(*), count(*) FILTER (WHERE fc), desk_pct(count(*) FILTER (WHERE fc), count(*))
      FROM (SELECT desk_report_group(p_group, f.queue, f.agent, f.category, f.channel,
                                     f.priority, f.type) AS g,
                   f.resolved_at - f.created_at <= make_interval(
                       mins => (SELECT desk_setting_int('fcr_minutes', 30)))
                   AND f.reopen_count = 0 AND NOT f.escalated AS fc
              FROM report_facts f
             WHERE f.resolved_at >= p_from AND f.resolved_at < p_to
               AND f.status IN ('resolved', 'closed')) x
     GROUP BY g ORDER BY g
$$;

CREATE OR REPLACE FUNCTION desk_report_first_response(p_from timestamptz, p_to timestamptz,
                                                      p_group text)
RETURNS TABLE (grp text, responses bigint, median_min numeric, p90_min numeric,
               median_biz_min numeric, p90_biz_min numeric)
LANGUAGE sql STABLE AS $$
    SELECT desk_report_group(p_group, f.queue, f.agent, f.category, f.channel, f.priority,
                             f.type) AS g, count(*),
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

CREATE OR REPLACE FUNCTION desk_report_resolution(p_from timestamptz, p_to timestamptz,
                                                  p_group text)
RETURNS TABLE (grp text, resolved bigint, mean_h numeric, median_h numeric, p90_h numeric,
               mean_biz_h numeric)
LANGUAGE sql STABLE AS $$
    SELECT desk_report_group(p_group, f.queue, f.agent, f.category, f.channel, f.priority,
                             f.type) AS g, count(*),
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

CREATE OR REPLACE FUNCTION desk_report_backlog(p_from timestamptz, p_to timestamptz,
                                               p_group text)
RETURNS TABLE (grp text, open bigint, under_1d bigint, d1_3 bigint, d3_7 bigint, d7_30 bigint,
               over_30d bigint)
LANGUAGE sql STABLE AS $$
    WITH f AS (
        SELECT desk_report_group(p_group, f.queue, f.agent, f.category, f.channel, f.priority,
                                 f.type) AS g, p_to - f.created_at AS age
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

CREATE OR REPLACE FUNCTION desk_report_volume(p_from timestamptz, p_to timestamptz,
                                              p_group text)
RETURNS TABLE (grp text, created bigint, resolved bigint, incidents bigint, requests bigint)
LANGUAGE sql STABLE AS $$
    SELECT desk_report_group(p_group, f.queue, f.agent, f.category, f.channel, f.priority,
                             f.type) AS g,
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

CREATE OR REPLACE FUNCTION desk_report_escalation(p_from timestamptz, p_to timestamptz,
                                                  p_group text)
RETURNS TABLE (grp text, created bigint, escalated bigint, escalation_pct numeric)
LANGUAGE sql STABLE AS $$
    SELECT desk_report_group(p_group, f.queue, f.agent, f.category, f.channel, f.priority,
                             f.type) AS g,
           count(*), count(*) FILTER (WHERE f.escalated),
           desk_pct(count(*) FILTER (WHERE f.escalated), count(*))
      FROM report_facts f
     WHERE f.created_at >= p_from AND f.created_at < p_to
     GROUP BY g ORDER BY g
$$;

-- Trends: each measure counted per day in one grouped pass over [from, to), instead of five
-- correlated subqueries for every day of it. The ranges compare with the arguments directly
-- (constants when deskd calls: the planner knows a year is every row and hashes; a week, an
-- index range). deskd passes whole days of the reporting zone, so every day is whole.
CREATE OR REPLACE FUNCTION desk_report_trends(p_from timestamptz, p_to timestamptz,
                                              p_group text)
RETURNS TABLE (grp text, created bigint, resolved bigint, escalated bigint, fr_pct numeric,
               res_pct numeric)
LANGUAGE sql STABLE AS $$
    WITH tz AS (SELECT desk_setting_text('report_tz', 'UTC') AS z),
    days AS (
        SELECT d::date AS day
          FROM tz, generate_series((p_from AT TIME ZONE tz.z)::date,
                                   ((p_to AT TIME ZONE tz.z) - interval '1 microsecond')::date,
                                   interval '1 day') d),
    cr AS (
        SELECT (t.created_at AT TIME ZONE tz.z)::date AS day, count(*) AS n
          FROM tickets t, tz
         WHERE t.created_at >= p_from AND t.created_at < p_to GROUP BY 1),
    rs AS (
        SELECT (t.resolved_at AT TIME ZONE tz.z)::date AS day, count(*) AS n
          FROM tickets t, tz
         WHERE t.resolved_at >= p_from AND t.resolved_at < p_to GROUP BY 1),
    es AS (
        SELECT (e.at AT TIME ZONE tz.z)::date AS day, count(DISTINCT e.ticket_id) AS n
          FROM ticket_escalations e, tz
         WHERE e.kind = 'functional' AND e.at >= p_from AND e.at < p_to GROUP BY 1),
    sl AS (
        SELECT (least(s.met_at, s.breached_at) AT TIME ZONE tz.z)::date AS day,
               count(*) FILTER (WHERE s.kind = 'first_response') AS fr_n,
               count(*) FILTER (WHERE s.kind = 'first_response'
                                  AND desk_on_time(s.met_at, s.due_at, s.breached_at)) AS fr_ok,
               count(*) FILTER (WHERE s.kind = 'resolution') AS res_n,
               count(*) FILTER (WHERE s.kind = 'resolution'
                                  AND desk_on_time(s.met_at, s.due_at, s.breached_at)) AS res_ok
          FROM ticket_sla s, tz
         WHERE s.kind IN ('first_response', 'resolution')
           AND least(s.met_at, s.breached_at) >= p_from
           AND least(s.met_at, s.breached_at) < p_to
           AND NOT EXISTS (SELECT 1 FROM tickets t
                            WHERE t.id = s.ticket_id AND t.status = 'cancelled')
         GROUP BY 1)
    SELECT to_char(days.day, 'YYYY-MM-DD'), coalesce(cr.n, 0), coalesce(rs.n, 0),
           coalesce(es.n, 0), desk_pct(sl.fr_ok, sl.fr_n), desk_pct(sl.res_ok, sl.res_n)
      FROM days
      LEFT JOIN cr ON cr.day = days.day
      LEFT JOIN rs ON rs.day = days.day
      LEFT JOIN es ON es.day = days.day
      LEFT JOIN sl ON sl.day = days.day
     ORDER BY days.day
$$;

-- Nothing reads the whole-row form any more.
DROP FUNCTION desk_report_group(report_facts, text);
