-- The admin side: custom topic categories, stakeholder identification, cycle settings and the groups
-- taking part, invitation tracking (revoked, first opened, open links) and respondent drafts.
-- Only additions: no existing column changes meaning.

-- An admin's own category (e.g. "Economic", "Product responsibility"): a name and the colour its
-- topics are drawn in. Every topic still belongs to one of E / S / G, the matrix's three series.
CREATE TABLE categories (
    code       TEXT    PRIMARY KEY,
    name_zh    TEXT    NOT NULL,
    name_en    TEXT    NOT NULL,
    -- #rrggbb
    colour     TEXT    NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);

ALTER TABLE topics ADD COLUMN custom_category TEXT REFERENCES categories (code);

-- The snapshot keeps the custom category as the cycle asked it, like the rest of the topic.
ALTER TABLE cycle_topics ADD COLUMN custom_category TEXT;
ALTER TABLE cycle_topics ADD COLUMN custom_name_zh TEXT;
ALTER TABLE cycle_topics ADD COLUMN custom_name_en TEXT;
ALTER TABLE cycle_topics ADD COLUMN custom_colour TEXT;

-- Step 1 of the method: how much the group is affected by the business and how much it affects the
-- business (1-5 each). Unless an admin set the weight by hand (weight_manual), `weight` follows from
-- the two ratings (see domain::group::default_weight).
ALTER TABLE stakeholder_groups ADD COLUMN affected_by INTEGER NOT NULL DEFAULT 3 CHECK (affected_by BETWEEN 1 AND 5);
ALTER TABLE stakeholder_groups ADD COLUMN affects INTEGER NOT NULL DEFAULT 3 CHECK (affects BETWEEN 1 AND 5);
ALTER TABLE stakeholder_groups ADD COLUMN weight_manual BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE stakeholder_groups ADD COLUMN concerns_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE stakeholder_groups ADD COLUMN concerns_en TEXT NOT NULL DEFAULT '';
ALTER TABLE stakeholder_groups ADD COLUMN channels_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE stakeholder_groups ADD COLUMN channels_en TEXT NOT NULL DEFAULT '';
ALTER TABLE stakeholder_groups ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;

-- Dates as ISO 8601 'YYYY-MM-DD' (UTC); the survey accepts answers from opens_on to closes_on inclusive.
ALTER TABLE cycles ADD COLUMN opens_on TEXT;
ALTER TABLE cycles ADD COLUMN closes_on TEXT;
-- The cycle this one was copied from: last year's, for year-over-year comparison.
ALTER TABLE cycles ADD COLUMN copied_from INTEGER REFERENCES cycles (id) ON DELETE SET NULL;

-- The groups taking part in a cycle. Cycles made before this table had every group.
CREATE TABLE cycle_groups (
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES stakeholder_groups (id),
    PRIMARY KEY (cycle_id, group_id)
);

INSERT INTO cycle_groups (cycle_id, group_id) SELECT c.id, g.id FROM cycles c, stakeholder_groups g;

-- revoked_at: an unused link an admin withdrew. opened_at: when the link was first opened (progress).
-- open_link: one shareable link of a group that any number of people may answer; each answer gets
-- its own hidden, used invitation row (parent_id = the open link), so responses.invitation_id stays
-- unique and "one invitation, one response" holds everywhere.
ALTER TABLE invitations ADD COLUMN revoked_at BIGINT;
ALTER TABLE invitations ADD COLUMN opened_at BIGINT;
ALTER TABLE invitations ADD COLUMN open_link BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE invitations ADD COLUMN parent_id INTEGER REFERENCES invitations (id) ON DELETE CASCADE;

-- A respondent's saved, unsent answers: the form fields as a JSON array of [name, value] pairs.
CREATE TABLE drafts (
    invitation_id INTEGER PRIMARY KEY REFERENCES invitations (id) ON DELETE CASCADE,
    fields        TEXT    NOT NULL,
    saved_at      BIGINT  NOT NULL
);
