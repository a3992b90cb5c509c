-- Spreading of patients over hospitals (store/spreading_store.h,
-- docs/spreading.md): which organisations have a regional function (from the
-- region file; spreading keeps a reserve of their places), and the plans.
-- Types and times as in 0001_init.sql.
ALTER TABLE organizations ADD COLUMN regional_function BOOLEAN NOT NULL DEFAULT FALSE;

-- regions is a comma-separated list of region ids; document is the
-- service's text (store/spreading_store.h).
CREATE TABLE spreading_plans (
  id           TEXT PRIMARY KEY,
  owner_region TEXT NOT NULL REFERENCES regions(id),
  regions      TEXT NOT NULL,
  state        TEXT NOT NULL,
  version      BIGINT NOT NULL,
  created_by   TEXT NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  patients     BIGINT NOT NULL,
  placed       BIGINT NOT NULL,
  total_cost   DOUBLE PRECISION NOT NULL,
  document     TEXT NOT NULL
);
CREATE INDEX spreading_plans_region ON spreading_plans(owner_region, state, created_at);

-- One row per committed change of a plan, numbered in its owner region's
-- data versions (the live stream's `spreading` events).
CREATE TABLE spreading_events (
  region_id    TEXT NOT NULL REFERENCES regions(id),
  version      BIGINT NOT NULL,
  at           BIGINT NOT NULL,
  plan_id      TEXT NOT NULL REFERENCES spreading_plans(id),
  plan_version BIGINT NOT NULL,
  state        TEXT NOT NULL,
  PRIMARY KEY (region_id, version)
);
