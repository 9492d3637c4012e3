-- E-mail distribution (issue 14): the people a cycle's questionnaire is e-mailed to, the messages
-- waiting to go out, the templates, the reminder schedule, and the opt-outs.
--
-- Anonymity: a recipient points to its current invitation (`invitation_id`, and while a message is
-- being sent the one it carries, `pending_invitation_id`) only until it answers; the transaction that
-- stores the answer sets both to NULL and `answered` to TRUE, with no time. The invitations made for
-- recipients have random ids and no dates (created, opened and revoked are 0), so neither their order
-- nor their stamps lead back to a recipient (store::mail).

CREATE TABLE recipients (
    id            INTEGER PRIMARY KEY,
    cycle_id      INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    group_id      INTEGER NOT NULL REFERENCES stakeholder_groups (id),
    -- NULL once erased: at confirmation, some days after the cycle closes, on request, on opt-out.
    email         TEXT,
    name          TEXT    NOT NULL DEFAULT '',
    lang          TEXT    NOT NULL CHECK (lang IN ('zh', 'en')),
    -- The recipient's current link; NULL before its first message and from its answer on.
    invitation_id INTEGER UNIQUE REFERENCES invitations (id) ON DELETE SET NULL,
    -- The link of the message being sent: it replaces the current one once the mail server accepts it.
    pending_invitation_id INTEGER UNIQUE REFERENCES invitations (id) ON DELETE SET NULL,
    -- The token of the recipient's opt-out link, the same in every message (it names the recipient,
    -- never an answer); erased with the address.
    optout_token  TEXT UNIQUE,
    opened        BOOLEAN NOT NULL DEFAULT FALSE,
    answered      BOOLEAN NOT NULL DEFAULT FALSE,
    bounced       BOOLEAN NOT NULL DEFAULT FALSE,
    opted_out     BOOLEAN NOT NULL DEFAULT FALSE,
    reminders     INTEGER NOT NULL DEFAULT 0,
    -- When a message to it was last accepted by the mail server (reminder spacing).
    last_sent_at  BIGINT,
    created_at    BIGINT  NOT NULL,
    UNIQUE (cycle_id, email)
);
CREATE INDEX recipients_cycle ON recipients (cycle_id, group_id);

-- Messages waiting to go out, going, sent or failed: the queue survives a restart. A message holds
-- no link: the link is made (and the earlier one revoked) when the message is taken to be sent.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    cycle_id     INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    -- NULL for a test message to an admin.
    recipient_id INTEGER REFERENCES recipients (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    -- A test message's address and language (a recipient's are read when it is sent).
    test_to      TEXT,
    test_lang    TEXT CHECK (test_lang IS NULL OR test_lang IN ('zh', 'en')),
    status       TEXT    NOT NULL DEFAULT 'waiting'
                 CHECK (status IN ('waiting', 'sending', 'sent', 'failed', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    -- Not before this time (back-off after a temporary failure).
    next_at      BIGINT  NOT NULL,
    sent_at      BIGINT,
    -- The mail server's reply to the last failed attempt.
    reply        TEXT,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_at);
CREATE INDEX outbox_recipient ON outbox (recipient_id);

-- A cycle's own wording of a message; the built-in default (domain::mail) where there is no row.
CREATE TABLE mail_templates (
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    lang     TEXT    NOT NULL CHECK (lang IN ('zh', 'en')),
    subject  TEXT    NOT NULL,
    body     TEXT    NOT NULL,
    PRIMARY KEY (cycle_id, kind, lang)
);

-- A cycle's mail settings: the organisation's name for {organisation}, and the reminder schedule
-- (from this day, at most `remind_max` reminders, at least `remind_gap_days` apart).
CREATE TABLE mail_settings (
    cycle_id        INTEGER PRIMARY KEY REFERENCES cycles (id) ON DELETE CASCADE,
    organisation_zh TEXT    NOT NULL DEFAULT '',
    organisation_en TEXT    NOT NULL DEFAULT '',
    remind_from     TEXT,
    remind_max      INTEGER NOT NULL DEFAULT 0 CHECK (remind_max BETWEEN 0 AND 10),
    remind_gap_days INTEGER NOT NULL DEFAULT 7 CHECK (remind_gap_days BETWEEN 1 AND 90)
);

-- Addresses that asked for no more messages: only a SHA-256 hash of the address in lower case.
CREATE TABLE mail_optouts (
    address_hash TEXT   PRIMARY KEY,
    created_at   BIGINT NOT NULL
);

-- Which invitations were made for e-mail recipients (they are replaced by each reminder, so the
-- links' "revoked" count leaves them out).
ALTER TABLE invitations ADD COLUMN emailed BOOLEAN NOT NULL DEFAULT FALSE;
