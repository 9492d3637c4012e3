-- An assessor's evidence for a rating: web links and notes, one per line, checked by
-- domain::evidence (only http and https links are kept).
ALTER TABLE iro_assignments ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
