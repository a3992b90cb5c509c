-- Spreading of patients over hospitals (docs/spreading.md): which
-- organisations have a regional function (from the region file; spreading
-- keeps a reserve of their places).
-- Types and times as in 0001_init.sql.
ALTER TABLE organizations ADD COLUMN regional_function BOOLEAN NOT NULL DEFAULT FALSE;
