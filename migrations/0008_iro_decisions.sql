-- Double materiality (issue 13): the decision group's recorded decision on an IRO whose score is in
-- the grey zone (just below its threshold) or not assessable (a criterion nobody could judge). It
-- settles the IRO's standing, material or not, always with the reason; the score stays beside it. A
-- cycle is confirmed only when every such IRO has one.
CREATE TABLE iro_decisions (
    iro_id   INTEGER PRIMARY KEY REFERENCES iros (id) ON DELETE CASCADE,
    material BOOLEAN NOT NULL,
    reason   TEXT    NOT NULL CHECK (reason <> ''),
    user_id  INTEGER REFERENCES users (id),
    at       BIGINT  NOT NULL
);
