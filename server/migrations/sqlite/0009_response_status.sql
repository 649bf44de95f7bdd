-- What counts, in one place: every response carries a status, and only 'counted' responses
-- are in figures, lists and exports (the `counted!` SQL fragment). Other statuses:
--   flagged   customer answers with signs of stuffing (their flags say which)
--   held      kept but held out until an admin decides (e.g. a visit finished offline on an
--             assignment that was cancelled meanwhile)
--   excluded  an admin decided it does not count
-- No CHECK constraint: later statuses (review before release) are added without rebuilding
-- the table; the application parses the text into `domain::status::Status`.
ALTER TABLE responses ADD COLUMN status TEXT NOT NULL DEFAULT 'counted';
ALTER TABLE responses ADD COLUMN status_reason TEXT;
UPDATE responses SET status = 'flagged' WHERE flags <> '';
CREATE INDEX responses_held ON responses(received_at) WHERE status = 'held';

-- Every change of a response's status: who, when, from what to what, and why.
CREATE TABLE response_status_changes (
    id INTEGER PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES responses(id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT NOT NULL,
    changed_by INTEGER REFERENCES users(id),
    changed_at INTEGER NOT NULL
);
CREATE INDEX response_status_changes_response ON response_status_changes(response_id, changed_at);

-- A built period now records its first week too, so the storing transaction can create the
-- row of a store or channel that had none in the period. Kept totals are built again on use.
ALTER TABLE period_builds ADD COLUMN first_week TEXT NOT NULL DEFAULT '';
DELETE FROM period_builds;
DELETE FROM store_period_figures;

-- A staff-link PIN pass gives one answer: its nonce is claimed in the storing transaction.
CREATE TABLE staff_pass_uses (
    nonce TEXT PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    used_at INTEGER NOT NULL
);

-- API tokens may expire.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;

-- Which document of each built-in template was last published: a built-in is published again
-- only when the built-in itself changed, never over a newer version an admin imported.
CREATE TABLE builtin_templates (
    template_key TEXT PRIMARY KEY,
    checksum TEXT NOT NULL,
    published_at INTEGER NOT NULL
);
