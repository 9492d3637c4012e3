-- An assessor's evidence for a rating: web links and notes, one per line, checked by
-- domain::evidence (only http and https links are kept).
ALTER TABLE iro_assignments ADD COLUMN evidence TEXT NOT NULL DEFAULT '';

-- The exports name each rating's assessor unless the cycle hides names: then "assessor 1", "assessor
-- 2", … numbered by account, the same in every file of the cycle.
ALTER TABLE cycles ADD COLUMN hide_assessors INTEGER NOT NULL DEFAULT 0 CHECK (hide_assessors IN (0, 1));
