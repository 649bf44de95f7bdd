-- Mystery-shopper assignments, photos uploaded in chunks, and the links from a response to both.
-- Dates of an assignment window are the store's local calendar dates as 'YYYY-MM-DD' text
-- (they sort and compare as text); instants stay INTEGER epoch milliseconds.
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    template_version_id INTEGER NOT NULL REFERENCES template_versions(id),
    shopper_id INTEGER NOT NULL REFERENCES users(id),
    window_start TEXT NOT NULL,
    window_end TEXT NOT NULL,
    instructions TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    cancelled_at INTEGER,
    -- Set in the same transaction that stores the response: one response per assignment.
    response_id TEXT UNIQUE REFERENCES responses(id),
    CHECK (window_start <= window_end)
);
CREATE INDEX assignments_shopper ON assignments(shopper_id, window_end);
CREATE INDEX assignments_store_shopper ON assignments(store_id, shopper_id);

-- A finished photo, addressed by the SHA-256 of its bytes (so a re-upload is a no-op).
CREATE TABLE photos (
    sha256 TEXT PRIMARY KEY,
    size_bytes INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);

-- Chunks of a photo still being uploaded. Keyed by offset, so a resent chunk is a no-op and
-- an upload resumes after the last contiguous byte. Deleted when the photo is complete.
CREATE TABLE photo_chunks (
    sha256 TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    total_size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    offset_bytes INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (sha256, uploaded_by, offset_bytes)
);

-- Which photos a response shows: what makes a photo readable to whoever may read the response.
CREATE TABLE response_photos (
    response_id TEXT NOT NULL REFERENCES responses(id),
    photo_sha256 TEXT NOT NULL REFERENCES photos(sha256),
    PRIMARY KEY (response_id, photo_sha256)
);
CREATE INDEX response_photos_photo ON response_photos(photo_sha256);

-- Where and when the shopper checked in (JSON: at, and latitude/longitude/accuracy_m when the
-- shopper allowed the phone to share its location).
ALTER TABLE responses ADD COLUMN check_in TEXT;
