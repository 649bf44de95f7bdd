-- (PostgreSQL twin of the SQLite one.) A new API token is shown once, on the first view of the
-- tokens page after it was created. The page marks it shown here, so a reload (or a replayed flash
-- cookie) can never show it again, whatever happens to the cookie that carried it.
ALTER TABLE api_tokens ADD COLUMN shown_at BIGINT;
UPDATE api_tokens SET shown_at = created_at;
