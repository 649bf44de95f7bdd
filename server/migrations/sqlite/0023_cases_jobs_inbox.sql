-- Complaints and the closed loop (issue 17): background jobs, complaint cases with their
-- contacts and timeline, and each user's inbox.

-- Work the server does later or again (deadlines, releases, sending). Several servers share
-- the table: a runner claims due jobs by writing its lease; a job whose runner died is taken
-- again once its lease has passed. `key` names the job so it is queued once: a deadline
-- check is moved by scheduling its key again, a message to send keeps its first row.
--   outcome  NULL while pending, 'done', or 'gave_up' after too many failed attempts
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL DEFAULT '{}',
    run_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    lease TEXT,
    leased_until INTEGER,
    outcome TEXT,
    done_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(run_at) WHERE outcome IS NULL;

-- A complaint, from whatever source, with one owner until it is closed.
--   source    staff, customer_contact, customer_low_score, mystery_visit, api
--   via       how it reached the store (domain::cases::VIAS)
--   markers   space-separated domain::cases::Marker names; priority follows from them
--   level     escalation: 0 none, 1 the region's managers, 2 the admins
--   clock_from when the current deadlines started (opened, or reopened)
--   contact_key SHA-256 of the normalised phone or e-mail, to find repeat complainants
--             without reading the contacts
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    source TEXT NOT NULL,
    via TEXT NOT NULL,
    response_id TEXT UNIQUE REFERENCES responses(id),
    client_key TEXT UNIQUE,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    wants TEXT NOT NULL DEFAULT '',
    claim_amount REAL,
    vip INTEGER NOT NULL DEFAULT 0,
    contact_key TEXT,
    status TEXT NOT NULL DEFAULT 'new',
    priority TEXT NOT NULL DEFAULT 'normal',
    markers TEXT NOT NULL DEFAULT '',
    owner_id INTEGER REFERENCES users(id),
    reassignments INTEGER NOT NULL DEFAULT 0,
    level INTEGER NOT NULL DEFAULT 0,
    clock_from INTEGER NOT NULL,
    root_cause TEXT,
    action_taken TEXT,
    follow_up_due INTEGER,
    follow_up_done_at INTEGER,
    satisfaction INTEGER,
    opened_by INTEGER REFERENCES users(id),
    opened_at INTEGER NOT NULL,
    acknowledged_at INTEGER,
    resolved_at INTEGER,
    closed_at INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE INDEX cases_store ON cases(store_id, opened_at);
CREATE INDEX cases_open ON cases(status, clock_from);
CREATE INDEX cases_contact ON cases(contact_key, opened_at);

-- The customer's own contact, given with consent: apart from the case, for the people who
-- call back (managers read the masked description only).
CREATE TABLE case_contacts (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    consent INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

-- A case's timeline: every action and escalation, with who and when.
--   kind   opened, acknowledge, note, reassign, resolve, close, reopen, follow_up, escalated
--   data   JSON: the new owner, the level, the satisfaction...
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}',
    by_user INTEGER REFERENCES users(id),
    at INTEGER NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, at);

-- What each user should look at: a new or escalated case, a returned visit, an appeal
-- decided. `ref` names the event, so an item is written once per user however often the
-- code that writes it runs.
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    case_id INTEGER REFERENCES cases(id),
    response_id TEXT REFERENCES responses(id),
    store_id INTEGER REFERENCES stores(id),
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    UNIQUE (user_id, ref)
);
CREATE INDEX inbox_user ON inbox(user_id, created_at);
