-- Figures of an open cycle are shown only when its admin turns on "preview while open": watching them
-- change as answers come in can reveal one person's answers. Off for every existing cycle.
ALTER TABLE cycles ADD COLUMN preview_open BOOLEAN NOT NULL DEFAULT 0;

-- The audit log's last entry as it stood when a cycle was confirmed (before the confirmation's own
-- entry): `audit-verify` checks that the log still holds it and the entry after it, so cutting the
-- log back past a confirmation shows. NULL for confirmations made before this column.
ALTER TABLE confirmations ADD COLUMN audit_id INTEGER;
ALTER TABLE confirmations ADD COLUMN audit_hash TEXT;
