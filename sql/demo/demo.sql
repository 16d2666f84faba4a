-- demo.sql - demo data for `deskd --demo`: queues, agents (password "demo"), requesters and
-- about fifty tickets with their history, timed relative to now() so the desk always looks
-- like the last ten days of a live service desk.
--
-- deskd runs this once, into a database with no agents and no tickets, after the migrations,
-- as one multi-statement query inside its own transaction. Nothing here hard-codes an id:
-- rows refer to each other by login, queue name and requester name.

INSERT INTO queues (name, tier, description) VALUES
    ('Service Desk', 1,
     'First line and single point of contact: every call, mail, chat and walk-in is '
     'registered here, solved at first contact when possible, otherwise routed to a '
     'specialist group.'),
    ('Network', 2,
     'LAN, Wi-Fi, VPN, firewalls, DNS/DHCP and the WAN links between sites.'),
    ('Applications', 2,
     'Business applications: ERP, CRM, payroll, mail and collaboration, web sites.'),
    ('Hardware', 2,
     'Laptops, desktops, monitors, printers, phones, servers and storage: repairs, '
     'deliveries and replacements.'),
    ('Security', 2,
     'Access requests and rights, phishing, malware, account compromise, physical access '
     'control.');

INSERT INTO agents (login, name, role, password_hash)
SELECT v.login, v.name, v.role, crypt('demo', gen_salt('bf', 8))
  FROM (VALUES
    ('ana',   'Ana Lima',      'l1'),
    ('ben',   'Ben Okafor',    'l1'),
    ('carla', 'Carla Nunes',   'l2'),
    ('dev',   'Dev Patel',     'l2'),
    ('hana',  'Hana Sato',     'l2'),
    ('sam',   'Sam Reyes',     'supervisor'),
    ('admin', 'Administrator', 'admin')
  ) AS v (login, name, role);

INSERT INTO queue_members (queue_id, agent_id)
SELECT q.id, a.id
  FROM (VALUES
    ('Service Desk', 'ana'),
    ('Service Desk', 'ben'),
    ('Network',      'carla'),
    ('Security',     'carla'),
    ('Applications', 'dev'),
    ('Hardware',     'hana')
  ) AS v (queue, login)
  JOIN queues q ON q.name = v.queue
  JOIN agents a ON a.login = v.login;

