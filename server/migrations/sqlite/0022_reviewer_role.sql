-- no-transaction
-- A new role, reviewer (issue 16). SQLite cannot change a CHECK constraint in place, so the
-- users table is rebuilt as SQLite documents it (the twelve steps of "Making other kinds of
-- table schema changes"): foreign keys off outside any transaction, then one transaction
-- that copies the rows into the new table and puts it in the old one's place, then a check
-- that every reference still finds its user.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'regional_manager', 'store_manager', 'shopper', 'employee', 'reviewer')),
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    last_sign_in_at INTEGER,
    language TEXT
);
INSERT INTO users_new (id, username, display_name, password_hash, role, active, created_at, last_sign_in_at, language)
    SELECT id, username, display_name, password_hash, role, active, created_at, last_sign_in_at, language FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
COMMIT;
PRAGMA foreign_keys = ON;
PRAGMA foreign_key_check;
