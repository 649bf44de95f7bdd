-- How good is good: a target per measure for the whole organisation (store_id NULL) or for
-- one store (which then wins for that store). Measures: overall, the five dimensions, nps.
CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    store_id INTEGER REFERENCES stores(id),
    measure TEXT NOT NULL,
    value REAL NOT NULL,
    set_by INTEGER REFERENCES users(id),
    set_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX targets_organisation ON targets(measure) WHERE store_id IS NULL;
CREATE UNIQUE INDEX targets_store ON targets(store_id, measure) WHERE store_id IS NOT NULL;
