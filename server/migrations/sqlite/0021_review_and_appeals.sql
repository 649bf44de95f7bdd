-- Review before release (issue 16). New statuses, no schema change for them:
--   submitted  a shopper's mystery visit or call waiting for a reviewer (not counted)
--   returned   sent back to the shopper with comments, to be corrected and sent again
--   voided     a reviewer decided it never counts (kept, with the reason)
-- A released visit is 'counted'.

-- Evidence flags computed when the visit arrived (JSON array of domain::evidence flags).
ALTER TABLE responses ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';
-- Why a person must review it (domain::review::ReviewReason), or NULL when sampling let it
-- release itself at review_due (epoch ms) unless someone opened it first (opened_at).
ALTER TABLE responses ADD COLUMN review_reason TEXT;
ALTER TABLE responses ADD COLUMN review_due INTEGER;
ALTER TABLE responses ADD COLUMN opened_at INTEGER;
-- How many times the shopper sent it again after a return (0: the first send).
ALTER TABLE responses ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE INDEX responses_waiting ON responses(received_at) WHERE status = 'submitted';

-- A decision's comments per item (JSON [{question, text}]) and which revision it was on.
ALTER TABLE response_status_changes ADD COLUMN comments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE response_status_changes ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- The earlier revisions of a response, as they were sent: a correction never loses what was
-- first said. The current revision is the responses row itself.
CREATE TABLE response_revisions (
    response_id TEXT NOT NULL REFERENCES responses(id),
    revision INTEGER NOT NULL,
    body_hash TEXT NOT NULL,
    answers TEXT NOT NULL,
    score_pct REAL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    check_in TEXT,
    evidence TEXT NOT NULL,
    PRIMARY KEY (response_id, revision)
);
CREATE INDEX response_revisions_hash ON response_revisions(response_id, body_hash);

-- A store manager's dispute of one item of a released visit, and the reviewer's answer.
-- One appeal per item, ever (the UNIQUE), so an item cannot be appealed twice.
--   status   open, upheld or rejected
--   value    the corrected answer (JSON) when upheld with one; NULL and upheld: the item
--            became not applicable
--   previous the item's answer before an upheld appeal changed it (JSON; NULL: none given)
CREATE TABLE appeals (
    id INTEGER PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES responses(id),
    question TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    reply TEXT,
    value TEXT,
    previous TEXT,
    appealed_by INTEGER NOT NULL REFERENCES users(id),
    appealed_at INTEGER NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at INTEGER,
    UNIQUE (response_id, question)
);
CREATE INDEX appeals_open ON appeals(appealed_at) WHERE status = 'open';
