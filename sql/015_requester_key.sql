-- 015_requester_key.sql - adding a caller is idempotent, like creating a ticket: the console
-- sends a key chosen once per caller it adds, and a retry after a lost reply returns the
-- caller the first attempt created instead of a duplicate.
ALTER TABLE requesters ADD COLUMN client_key text UNIQUE
    CHECK (length(client_key) BETWEEN 1 AND 64);
