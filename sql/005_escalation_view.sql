-- 005_escalation_view.sql - the latest functional escalation on every ticket row, so an L2
-- group's escalation queue shows why each ticket came and how long it has waited.

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
       e.reason AS escalation_reason
  FROM tickets t
  JOIN queues q ON q.id = t.queue_id
  LEFT JOIN agents a ON a.id = t.assignee_id
  LEFT JOIN agents o ON o.id = t.owner_id
  LEFT JOIN requesters r ON r.id = t.requester_id
  LEFT JOIN LATERAL (SELECT x.at, x.reason FROM ticket_escalations x
                      WHERE x.ticket_id = t.id ORDER BY x.id DESC LIMIT 1) e ON true;