-- The directory of callers: five customer organisations of the desk.
INSERT INTO requesters (name, email, phone, organisation, created_at)
SELECT v.name, v.email, v.phone, v.org, now() - interval '90 days'
  FROM (VALUES
    ('João Conceição',   'joao.conceicao@meridian-logistics.example',  '+351 21 555 0101', 'Meridian Logistics'),
    ('Inês Carvalho',    'ines.carvalho@meridian-logistics.example',   '+351 21 555 0102', 'Meridian Logistics'),
    ('Rui Gonçalves',    'rui.goncalves@meridian-logistics.example',   '+351 21 555 0117', 'Meridian Logistics'),
    ('Mariana Simões',   'mariana.simoes@meridian-logistics.example',  '+351 21 555 0123', 'Meridian Logistics'),
    ('Tomás Ribeiro',    'tomas.ribeiro@meridian-logistics.example',   '+351 21 555 0131', 'Meridian Logistics'),
    ('Beatriz Antunes',  'beatriz.antunes@meridian-logistics.example', '+351 22 555 0140', 'Meridian Logistics'),
    ('Luís Fernandes',   'luis.fernandes@meridian-logistics.example',  '+351 21 555 0100', 'Meridian Logistics'),
    ('Sofia Magalhães',  'sofia.magalhaes@meridian-logistics.example', '+351 21 555 0156', 'Meridian Logistics'),
    ('Jürgen Weiß',      'juergen.weiss@nordlicht-versicherung.example',  '+49 40 5550 1201', 'Nordlicht Versicherung'),
    ('Zoë Müller',       'zoe.mueller@nordlicht-versicherung.example',    '+49 40 5550 1214', 'Nordlicht Versicherung'),
    ('Katrin Böhm',      'katrin.boehm@nordlicht-versicherung.example',   '+49 40 5550 1220', 'Nordlicht Versicherung'),
    ('Lukas Schäfer',    'lukas.schaefer@nordlicht-versicherung.example', '+49 40 5550 1233', 'Nordlicht Versicherung'),
    ('Anja Krüger',      'anja.krueger@nordlicht-versicherung.example',   '+49 40 5550 1245', 'Nordlicht Versicherung'),
    ('Henrik Sørensen',  'henrik.sorensen@nordlicht-versicherung.example', '+49 40 5550 1251', 'Nordlicht Versicherung'),
    ('Fatma Yılmaz',     'fatma.yilmaz@nordlicht-versicherung.example',   '+49 40 5550 1262', 'Nordlicht Versicherung'),
    ('Oliver Brandt',    'oliver.brandt@nordlicht-versicherung.example',  '+49 40 5550 1270', 'Nordlicht Versicherung'),
    ('François Lefèvre', 'francois.lefevre@atelier-dupre.example', '+33 1 55 50 21 01', 'Atelier Dupré'),
    ('Chloé Dubois',     'chloe.dubois@atelier-dupre.example',     '+33 1 55 50 21 07', 'Atelier Dupré'),
    ('Hélène Marchand',  'helene.marchand@atelier-dupre.example',  '+33 1 55 50 21 12', 'Atelier Dupré'),
    ('Noël Garnier',     'noel.garnier@atelier-dupre.example',     '+33 1 55 50 21 18', 'Atelier Dupré'),
    ('Amélie Roux',      'amelie.roux@atelier-dupre.example',      '+33 1 55 50 21 24', 'Atelier Dupré'),
    ('Théo Girard',      'theo.girard@atelier-dupre.example',      '+33 1 55 50 21 30', 'Atelier Dupré'),
    ('Yasmine Haddad',   'yasmine.haddad@atelier-dupre.example',   '+33 1 55 50 21 36', 'Atelier Dupré'),
    ('Léa Moreau',       'lea.moreau@atelier-dupre.example',       NULL,                'Atelier Dupré'),
    ('田中 美咲',         'misaki.tanaka@sakura-foods.example',     '+81 3 5550 4410', 'Sakura Foods'),
    ('山本 健太',         'kenta.yamamoto@sakura-foods.example',    '+81 3 5550 4423', 'Sakura Foods'),
    ('王芳',              'wang.fang@sakura-foods.example',         '+86 21 5550 0199', 'Sakura Foods'),
    ('Kenji Watanabe',   'kenji.watanabe@sakura-foods.example',    '+81 3 5550 4431', 'Sakura Foods'),
    ('Aiko Fujii',       'aiko.fujii@sakura-foods.example',        '+81 3 5550 4447', 'Sakura Foods'),
    ('Emily Carter',     'emily.carter@sakura-foods.example',      '+81 3 5550 4452', 'Sakura Foods'),
    ('Daniel Ōtsuka',    'daniel.otsuka@sakura-foods.example',     '+81 3 5550 4468', 'Sakura Foods'),
    ('Yuki Nakamura',    'yuki.nakamura@sakura-foods.example',     '+81 3 5550 4475', 'Sakura Foods'),
    ('Maria Oliveira',   'maria.oliveira@riverton.example.org',    '+1 555 0142', 'City of Riverton'),
    ('Robert Nguyen',    'robert.nguyen@riverton.example.org',     '+1 555 0156', 'City of Riverton'),
    ('Siobhán O''Connor', 'siobhan.oconnor@riverton.example.org',  '+1 555 0163', 'City of Riverton'),
    ('Marcus Johnson',   NULL,                                     '+1 555 0177', 'City of Riverton'),
    ('Priya Raman',      'priya.raman@riverton.example.org',       '+1 555 0181', 'City of Riverton'),
    ('Ángel Castillo',   'angel.castillo@riverton.example.org',    '+1 555 0190', 'City of Riverton'),
    ('Dana Whitfield',   'dana.whitfield@riverton.example.org',    '+1 555 0104', 'City of Riverton'),
    ('Grace Kim',        'grace.kim@riverton.example.org',         '+1 555 0119', 'City of Riverton')
  ) AS v (name, email, phone, org);

-- Service levels (sql/008_sla.sql): the desk works Lisbon office hours with the Portuguese
-- public holidays; the Network group covers extended hours; Meridian Logistics has a
-- round-the-clock contract. Clocks run in these calendars' business time.
UPDATE calendars SET tz = 'Europe/Lisbon' WHERE name = 'Office hours';
DELETE FROM calendar_hours
 WHERE calendar_id = (SELECT id FROM calendars WHERE name = 'Office hours');
INSERT INTO calendar_hours (calendar_id, weekday, opens, closes)
SELECT c.id, d, '08:00', '19:00' FROM calendars c, generate_series(1, 5) d
 WHERE c.name = 'Office hours';
INSERT INTO calendar_holidays (calendar_id, day, name)
SELECT c.id, h.day::date, h.name FROM calendars c,
       (VALUES ('2026-12-01', 'Restoration of Independence'),
               ('2026-12-08', 'Immaculate Conception'), ('2026-12-25', 'Christmas Day'),
               ('2027-01-01', 'New Year''s Day'), ('2027-03-26', 'Good Friday'),
               ('2027-04-25', 'Freedom Day'), ('2027-05-01', 'Labour Day'))
       AS h(day, name)
 WHERE c.name = 'Office hours';
