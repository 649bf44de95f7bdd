-- Foundation schema. Under sqlx::Any only integers, floats, text and bytes decode, so:
-- timestamps are INTEGER epoch milliseconds (UTC), flags INTEGER 0/1, UUIDs and JSON TEXT.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE stores (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    timezone TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stores_region ON stores(region_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'regional_manager', 'store_manager', 'shopper', 'employee')),
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);

-- What a regional manager may see.
CREATE TABLE user_regions (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    PRIMARY KEY (user_id, region_id)
);

-- What a store manager may see, and an employee's one store.
CREATE TABLE user_stores (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    PRIMARY KEY (user_id, store_id)
);
CREATE INDEX user_stores_store ON user_stores(store_id);

-- Only a hash of the session token is stored: a leaked database does not leak sessions.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    template_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Published versions never change; a changed document becomes a new version.
CREATE TABLE template_versions (
    id INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES templates(id),
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    checksum TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    UNIQUE (template_id, version)
);

-- One row per response; the id is the device-made UUID, which makes PUT idempotent.
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    template_version_id INTEGER NOT NULL REFERENCES template_versions(id),
    channel TEXT NOT NULL,
    submitted_by INTEGER REFERENCES users(id),
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body_hash TEXT NOT NULL,
    answers TEXT NOT NULL,
    points_earned REAL NOT NULL,
    points_possible REAL NOT NULL,
    not_applicable INTEGER NOT NULL,
    score_pct REAL,
    critical_failed INTEGER NOT NULL,
    recommend INTEGER,
    dimension_scores TEXT NOT NULL
);
CREATE INDEX responses_store_finished ON responses(store_id, finished_at);
