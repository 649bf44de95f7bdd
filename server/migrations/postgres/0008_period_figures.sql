-- A league reads a period (4, 12, 26 or 52 weeks ending this week) for every store. Summing
-- the weekly rows for that (100,000 rows for 5,000 stores over 12 weeks) took 250-340 ms, so
-- each period's totals per store and channel are kept too: built from the weekly rows the
-- first time a period is read in a new week (`period_builds` says which week a period was
-- built for), and from then on kept up to date in the transaction that stores a response,
-- like the weekly rows. `server figures rebuild` drops them; they are built again on use.
--
-- trend_j, trend_jj and trend_jx are the overall score's regression sums over absolute week
-- numbers j (weeks since Monday 1970-01-05): n*j, n*j*j and sum*j. The slope they give does
-- not depend on where weeks are counted from, so one set serves any period.
CREATE TABLE store_period_figures (
    weeks INTEGER NOT NULL,
    store_id BIGINT NOT NULL REFERENCES stores(id),
    channel TEXT NOT NULL,
    first_week TEXT NOT NULL,
    last_week TEXT NOT NULL,
    responses BIGINT NOT NULL DEFAULT 0,
    critical_failed BIGINT NOT NULL DEFAULT 0,
    overall_n BIGINT NOT NULL DEFAULT 0,
    overall_sum BIGINT NOT NULL DEFAULT 0,
    overall_sq BIGINT NOT NULL DEFAULT 0,
    tangibles_n BIGINT NOT NULL DEFAULT 0,
    tangibles_sum BIGINT NOT NULL DEFAULT 0,
    tangibles_sq BIGINT NOT NULL DEFAULT 0,
    reliability_n BIGINT NOT NULL DEFAULT 0,
    reliability_sum BIGINT NOT NULL DEFAULT 0,
    reliability_sq BIGINT NOT NULL DEFAULT 0,
    responsiveness_n BIGINT NOT NULL DEFAULT 0,
    responsiveness_sum BIGINT NOT NULL DEFAULT 0,
    responsiveness_sq BIGINT NOT NULL DEFAULT 0,
    assurance_n BIGINT NOT NULL DEFAULT 0,
    assurance_sum BIGINT NOT NULL DEFAULT 0,
    assurance_sq BIGINT NOT NULL DEFAULT 0,
    empathy_n BIGINT NOT NULL DEFAULT 0,
    empathy_sum BIGINT NOT NULL DEFAULT 0,
    empathy_sq BIGINT NOT NULL DEFAULT 0,
    nps_n BIGINT NOT NULL DEFAULT 0,
    promoters BIGINT NOT NULL DEFAULT 0,
    detractors BIGINT NOT NULL DEFAULT 0,
    trend_j BIGINT NOT NULL DEFAULT 0,
    trend_jj BIGINT NOT NULL DEFAULT 0,
    trend_jx BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (weeks, store_id, channel)
);
-- A response updates the periods of its store and channel that contain its week.
CREATE INDEX store_period_figures_store ON store_period_figures(store_id, channel);

CREATE TABLE period_builds (
    weeks INTEGER PRIMARY KEY,
    last_week TEXT NOT NULL
);
