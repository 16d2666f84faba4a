#!/usr/bin/env bash
# reports.sh - dashboard and report suite: a private PostgreSQL and deskd without demo data, a
# fixed fixture (one week of October 2026 in Lisbon), then the report test program against
# them. Arguments are passed to the program (test-name filters).
#
# Environment: DESKD_BIN (deskd to test) and REPORT_TEST_BIN (built from reports.c), both
# required; DESK_SRC (repository root; default: the one holding this script).
#
# The fixture is history: tickets, replies, pauses and escalations at fixed instants of the
# week Mon 2026-10-19 .. Sun 2026-10-25 (Lisbon, WEST = UTC+1 until the clocks go back at
# 02:00 on Sunday 25; WET = UTC afterwards). The SLA triggers record clock facts at now(), so
# after inserting the rows this script writes each clock's facts (start, met, breached, pauses)
# as they happened; a fresh deskd then computes every due time and business time with the real
# calendar code, and fires the breaches that fell due while nobody was running. reports.c
# holds the hand-computed values, with the arithmetic, and describes every ticket again.
set -euo pipefail

DESK_SRC=${DESK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
[[ -n ${REPORT_TEST_BIN:-} ]] ||
	{ echo "reports.sh: REPORT_TEST_BIN is not set (path to the report test program)" >&2; exit 1; }
[[ -x $REPORT_TEST_BIN ]] ||
	{ echo "reports.sh: REPORT_TEST_BIN=$REPORT_TEST_BIN is not executable" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$DESK_SRC/tests/lib/harness.sh"

readonly CLOCK_WAIT_SECONDS=60

# The fixture. Every instant is written in Lisbon time; every password is 'fixture-pw'.
read -r -d '' FIXTURE_SQL <<'SQL' || true
BEGIN;
-- Rows written as deskd writes them (no sql_update events, no version bumps), and history that
-- touches closed tickets (sql/007_final_states.sql).
SET LOCAL desk.via_api = 'on';
SET LOCAL desk.loading = 'on';

UPDATE desk_settings SET value = 'Europe/Lisbon' WHERE key = 'report_tz';
-- Nothing resolved in the fixture closes by itself while the suite runs.
UPDATE desk_settings SET value = '100000' WHERE key = 'auto_close_hours';

-- Calendars from sql/008_sla.sql: office hours Mon-Fri 09:00-17:00, read in Lisbon; 24x7.
UPDATE calendars SET tz = 'Europe/Lisbon' WHERE name = 'Office hours';

INSERT INTO queues (name, tier) VALUES ('Service Desk', 1), ('Network', 2);

INSERT INTO agents (login, name, role, password_hash)
SELECT v.login, v.name, v.role, crypt('fixture-pw', gen_salt('bf', 6))
  FROM (VALUES ('ana', 'Ana Level-One', 'l1'), ('carl', 'Carl Level-Two', 'l2'),
               ('sup', 'Sue Supervisor', 'supervisor'),
               ('sup2', 'Sam Supervisor', 'supervisor')) AS v (login, name, role);
INSERT INTO queue_members (queue_id, agent_id)
SELECT q.id, a.id
  FROM (VALUES ('Service Desk', 'ana'), ('Network', 'carl')) AS v (queue, login)
  JOIN queues q ON q.name = v.queue JOIN agents a ON a.login = v.login;

INSERT INTO requesters (name, email, organisation) VALUES
    ('Paula Reis', 'paula.reis@tejo-foods.example', 'Tejo Foods'),
    ('Rita Breach', 'rita@breach-drill.example', 'Breach Drill Ltd');

-- A third level: reports group by the top-level category (Hardware).
INSERT INTO categories (parent_id, name)
SELECT id, 'Toner' FROM categories WHERE desk_category_path(id) = 'Hardware/Printer';

-- Policies. Office hours for everything; 24x7 for the Network group; a 2-second resolution
-- target for Breach Drill Ltd, whose tickets reports.c creates to watch a breach happen.
DELETE FROM sla_policies WHERE name = 'Standard';
INSERT INTO sla_policies (name, calendar_id, queue_id, organisation, rank)
SELECT 'Office', c.id, NULL::integer, NULL, 100 FROM calendars c WHERE c.name = 'Office hours'
UNION ALL
SELECT 'Network 24x7', c.id, (SELECT id FROM queues WHERE name = 'Network'), NULL, 50
  FROM calendars c WHERE c.name = '24x7'
UNION ALL
SELECT 'Breach drill', c.id, NULL, 'Breach Drill Ltd', 10 FROM calendars c WHERE c.name = '24x7';
INSERT INTO sla_targets (policy_id, priority, kind, target)
SELECT p.id, x.priority, x.kind, x.target::interval
  FROM sla_policies p
  JOIN (VALUES
    ('Office', 1, 'first_response', '15 minutes'), ('Office', 1, 'resolution', '4 hours'),
    ('Office', 2, 'first_response', '30 minutes'), ('Office', 2, 'resolution', '8 hours'),
    ('Office', 3, 'first_response', '1 hour'),     ('Office', 3, 'resolution', '16 hours'),
    ('Office', 4, 'first_response', '4 hours'),    ('Office', 4, 'resolution', '40 hours'),
    ('Network 24x7', 1, 'first_response', '15 minutes'),
    ('Network 24x7', 1, 'resolution', '4 hours'),
    ('Network 24x7', 2, 'first_response', '1 hour'),
    ('Network 24x7', 2, 'resolution', '12 hours'),
    ('Network 24x7', 3, 'first_response', '2 hours'),
    ('Network 24x7', 3, 'resolution', '24 hours'),
    ('Network 24x7', 4, 'first_response', '4 hours'),
    ('Network 24x7', 4, 'resolution', '48 hours'),
    ('Breach drill', 4, 'resolution', '2 seconds'))
    AS x (policy, priority, kind, target) ON x.policy = p.name;

-- The tickets as they are now. `touched`: the last status change that is not a resolution.
-- Priority = impact x urgency (sql/001_schema.sql). Requester Paula Reis (Tejo Foods).
CREATE TEMP TABLE fx (
    number bigint, subject text, type text, channel text, creator text, impact smallint,
    urgency smallint, queue text, assignee text, status text, category text,
    created timestamptz, resolved timestamptz, touched timestamptz, reopens integer
) ON COMMIT DROP;
INSERT INTO fx VALUES
(1001, 'Password reset on the phone', 'service_request', 'phone', 'ana', 3, 1,
 'Service Desk', 'ana', 'closed', 'Access/Password',
 '2026-10-19 09:10 Europe/Lisbon', '2026-10-19 09:25 Europe/Lisbon', NULL, 0),
(1002, 'Outlook keeps asking for the password', 'incident', 'email', 'ana', 2, 2,
 'Service Desk', 'ana', 'resolved', 'Software/Mail',
 '2026-10-19 10:00 Europe/Lisbon', '2026-10-19 14:00 Europe/Lisbon', NULL, 0),
(1003, 'VPN fails from the hotel', 'incident', 'chat', 'ana', 2, 1,
 'Service Desk', 'ana', 'resolved', 'Network/VPN',
 '2026-10-16 16:30 Europe/Lisbon', '2026-10-19 10:30 Europe/Lisbon', NULL, 0),
(1004, 'Printer prints blank pages', 'incident', 'portal', NULL, 1, 2,
 'Service Desk', 'ana', 'closed', 'Hardware/Printer',
 '2026-10-20 11:00 Europe/Lisbon', '2026-10-20 15:00 Europe/Lisbon', NULL, 0),
(1005, 'ERP report crashes', 'incident', 'email', 'ana', 2, 2,
 'Service Desk', 'ana', 'resolved', 'Software/ERP',
 '2026-10-21 10:00 Europe/Lisbon', '2026-10-22 14:00 Europe/Lisbon', NULL, 0),
(1006, 'Whole floor without Wi-Fi', 'incident', 'phone', 'ana', 1, 1,
 'Service Desk', 'ana', 'resolved', 'Network/Wi-Fi',
 '2026-10-20 14:00 Europe/Lisbon', '2026-10-21 11:30 Europe/Lisbon', NULL, 0),
(1007, 'VPN concentrator refuses logins', 'incident', 'phone', 'ana', 2, 1,
 'Network', 'carl', 'resolved', 'Network/VPN',
 '2026-10-22 10:00 Europe/Lisbon', '2026-10-22 10:25 Europe/Lisbon', NULL, 0),
(1008, 'Guest Wi-Fi down in the lobby', 'incident', 'email', 'carl', 2, 2,
 'Network', 'carl', 'resolved', 'Network/Wi-Fi',
 '2026-10-23 18:00 Europe/Lisbon', '2026-10-24 11:00 Europe/Lisbon', NULL, 0),
(1009, 'Second monitor for a new desk', 'service_request', 'chat', 'ana', 3, 3,
 'Service Desk', 'ana', 'resolved', 'Hardware/Monitor',
 '2026-10-19 11:00 Europe/Lisbon', '2026-10-19 11:25 Europe/Lisbon', NULL, 1),
(1010, 'Where is the expenses form?', 'information_request', 'chat', 'ana', 3, 3,
 'Service Desk', 'ana', 'closed', NULL,
 '2026-10-20 09:30 Europe/Lisbon', '2026-10-20 09:40 Europe/Lisbon', NULL, 0),
(1011, 'Mail bounces (sent twice)', 'incident', 'email', 'ana', 3, 2,
 'Service Desk', NULL, 'cancelled', 'Software/Mail',
 '2026-10-20 15:00 Europe/Lisbon', NULL, '2026-10-20 15:20 Europe/Lisbon', 0),
(1012, 'Laptop fan loud', 'incident', 'email', 'ana', 2, 2,
 'Service Desk', 'ana', 'open', 'Hardware/Laptop',
 '2026-10-22 15:00 Europe/Lisbon', NULL, NULL, 0),
(1013, 'Monitor arm for a new starter', 'service_request', 'phone', 'ana', 3, 2,
 'Service Desk', 'ana', 'on_hold', 'Hardware/Monitor',
 '2026-10-23 10:00 Europe/Lisbon', NULL, '2026-10-23 11:00 Europe/Lisbon', 0),
(1014, 'Cannot open shared calendar', 'incident', 'portal', NULL, 3, 3,
 'Service Desk', NULL, 'new', NULL,
 '2026-10-25 23:30 Europe/Lisbon', NULL, NULL, 0),
(1015, 'How do I book a meeting room?', 'information_request', 'portal', NULL, 3, 3,
 'Service Desk', 'ana', 'closed', NULL,
 '2026-10-19 00:30 Europe/Lisbon', '2026-10-19 09:20 Europe/Lisbon', NULL, 0),
(1016, 'Branch office VPN tunnel flaps', 'incident', 'email', 'ana', 2, 2,
 'Network', 'carl', 'open', 'Network/VPN',
 '2026-10-21 09:00 Europe/Lisbon', NULL, NULL, 0),
(1017, 'Access to the archive share', 'service_request', 'email', 'ana', 3, 3,
 'Service Desk', 'ana', 'pending', 'Access/Permissions',
 '2026-09-14 10:00 Europe/Lisbon', NULL, '2026-09-15 10:00 Europe/Lisbon', 0),
(1018, 'ERP posting fails', 'incident', 'email', 'ana', 3, 1,
 'Service Desk', 'ana', 'resolved', 'Software/ERP',
 '2026-10-23 14:00 Europe/Lisbon', '2026-10-26 10:00 Europe/Lisbon', NULL, 0),
(1019, 'Toner cartridge replaced', 'incident', 'walk_in', 'ana', 3, 3,
 'Service Desk', 'ana', 'closed', 'Hardware/Printer/Toner',
 '2026-10-22 12:00 Europe/Lisbon', '2026-10-22 12:30 Europe/Lisbon', NULL, 0),
(1020, 'Suspicious mail reported', 'incident', 'chat', 'ana', 2, 3,
 'Service Desk', 'sup', 'resolved', 'Security/Phishing',
 '2026-10-22 16:00 Europe/Lisbon', '2026-10-22 18:30 Europe/Lisbon', NULL, 0),
(1021, 'Recurring Wi-Fi drops (problem)', 'problem', 'phone', 'carl', 2, 3,
 'Network', 'carl', 'open', 'Network',
 '2026-10-07 10:00 Europe/Lisbon', NULL, NULL, 0);

INSERT INTO tickets (number, subject, type, status, impact, urgency, priority, queue_id,
                     assignee_id, requester_id, channel, created_by, created_at, updated_at,
                     resolution_code, resolution_note, resolved_at, category_id, reopen_count)
SELECT f.number, f.subject, f.type, f.status, f.impact, f.urgency,
       desk_priority(f.impact, f.urgency), q.id, a.id, r.id, f.channel, c.id, f.created,
       greatest(f.created, f.resolved, f.touched),
       CASE WHEN f.resolved IS NOT NULL THEN 'fixed' END,
       CASE WHEN f.resolved IS NOT NULL THEN 'Fixed (fixture).' END,
       f.resolved, k.id, f.reopens
  FROM fx f
  JOIN queues q ON q.name = f.queue
  JOIN requesters r ON r.name = 'Paula Reis'
  LEFT JOIN agents a ON a.login = f.assignee
  LEFT JOIN agents c ON c.login = f.creator
  LEFT JOIN categories k ON desk_category_path(k.id) = f.category
 ORDER BY f.number;
ALTER SEQUENCE ticket_number_seq RESTART WITH 1101;

INSERT INTO ticket_events (ticket_id, at, actor_id, kind, new_value)
SELECT t.id, t.created_at, t.created_by, 'created', t.subject
  FROM tickets t;

-- Functional escalations from the Service Desk to Network.
INSERT INTO ticket_escalations (ticket_id, at, kind, actor_id, from_queue_id, to_queue_id,
                                reason)
SELECT t.id, v.at::timestamptz, 'functional', a.id, sd.id, nw.id, v.reason
  FROM (VALUES (1016, '2026-10-21 09:30 Europe/Lisbon', 'Tunnel needs the firewall team'),
               (1007, '2026-10-22 10:05 Europe/Lisbon', 'Concentrator is Network''s'))
       AS v (number, at, reason)
  JOIN tickets t ON t.number = v.number
  JOIN agents a ON a.login = 'ana'
  JOIN queues sd ON sd.name = 'Service Desk'
  JOIN queues nw ON nw.name = 'Network';
INSERT INTO ticket_events (ticket_id, at, actor_id, kind, old_value, new_value, note)
SELECT e.ticket_id, e.at, e.actor_id, 'escalated', 'Service Desk', 'Network', e.reason
  FROM ticket_escalations e;

-- Replies (public) and notes, with the minutes logged on each.
INSERT INTO ticket_comments (ticket_id, at, author_id, kind, body, minutes)
SELECT t.id, v.at::timestamptz, a.id, v.kind, 'Fixture ' || v.kind || '.', v.minutes
  FROM (VALUES
    (1001, '2026-10-19 09:25 Europe/Lisbon', 'ana',  'note',  15),
    (1002, '2026-10-19 10:40 Europe/Lisbon', 'ana',  'reply', 10),
    (1002, '2026-10-19 14:00 Europe/Lisbon', 'ana',  'note',  20),
    (1003, '2026-10-19 09:20 Europe/Lisbon', 'ana',  'reply', 15),
    (1004, '2026-10-20 12:15 Europe/Lisbon', 'ana',  'reply', 10),
    (1005, '2026-10-21 10:30 Europe/Lisbon', 'ana',  'reply',  5),
    (1005, '2026-10-22 14:00 Europe/Lisbon', 'ana',  'note',  25),
    (1006, '2026-10-21 11:30 Europe/Lisbon', 'ana',  'note',  30),
    (1007, '2026-10-22 10:25 Europe/Lisbon', 'carl', 'note',  20),
    (1008, '2026-10-23 18:30 Europe/Lisbon', 'carl', 'reply', 20),
    (1009, '2026-10-19 11:05 Europe/Lisbon', 'ana',  'reply',  5),
    (1010, '2026-10-20 09:35 Europe/Lisbon', 'ana',  'reply',  5),
    (1012, '2026-10-22 15:30 Europe/Lisbon', 'ana',  'reply', 10),
    (1013, '2026-10-23 11:00 Europe/Lisbon', 'ana',  'note',  10),
    (1015, '2026-10-19 09:15 Europe/Lisbon', 'ana',  'reply',  5),
    (1016, '2026-10-21 09:20 Europe/Lisbon', 'ana',  'reply',  5),
    (1016, '2026-10-21 14:00 Europe/Lisbon', 'carl', 'note',  45),
    (1017, '2026-09-14 11:00 Europe/Lisbon', 'ana',  'reply',  5),
    (1018, '2026-10-23 14:20 Europe/Lisbon', 'ana',  'reply', 10),
    (1019, '2026-10-22 12:30 Europe/Lisbon', 'ana',  'note',  30),
    (1020, '2026-10-22 16:10 Europe/Lisbon', 'sup',  'reply', 10),
    (1021, '2026-10-07 11:00 Europe/Lisbon', 'carl', 'note',  60))
    AS v (number, at, login, kind, minutes)
  JOIN tickets t ON t.number = v.number
  JOIN agents a ON a.login = v.login;
UPDATE tickets t SET minutes_spent = c.total
  FROM (SELECT ticket_id, sum(minutes) AS total FROM ticket_comments GROUP BY ticket_id) c
 WHERE c.ticket_id = t.id;

-- The clocks' facts as they happened (sql/008_sla.sql would have recorded them live): the
-- first response met by the first reply, by the phone or walk-in contact at creation, or by
-- the cancellation; the resolution met when resolved; breaches that fired before the clock
-- was met; open pauses of the tickets waiting now. Clocks still running are left to deskd,
-- which fires their overdue breaches at their due times.
CREATE TEMP TABLE fxc (
    number bigint, fr_met timestamptz, fr_breached timestamptz, res_met timestamptz,
    res_breached timestamptz, res_paused timestamptz
) ON COMMIT DROP;
INSERT INTO fxc VALUES
(1001, '2026-10-19 09:10 Europe/Lisbon', NULL, '2026-10-19 09:25 Europe/Lisbon', NULL, NULL),
(1002, '2026-10-19 10:40 Europe/Lisbon', NULL, '2026-10-19 14:00 Europe/Lisbon', NULL, NULL),
(1003, '2026-10-19 09:20 Europe/Lisbon', '2026-10-16 17:00 Europe/Lisbon',
       '2026-10-19 10:30 Europe/Lisbon', NULL, NULL),
(1004, '2026-10-20 12:15 Europe/Lisbon', '2026-10-20 11:30 Europe/Lisbon',
       '2026-10-20 15:00 Europe/Lisbon', NULL, NULL),
(1005, '2026-10-21 10:30 Europe/Lisbon', NULL, '2026-10-22 14:00 Europe/Lisbon', NULL, NULL),
(1006, '2026-10-20 14:00 Europe/Lisbon', NULL,
       '2026-10-21 11:30 Europe/Lisbon', '2026-10-21 10:00 Europe/Lisbon', NULL),
(1007, '2026-10-22 10:00 Europe/Lisbon', NULL, '2026-10-22 10:25 Europe/Lisbon', NULL, NULL),
(1008, '2026-10-23 18:30 Europe/Lisbon', NULL, '2026-10-24 11:00 Europe/Lisbon', NULL, NULL),
(1009, '2026-10-19 11:05 Europe/Lisbon', NULL, '2026-10-19 11:25 Europe/Lisbon', NULL, NULL),
(1010, '2026-10-20 09:35 Europe/Lisbon', NULL, '2026-10-20 09:40 Europe/Lisbon', NULL, NULL),
(1011, '2026-10-20 15:20 Europe/Lisbon', NULL, '2026-10-20 15:20 Europe/Lisbon', NULL, NULL),
(1012, '2026-10-22 15:30 Europe/Lisbon', NULL, NULL, NULL, NULL),
(1013, '2026-10-23 10:00 Europe/Lisbon', NULL, NULL, NULL, '2026-10-23 11:00 Europe/Lisbon'),
(1014, NULL, NULL, NULL, NULL, NULL),
(1015, '2026-10-19 09:15 Europe/Lisbon', NULL, '2026-10-19 09:20 Europe/Lisbon', NULL, NULL),
(1016, '2026-10-21 09:20 Europe/Lisbon', NULL, NULL, NULL, NULL),
(1017, '2026-09-14 11:00 Europe/Lisbon', NULL, NULL, NULL, '2026-09-15 10:00 Europe/Lisbon'),
(1018, '2026-10-23 14:20 Europe/Lisbon', NULL, '2026-10-26 10:00 Europe/Lisbon', NULL, NULL),
(1019, '2026-10-22 12:00 Europe/Lisbon', NULL, '2026-10-22 12:30 Europe/Lisbon', NULL, NULL),
(1020, '2026-10-22 16:10 Europe/Lisbon', NULL, '2026-10-22 18:30 Europe/Lisbon', NULL, NULL),
(1021, '2026-10-07 10:00 Europe/Lisbon', NULL, NULL, NULL, NULL);

UPDATE ticket_sla s
   SET started_at = t.created_at,
       met_at = CASE s.kind WHEN 'first_response' THEN c.fr_met ELSE c.res_met END,
       breached_at = CASE s.kind WHEN 'first_response' THEN c.fr_breached
                                 ELSE c.res_breached END,
       paused_since = CASE s.kind WHEN 'resolution' THEN c.res_paused END,
       warned_at = NULL,
       fired_pct = CASE WHEN (CASE s.kind WHEN 'first_response' THEN c.fr_breached
                                          ELSE c.res_breached END) IS NOT NULL
                        THEN 100 ELSE 0 END,
       fired_ord = CASE WHEN (CASE s.kind WHEN 'first_response' THEN c.fr_breached
                                          ELSE c.res_breached END) IS NOT NULL
                        THEN 1 ELSE 0 END
  FROM fxc c JOIN tickets t ON t.number = c.number
 WHERE s.ticket_id = t.id;

-- Resolution pauses: pending overnight (HD-1005), resolved until reopened (HD-1009), and the
-- open pauses of the waiting tickets.
DELETE FROM ticket_sla_pauses;
INSERT INTO ticket_sla_pauses (ticket_id, kind, from_at, to_at, reason)
SELECT t.id, 'resolution', v.from_at::timestamptz, v.to_at::timestamptz, v.reason
  FROM (VALUES
    (1005, '2026-10-21 10:30 Europe/Lisbon', '2026-10-22 11:00 Europe/Lisbon', 'pending'),
    (1009, '2026-10-19 11:10 Europe/Lisbon', '2026-10-19 11:15 Europe/Lisbon', 'resolved'),
    (1013, '2026-10-23 11:00 Europe/Lisbon', NULL, 'on_hold'),
    (1017, '2026-09-15 10:00 Europe/Lisbon', NULL, 'pending'))
    AS v (number, from_at, to_at, reason)
  JOIN tickets t ON t.number = v.number;
COMMIT;
SQL

# What deskd must have computed from the fixture's facts (hand-computed: see reports.c):
# every clock's due time and business seconds to being met, and the breaches, including
# those deskd fired itself for the clocks still running. Due times of paused clocks are nil.
read -r -d '' CLOCK_CHECK_SQL <<'SQL' || true
WITH e (number, kind, due, elapsed, breached) AS (VALUES
 (1001, 'first_response', '2026-10-19 10:10', 0, NULL),
 (1001, 'resolution',     '2026-10-21 09:10', 900, NULL),
 (1002, 'first_response', '2026-10-19 11:00', 2400, NULL),
 (1002, 'resolution',     '2026-10-21 10:00', 14400, NULL),
 (1003, 'first_response', '2026-10-16 17:00', 3000, '2026-10-16 17:00'),
 (1003, 'resolution',     '2026-10-19 16:30', 7200, NULL),
 (1004, 'first_response', '2026-10-20 11:30', 4500, '2026-10-20 11:30'),
 (1004, 'resolution',     '2026-10-21 11:00', 14400, NULL),
 (1005, 'first_response', '2026-10-21 11:00', 1800, NULL),
 (1005, 'resolution',     '2026-10-26 10:30', 12600, NULL),
 (1006, 'first_response', '2026-10-20 14:15', 0, NULL),
 (1006, 'resolution',     '2026-10-21 10:00', 19800, '2026-10-21 10:00'),
 (1007, 'first_response', '2026-10-22 11:00', 0, NULL),
 (1007, 'resolution',     '2026-10-22 22:00', 1500, NULL),
 (1008, 'first_response', '2026-10-23 20:00', 1800, NULL),
 (1008, 'resolution',     '2026-10-24 18:00', 61200, NULL),
 (1009, 'first_response', '2026-10-19 15:00', 300, NULL),
 (1009, 'resolution',     '2026-10-26 11:05', 1200, NULL),
 (1010, 'first_response', '2026-10-20 13:30', 300, NULL),
 (1010, 'resolution',     '2026-10-27 09:30', 600, NULL),
 (1011, 'first_response', '2026-10-21 11:00', 1200, NULL),
 (1011, 'resolution',     '2026-10-27 15:00', 1200, NULL),
 (1012, 'first_response', '2026-10-22 16:00', 1800, NULL),
 (1012, 'resolution',     '2026-10-26 15:00', NULL, '2026-10-26 15:00'),
 (1013, 'first_response', '2026-10-23 14:00', 0, NULL),
 (1013, 'resolution',     NULL, NULL, NULL),
 (1014, 'first_response', '2026-10-26 13:00', NULL, '2026-10-26 13:00'),
 (1014, 'resolution',     '2026-10-30 17:00', NULL, '2026-10-30 17:00'),
 (1015, 'first_response', '2026-10-19 13:00', 900, NULL),
 (1015, 'resolution',     '2026-10-23 17:00', 1200, NULL),
 (1016, 'first_response', '2026-10-21 11:00', 1200, NULL),
 (1016, 'resolution',     '2026-10-22 09:00', NULL, '2026-10-22 09:00'),
 (1017, 'first_response', '2026-09-14 14:00', 3600, NULL),
 (1017, 'resolution',     NULL, NULL, NULL),
 (1018, 'first_response', '2026-10-23 15:00', 1200, NULL),
 (1018, 'resolution',     '2026-10-27 14:00', 14400, NULL),
 (1019, 'first_response', '2026-10-22 16:00', 0, NULL),
 (1019, 'resolution',     '2026-10-29 12:00', 1800, NULL),
 (1020, 'first_response', '2026-10-23 12:00', 600, NULL),
 (1020, 'resolution',     '2026-10-29 16:00', 3600, NULL),
 (1021, 'first_response', '2026-10-07 14:00', 0, NULL),
 (1021, 'resolution',     '2026-10-09 10:00', NULL, '2026-10-09 10:00')),
x AS (
    SELECT e.number, e.kind, (e.due || ' Europe/Lisbon')::timestamptz AS due,
           e.elapsed::bigint AS elapsed, (e.breached || ' Europe/Lisbon')::timestamptz AS breached
      FROM e),
cmp AS (
    SELECT coalesce(x.number, t.number) AS number, coalesce(x.kind, s.kind) AS kind,
           x.due, x.elapsed, x.breached, s.due_at, s.elapsed_s, s.breached_at,
           x.number IS NOT NULL AND s.kind IS NOT NULL AS both_there
      FROM x
      FULL JOIN (ticket_sla s JOIN tickets t ON t.id = s.ticket_id)
             ON t.number = x.number AND s.kind = x.kind)
SELECT format('HD-%s %s: due %s elapsed_s %s breached %s, expected %s / %s / %s',
              number, kind, due_at AT TIME ZONE 'Europe/Lisbon', elapsed_s,
              breached_at AT TIME ZONE 'Europe/Lisbon', due AT TIME ZONE 'Europe/Lisbon',
              elapsed, breached AT TIME ZONE 'Europe/Lisbon')
  FROM cmp
 WHERE NOT both_there OR due_at IS DISTINCT FROM due OR elapsed_s IS DISTINCT FROM elapsed
    OR breached_at IS DISTINCT FROM breached
 ORDER BY number, kind
SQL

# shellcheck disable=SC2119 # harness_start takes its own options, not the script's arguments
harness_start --no-demo
# No deskd may compute a clock while the fixture goes in: one that read the calendars before
# Office hours moved to Lisbon would store due times from the wrong zone and, its clocks
# clean, never look at them again. The first deskd has run the migrations; stop it, load,
# and start a fresh one, which loads the calendars and computes every clock.
harness_stop_deskd "$DESKD_PID" || harness_die "deskd $DESKD_PID failed while stopping"
# Every expected value assumes the fixture is history: its last due time (HD-1014's
# resolution, Fri 2026-10-30 17:00 Lisbon) has passed, so deskd has fired every breach.
[[ $(harness_psql "SELECT now() > '2026-10-31 00:00 Europe/Lisbon'") == t ]] ||
	harness_die "the clock says $(date -u); the fixture needs a date after 2026-10-30"
harness_psql "$FIXTURE_SQL" >/dev/null
harness_start_deskd DESK_PORT DESKD_PID
export DESK_PORT DESKD_PID

# Wait for deskd to compute every clock and fire every breach that is due.
for ((i = 0; ; i++)); do
	left=$(harness_psql "SELECT count(*) FROM ticket_sla
	                      WHERE dirty OR next_fire_at <= clock_timestamp()")
	[[ $left == 0 ]] && break
	((i < CLOCK_WAIT_SECONDS * 10)) ||
		harness_die "$left SLA clocks still not computed after ${CLOCK_WAIT_SECONDS}s"
	sleep 0.1
done

rc=0
bad_clocks=$(harness_psql "$CLOCK_CHECK_SQL")
if [[ -z $bad_clocks ]]; then
	echo "ok - fixture clocks (due times, business seconds, breaches)"
else
	echo "not ok - fixture clocks: ${bad_clocks//$'\n'/; }"
	rc=1
fi

"$REPORT_TEST_BIN" "$@" || rc=$?

# shellcheck disable=SC2153 # DESKD_PID is exported by harness_start_deskd above
if ! kill -0 "$DESKD_PID" 2>/dev/null; then
	echo "reports.sh: deskd (pid $DESKD_PID) is no longer running after the tests" >&2
	rc=1
fi
exit "$rc"
