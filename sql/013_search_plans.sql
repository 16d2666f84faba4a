-- 013_search_plans.sql - full-text search that stays fast on a year of history. At 1M tickets a
-- common word ("vpn", "printer") matches tens of thousands of tickets; ranking them all meant
-- rebuilding each one's text vector (2.5 s), so the ranking now looks at the 2,000 newest
-- matching tickets and the 2,000 newest matching comments. What a search finds is unchanged
-- (every word, as a prefix, in the subject, description or conversation); among more than
-- 2,000 matches of one kind, older ones rank after, or outside, the newest. Same result
-- columns as before.

CREATE OR REPLACE FUNCTION desk_ticket_search(p_text text, p_open boolean, p_limit integer)
RETURNS TABLE (ticket_id bigint, score real) LANGUAGE sql STABLE AS $$
    WITH q AS (SELECT desk_search_query(p_text) AS q),
    t_hits AS (
        SELECT t.id, t.subject, t.description
          FROM tickets t, q
         WHERE to_tsvector('simple', t.subject || ' ' || t.description) @@ q.q
           AND (NOT p_open OR t.status IN ('new', 'open', 'pending', 'on_hold'))
         ORDER BY t.id DESC
         LIMIT 2000),
    c_hits AS (
        SELECT c.ticket_id, c.body
          FROM ticket_comments c, q
         WHERE to_tsvector('simple', c.body) @@ q.q
           AND (NOT p_open OR EXISTS (SELECT 1 FROM tickets t
                                       WHERE t.id = c.ticket_id
                                         AND t.status IN ('new', 'open', 'pending', 'on_hold')))
         ORDER BY c.id DESC
         LIMIT 2000),
    hits AS (
        SELECT h.id, ts_rank(to_tsvector('simple', h.subject || ' ' || h.description), q.q) * 2
                   AS score
          FROM t_hits h, q
        UNION ALL
        SELECT h.ticket_id, ts_rank(to_tsvector('simple', h.body), q.q)
          FROM c_hits h, q)
    SELECT h.id, max(h.score)::real
      FROM hits h JOIN tickets t ON t.id = h.id
     GROUP BY h.id, t.updated_at
     ORDER BY max(h.score) DESC, t.updated_at DESC
     LIMIT p_limit
$$;
