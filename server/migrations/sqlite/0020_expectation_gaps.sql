-- The perception-minus-expectation gap per dimension (the SERVQUAL gap), kept like the other
-- measures: per response that rated both sides of a dimension on the 1-5 scale, its mean
-- perception minus its mean expectation in hundredths of a scale point; n, sum and sum of
-- squares, so weeks and stores merge exactly. Existing responses asked no expectations, so
-- zero is their true value.
ALTER TABLE store_week_figures ADD COLUMN gap_tangibles_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_tangibles_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_tangibles_sq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_reliability_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_reliability_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_reliability_sq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_responsiveness_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_responsiveness_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_responsiveness_sq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_assurance_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_assurance_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_assurance_sq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_empathy_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_empathy_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_week_figures ADD COLUMN gap_empathy_sq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_tangibles_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_tangibles_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_tangibles_sq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_reliability_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_reliability_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_reliability_sq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_responsiveness_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_responsiveness_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_responsiveness_sq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_assurance_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_assurance_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_assurance_sq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_empathy_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_empathy_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE store_period_figures ADD COLUMN gap_empathy_sq INTEGER NOT NULL DEFAULT 0;
