-- Weekly figures per store and channel, kept up to date in the transaction that stores a
-- response, so scorecards and league tables never scan raw responses. `server figures rebuild`
-- recomputes them from the raw responses (same function, same result).
--
-- A week is the Monday ('YYYY-MM-DD') of the store-local date the response was finished.
-- Scores are whole hundredths of a percentage point, so sums are exact integers: n, sum and
-- sum of squares give mean and spread, merge across weeks and stores, and never drift.
-- Responses flagged as possible stuffing are left out, as everywhere else in the figures.
CREATE TABLE store_week_figures (
    store_id INTEGER NOT NULL REFERENCES stores(id),
    week TEXT NOT NULL,
    channel TEXT NOT NULL,
    responses INTEGER NOT NULL DEFAULT 0,
    critical_failed INTEGER NOT NULL DEFAULT 0,
    overall_n INTEGER NOT NULL DEFAULT 0,
    overall_sum INTEGER NOT NULL DEFAULT 0,
    overall_sq INTEGER NOT NULL DEFAULT 0,
    tangibles_n INTEGER NOT NULL DEFAULT 0,
    tangibles_sum INTEGER NOT NULL DEFAULT 0,
    tangibles_sq INTEGER NOT NULL DEFAULT 0,
    reliability_n INTEGER NOT NULL DEFAULT 0,
    reliability_sum INTEGER NOT NULL DEFAULT 0,
    reliability_sq INTEGER NOT NULL DEFAULT 0,
    responsiveness_n INTEGER NOT NULL DEFAULT 0,
    responsiveness_sum INTEGER NOT NULL DEFAULT 0,
    responsiveness_sq INTEGER NOT NULL DEFAULT 0,
    assurance_n INTEGER NOT NULL DEFAULT 0,
    assurance_sum INTEGER NOT NULL DEFAULT 0,
    assurance_sq INTEGER NOT NULL DEFAULT 0,
    empathy_n INTEGER NOT NULL DEFAULT 0,
    empathy_sum INTEGER NOT NULL DEFAULT 0,
    empathy_sq INTEGER NOT NULL DEFAULT 0,
    nps_n INTEGER NOT NULL DEFAULT 0,
    promoters INTEGER NOT NULL DEFAULT 0,
    detractors INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, week, channel)
);
-- League tables read one period for many stores.
CREATE INDEX store_week_figures_week ON store_week_figures(week, store_id);

-- How often each checklist item failed, per store, week and channel (the Pareto of failed
-- items). Only failures are counted: a response adds a row for the few items it failed rather
-- than for every item it checked, which keeps ingest fast. `template_id` keeps items of
-- different templates apart.
CREATE TABLE store_week_items (
    store_id INTEGER NOT NULL REFERENCES stores(id),
    week TEXT NOT NULL,
    channel TEXT NOT NULL,
    template_id INTEGER NOT NULL REFERENCES templates(id),
    question TEXT NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    critical INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, week, channel, template_id, question)
);
