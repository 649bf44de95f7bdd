-- People set up in the browser: an admin (or a regional manager, for their region's store
-- staff) creates a user without a password and passes on a one-time invitation link; the
-- user sets their own password with it. Only a hash of the link's secret is kept.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX invitations_user ON invitations(user_id);

-- When each user last signed in (the people list shows it).
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;