INSERT INTO calendars (name, tz) VALUES ('Extended hours', 'Europe/Lisbon');
INSERT INTO calendar_hours (calendar_id, weekday, opens, closes)
SELECT c.id, d, '07:00', '23:00' FROM calendars c, generate_series(1, 6) d
 WHERE c.name = 'Extended hours';
UPDATE queues SET calendar_id = (SELECT id FROM calendars WHERE name = 'Office hours');
UPDATE queues SET calendar_id = (SELECT id FROM calendars WHERE name = 'Extended hours')
 WHERE name = 'Network';
-- Standard targets for P3/P4 resolution: a week and two weeks of office hours.
UPDATE sla_targets SET target = interval '55 hours'
 WHERE kind = 'resolution' AND priority = 3
   AND policy_id = (SELECT id FROM sla_policies WHERE name = 'Standard');
UPDATE sla_targets SET target = interval '110 hours'
 WHERE kind = 'resolution' AND priority = 4
   AND policy_id = (SELECT id FROM sla_policies WHERE name = 'Standard');
INSERT INTO sla_policies (name, calendar_id, organisation, rank, warn_pct)
SELECT 'Meridian 24x7', id, 'Meridian Logistics', 10, 80 FROM calendars WHERE name = '24x7';
INSERT INTO sla_targets (policy_id, priority, kind, target)
SELECT p.id, x.priority, x.kind, x.target::interval
  FROM sla_policies p,
       (VALUES (1, 'first_response', '10 minutes'), (1, 'resolution', '4 hours'),
               (1, 'next_update', '30 minutes'),
               (2, 'first_response', '20 minutes'), (2, 'resolution', '12 hours'),
               (2, 'next_update', '2 hours'),
               (3, 'first_response', '1 hour'), (3, 'resolution', '3 days'),
               (4, 'first_response', '2 hours'), (4, 'resolution', '5 days'))
       AS x(priority, kind, target)
 WHERE p.name = 'Meridian 24x7';
-- Meridian tickets half again past due are raised to the supervisors.
INSERT INTO sla_levels (policy_id, kind, pct, escalate_to, raise)
SELECT p.id, 'resolution', 150, NULL, true FROM sla_policies p WHERE p.name = 'Meridian 24x7';

-- The tickets, as a script of what happened to each, in times before now():
--   created   registered by `creator` (NULL: the requester used the portal), in Service Desk
--             unless `escalated` is false, in which case it was registered in `queue` directly
--   escalated functional escalation from Service Desk to `queue` a few minutes after creation
--   opened    `assignee` picked it up: status new -> open
--   resolved  status open -> resolved
--   touched   the last change, to the final status (pending, on_hold, closed, cancelled)
CREATE TEMP TABLE demo_script (
    subject      text NOT NULL,
    description  text NOT NULL,
    type         text NOT NULL,
    status       text NOT NULL,
    impact       smallint NOT NULL,
    urgency      smallint NOT NULL,
    queue        text NOT NULL,
    assignee     text,
    requester    text,
    channel      text NOT NULL,
    creator      text,
    escalated    boolean NOT NULL,
    created_ago  interval NOT NULL,
    opened_ago   interval,
    resolved_ago interval,
    touched_ago  interval
);

INSERT INTO demo_script VALUES
('VPN drops every 20-30 minutes when working from home',
 'Since Monday the VPN disconnects roughly every 25 minutes; reconnecting works. Home fibre, '
 'FortiClient 7.0 on the standard laptop. Two colleagues in Hamburg report the same.',
 'incident', 'closed', 2, 2, 'Network', 'carla', 'Jürgen Weiß', 'phone', 'ben', true,
 '9 days 23 hours', '9 days 21 hours', '8 days 2 hours', '6 days 5 hours'),

('New starter: laptop, accounts and phone for Tomás Ribeiro',
 'Tomás Ribeiro joins Finance on the 1st. Needs a standard laptop, AD and mail accounts, '
 'SAP FI role, a desk phone, and membership of the Finance distribution list.',
 'service_request', 'closed', 3, 2, 'Hardware', 'hana', 'Mariana Simões', 'email', 'ana', true,
 '9 days 20 hours', '9 days 18 hours', '7 days 1 hour', '5 days 3 hours'),

('SAP account locked after three wrong passwords',
 'User locked out of SAP before the month-end close. Identity verified by call-back to the '
 'desk phone; account unlocked and password reset while on the line.',
 'service_request', 'closed', 3, 1, 'Service Desk', 'ana', 'Rui Gonçalves', 'phone', 'ana', false,
 '9 days 6 hours', '9 days 5 hours 59 minutes', '9 days 5 hours 52 minutes', '7 days 2 hours'),

