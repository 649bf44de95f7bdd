-- A store's telephone number, as a mystery caller dials it and a shopper may need it on the
-- way: shown on the assignment and the checklist, kept on the phone for offline use.
ALTER TABLE stores ADD COLUMN phone TEXT NOT NULL DEFAULT '';
