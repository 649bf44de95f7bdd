-- Employee self-assessment: at most once per period (a calendar month, store's time zone) per
-- employee, and anonymous. The claim names the respondent only by a keyed hash and is not
-- linked to the response, so the response cannot be traced back to a person.
CREATE TABLE self_assessment_claims (
    store_id INTEGER NOT NULL REFERENCES stores(id),
    period TEXT NOT NULL,
    respondent TEXT NOT NULL,
    PRIMARY KEY (store_id, period, respondent)
);
-- The period ('YYYY-MM') a self-assessment belongs to; NULL for other channels.
ALTER TABLE responses ADD COLUMN period TEXT;
CREATE INDEX responses_store_channel_period ON responses(store_id, channel, period);
-- argon2 hash of the PIN of the store's staff link (/staff/{code}); NULL: no staff link.
ALTER TABLE stores ADD COLUMN staff_pin_hash TEXT;