('Printer on 2nd floor prints blank pages',
 'HP LaserJet "ATELIER-2F" feeds paper but pages come out blank, from every PC. Toner shows 40 %.',
 'incident', 'closed', 2, 2, 'Hardware', 'hana', 'Hélène Marchand', 'email', 'ben', true,
 '8 days 22 hours', '8 days 19 hours', '8 days 3 hours', '6 days 1 hour'),

('How do I share my calendar with my assistant?',
 'Wants her assistant to see and edit appointments in Outlook. Explained delegate access '
 'step by step in the chat and sent the how-to article.',
 'information_request', 'closed', 3, 3, 'Service Desk', 'ben', 'Katrin Böhm', 'chat', 'ben', false,
 '8 days 7 hours', '8 days 6 hours 58 minutes', '8 days 6 hours 50 minutes', '6 days 6 hours'),

('Phishing mail impersonating the CEO asks for gift cards',
 'About 30 staff received a mail "from Luís Fernandes" asking to buy gift cards urgently. Two '
 'people replied. Please block the sender domain and check the replies'' mailboxes for rules.',
 'incident', 'resolved', 2, 1, 'Security', 'carla', 'Luís Fernandes', 'email', 'ana', true,
 '8 days 3 hours', '8 days 2 hours 40 minutes', '7 days 23 hours', NULL),

('ERP invoice run fails with "posting period closed"',
 'Nightly invoice run aborted at 02:10 with "posting period is closed". About 140 '
 'invoices not sent. Finance needs them out before Friday.',
 'incident', 'closed', 2, 2, 'Applications', 'dev', 'Sofia Magalhães', 'phone', 'ben', true,
 '7 days 22 hours', '7 days 20 hours', '7 days 2 hours', '4 days 23 hours'),

('Wi-Fi in meeting room "Elbe" unusable',
 'Laptops connect but pages time out; phones show full signal. Room is booked all week for '
 'the audit.',
 'incident', 'resolved', 2, 2, 'Network', 'carla', 'Lukas Schäfer', 'portal', NULL, true,
 '7 days 5 hours', '7 days 1 hour', '6 days 4 hours', NULL),

('Access to shared folder \\fs01\finance\budget',
 'Read/write access for Tomás Ribeiro, approved by Luís Fernandes (mail attached).',
 'service_request', 'resolved', 3, 3, 'Security', 'carla', 'Tomás Ribeiro', 'email', 'ana', true,
 '6 days 23 hours', '6 days 20 hours', '6 days 2 hours', NULL),

('Laptop battery swollen, trackpad lifting',
 'ThinkPad T14 battery visibly swollen. User told to stop using it and keep it unplugged. '
 'Loaner issued; replacement battery ordered from the vendor, delivery expected Friday.',
 'incident', 'on_hold', 3, 2, 'Hardware', 'hana', 'Chloé Dubois', 'email', 'ana', true,
 '6 days 21 hours', '6 days 19 hours', NULL, '6 days 1 hour'),

('Recurring VPN disconnects for home workers',
 'Problem record for the VPN drops reported by several Nordlicht home workers over the last '
 'two weeks. Suspect the FortiGate SSL-VPN idle timeout or DPD settings after the firmware '
 'update. Workaround: reconnect. Linked incidents are listed in the work notes.',
 'problem', 'open', 2, 2, 'Network', 'carla', NULL, 'email', 'carla', false,
 '6 days 18 hours', '6 days 17 hours 59 minutes', NULL, NULL),

('Teams calls drop audio after about 5 minutes',
 'Audio cuts out for both sides after roughly 5 minutes, video continues. Happens on the '
 'laptop, not on the phone app. Asked the user to send the Teams logs after the next drop.',
 'incident', 'pending', 3, 2, 'Applications', 'dev', 'Anja Krüger', 'chat', 'ben', true,
 '6 days 4 hours', '5 days 22 hours', NULL, '5 days 3 hours'),

('Cannot print to the plotter from AutoCAD',
 'AutoCAD 2024 shows the plotter offline; Windows test page prints fine.',
 'incident', 'open', 3, 1, 'Hardware', 'hana', 'Noël Garnier', 'phone', 'ana', true,
 '5 days 23 hours', '5 days 6 hours', NULL, NULL),

('Order: two 27" monitors for the design team',
 'Two 27" 4K monitors with USB-C for the new design desks. Waiting for budget approval by '
 'François Lefèvre.',
 'service_request', 'on_hold', 3, 3, 'Hardware', 'hana', 'Amélie Roux', 'email', 'ben', true,
 '5 days 21 hours', '5 days 3 hours', NULL, '4 days 22 hours'),

('Account locked after password change on phone',
 'The old password cached in the iPhone mail profile kept locking the account. Unlocked, '
 'removed and re-added the mail profile with the user on the line.',
 'incident', 'resolved', 3, 1, 'Service Desk', 'ben', '田中 美咲', 'phone', 'ben', false,
 '5 days 8 hours', '5 days 7 hours 59 minutes', '5 days 7 hours 50 minutes', NULL),

