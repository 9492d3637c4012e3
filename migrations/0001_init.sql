-- The first schema: the topic library, stakeholder groups, cycles with their topic snapshot,
-- invitations, responses with their scores, the per-value histograms, and reviewer accounts.
--
-- Portability: plain types and SQL that PostgreSQL accepts too. Timestamps are BIGINT seconds since the
-- Unix epoch (UTC by definition). Ids are returned with RETURNING, never read from rowid behaviour.

CREATE TABLE topics (
    id             INTEGER PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE,
    category       TEXT    NOT NULL CHECK (category IN ('E', 'S', 'G')),
    name_zh        TEXT    NOT NULL,
    name_en        TEXT    NOT NULL,
    description_zh TEXT    NOT NULL DEFAULT '',
    description_en TEXT    NOT NULL DEFAULT '',
    sort_order     INTEGER NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE stakeholder_groups (
    id       INTEGER PRIMARY KEY,
    code     TEXT    NOT NULL UNIQUE,
    name_zh  TEXT    NOT NULL,
    name_en  TEXT    NOT NULL,
    internal BOOLEAN NOT NULL,
    -- Weight of the group's mean in the weighted position (DESIGN.md, methodology).
    weight   DOUBLE PRECISION NOT NULL DEFAULT 1.0 CHECK (weight >= 0),
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE cycles (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    year           INTEGER NOT NULL,
    scale_min      INTEGER NOT NULL,
    scale_max      INTEGER NOT NULL,
    -- JSON {"zh": [...], "en": [...]}: one label per scale point in each language.
    scale_labels   TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed', 'confirmed')),
    -- Anonymity threshold: per-group figures need at least k responses.
    k              INTEGER NOT NULL DEFAULT 5 CHECK (k >= 1),
    threshold      DOUBLE PRECISION NOT NULL,
    threshold_rule TEXT    NOT NULL DEFAULT 'both' CHECK (threshold_rule IN ('both', 'either', 'mean')),
    created_at     BIGINT  NOT NULL,
    CHECK ((scale_min = 1 AND scale_max = 5) OR (scale_min = 1 AND scale_max = 7) OR (scale_min = 0 AND scale_max = 10))
);

-- A copy of each topic as the cycle asks it. Answers refer to this snapshot, so editing the library
-- later never changes what a past cycle asked.
CREATE TABLE cycle_topics (
    cycle_id       INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    code           TEXT    NOT NULL,
    topic_id       INTEGER REFERENCES topics (id),
    category       TEXT    NOT NULL CHECK (category IN ('E', 'S', 'G')),
    name_zh        TEXT    NOT NULL,
    name_en        TEXT    NOT NULL,
    description_zh TEXT    NOT NULL,
    description_en TEXT    NOT NULL,
    sort_order     INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, code)
);

-- Single-use survey links. Only a SHA-256 hash of the token is kept: a copy of the database does not
-- let anyone answer in someone else's name.
CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    cycle_id   INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    group_id   INTEGER NOT NULL REFERENCES stakeholder_groups (id),
    token_hash TEXT    NOT NULL UNIQUE,
    created_at BIGINT  NOT NULL,
    used_at    BIGINT
);

CREATE INDEX invitations_cycle ON invitations (cycle_id, group_id);

CREATE TABLE responses (
    id            INTEGER PRIMARY KEY,
    cycle_id      INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    group_id      INTEGER NOT NULL REFERENCES stakeholder_groups (id),
    -- UNIQUE: the second line of defence, after the conditional update of invitations.used_at,
    -- against one link being counted twice.
    invitation_id INTEGER NOT NULL UNIQUE REFERENCES invitations (id),
    receipt       TEXT    NOT NULL UNIQUE,
    lang          TEXT    NOT NULL,
    submitted_at  BIGINT  NOT NULL
);

CREATE INDEX responses_cycle ON responses (cycle_id);

-- NULL score = "don't know".
CREATE TABLE scores (
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    topic_code  TEXT    NOT NULL,
    business    INTEGER,
    stakeholder INTEGER,
    comment     TEXT,
    PRIMARY KEY (response_id, topic_code)
);

-- h[cycle, topic, axis, group, value] = n, maintained in the transaction that stores each response, so
-- statistics cost the same at ten responses or a million. value = -1 counts "don't know" (no scale
-- starts below 0); a key column cannot be NULL in a primary key. `recompute` rebuilds this table from
-- `scores` and must always find it equal.
CREATE TABLE histograms (
    cycle_id   INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    topic_code TEXT    NOT NULL,
    axis       TEXT    NOT NULL CHECK (axis IN ('business', 'stakeholder')),
    group_id   INTEGER NOT NULL REFERENCES stakeholder_groups (id),
    value      INTEGER NOT NULL CHECK (value >= -1),
    n          BIGINT  NOT NULL CHECK (n >= 0),
    PRIMARY KEY (cycle_id, topic_code, axis, group_id, value)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    -- argon2id PHC string.
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'reviewer')),
    created_at    BIGINT  NOT NULL,
    disabled_at   BIGINT
);

-- Server-side sessions: the cookie holds a random token, the table its hash.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);

-- Personal API tokens for scripts (Authorization: Bearer), stored hashed, shown once.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at BIGINT  NOT NULL,
    revoked_at BIGINT
);
