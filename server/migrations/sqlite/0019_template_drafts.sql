-- The checklist designer's work in progress: one draft per template key, a whole template
-- document that may still have problems. Publishing checks it, stores it as the next
-- immutable version in template_versions and deletes the draft. `base_version` is the
-- version the draft was opened from (none for a new checklist), so the page can show what
-- changed and warn when someone published in between.
CREATE TABLE template_drafts (
    template_key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    base_version INTEGER,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users(id)
);
