-- gen-year.sql - a year of service desk history for the dashboard, queue view and report
-- benchmarks (tests/bench/run-reports.sh): by default 1,000,000 tickets created over the last
-- 365 days on top of the demo data (`deskd --demo`), with their escalations, comments and SLA
-- clocks. Run it once on a database deskd has migrated and filled with the demo:
--
--   psql -X -v ON_ERROR_STOP=1 -v tickets=1000000 -d "$DESKD_DB" -f tests/bench/gen-year.sql
--
-- The shape (see docs/benchmarks.md): 49 agents (the demo's 7 plus 28 L1, 12 L2 and 2
-- supervisors: 30 L1 on the Service Desk, 4 in each tier-2 group), 20,040 requesters in 50
-- organisations (a few callers phone often), ~3 % of the tickets still open (new, open,
-- pending, on hold; mostly recent, with a tail of old ones waiting on someone), the rest
-- resolved, closed (auto-close 72 h after resolving) or cancelled; ~25 % functionally
-- escalated from the Service Desk to a tier-2 group (some twice); about two comments per
-- ticket (replies and notes with minutes); first-response, resolution and (P1/P2)
-- next-update clocks with ~85 % met on time, the late ones breached; reopened and raised
-- tickets; incidents linked to problems.
--
-- Everything is set-based and deterministic (setseed). Per-row triggers would make the load
-- take hours (each ticket insert runs the SLA sync, the auto-assign check and a NOTIFY), so
-- the load runs with session_replication_role = replica: no ordinary trigger and no foreign
-- key trigger fires in this session, nothing is left disabled if it fails half-way, and other
-- sessions (deskd) are unaffected. The script writes by itself what the triggers would have
-- kept: owner, reopen count, minutes spent, the clocks' facts and the scheduler's computed
-- times. Clock times use a flat business-to-wall-clock factor per calendar (office hours
-- 55 h a week: x3.05; extended hours 96 h: x1.75; 24x7: x1) instead of the calendar itself:
-- the dashboard and the reports read the facts, not how they were computed. ticket_events
-- (the audit trail) gets no rows for the generated history: nothing measured reads it.
--
-- Prints the row counts and the status mix at the end. 3 to 4 minutes for 1,000,000 tickets
-- on 2 vCPUs (1.8 GB of database).

\set ON_ERROR_STOP 1
\if :{?tickets}
\else
\set tickets 1000000
\endif

\timing on
SET client_min_messages = warning;
SET session_replication_role = replica;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SET temp_buffers = '1GB';
SET max_parallel_workers_per_gather = 0;
\o /dev/null
SELECT setseed(0.2026);
\o

BEGIN;

DO $$
BEGIN
    IF (SELECT count(*) FROM queues WHERE name IN ('Service Desk', 'Network', 'Applications',
                                                   'Hardware', 'Security')) <> 5
       OR NOT EXISTS (SELECT 1 FROM agents WHERE login = 'ana') THEN
        RAISE EXCEPTION 'gen-year.sql needs the demo data (deskd --demo)';
    END IF;
    IF EXISTS (SELECT 1 FROM agents WHERE login LIKE 'bench.%') THEN
        RAISE EXCEPTION 'gen-year.sql has already run on this database';
    END IF;
END $$;

-- ---------------------------------------------------------------- people

