-- 011_open_indexes.sql - covering indexes for what the dashboard and the queue views read on
-- every refresh, found by the 1M-ticket benchmark (tests/bench): they keep those reads on the
-- few open tickets and running clocks, never on the whole store.

-- The open tickets (a few % of all) with what the queue counts, the attention panel and the
-- open-ticket lists filter and sort on: index-only scans, not the heap of closed history.
CREATE INDEX tickets_open_idx ON tickets (queue_id, updated_at DESC, id DESC)
    INCLUDE (status, assignee_id, created_at, priority, raise_state)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');

-- Running clocks (not met, not paused): the dashboard's at-risk, breached and attention reads.
CREATE INDEX ticket_sla_running_idx ON ticket_sla (ticket_id)
    INCLUDE (due_at, warn_at, breached_at, target_s)
    WHERE met_at IS NULL AND paused_since IS NULL;

-- Comments by author and time with what the agents panel and the workload report sum
-- (replies, minutes): index-only scans per agent. Replaces the plain (author_id, at) index.
CREATE INDEX ticket_comments_author_at_idx ON ticket_comments (author_id, at)
    INCLUDE (kind, minutes);
DROP INDEX ticket_comments_author_idx;
