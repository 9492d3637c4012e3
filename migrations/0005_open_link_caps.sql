-- An admin may cap how many answers an open link takes (NULL: no cap). The writer counts an open
-- link's answers (its child invitations) inside the transaction that would add one, by this index.
ALTER TABLE invitations ADD COLUMN max_answers INTEGER CHECK (max_answers IS NULL OR max_answers > 0);
CREATE INDEX invitations_parent ON invitations (parent_id) WHERE parent_id IS NOT NULL;
