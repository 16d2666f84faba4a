-- 010_search_canned.sql - full-text search over tickets and their conversation, and canned
-- responses (saved replies agents insert by name, managed by administrators).

-- 'simple': no stemming, so names, error codes and mixed languages match as typed.
CREATE INDEX tickets_fts_idx ON tickets
    USING gin (to_tsvector('simple', subject || ' ' || description));
CREATE INDEX ticket_comments_fts_idx ON ticket_comments
    USING gin (to_tsvector('simple', body));

-- Every word of the text as a prefix ("prin jam" finds "printer jammed"); NULL for no words.
CREATE FUNCTION desk_search_query(p_text text) RETURNS tsquery LANGUAGE sql IMMUTABLE AS $$
    SELECT to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' & '))
      FROM regexp_split_to_table(lower(p_text), '[[:space:]!-/:-@\[-`{-~]+') AS w
     WHERE w <> ''
$$;

-- Tickets whose subject, description or comments match, best first (matches in the subject
-- and description outrank the conversation; newer first on ties).
CREATE FUNCTION desk_ticket_search(p_text text, p_open boolean, p_limit integer)
RETURNS TABLE (ticket_id bigint, score real) LANGUAGE sql STABLE AS $$
    WITH q AS (SELECT desk_search_query(p_text) AS q),
    hits AS (
        SELECT t.id, ts_rank(to_tsvector('simple', t.subject || ' ' || t.description), q.q) * 2
                   AS score
          FROM tickets t, q
         WHERE to_tsvector('simple', t.subject || ' ' || t.description) @@ q.q
        UNION ALL
        SELECT c.ticket_id, ts_rank(to_tsvector('simple', c.body), q.q)
          FROM ticket_comments c, q
         WHERE to_tsvector('simple', c.body) @@ q.q)
    SELECT h.id, max(h.score)::real
      FROM hits h JOIN tickets t ON t.id = h.id
     WHERE NOT p_open OR t.status IN ('new', 'open', 'pending', 'on_hold')
     GROUP BY h.id, t.updated_at
     ORDER BY max(h.score) DESC, t.updated_at DESC
     LIMIT p_limit
$$;

CREATE TABLE canned_responses (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 32000),
    updated_by integer REFERENCES agents(id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Create or replace (by name); administrators only (deskd checks the role).
CREATE FUNCTION desk_canned_save(p_actor integer, p_name text, p_body text)
RETURNS SETOF canned_responses LANGUAGE sql AS $$
    INSERT INTO canned_responses (name, body, updated_by) VALUES (p_name, p_body, p_actor)
    ON CONFLICT (name) DO UPDATE SET body = EXCLUDED.body, updated_by = EXCLUDED.updated_by,
                                     updated_at = now()
    RETURNING *
$$;

INSERT INTO canned_responses (name, body) VALUES
    ('password-reset', 'I have reset your password. You will be asked to choose a new one at '
                       'your next sign-in; it must be at least 12 characters long.'),
    ('need-more-info', 'Thank you for getting in touch. To look into this we need a little '
                       'more information: when did it start, and what exactly do you see on '
                       'the screen (a photo of any error message helps)?'),
    ('resolved-confirm', 'We believe this is now fixed. If anything still does not work, just '
                         'reply to this message within 7 days and the ticket reopens.');