-- A desk taking ~2,700 tickets a day has tens of agents: 30 L1 on the Service Desk, 4 per
-- tier-2 group, 3 supervisors. Password "demo" for all (the demo's hash).
INSERT INTO agents (login, name, role, password_hash)
SELECT 'bench.' || v.role || '.' || lpad(i::text, 2, '0'),
       (ARRAY['Alex', 'Bruna', 'Chen', 'Dara', 'Emeka', 'Fabio', 'Greta', 'Hugo', 'Ines',
              'Jonas', 'Kofi', 'Lena', 'Mateo', 'Nadia', 'Omar', 'Paula'])[1 + i % 16] || ' ' ||
       (ARRAY['Silva', 'Meyer', 'Okoye', 'Rossi', 'Tanaka', 'Novak', 'Dubois', 'Haddad',
              'Costa', 'Berg'])[1 + (i * 7 + length(v.role)) % 10],
       v.role, (SELECT password_hash FROM agents WHERE login = 'ana')
  FROM (VALUES ('l1', 28), ('l2', 12), ('supervisor', 2)) AS v(role, n),
       generate_series(1, v.n) i;

INSERT INTO queue_members (queue_id, agent_id)
SELECT (SELECT id FROM queues WHERE name = 'Service Desk'), a.id
  FROM agents a WHERE a.login LIKE 'bench.l1.%';
INSERT INTO queue_members (queue_id, agent_id)
SELECT q.id, a.id
  FROM agents a
  JOIN queues q ON q.name = (ARRAY['Network', 'Applications', 'Hardware', 'Security'])
                            [1 + (substr(a.login, 10)::int - 1) / 3]
 WHERE a.login LIKE 'bench.l2.%';

-- 20,000 more callers in 45 more organisations. Their order decides who calls most (below).
INSERT INTO requesters (name, email, phone, organisation, created_at)
SELECT initcap(f) || ' ' || initcap(l) || ' ' || g,
       f || '.' || l || g || '@org' || (g % 45) || '.example',
       '+351 2' || lpad((g * 7919 % 100000000)::text, 8, '0'),
       'Organisation ' || lpad((g % 45)::text, 2, '0'), now() - interval '400 days'
  FROM generate_series(1, 20000) g,
       LATERAL (SELECT (ARRAY['ana', 'bruno', 'carla', 'diogo', 'elena', 'filipe', 'gabriela',
                              'hugo', 'ines', 'joao', 'karin', 'luis', 'marta', 'nuno', 'olga',
                              'paulo'])[1 + g % 16] AS f,
                       (ARRAY['silva', 'santos', 'ferreira', 'pereira', 'oliveira', 'costa',
                              'rodrigues', 'martins', 'jesus', 'sousa', 'fernandes', 'goncalves',
                              'gomes', 'lopes', 'marques', 'alves', 'almeida', 'ribeiro',
                              'pinto', 'carvalho'])[1 + (g / 16) % 20] AS l) n;

-- Lookup tables: index -> id, so a random index picks a row.
CREATE TEMP TABLE req_pick AS
SELECT (row_number() OVER (ORDER BY r.id) - 1)::int AS idx, r.id,
       r.organisation = 'Meridian Logistics' AS meridian
  FROM requesters r;
CREATE TEMP TABLE l1_pick AS
SELECT (row_number() OVER (ORDER BY a.id) - 1)::int AS idx, a.id
  FROM agents a WHERE a.role = 'l1' AND a.active;
CREATE TEMP TABLE l2_pick AS
SELECT m.queue_id, (row_number() OVER (PARTITION BY m.queue_id ORDER BY a.id) - 1)::int AS idx,
       a.id, count(*) OVER (PARTITION BY m.queue_id) AS n
  FROM queue_members m JOIN agents a ON a.id = m.agent_id
  JOIN queues q ON q.id = m.queue_id
 WHERE q.tier = 2 AND a.role = 'l2' AND a.active;
CREATE TEMP TABLE cat_pick AS
SELECT (row_number() OVER (ORDER BY c.id) - 1)::int AS idx, c.id,
       coalesce(c.default_queue_id, p.default_queue_id) AS queue_id
  FROM categories c LEFT JOIN categories p ON p.id = c.parent_id;
CREATE TEMP TABLE l2_queues AS
SELECT (row_number() OVER (ORDER BY q.id) - 1)::int AS idx, q.id,
       c.name AS calendar
  FROM queues q JOIN calendars c ON c.id = q.calendar_id WHERE q.tier = 2;
ANALYZE req_pick, l1_pick, l2_pick, cat_pick, l2_queues;

-- Targets of the two demo policies, in seconds, by priority; the level at 150 % that raises.
CREATE TEMP TABLE tgt AS
SELECT p.id AS policy_id, x.priority,
       (SELECT extract(epoch FROM g.target)::bigint FROM sla_targets g
         WHERE g.policy_id = p.id AND g.priority = x.priority
           AND g.kind = 'first_response') AS fr_s,
       (SELECT extract(epoch FROM g.target)::bigint FROM sla_targets g
         WHERE g.policy_id = p.id AND g.priority = x.priority AND g.kind = 'resolution') AS res_s,
       (SELECT extract(epoch FROM g.target)::bigint FROM sla_targets g
         WHERE g.policy_id = p.id AND g.priority = x.priority AND g.kind = 'next_update') AS nu_s,
       p.warn_pct,
       (SELECT l.id FROM sla_levels l WHERE l.policy_id = p.id AND l.kind = 'resolution'
         ORDER BY l.pct LIMIT 1) AS level_id,
       p.calendar_id
  FROM sla_policies p CROSS JOIN generate_series(1, 4) x(priority)
 WHERE p.name IN ('Standard', 'Meridian 24x7');
CREATE TEMP TABLE pol AS
SELECT p.name = 'Meridian 24x7' AS meridian, p.id AS policy_id, p.calendar_id
  FROM sla_policies p WHERE p.name IN ('Standard', 'Meridian 24x7');
CREATE TEMP TABLE qcal AS
SELECT q.id AS queue_id, q.calendar_id,
       CASE c.name WHEN 'Extended hours' THEN 1.75 WHEN '24x7' THEN 1.0 ELSE 3.05 END AS factor
  FROM queues q LEFT JOIN calendars c ON c.id = q.calendar_id;

-- ---------------------------------------------------------------- tickets, step by step

-- 1. Creation times: uniform over the year, 70 % of them squeezed into 08:00-19:00 UTC.
--    Numbered in time order, as a live desk numbers them.
CREATE TEMP TABLE g1 AS
SELECT row_number() OVER (ORDER BY c)::int AS n, c AS created_at
  FROM (SELECT CASE WHEN w < 0.7 AND c1 <= now() THEN c1 ELSE c0 END AS c
          FROM (SELECT c0, w,
                       date_trunc('day', c0) + interval '8 hours' +
                           (c0 - date_trunc('day', c0)) * (11.0 / 24) AS c1
                  FROM (SELECT now() - random() * interval '365 days' AS c0, random() AS w
                          FROM generate_series(1, :tickets)) a) b) c;

-- 2. What the ticket is: type, impact x urgency, channel, category, caller, creator, whether
--    it goes to tier 2, and the draws the later steps use.
CREATE TEMP TABLE g2 AS
SELECT n, created_at,
       CASE WHEN r_type < 0.60 THEN 'incident' WHEN r_type < 0.88 THEN 'service_request'
            WHEN r_type < 0.98 THEN 'information_request' ELSE 'problem' END AS type,
       (CASE WHEN r_imp < 0.05 THEN 1 WHEN r_imp < 0.30 THEN 2 ELSE 3 END)::smallint AS impact,
       (CASE WHEN r_urg < 0.15 THEN 1 WHEN r_urg < 0.50 THEN 2 ELSE 3 END)::smallint AS urgency,
       CASE WHEN r_chan < 0.35 THEN 'phone' WHEN r_chan < 0.65 THEN 'email'
            WHEN r_chan < 0.85 THEN 'portal' WHEN r_chan < 0.95 THEN 'chat'
            ELSE 'walk_in' END AS channel,
       CASE WHEN r_cat < 0.9 THEN floor(r_cat / 0.9 * 15)::int END AS cat_idx,
       -- A few callers call a lot: index ~ u^1.6 puts the demo's callers and the first new
       -- ones at hundreds to a thousand tickets a year, the median caller at ~35.
       floor(20040 * power(r_req, 1.6))::int AS req_idx,
       floor(r_l1 * 30)::int AS l1_idx,
       r_esc < 0.25 AS escalated,
       r_esc < 0.0125 AS escalated_twice,  -- 5 % of the escalated: a wrong group first
       r_fcr, r_ontime_fr, r_ontime_res, r_dur, r_frd, r_stuck, r_state, r_upd, r_reopen,
       r_esc_at, r_l2, r_misc
  FROM (SELECT n, created_at, random() AS r_type, random() AS r_imp, random() AS r_urg,
               random() AS r_chan, random() AS r_cat, random() AS r_req, random() AS r_l1,
               random() AS r_esc, random() AS r_fcr, random() AS r_ontime_fr,
               random() AS r_ontime_res, random() AS r_dur, random() AS r_frd,
               random() AS r_stuck, random() AS r_state, random() AS r_upd, random() AS r_reopen,
               random() AS r_esc_at, random() AS r_l2, random() AS r_misc
          FROM g1) r;
DROP TABLE g1;

-- 3. Resolve the draws to ids: priority, queue (the category's group when escalated, else
--    any group), policy (Meridian's callers have their own), the calendar factor.
CREATE TEMP TABLE g3 AS
SELECT g.*, pm.priority, r.id AS requester_id,
       CASE WHEN g.channel <> 'portal' THEN l1.id END AS creator_id,
       l1.id AS l1_agent,
       sd.id AS sd_queue,
       CASE WHEN g.escalated OR g.type = 'problem' THEN coalesce(c.queue_id, q.id) ELSE sd.id END
           AS queue_id,
       q2.id AS queue2_id,
       c.id AS category_id,
       r.meridian
  FROM g2 g
  JOIN priority_matrix pm ON pm.impact = g.impact AND pm.urgency = g.urgency
  JOIN req_pick r ON r.idx = g.req_idx
  JOIN l1_pick l1 ON l1.idx = g.l1_idx
  CROSS JOIN (SELECT id FROM queues WHERE name = 'Service Desk') sd
  LEFT JOIN cat_pick c ON c.idx = g.cat_idx
  JOIN l2_queues q ON q.idx = floor(g.r_l2 * 4)::int
  JOIN l2_queues q2 ON q2.idx = (floor(g.r_l2 * 4)::int + 1 + floor(g.r_misc * 3)::int) % 4;
DROP TABLE g2;

-- 4. The timeline. Targets in wall-clock time: business seconds times the calendar's factor.
--    Done tickets: first-contact ones (40 % of those that stay on the Service Desk) in 2-30
--    minutes; 80 % of the others before the resolution due time, the rest up to 2.5x late.
--    A ticket whose resolution would lie in the future is still open; so are 1.2 % of the
--    others, waiting on the caller or a supplier for months.
CREATE TEMP TABLE g4 AS
SELECT g.*,
       t.fr_s, t.res_s, t.nu_s, t.warn_pct, t.level_id, p.policy_id,
       CASE WHEN g.meridian THEN p.calendar_id ELSE qc.calendar_id END AS calendar_id,
       CASE WHEN g.meridian THEN 1.0 ELSE qc.factor END AS factor,
       CASE WHEN g.escalated THEN
           g.created_at + interval '5 minutes' + g.r_esc_at * interval '2 hours' END AS esc_at,
       -- An agent logging a call or a walk-in has answered it (desk_sla_sync's v_spoke).
       g.channel IN ('phone', 'walk_in') AS spoke,
       NOT (g.escalated OR g.type = 'problem') AND g.r_fcr < 0.40 AS fcr
  FROM g3 g
  JOIN pol p ON p.meridian = g.meridian
  JOIN tgt t ON t.policy_id = p.policy_id AND t.priority = g.priority
  JOIN qcal qc ON qc.queue_id = g.queue_id;
DROP TABLE g3;

CREATE TEMP TABLE g5 AS
SELECT g.*,
       g.created_at + make_interval(secs => g.fr_s * g.factor) AS fr_due,
       g.created_at + make_interval(secs => g.res_s * g.factor) AS res_due,
       g.created_at + CASE
           WHEN g.fcr THEN interval '2 minutes' + g.r_dur * interval '28 minutes'
           WHEN g.r_ontime_res < 0.80 THEN
               make_interval(secs => g.res_s * g.factor * (0.05 + 0.93 * g.r_dur))
           ELSE make_interval(secs => g.res_s * g.factor * (1.02 + 1.5 * g.r_dur)) END AS res_end,
       -- The first public reply, for tickets not answered by the contact itself.
       g.created_at + CASE
           WHEN g.r_ontime_fr < 0.75 THEN
               make_interval(secs => g.fr_s * g.factor * (0.05 + 0.9 * g.r_frd))
           ELSE make_interval(secs => g.fr_s * g.factor * (1.05 + 2.0 * g.r_frd)) END AS reply_at
  FROM g4 g;
DROP TABLE g4;

CREATE TEMP TABLE g6 AS
SELECT g.*,
       CASE WHEN NOT done THEN
                CASE WHEN stuck THEN CASE WHEN g.r_state < 0.4 THEN 'pending'
                                          WHEN g.r_state < 0.7 THEN 'on_hold' ELSE 'open' END
                     WHEN g.created_at > now() - interval '4 hours' AND NOT g.escalated
                          AND g.r_state < 0.6 THEN 'new'
                     WHEN g.r_state < 0.05 THEN 'new'
                     WHEN g.r_state < 0.60 THEN 'open'
                     WHEN g.r_state < 0.85 THEN 'pending'
                     ELSE 'on_hold' END
            WHEN g.r_state < 0.03 THEN 'cancelled'
            WHEN g.res_end > now() - interval '72 hours' THEN 'resolved'
            ELSE 'closed' END AS status
  FROM (SELECT g.*, NOT (stuck OR g.res_end > now() - interval '1 minute') AS done
          FROM (SELECT g.*, g.r_stuck < 0.012 AS stuck FROM g5 g) g) g;
DROP TABLE g5;

-- 5. Who holds it and when it last changed; the clocks' facts.
CREATE TEMP TABLE gen AS
SELECT g.*,
       CASE WHEN g.status = 'cancelled' THEN g.created_at + (g.res_end - g.created_at) * 0.3
            WHEN g.done THEN g.res_end END AS end_at,
       CASE WHEN g.status IN ('resolved', 'closed') THEN g.res_end END AS resolved_at,
       CASE WHEN g.status = 'new' THEN NULL
            WHEN g.status = 'cancelled' AND g.r_misc < 0.5 THEN NULL
            WHEN g.queue_id <> g.sd_queue THEN
                CASE WHEN NOT g.done AND g.r_misc < 0.15 THEN NULL  -- waiting in the group's queue
                     ELSE (SELECT p.id FROM l2_pick p WHERE p.queue_id = g.queue_id
                            AND p.idx = floor(g.r_l2 * 97)::int % p.n) END
            ELSE g.l1_agent END AS assignee_id
  FROM g6 g;
DROP TABLE g6;
ALTER TABLE gen ADD PRIMARY KEY (n);

CREATE TEMP TABLE gen_t AS
SELECT g.n,
       -- First response: met by the contact, else by the first reply, else by the end.
       CASE WHEN g.spoke THEN g.created_at
            WHEN g.done THEN least(g.reply_at, g.end_at)
            WHEN g.reply_at <= now() THEN g.reply_at END AS fr_met,
       NOT g.spoke AND g.reply_at <= coalesce(g.end_at, now())
           AS replied,
       CASE WHEN g.done THEN
                CASE WHEN g.status = 'closed' THEN g.end_at + interval '72 hours' +
                                                    g.r_upd * interval '1 minute'
                     ELSE g.end_at END
            ELSE greatest(g.created_at + interval '1 minute', g.esc_at,
                          CASE WHEN g.reply_at <= now() THEN g.reply_at END,
                          g.created_at + (now() - g.created_at) * sqrt(g.r_upd)) END
           AS updated_at,
       CASE WHEN g.done AND NOT g.fcr AND g.r_reopen < 0.005 THEN 2
            WHEN g.done AND NOT g.fcr AND g.r_reopen < 0.045 THEN 1
            WHEN NOT g.done AND g.r_reopen < 0.02 THEN 1 ELSE 0 END AS reopen_count
  FROM gen g;
ALTER TABLE gen_t ADD PRIMARY KEY (n);
ANALYZE gen, gen_t;

-- ---------------------------------------------------------------- comments

-- The first reply (when one met the first response), then 0-3 more replies and notes while
-- the ticket was worked, and a note with the time spent on each first-contact resolution.
CREATE TEMP TABLE gen_c AS
SELECT g.n, g.reply_at AS at,
       coalesce(g.creator_id, g.l1_agent) AS author_id, 'reply' AS kind,
       (5 + floor(g.r_misc * 3) * 5)::int AS minutes
  FROM gen g JOIN gen_t t USING (n)
 WHERE t.replied
UNION ALL
SELECT g.n, g.end_at, coalesce(g.creator_id, g.l1_agent), 'note',
       (5 + floor(g.r_dur * 4) * 5)::int
  FROM gen g
 WHERE g.fcr AND g.done
UNION ALL
SELECT g.n,
       g.created_at + (coalesce(g.end_at, now()) - g.created_at) * ((k + random()) / 4.0),
       coalesce(g.assignee_id, g.l1_agent),
       CASE WHEN random() < 0.6 THEN 'reply' ELSE 'note' END,
       (floor(random() * 7) * 10)::int
  FROM gen g, generate_series(0, 2) k
 WHERE NOT g.fcr AND k < floor(g.r_upd * 4.6)::int;

CREATE TEMP TABLE gen_m AS
SELECT n, sum(minutes)::int AS minutes FROM gen_c GROUP BY n;
ALTER TABLE gen_m ADD PRIMARY KEY (n);

-- ---------------------------------------------------------------- write

SELECT max(id) AS id0, (SELECT last_value FROM ticket_number_seq) AS num0 FROM tickets
\gset

-- 1 % of the incidents belong to a problem ticket (any of the year's).
CREATE TEMP TABLE probs AS
SELECT (row_number() OVER (ORDER BY n) - 1)::int AS idx, n FROM gen WHERE type = 'problem';

INSERT INTO tickets (id, number, subject, description, type, status, impact, urgency,
                     priority, queue_id, assignee_id, requester_id, channel, created_by,
                     created_at, updated_at, version, owner_id, resolution_code,
                     resolution_note, resolved_at, category_id, minutes_spent, question_open,
                     raise_state, raise_reason, problem_id, reopen_count)
OVERRIDING SYSTEM VALUE
SELECT :id0 + g.n, :num0 + g.n,
       (ARRAY['Cannot log in to', 'Error message in', 'Slow response from', 'Access request for',
              'Password reset for', 'Install request:', 'Printing fails from', 'Crash when opening',
              'Question about', 'Sync problem with', 'Licence needed for', 'No connection to'])
           [1 + g.n % 12] || ' ' ||
       (ARRAY['the ERP', 'Outlook', 'the VPN', 'the CRM', 'Teams', 'the shared drive',
              'the payroll system', 'the Wi-Fi', 'the web portal', 'the label printer',
              'SharePoint', 'the time sheet app', 'the warehouse scanner', 'the laptop'])
           [1 + (g.n / 12) % 14] || ' (' || (ARRAY['Lisbon', 'Porto', 'Hamburg', 'Lyon', 'Osaka',
                                                  'Riverton', 'head office'])[1 + g.n % 7] || ')',
       'Reported by the caller; generated history for the 1M-ticket benchmark. Steps to '
       'reproduce, the affected users and the business impact were recorded on the call.',
       g.type, g.status, g.impact, g.urgency, g.priority, g.queue_id, g.assignee_id,
       CASE WHEN g.type <> 'problem' THEN g.requester_id END, g.channel, g.creator_id,
       g.created_at, t.updated_at,
       2 + (g.esc_at IS NOT NULL)::int + (g.status <> 'new')::int + 2 * t.reopen_count,
       g.creator_id,
       CASE WHEN g.status IN ('resolved', 'closed') THEN
           CASE WHEN g.type = 'information_request' THEN 'advice'
                WHEN g.r_misc < 0.65 THEN 'fixed' WHEN g.r_misc < 0.80 THEN 'workaround'
                WHEN g.r_misc < 0.90 THEN 'user_error' ELSE 'no_fault_found' END END,
       CASE WHEN g.status IN ('resolved', 'closed') THEN
           'Resolved with the caller; details in the conversation.' END,
       g.resolved_at, g.category_id, coalesce(m.minutes, 0), false,
       CASE WHEN g.res_s IS NULL THEN 'none'
            WHEN NOT g.done AND g.status NOT IN ('pending', 'on_hold')
                 AND g.created_at + make_interval(secs => g.res_s * g.factor * 1.5) <= now()
                THEN CASE WHEN g.r_misc < 0.15 THEN 'raised' ELSE 'acknowledged' END
            WHEN g.done AND g.res_end - g.created_at >=
                            make_interval(secs => g.res_s * g.factor * 1.5)
                THEN 'acknowledged'
            ELSE 'none' END,
       CASE WHEN NOT g.done AND g.status NOT IN ('pending', 'on_hold')
                 AND g.created_at + make_interval(secs => g.res_s * g.factor * 1.5) <= now()
                THEN 'SLA resolution at 150 %' END,
       :id0 + pr.n, t.reopen_count
  FROM gen g JOIN gen_t t USING (n) LEFT JOIN gen_m m USING (n)
  LEFT JOIN probs pr ON g.type = 'incident' AND g.r_misc < 0.01
                    AND pr.idx = floor(g.r_frd * (SELECT count(*) FROM probs))::int
 ORDER BY g.n;

\o /dev/null
SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets));
SELECT setval('ticket_number_seq', (SELECT max(number) FROM tickets));
\o

INSERT INTO ticket_escalations (ticket_id, at, kind, actor_id, from_queue_id, to_queue_id,
                                reason, tried)
SELECT :id0 + g.n, g.esc_at, 'functional', coalesce(g.creator_id, g.l1_agent), g.sd_queue,
       CASE WHEN g.escalated_twice AND g.queue2_id <> g.queue_id THEN g.queue2_id
            ELSE g.queue_id END,
       'Needs the specialist group: beyond what first line can fix.',
       'Checked the basics with the caller.'
  FROM gen g WHERE g.escalated
UNION ALL
SELECT :id0 + g.n, g.esc_at + interval '3 hours', 'functional', NULL, g.queue2_id, g.queue_id,
       'Wrong group: routed on.', ''
  FROM gen g WHERE g.escalated_twice AND g.queue2_id <> g.queue_id
 ORDER BY 2;

INSERT INTO ticket_comments (ticket_id, at, author_id, kind, body, minutes)
SELECT :id0 + c.n, c.at, c.author_id, c.kind,
       CASE c.kind WHEN 'reply' THEN 'Hello, thank you for your message. We are on it and will '
                                     'keep you posted; please reply if anything changes.'
                   ELSE 'Checked the logs and the configuration; next step noted here.' END,
       c.minutes
  FROM gen_c c ORDER BY c.at;

-- SLA clocks, as deskd's scheduler leaves them: facts, due and warning times, the last step
-- fired and the next one to fire. Running clocks past due are breached; a resolution clock past
-- 150 % has fired its raise level. Paused clocks (pending, on hold) have no due time.
CREATE TEMP TABLE clk AS
SELECT :id0 + g.n AS ticket_id, 'first_response' AS kind, g.policy_id, g.calendar_id,
       g.fr_s AS target_s, g.warn_pct, g.created_at AS started_at,
       NULL::timestamptz AS paused_since,
       t.fr_met AS met_at, g.fr_due AS due_at, g.factor, NULL::integer AS level_id
  FROM gen g JOIN gen_t t USING (n)
UNION ALL
SELECT :id0 + g.n, 'resolution', g.policy_id, g.calendar_id, g.res_s, g.warn_pct, g.created_at,
       CASE WHEN g.status IN ('pending', 'on_hold') THEN t.updated_at END,
       g.end_at, g.res_due, g.factor, g.level_id
  FROM gen g JOIN gen_t t USING (n)
UNION ALL
SELECT :id0 + g.n, 'next_update', g.policy_id, g.calendar_id, g.nu_s, g.warn_pct, s.started,
       CASE WHEN g.status IN ('pending', 'on_hold') THEN t.updated_at END,
       g.end_at, s.started + make_interval(secs => g.nu_s * g.factor), g.factor, NULL
  FROM gen g JOIN gen_t t USING (n),
       -- Every reply restarts it: it runs from the last update before the end (or now); 85 %
       -- of the updates came in time.
       LATERAL (SELECT greatest(CASE WHEN t.replied THEN g.reply_at ELSE g.created_at END,
                                coalesce(g.end_at, least(t.updated_at, now())) -
                                    make_interval(secs => g.nu_s * g.factor *
                                        CASE WHEN g.r_ontime_fr < 0.85 THEN 0.1 + 0.85 * g.r_frd
                                             ELSE 1.05 + g.r_frd END)) AS started) s
 WHERE g.nu_s IS NOT NULL AND (t.replied OR g.spoke);

INSERT INTO ticket_sla (ticket_id, kind, policy_id, calendar_id, target_s, warn_pct, started_at,
                        paused_since, met_at, warned_at, breached_at, fired_pct, fired_ord,
                        due_at, warn_at, next_fire_at, paused_s, left_s, elapsed_s, dirty, rev)
SELECT c.ticket_id, c.kind, c.policy_id, c.calendar_id, c.target_s, c.warn_pct, c.started_at,
       c.paused_since, c.met_at,
       CASE WHEN coalesce(c.met_at, c.paused_since, now()) > w.warn_at THEN w.warn_at END,
       CASE WHEN coalesce(c.met_at, c.paused_since, now()) > c.due_at THEN c.due_at END,
       CASE WHEN c.level_id IS NOT NULL AND c.met_at IS NULL AND c.paused_since IS NULL
                 AND now() >= w.lvl_at THEN 150
            WHEN coalesce(c.met_at, c.paused_since, now()) > c.due_at THEN 100
            WHEN coalesce(c.met_at, c.paused_since, now()) > w.warn_at THEN c.warn_pct
            ELSE 0 END,
       CASE WHEN c.level_id IS NOT NULL AND c.met_at IS NULL AND c.paused_since IS NULL
                 AND now() >= w.lvl_at THEN 1 + c.level_id
            WHEN coalesce(c.met_at, c.paused_since, now()) > c.due_at THEN 1
            ELSE 0 END,
       CASE WHEN c.paused_since IS NULL THEN c.due_at END,
       CASE WHEN c.paused_since IS NULL THEN w.warn_at END,
       CASE WHEN c.met_at IS NOT NULL OR c.paused_since IS NOT NULL THEN NULL
            WHEN now() < w.warn_at THEN w.warn_at
            WHEN now() < c.due_at THEN c.due_at
            WHEN c.level_id IS NOT NULL AND now() < w.lvl_at THEN w.lvl_at END,
       0,
       CASE WHEN c.paused_since IS NOT NULL THEN
           greatest(0, c.target_s - floor(extract(epoch FROM c.paused_since - c.started_at)
                                          / c.factor))::bigint END,
       CASE WHEN c.met_at IS NOT NULL THEN
           floor(extract(epoch FROM c.met_at - c.started_at) / c.factor)::bigint END,
       false, 1
  FROM clk c,
       LATERAL (SELECT c.started_at + (c.due_at - c.started_at) * (c.warn_pct / 100.0) AS warn_at,
                       c.started_at + (c.due_at - c.started_at) * 1.5 AS lvl_at) w
 ORDER BY c.ticket_id, c.kind;

INSERT INTO ticket_sla_pauses (ticket_id, kind, from_at, to_at, reason)
SELECT s.ticket_id, s.kind, s.paused_since, NULL, t.status
  FROM ticket_sla s JOIN tickets t ON t.id = s.ticket_id
 WHERE s.ticket_id > :id0 AND s.paused_since IS NOT NULL;

COMMIT;

SET session_replication_role = origin;
VACUUM (ANALYZE) agents, queue_members, requesters, tickets, ticket_escalations,
    ticket_comments, ticket_sla, ticket_sla_pauses;
\timing off

-- ---------------------------------------------------------------- what was made

SELECT 'tickets' AS "table", count(*) AS "rows" FROM tickets
UNION ALL SELECT 'ticket_escalations', count(*) FROM ticket_escalations
UNION ALL SELECT 'ticket_comments', count(*) FROM ticket_comments
UNION ALL SELECT 'ticket_sla', count(*) FROM ticket_sla
UNION ALL SELECT 'ticket_sla_pauses', count(*) FROM ticket_sla_pauses
UNION ALL SELECT 'ticket_events', count(*) FROM ticket_events
UNION ALL SELECT 'agents', count(*) FROM agents
UNION ALL SELECT 'requesters', count(*) FROM requesters;

SELECT status, count(*) AS tickets, round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct
  FROM tickets GROUP BY status ORDER BY min(CASE status WHEN 'new' THEN 1 WHEN 'open' THEN 2
      WHEN 'pending' THEN 3 WHEN 'on_hold' THEN 4 WHEN 'resolved' THEN 5 WHEN 'closed' THEN 6
      ELSE 7 END);

SELECT round(100.0 * count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM ticket_escalations e WHERE e.ticket_id = t.id AND e.kind = 'functional'))
           / count(*), 1) AS escalated_pct,
       round(100.0 * count(*) FILTER (WHERE reopen_count > 0) / count(*), 1) AS reopened_pct,
       count(*) FILTER (WHERE raise_state = 'raised') AS raised,
       round(100.0 * count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM ticket_comments c WHERE c.ticket_id = t.id)) / count(*), 1)
           AS with_comments_pct
  FROM tickets t;

SELECT kind, count(*) AS clocks, count(met_at) AS met,
       round(100.0 * count(*) FILTER (WHERE desk_on_time(met_at, due_at, breached_at))
             / nullif(count(met_at), 0), 1) AS met_on_time_pct,
       count(*) FILTER (WHERE met_at IS NULL AND breached_at IS NOT NULL) AS running_breached
  FROM ticket_sla GROUP BY kind ORDER BY kind;
