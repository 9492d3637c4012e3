-- Step 4 of the method, internal confirmation: reviewers' comments and proposals, the decision group's
-- overrides, the confirmation stamp, carrying a confirmed result forward, management-approach notes,
-- and the audit log of every admin and reviewer action. Only additions.

-- A reviewer's comment on one topic of a cycle, with or without a proposal.
CREATE TABLE review_comments (
    id         INTEGER PRIMARY KEY,
    cycle_id   INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    topic_code TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    -- NULL: a comment that proposes nothing.
    proposal   TEXT    CHECK (proposal IN ('material', 'not_material')),
    body       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);

CREATE INDEX review_comments_cycle ON review_comments (cycle_id, topic_code);

-- The decision group's materiality for a topic where it differs from the computed one, always with
-- the reason.
CREATE TABLE overrides (
    cycle_id   INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    topic_code TEXT    NOT NULL,
    material   BOOLEAN NOT NULL,
    reason     TEXT    NOT NULL CHECK (length(reason) > 0),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (cycle_id, topic_code)
);

-- The stamp of a confirmed cycle: when, by whom, the methodology the figures were computed with (JSON:
-- scale, k, threshold, rule and the group weights, which are read from here from then on) and the
-- SHA-256 of the statistics.
CREATE TABLE confirmations (
    cycle_id        INTEGER PRIMARY KEY REFERENCES cycles (id),
    confirmed_at    BIGINT  NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    user_email      TEXT    NOT NULL,
    methodology     TEXT    NOT NULL,
    statistics_hash TEXT    NOT NULL
);

-- A cycle that adopts a previous confirmed cycle's result instead of running its own survey.
ALTER TABLE cycles ADD COLUMN carried_from INTEGER REFERENCES cycles (id);
ALTER TABLE cycles ADD COLUMN carry_rationale TEXT;

-- How the company manages a material topic (GRI 3-3), per cycle and topic.
CREATE TABLE management_notes (
    cycle_id   INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    topic_code TEXT    NOT NULL,
    note       TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (cycle_id, topic_code)
);

-- Append-only: every entry holds the hash of the one before (UNIQUE: the chain cannot fork) and its
-- own hash over its fields and that one, so changing, removing or inserting an entry breaks the chain.
-- before / after: JSON of the state around the action. Never a respondent's token or answers.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        BIGINT  NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    before    TEXT,
    after     TEXT,
    prev_hash TEXT    NOT NULL UNIQUE,
    hash      TEXT    NOT NULL
);

-- The application never changes or removes an entry; these make the database refuse it too (SQLite
-- syntax: a PostgreSQL port needs its own trigger functions).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
