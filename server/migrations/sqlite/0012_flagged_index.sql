-- The scorecard names the flagged customer answers left out of its NPS: a small partial index
-- keeps that read to the flagged rows instead of every answer of the store's period.
CREATE INDEX responses_flagged ON responses(store_id, finished_at) WHERE status = 'flagged';