('CRM search finds no customers with accented names',
 'Searching "Gonçalves" returns nothing, "Goncalves" finds the customer. Started after the '
 'CRM update last weekend. Affects the whole customer service team.',
 'incident', 'open', 2, 3, 'Applications', 'dev', 'Ángel Castillo', 'email', 'ana', true,
 '5 days 2 hours', '4 days 20 hours', NULL, NULL),

('Badge reader at warehouse door 3 rejects valid cards',
 'Since this morning the reader at door 3 blinks red for every badge; staff are let in '
 'through door 1. Other doors work.',
 'incident', 'open', 2, 2, 'Security', 'carla', 'Kenji Watanabe', 'phone', 'ben', true,
 '4 days 23 hours', '4 days 21 hours', NULL, NULL),

('Install Adobe Acrobat Pro for contract review',
 'Needs to redact and sign contracts. Licence approved by the team lead.',
 'service_request', 'resolved', 3, 3, 'Applications', 'dev', 'Oliver Brandt', 'portal', NULL, true,
 '4 days 20 hours', '4 days 5 hours', '4 days 3 hours', NULL),

('How do I set an out-of-office reply in Outlook on the web?',
 'Explained Settings > Mail > Automatic replies and sent the how-to article.',
 'information_request', 'closed', 3, 3, 'Service Desk', 'ana', 'Dana Whitfield', 'phone', 'ana', false,
 '4 days 7 hours', '4 days 6 hours 59 minutes', '4 days 6 hours 53 minutes', '2 days 6 hours'),

('File server FS02 volume D: at 95 %',
 'Monitoring alert forwarded by the city IT contact: D: on FS02 grows about 2 % a day. Users '
 'will not be able to save scans when it fills up.',
 'incident', 'open', 2, 2, 'Hardware', 'hana', 'Robert Nguyen', 'email', 'ben', true,
 '4 days 3 hours', '4 days 1 hour', NULL, NULL),

('Scan-to-email stopped working on the reception MFP',
 'Scans fail with "SMTP authentication error" since the mail password policy change. Asked '
 'the office manager to confirm which account the device uses.',
 'incident', 'pending', 2, 2, 'Hardware', 'hana', 'Léa Moreau', 'email', 'ana', true,
 '3 days 23 hours', '3 days 20 hours', NULL, '3 days 2 hours'),

('Ransomware warning on a finance PC',
 'Full-screen "your files are encrypted" page appeared in the browser. On our advice the user '
 'unplugged the network cable. Turned out to be a scareware pop-up: full Defender scan clean, '
 'browser reset, no files touched.',
 'incident', 'resolved', 1, 1, 'Security', 'carla', 'Inês Carvalho', 'phone', 'ana', true,
 '3 days 22 hours', '3 days 21 hours 50 minutes', '3 days 17 hours', NULL),

('VPN access for an external auditor (two weeks)',
 'Temporary VPN account for the external auditor from 1 to 14 of next month. Waiting for '
 'written approval by the department head.',
 'service_request', 'pending', 3, 2, 'Security', 'carla', 'Henrik Sørensen', 'email', 'ben', true,
 '3 days 8 hours', '3 days 4 hours', NULL, '3 days 1 hour'),

('Slow network at the Porto warehouse since this morning',
 'Handheld scanners time out and label printing takes minutes. The whole warehouse is '
 'affected; trucks are waiting.',
 'incident', 'open', 1, 1, 'Network', 'carla', 'Beatriz Antunes', 'phone', 'ana', true,
 '4 hours 10 minutes', '3 hours 55 minutes', NULL, NULL),

('Keyboard missing keys, replacement please',
 'Standard wireless keyboard, two keys broken off.',
 'service_request', 'resolved', 3, 3, 'Hardware', 'hana', 'Théo Girard', 'chat', 'ana', true,
 '3 days 2 hours', '2 days 23 hours', '2 days 6 hours', NULL),

('Payroll export to the bank uses the wrong decimal separator',
 'The SEPA CSV export writes 1.234,56 instead of 1234.56; the bank rejects the file. Payroll '
 'must be submitted by Thursday noon.',
 'incident', 'open', 2, 1, 'Applications', 'dev', 'Zoë Müller', 'email', 'ben', true,
 '2 days 23 hours', '2 days 22 hours', NULL, NULL),

('Outlook asks for the password every few minutes',
 'Prompt reappears every 5-10 minutes since yesterday, also after a restart. Webmail works.',
 'incident', 'open', 3, 2, 'Applications', 'dev', 'Rui Gonçalves', 'phone', 'ana', true,
 '2 days 21 hours 30 minutes', '2 days 18 hours', NULL, NULL),

