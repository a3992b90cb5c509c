-- Initial schema: region tree, capacity reports with per-region data
-- versions, idempotency entries, users, sessions, feed tokens and the
-- append-only audit log. Times are INTEGER UTC milliseconds since the epoch.

CREATE TABLE regions (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  demo_values  INTEGER NOT NULL DEFAULT 0,
  data_version INTEGER NOT NULL DEFAULT 0  -- last version handed to a report of this region
);

CREATE TABLE subregions (
  id        TEXT PRIMARY KEY,
  region_id TEXT NOT NULL REFERENCES regions(id),
  name      TEXT NOT NULL,
  ord       INTEGER NOT NULL DEFAULT 0  -- position in the imported file
);
CREATE INDEX subregions_region ON subregions(region_id, ord);

CREATE TABLE organizations (
  id           TEXT PRIMARY KEY,
  region_id    TEXT NOT NULL REFERENCES regions(id),
  subregion_id TEXT REFERENCES subregions(id),
  name         TEXT NOT NULL,
  type         TEXT NOT NULL,
  source       TEXT NOT NULL DEFAULT '',
  ord          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX organizations_region ON organizations(region_id, ord);
CREATE INDEX organizations_subregion ON organizations(subregion_id);

CREATE TABLE locations (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  name            TEXT NOT NULL,
  address         TEXT NOT NULL DEFAULT '',
  city            TEXT NOT NULL DEFAULT '',
  lat             REAL NOT NULL DEFAULT 0,
  lon             REAL NOT NULL DEFAULT 0,
  ord             INTEGER NOT NULL DEFAULT 0
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
  expected_interval_s INTEGER NOT NULL,
  ord                 INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX units_region ON units(region_id, ord);
CREATE INDEX units_organization ON units(organization_id);
CREATE INDEX units_location ON units(location_id);

CREATE TABLE capacity_reports (
  id              INTEGER PRIMARY KEY,
  unit_id         TEXT NOT NULL REFERENCES units(id),
  region_id       TEXT NOT NULL REFERENCES regions(id),
  version         INTEGER NOT NULL,
  as_of           INTEGER NOT NULL,
  received_at     INTEGER NOT NULL,
  source          TEXT NOT NULL,
  beds_total      INTEGER,  -- beds_* all NULL when the report has no beds
  beds_staffed    INTEGER,
  beds_occupied   INTEGER,
  beds_available  INTEGER,
  ed_status       TEXT,     -- ed_* all NULL when the report has no ED part
  ed_waiting      INTEGER,
  ed_in_treatment INTEGER,
  ed_boarding     INTEGER,
  ed_crowding     INTEGER,
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
  report_id INTEGER NOT NULL REFERENCES capacity_reports(id),
  as_of     INTEGER NOT NULL,
  version   INTEGER NOT NULL
);
CREATE INDEX unit_latest_region ON unit_latest(region_id);

CREATE TABLE idempotency (
  scope        TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);

CREATE TABLE users (
  username        TEXT PRIMARY KEY,
  password_hash   TEXT NOT NULL,
  role            TEXT NOT NULL,
  organization_id TEXT NOT NULL DEFAULT '',
  region_id       TEXT NOT NULL DEFAULT '',
  disabled        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  username   TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE feed_tokens (
  token_hash      TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  region_id       TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  revoked         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX feed_tokens_organization ON feed_tokens(organization_id);

-- Append-only (NEN 7513): ids only grow, rows are never changed or removed.
CREATE TABLE audit (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  at              INTEGER NOT NULL,
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

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;
