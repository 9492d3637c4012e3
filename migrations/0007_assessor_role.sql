-- Double materiality (issue 13): subject-matter experts rate the IROs assigned to them, and need an
-- account of their own role, `assessor`, that reaches nothing but their assignments.
--
-- SQLite cannot change a CHECK constraint in place, so the users table is rebuilt. The usual recipe
-- (foreign keys off, copy, drop, rename) cannot run here: the migrator wraps every SQLite migration
-- in a transaction, where `PRAGMA foreign_keys` has no effect, and with foreign keys enforced a
-- rename rewrites the other tables' references to the renamed table. So `users` is dropped and made
-- again under its own name, the other tables' REFERENCES users (id) naming the new one:
-- - `defer_foreign_keys` lets the references dangle until COMMIT, by which time every row is back
--   with its id (COMMIT fails, and nothing changes, if one is not);
-- - dropping a table deletes its rows first, and sessions and API tokens cascade away with them
--   (ON DELETE CASCADE), so they are kept aside and put back.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE users_kept AS SELECT id, email, password_hash, role, created_at, disabled_at FROM users;
CREATE TEMP TABLE sessions_kept AS SELECT token_hash, user_id, created_at, expires_at FROM sessions;
CREATE TEMP TABLE api_tokens_kept AS SELECT id, user_id, token_hash, created_at, revoked_at FROM api_tokens;
DROP TABLE users;
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    -- argon2id PHC string.
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'reviewer', 'assessor')),
    created_at    BIGINT  NOT NULL,
    disabled_at   BIGINT
);
INSERT INTO users (id, email, password_hash, role, created_at, disabled_at)
    SELECT id, email, password_hash, role, created_at, disabled_at FROM users_kept;
INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
    SELECT token_hash, user_id, created_at, expires_at FROM sessions_kept;
INSERT INTO api_tokens (id, user_id, token_hash, created_at, revoked_at)
    SELECT id, user_id, token_hash, created_at, revoked_at FROM api_tokens_kept;
DROP TABLE users_kept;
DROP TABLE sessions_kept;
DROP TABLE api_tokens_kept;
