-- A store may carry its name in each interface language: customers scanning the QR code,
-- shoppers and managers read it in theirs. `name` stays the name for every other language.
ALTER TABLE stores ADD COLUMN name_zh_cn TEXT;
ALTER TABLE stores ADD COLUMN name_ru TEXT;
