-- Stores set up in the browser: where a store is (visit evidence will compare a shopper's
-- check-in with it), and a log of every change an admin makes to the chain.
ALTER TABLE stores ADD COLUMN latitude REAL;
ALTER TABLE stores ADD COLUMN longitude REAL;

-- One row per changed field: who, when, what it was and what it became. `actor` keeps the
-- username as it was, so the log reads the same after a user is renamed or removed.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    actor TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_subject ON audit_log(subject_kind, subject);

-- A stores file uploaded for its preview, until it is committed or a day old: the preview
-- page reads it by its random id, and only its uploader may.
CREATE TABLE store_import_drafts (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
);
