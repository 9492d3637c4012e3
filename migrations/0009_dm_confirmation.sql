-- Double materiality (issue 13): the scoring constants are a setting of the cycle (JSON of
-- `Scoring`; NULL: the defaults), and a confirmation of such a cycle stamps the hash of its IRO
-- scores and matter positions beside the survey's statistics hash.
ALTER TABLE cycles ADD COLUMN scoring TEXT;
ALTER TABLE confirmations ADD COLUMN assessment_hash TEXT;
