-- The customer survey link of each store: /s/{store code}/{key}, printed as a QR code.
-- Rotating a link retires its key. A retired key still names its store, so an old poster
-- can say politely that it is no longer in use instead of "not found".
CREATE TABLE survey_links (
    link_key TEXT PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);
-- At most one link in use per store.
CREATE UNIQUE INDEX survey_links_in_use ON survey_links(store_id) WHERE retired_at IS NULL;
