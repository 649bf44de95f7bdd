-- Settings a chain changes itself (channel weights, minimum answers, revisit days, the
-- customer repeat window, the self-assessment threshold, how staff are identified): one row
-- per setting that differs from its default. Every change is also in the audit log.
CREATE TABLE org_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);