('Outlook password prompt (sent by mail)',
 'Same issue as the call registered half an hour earlier; cancelled as a duplicate.',
 'incident', 'cancelled', 3, 3, 'Service Desk', NULL, 'Rui Gonçalves', 'email', 'ben', false,
 '2 days 21 hours', NULL, NULL, '2 days 20 hours'),

('Mobile phone for a new field sales rep',
 'Standard smartphone with the sales app for Marcus Johnson''s new colleague, start date in '
 'two weeks. Devices are out of stock until next week.',
 'service_request', 'on_hold', 3, 3, 'Hardware', 'hana', 'Marcus Johnson', 'portal', NULL, true,
 '2 days 7 hours', '2 days 2 hours', NULL, '1 day 23 hours'),

('Shared mailbox orders@ not visible in Outlook',
 'Full access was granted last week, but the mailbox does not appear in Outlook desktop. '
 'Visible in Outlook on the web.',
 'incident', 'open', 2, 2, 'Applications', 'dev', '王芳', 'email', 'ben', true,
 '2 days 4 hours', '1 day 22 hours', NULL, NULL),

('Access to the Power BI sales dashboard',
 'Read access to the "Sales APAC" workspace, approved by her manager.',
 'service_request', 'open', 3, 3, 'Security', 'carla', 'Emily Carter', 'portal', NULL, true,
 '1 day 23 hours', '1 day 6 hours', NULL, NULL),

('Unknown USB stick found in a meeting room',
 'Handed in at the desk by the requester; not plugged in anywhere. Please collect and check.',
 'incident', 'open', 2, 2, 'Security', 'carla', 'Priya Raman', 'walk_in', 'ana', true,
 '1 day 22 hours', '1 day 21 hours', NULL, NULL),

('Docking station: external monitors flicker',
 'Both monitors on the USB-C dock flicker every few seconds; fine on HDMI directly.',
 'incident', 'new', 3, 3, 'Hardware', NULL, 'Siobhán O''Connor', 'email', 'ben', true,
 '1 day 8 hours', NULL, NULL, NULL),

('Reset MFA after a lost phone',
 'Phone lost on a business trip. Identity verified by the manager on a call-back; MFA '
 'methods reset and the user re-registered the new phone with us on the line.',
 'service_request', 'resolved', 3, 1, 'Service Desk', 'ben', 'Kenji Watanabe', 'phone', 'ben', false,
 '1 day 6 hours', '1 day 5 hours 58 minutes', '1 day 5 hours 45 minutes', NULL),

('Web site contact form sends no mails',
 'Messages from the contact form on sakura-foods.example no longer arrive in sales@. Last '
 'one received three days ago.',
 'incident', 'open', 2, 2, 'Applications', 'dev', 'Aiko Fujii', 'email', 'ana', true,
 '1 day 5 hours', '1 day 1 hour', NULL, NULL),

('Guest Wi-Fi password for visitors',
 'Gave the weekly guest Wi-Fi password and explained where it is posted in reception.',
 'information_request', 'resolved', 3, 3, 'Service Desk', 'ana', 'Grace Kim', 'chat', 'ana', false,
 '1 day 3 hours', '1 day 2 hours 59 minutes', '1 day 2 hours 55 minutes', NULL),

('ERP: cannot post goods receipt, missing role',
 'Error "no authorisation for transaction MIGO" since moving to the warehouse team.',
 'incident', 'new', 3, 1, 'Applications', NULL, 'Daniel Ōtsuka', 'phone', 'ben', true,
 '22 hours', NULL, NULL, NULL),

('Core switch in the Hamburg office reports a fan failure',
 'Monitoring shows "fan 2 failed" on the core switch; temperature still normal. Needs a '
 'replacement fan tray before it overheats.',
 'incident', 'open', 1, 2, 'Network', 'carla', 'Lukas Schäfer', 'email', 'ben', true,
 '20 hours', '18 hours', NULL, NULL),

('Printer driver for a new Mac',
 'Needs the driver for the floor printer on a new MacBook.',
 'service_request', 'new', 3, 3, 'Service Desk', NULL, 'Léa Moreau', 'portal', NULL, false,
 '17 hours', NULL, NULL, NULL),

('Mail to a partner domain bounces with 550 5.7.1',
 'Every mail to the reinsurer bounces with "550 5.7.1 message rejected by policy" since this '
 'morning. Claims handling depends on it.',
 'incident', 'open', 1, 2, 'Applications', 'dev', 'Fatma Yılmaz', 'phone', 'ana', true,
 '9 hours', '8 hours 40 minutes', NULL, NULL),

('Local admin rights to install Python',
 'Wants to install Python 3.12 and packages for data analysis.',
 'service_request', 'new', 3, 3, 'Security', NULL, 'Yasmine Haddad', 'portal', NULL, true,
 '7 hours', NULL, NULL, NULL),

