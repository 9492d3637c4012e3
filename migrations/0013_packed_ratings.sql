-- Each IRO's submitted ratings packed as text, so that a cycle's scores are read as one short row per
-- IRO instead of joining every rating to its assignment (1,000 IROs rated by 5 assessors at two
-- horizons: 10,000 rows took most of the 20 ms budget). One item per submitted, not waived assessor
-- and horizon, `user:horizon:DDDDD` (scale, scope, irremediable, likelihood, magnitude; 0 for "can't
-- judge" or not asked), items joined by `;`, in no set order.
--
-- The column is kept by triggers, never by the store: whatever writes `iro_ratings` or
-- `iro_assignments` (the product, or anyone with the database file) rewrites the IRO's packed text
-- from those tables in the same statement, so the scores and the confirmation stamp's check always
-- read what the tables hold.
ALTER TABLE iros ADD COLUMN submitted_ratings TEXT NOT NULL DEFAULT '';

CREATE VIEW iro_submitted_ratings (iro_id, packed) AS
    SELECT r.iro_id,
           group_concat(r.user_id || ':' || r.horizon || ':' || COALESCE(r.scale, 0)
               || COALESCE(r.scope, 0) || COALESCE(r.irremediable, 0)
               || COALESCE(r.likelihood, 0) || COALESCE(r.magnitude, 0), ';')
    FROM iro_ratings r
    JOIN iro_assignments a ON a.iro_id = r.iro_id AND a.user_id = r.user_id
    WHERE a.submitted_at IS NOT NULL AND a.waived_reason IS NULL
    GROUP BY r.iro_id;

UPDATE iros SET submitted_ratings =
    COALESCE((SELECT packed FROM iro_submitted_ratings WHERE iro_id = iros.id), '');

CREATE TRIGGER iro_ratings_insert AFTER INSERT ON iro_ratings BEGIN
    UPDATE iros SET submitted_ratings =
        COALESCE((SELECT packed FROM iro_submitted_ratings WHERE iro_id = NEW.iro_id), '')
    WHERE id = NEW.iro_id;
END;

CREATE TRIGGER iro_ratings_update AFTER UPDATE ON iro_ratings BEGIN
    UPDATE iros SET submitted_ratings =
        COALESCE((SELECT packed FROM iro_submitted_ratings WHERE iro_id = iros.id), '')
    WHERE id IN (OLD.iro_id, NEW.iro_id);
END;

CREATE TRIGGER iro_ratings_delete AFTER DELETE ON iro_ratings BEGIN
    UPDATE iros SET submitted_ratings =
        COALESCE((SELECT packed FROM iro_submitted_ratings WHERE iro_id = OLD.iro_id), '')
    WHERE id = OLD.iro_id;
END;

CREATE TRIGGER iro_assignments_insert AFTER INSERT ON iro_assignments BEGIN
    UPDATE iros SET submitted_ratings =
        COALESCE((SELECT packed FROM iro_submitted_ratings WHERE iro_id = NEW.iro_id), '')
    WHERE id = NEW.iro_id;
END;

CREATE TRIGGER iro_assignments_update AFTER UPDATE ON iro_assignments BEGIN
    UPDATE iros SET submitted_ratings =
        COALESCE((SELECT packed FROM iro_submitted_ratings WHERE iro_id = iros.id), '')
    WHERE id IN (OLD.iro_id, NEW.iro_id);
END;

CREATE TRIGGER iro_assignments_delete AFTER DELETE ON iro_assignments BEGIN
    UPDATE iros SET submitted_ratings =
        COALESCE((SELECT packed FROM iro_submitted_ratings WHERE iro_id = OLD.iro_id), '')
    WHERE id = OLD.iro_id;
END;
