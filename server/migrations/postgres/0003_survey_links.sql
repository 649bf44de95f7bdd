-- (PostgreSQL twin of the SQLite one.) The customer survey link of each store:
-- /s/{store code}/{key}, printed as a QR code. Rotating a link retires its key. A retired key
-- still names its store, so an old poster can say politely that it is no longer in use.
CREATE TABLE survey_links (
    link_key TEXT PRIMARY KEY,
    store_id BIGINT NOT NULL REFERENCES stores(id),
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
-- At most one link in use per store.
CREATE UNIQUE INDEX survey_links_in_use ON survey_links(store_id) WHERE retired_at IS NULL;