('Projector in the council chamber shows no signal',
 'Council meeting starts at 18:00. Projector is on, laptops on HDMI show "no signal".',
 'incident', 'new', 2, 1, 'Hardware', NULL, 'Maria Oliveira', 'phone', 'ana', true,
 '5 hours', NULL, NULL, NULL),

('Suspicious sign-in alert from Microsoft',
 'User got an "unusual sign-in activity" mail for a sign-in from abroad she did not make. '
 'Password not yet changed.',
 'incident', 'new', 2, 2, 'Security', NULL, 'João Conceição', 'email', 'ben', true,
 '3 hours', NULL, NULL, NULL),

('Laptop shows the BitLocker recovery screen',
 'After a BIOS update the laptop asks for the BitLocker recovery key. Looking up the key in '
 'the directory with the user on the line.',
 'incident', 'open', 3, 1, 'Service Desk', 'ben', '山本 健太', 'phone', 'ben', false,
 '2 hours 30 minutes', '2 hours 28 minutes', NULL, NULL),

('Internet down at the library branch',
 'No internet at the Riverton library branch; public PCs and staff desks affected. Router '
 'lights: power on, WAN off.',
 'incident', 'new', 2, 1, 'Network', NULL, 'Robert Nguyen', 'phone', 'ana', true,
 '1 hour 40 minutes', NULL, NULL, NULL),

('How do I request a new software licence?',
 'Asks which form to use and who approves licence purchases.',
 'information_request', 'new', 3, 3, 'Service Desk', NULL, 'Mariana Simões', 'email', 'ana', false,
 '1 hour 10 minutes', NULL, NULL, NULL),

('Teams: cannot join external meetings',
 'Joining meetings hosted by other companies fails with "we couldn''t connect you".',
 'incident', 'new', 3, 2, 'Service Desk', NULL, 'Katrin Böhm', 'chat', 'ben', false,
 '50 minutes', NULL, NULL, NULL),

('Monitor arm broke, screen fell on the desk',
 'Nobody hurt. The screen still works but the arm clamp is cracked.',
 'incident', 'new', 3, 3, 'Service Desk', NULL, 'Anja Krüger', 'email', 'ana', false,
 '35 minutes', NULL, NULL, NULL),

('VPN: "credential or SSLVPN configuration is wrong"',
 'Cannot connect to the VPN from the hotel; password works for webmail.',
 'incident', 'new', 3, 1, 'Service Desk', NULL, 'Oliver Brandt', 'phone', 'ana', false,
 '20 minutes', NULL, NULL, NULL),

('Password expired during holiday',
 'Back from three weeks off; cannot log in to Windows.',
 'service_request', 'new', 3, 1, 'Service Desk', NULL, 'Sofia Magalhães', 'phone', 'ben', false,
 '6 minutes', NULL, NULL, NULL),

('Paper jam on the 3rd floor printer, tray 2',
 'Walked over to the desk: paper stuck inside tray 2, the printer shows error 13.02.',
 'incident', 'new', 3, 3, 'Service Desk', NULL, 'Chloé Dubois', 'walk_in', 'ana', false,
 '2 minutes', NULL, NULL, NULL);

-- The script resolved to ids and timestamps. Escalation happens a few minutes after creation
-- (before the ticket is picked up); a portal ticket is triaged by ana.
CREATE TEMP TABLE demo_plan AS
SELECT s.*, q.id AS queue_id, sd.id AS sd_queue_id, a.id AS assignee_id, r.id AS requester_id,
       c.id AS creator_id, coalesce(c.id, triage.id) AS triage_id,
       now() - s.created_ago AS created_at,
       CASE WHEN s.escalated THEN
           now() - s.created_ago +
           least(interval '5 minutes', (s.created_ago - coalesce(s.opened_ago, interval '0')) / 2)
       END AS escalated_at,
       now() - s.opened_ago AS opened_at,
       now() - s.resolved_ago AS resolved_at,
       now() - s.touched_ago AS touched_at
  FROM demo_script s
  JOIN queues q ON q.name = s.queue
  JOIN queues sd ON sd.name = 'Service Desk'
  JOIN agents triage ON triage.login = 'ana'
  LEFT JOIN agents a ON a.login = s.assignee
  LEFT JOIN agents c ON c.login = s.creator
  LEFT JOIN requesters r ON r.name = s.requester;

-- Ticket numbers follow creation time. Every change in the script is one update: one version.
INSERT INTO tickets (subject, description, type, status, impact, urgency, priority, queue_id,
                     assignee_id, requester_id, channel, created_by, created_at, resolved_at,
                     updated_at, version)
