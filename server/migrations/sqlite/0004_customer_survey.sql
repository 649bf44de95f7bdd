-- Customer survey answers by QR code: where the code was placed, which device sent it, and the
-- stuffing flags (domain/stuffing.rs). A flagged response is kept, and left out of figures
-- unless a manager includes it.
ALTER TABLE responses ADD COLUMN channel_tag TEXT;
-- SHA-256 of the survey device cookie (or of address and browser when cookies are off).
ALTER TABLE responses ADD COLUMN device_hash TEXT;
-- The chosen answers reduced to a string, to spot identical answer patterns.
ALTER TABLE responses ADD COLUMN fingerprint TEXT;
-- Space-separated flag names, '' when none.
ALTER TABLE responses ADD COLUMN flags TEXT NOT NULL DEFAULT '';
CREATE INDEX responses_store_received ON responses(store_id, received_at);

-- 'HH:MM-HH:MM' in the store's time zone (may pass midnight); NULL: no opening hours known.
ALTER TABLE stores ADD COLUMN opening_hours TEXT;

-- When a device last answered a store's survey: at most one answer per device and store
-- within SERVSCOPE_SURVEY_REPEAT_HOURS. Claimed in the transaction that stores the answer.
CREATE TABLE survey_devices (
    store_id INTEGER NOT NULL REFERENCES stores(id),
    device_hash TEXT NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, device_hash)
);

-- A customer's request to be called back: apart from the answers, for the store's managers.
CREATE TABLE response_contacts (
    response_id TEXT PRIMARY KEY REFERENCES responses(id),
    store_id INTEGER NOT NULL REFERENCES stores(id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX response_contacts_store ON response_contacts(store_id, created_at);

-- Keys the server signs with (e.g. the time a survey form was opened), made on first use.
CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    key_hex TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
