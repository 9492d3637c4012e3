-- IRO links (issue 13): an impact gives rise to a risk or an opportunity of the same cycle. The
-- store checks the kinds and the cycle (domain::iro); a link goes with either IRO.
CREATE TABLE iro_links (
    from_iro INTEGER NOT NULL REFERENCES iros (id) ON DELETE CASCADE,
    to_iro   INTEGER NOT NULL REFERENCES iros (id) ON DELETE CASCADE,
    PRIMARY KEY (from_iro, to_iro),
    CHECK (from_iro <> to_iro)
);
CREATE INDEX iro_links_to ON iro_links (to_iro);

-- The IRO a copied register's IRO was copied from, so that its links follow it into the new cycle.
ALTER TABLE iros ADD COLUMN copied_from INTEGER REFERENCES iros (id) ON DELETE SET NULL;
