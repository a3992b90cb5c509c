-- Initial schema, shared by both engines: region tree, capacity reports with
-- per-region data versions, idempotency entries, users, sessions, feed tokens
-- and the append-only audit log. Each engine appends its own part
-- (<engine>/0001_init.sql: the triggers that keep the audit log append-only).
--
-- Written in types both engines accept (SQLite maps BIGINT to INTEGER
-- affinity, BOOLEAN to NUMERIC, DOUBLE PRECISION to REAL); the generated ids
-- are the one difference, two placeholders filled in at build time
-- (cmake/embed_migrations.cmake): "rowid" in braces is SQLite's INTEGER
-- PRIMARY KEY, "autoincrement" in braces its INTEGER PRIMARY KEY
-- AUTOINCREMENT (ids never reused); on PostgreSQL both are
-- BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY.
--
-- Times are BIGINT UTC milliseconds since the epoch on both engines, so both
-- round-trip the same values through the same code.
--
-- Data versions: regions.data_version is the last version handed out for the
-- region. A writer takes the next versions with
--   UPDATE regions SET data_version = data_version + n WHERE id = ? RETURNING data_version
-- whose row lock (PostgreSQL; SQLite has one writer) is held until COMMIT, so
-- writers on every server instance are serialised per region: versions are
-- unique, gap-free, and commit in version order (a reader that has seen
-- version v never later sees a new row <= v). A SEQUENCE would not give the
-- last two guarantees (sequences skip numbers on rollback and commit out of
-- order), which CapacitySince / SSE replay rely on.

CREATE TABLE regions (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  demo_values  BOOLEAN NOT NULL DEFAULT FALSE,
  data_version BIGINT NOT NULL DEFAULT 0  -- last version handed to a report of this region
);

CREATE TABLE subregions (
  id        TEXT PRIMARY KEY,
  region_id TEXT NOT NULL REFERENCES regions(id),
  name      TEXT NOT NULL,
  ord       BIGINT NOT NULL DEFAULT 0  -- position in the imported file
);
CREATE INDEX subregions_region ON subregions(region_id, ord);

CREATE TABLE organizations (
  id           TEXT PRIMARY KEY,
  region_id    TEXT NOT NULL REFERENCES regions(id),
  subregion_id TEXT REFERENCES subregions(id),
  name         TEXT NOT NULL,
  type         TEXT NOT NULL,
  source       TEXT NOT NULL DEFAULT '',
  ord          BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX organizations_region ON organizations(region_id, ord);
CREATE INDEX organizations_subregion ON organizations(subregion_id);

CREATE TABLE locations (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  name            TEXT NOT NULL,
  address         TEXT NOT NULL DEFAULT '',
  city            TEXT NOT NULL DEFAULT '',
  lat             DOUBLE PRECISION NOT NULL DEFAULT 0,
  lon             DOUBLE PRECISION NOT NULL DEFAULT 0,
  ord             BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX locations_organization ON locations(organization_id);

CREATE TABLE units (
  id                  TEXT PRIMARY KEY,
  region_id           TEXT NOT NULL REFERENCES regions(id),  -- denormalised from the organisation
  organization_id     TEXT NOT NULL REFERENCES organizations(id),
  location_id         TEXT REFERENCES locations(id),
  type                TEXT NOT NULL,
  specialism          TEXT NOT NULL DEFAULT '',
  name                TEXT NOT NULL,
  expected_interval_s BIGINT NOT NULL,
  ord                 BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX units_region ON units(region_id, ord);
CREATE INDEX units_organization ON units(organization_id);
CREATE INDEX units_location ON units(location_id);

CREATE TABLE capacity_reports (
  id              {rowid},
  unit_id         TEXT NOT NULL REFERENCES units(id),
  region_id       TEXT NOT NULL REFERENCES regions(id),
  version         BIGINT NOT NULL,
  as_of           BIGINT NOT NULL,
  received_at     BIGINT NOT NULL,
  source          TEXT NOT NULL,
  beds_total      BIGINT,  -- beds_* all NULL when the report has no beds
  beds_staffed    BIGINT,
  beds_occupied   BIGINT,
  beds_available  BIGINT,
  ed_status       TEXT,    -- ed_* all NULL when the report has no ED part
  ed_waiting      BIGINT,
  ed_in_treatment BIGINT,
  ed_boarding     BIGINT,
  ed_crowding     BIGINT,
  note            TEXT NOT NULL DEFAULT '',
  reported_by     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX capacity_reports_region_version ON capacity_reports(region_id, version);
CREATE INDEX capacity_reports_unit_as_of ON capacity_reports(unit_id, as_of, version);

-- The latest report per unit (greatest as_of, ties: greatest version),
-- maintained on write so that the region picture is O(units).
CREATE TABLE unit_latest (
  unit_id   TEXT PRIMARY KEY REFERENCES units(id),
  region_id TEXT NOT NULL,
  report_id BIGINT NOT NULL REFERENCES capacity_reports(id),
  as_of     BIGINT NOT NULL,
  version   BIGINT NOT NULL
);
CREATE INDEX unit_latest_region ON unit_latest(region_id);

CREATE TABLE idempotency (
  scope        TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);

CREATE TABLE users (
  username        TEXT PRIMARY KEY,
  password_hash   TEXT NOT NULL,
  role            TEXT NOT NULL,
  organization_id TEXT NOT NULL DEFAULT '',
  region_id       TEXT NOT NULL DEFAULT '',
  disabled        BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  username   TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE feed_tokens (
  token_hash      TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  region_id       TEXT NOT NULL DEFAULT '',
  created_at      BIGINT NOT NULL,
  revoked         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX feed_tokens_organization ON feed_tokens(organization_id);

-- Append-only (NEN 7513): rows are never changed or removed. Ids come from an
-- identity column; with several writers they are unique and increasing in
-- allocation order.
CREATE TABLE audit (
  id              {autoincrement},
  at              BIGINT NOT NULL,
  actor           TEXT NOT NULL,
  role            TEXT NOT NULL DEFAULT '',
  organization_id TEXT NOT NULL DEFAULT '',
  action          TEXT NOT NULL,
  object          TEXT NOT NULL DEFAULT '',
  outcome         TEXT NOT NULL DEFAULT '',
  request_id      TEXT NOT NULL DEFAULT '',
  detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit(at);