SELECT p.subject, p.description, p.type, p.status, p.impact, p.urgency,
       desk_priority(p.impact, p.urgency), p.queue_id, p.assignee_id, p.requester_id,
       p.channel, p.creator_id, p.created_at,
       CASE WHEN p.status IN ('resolved', 'closed') THEN p.resolved_at END,
       greatest(p.created_at, p.escalated_at, p.opened_at, p.resolved_at, p.touched_at),
       1 + (p.escalated_at IS NOT NULL)::int + (p.opened_at IS NOT NULL)::int +
           (p.resolved_at IS NOT NULL)::int + (p.touched_at IS NOT NULL)::int
  FROM demo_plan p
 ORDER BY p.created_at;

-- The functional escalations, as desk_ticket_escalate() records them: what the Escalations
-- views show as the reason and the dashboard counts in its escalation rate.
INSERT INTO ticket_escalations (ticket_id, at, kind, actor_id, from_queue_id, to_queue_id,
                                reason, tried)
SELECT t.id, p.escalated_at, 'functional', p.triage_id, p.sd_queue_id, p.queue_id,
       'Beyond first-line fixes: needs the ' || p.queue || ' team',
       'Checked the basics with the caller'
  FROM demo_plan p JOIN tickets t ON t.subject = p.subject AND t.created_at = p.created_at
 WHERE p.escalated_at IS NOT NULL
 ORDER BY p.escalated_at;

-- The history, in the form desk_ticket_update() writes it: one 'field' event per changed
-- column, values as text.
INSERT INTO ticket_events (ticket_id, at, actor_id, kind, field, old_value, new_value)
SELECT e.ticket_id, e.at, e.actor_id, e.kind, e.field, e.old_value, e.new_value
  FROM (
    SELECT t.id AS ticket_id, p.created_at AS at, p.creator_id AS actor_id, 'created' AS kind,
           NULL AS field, NULL AS old_value, p.subject AS new_value, 1 AS step
      FROM demo_plan p JOIN tickets t ON t.subject = p.subject AND t.created_at = p.created_at
    UNION ALL
    SELECT t.id, p.escalated_at, p.triage_id, 'field', 'queue_id', p.sd_queue_id::text,
           p.queue_id::text, 2
      FROM demo_plan p JOIN tickets t ON t.subject = p.subject AND t.created_at = p.created_at
     WHERE p.escalated_at IS NOT NULL
    UNION ALL
    SELECT t.id, p.opened_at, p.assignee_id, 'field', 'status', 'new', 'open', 3
      FROM demo_plan p JOIN tickets t ON t.subject = p.subject AND t.created_at = p.created_at
     WHERE p.opened_at IS NOT NULL
    UNION ALL
    SELECT t.id, p.opened_at, p.assignee_id, 'field', 'assignee_id', NULL, p.assignee_id::text, 4
      FROM demo_plan p JOIN tickets t ON t.subject = p.subject AND t.created_at = p.created_at
     WHERE p.opened_at IS NOT NULL
    UNION ALL
    SELECT t.id, p.resolved_at, p.assignee_id, 'field', 'status', 'open', 'resolved', 5
      FROM demo_plan p JOIN tickets t ON t.subject = p.subject AND t.created_at = p.created_at
     WHERE p.resolved_at IS NOT NULL
    UNION ALL
    SELECT t.id, p.touched_at, coalesce(p.assignee_id, p.creator_id), 'field', 'status',
           CASE WHEN p.resolved_at IS NOT NULL THEN 'resolved'
                WHEN p.opened_at IS NOT NULL THEN 'open'
                ELSE 'new' END,
           p.status, 6
      FROM demo_plan p JOIN tickets t ON t.subject = p.subject AND t.created_at = p.created_at
     WHERE p.touched_at IS NOT NULL
  ) e
 ORDER BY e.at, e.ticket_id, e.step;

DROP TABLE demo_plan;
DROP TABLE demo_script;

-- Lifecycle bookkeeping (sql/002_lifecycle.sql) for the resolved and closed demo tickets,
-- written as deskd writes it, so no 'sql_update' events are recorded for it.
SELECT set_config('desk.via_api', 'on', true);
SELECT set_config('desk.loading', 'on', true);
UPDATE tickets
   SET resolved_at = coalesce(resolved_at, updated_at),
       resolution_code = CASE WHEN type = 'information_request' THEN 'advice' ELSE 'fixed' END,
       resolution_note = 'Resolved with the requester on the phone; details in the history.'
 WHERE status IN ('resolved', 'closed') AND resolution_code IS NULL;
SELECT set_config('desk.via_api', 'off', true);

-- Route the top-level categories (created by sql/003_work.sql) to the demo's L2 groups.
UPDATE categories c SET default_queue_id = q.id FROM queues q
 WHERE c.parent_id IS NULL AND q.name = CASE c.name WHEN 'Hardware' THEN 'Hardware'
     WHEN 'Network' THEN 'Network' WHEN 'Software' THEN 'Applications'
     WHEN 'Security' THEN 'Security' END;
