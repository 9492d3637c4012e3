-- Double materiality (issue 13): a cycle's method, its sustainability matters (a tree: topic,
-- sub-topic, sub-sub-topic, or entity-specific anywhere) and its register of impacts, risks and
-- opportunities (IROs). The scoring tables (assignments, ratings, calibrations) come with the
-- assessors' pages.
ALTER TABLE cycles ADD COLUMN method TEXT NOT NULL DEFAULT 'survey' CHECK (method IN ('survey', 'double'));
-- The preset the matters came from and its version ("esrs-2023 ESRS Set 1 (2023)"); NULL: none.
ALTER TABLE cycles ADD COLUMN matter_preset TEXT;

CREATE TABLE matters (
    id              INTEGER PRIMARY KEY,
    cycle_id        INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    code            TEXT    NOT NULL,
    parent_id       INTEGER REFERENCES matters (id) ON DELETE CASCADE,
    pillar          TEXT    NOT NULL CHECK (pillar IN ('E', 'S', 'G')),
    name_zh         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    -- Added by the company, not from the preset.
    entity_specific INTEGER NOT NULL DEFAULT 0 CHECK (entity_specific IN (0, 1)),
    sort_order      INTEGER NOT NULL,
    UNIQUE (cycle_id, code)
);
CREATE INDEX matters_parent ON matters (parent_id);

CREATE TABLE iros (
    id             INTEGER PRIMARY KEY,
    cycle_id       INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    matter_id      INTEGER NOT NULL REFERENCES matters (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL CHECK (kind IN ('negative_impact', 'positive_impact', 'risk', 'opportunity')),
    potential      INTEGER NOT NULL CHECK (potential IN (0, 1)),
    human_rights   INTEGER NOT NULL CHECK (human_rights IN (0, 1)),
    -- The words of domain::iro, comma-separated, sorted, once each.
    value_chain    TEXT    NOT NULL CHECK (value_chain <> ''),
    horizons       TEXT    NOT NULL CHECK (horizons <> ''),
    description_zh TEXT    NOT NULL,
    description_en TEXT    NOT NULL,
    source         TEXT    NOT NULL CHECK (source IN ('survey', 'workshop', 'expert', 'desk_research')),
    -- Retired IROs stay (ratings may refer to them) but are no longer assessed.
    retired_at     BIGINT,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX iros_cycle ON iros (cycle_id, matter_id);

-- Who assesses which IRO. An assessor's rating is theirs alone; submitting it (with the rationale)
-- locks it. An admin may waive an assignment, with the reason.
CREATE TABLE iro_assignments (
    iro_id        INTEGER NOT NULL REFERENCES iros (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    rationale     TEXT    NOT NULL DEFAULT '',
    submitted_at  BIGINT,
    waived_reason TEXT,
    PRIMARY KEY (iro_id, user_id)
);
CREATE INDEX iro_assignments_user ON iro_assignments (user_id);

-- One assessor's ratings of one IRO at one horizon, 1–5; NULL is "can't judge" (or not asked).
CREATE TABLE iro_ratings (
    iro_id       INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    horizon      TEXT    NOT NULL CHECK (horizon IN ('short', 'medium', 'long')),
    scale        INTEGER CHECK (scale BETWEEN 1 AND 5),
    scope        INTEGER CHECK (scope BETWEEN 1 AND 5),
    irremediable INTEGER CHECK (irremediable BETWEEN 1 AND 5),
    likelihood   INTEGER CHECK (likelihood BETWEEN 1 AND 5),
    magnitude    INTEGER CHECK (magnitude BETWEEN 1 AND 5),
    PRIMARY KEY (iro_id, user_id, horizon),
    FOREIGN KEY (iro_id, user_id) REFERENCES iro_assignments (iro_id, user_id) ON DELETE CASCADE
);

-- The decision group's calibration of an IRO's score (an admin's, always with the reason): it decides
-- the standing; the computed score stays beside it.
CREATE TABLE iro_calibrations (
    iro_id  INTEGER PRIMARY KEY REFERENCES iros (id) ON DELETE CASCADE,
    score   DOUBLE PRECISION NOT NULL CHECK (score >= 1 AND score <= 5),
    reason  TEXT    NOT NULL CHECK (reason <> ''),
    user_id INTEGER REFERENCES users (id),
    at      BIGINT  NOT NULL
);
