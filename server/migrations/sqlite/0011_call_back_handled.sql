-- A call-back request is marked handled by one of the store's managers: who and when. (Cases
-- with owners, deadlines and escalation come with the complaints work; this is the mark.)
ALTER TABLE response_contacts ADD COLUMN handled_at BIGINT;
ALTER TABLE response_contacts ADD COLUMN handled_by BIGINT REFERENCES users(id);
