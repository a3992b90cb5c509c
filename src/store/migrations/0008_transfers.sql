-- Transfers of patients between units (store/transfer_store.h): the
-- transfer, its timeline, its sealed patient and the transfer events of the
-- region's change sequence. Types and times as in 0001_init.sql; absent
-- optional times are NULL. open is state not final (declined, arrived,
-- cancelled), for the board's index.
CREATE TABLE transfers (
  id                   TEXT PRIMARY KEY,
  region_id            TEXT NOT NULL REFERENCES regions(id),
  from_organization_id TEXT NOT NULL,
  from_unit_id         TEXT NOT NULL,
  to_organization_id   TEXT NOT NULL,
  to_unit_id           TEXT NOT NULL,
  care_type            TEXT NOT NULL,
  reason               TEXT NOT NULL,
  case_id              TEXT NOT NULL DEFAULT '',
  has_patient          BOOLEAN NOT NULL,
  state                TEXT NOT NULL,
  planned_at           BIGINT,
  created_by           TEXT NOT NULL DEFAULT '',
  requested_at         BIGINT NOT NULL,
  updated_at           BIGINT NOT NULL,
  answered_at          BIGINT,
  departed_at          BIGINT,
  ended_at             BIGINT,
  version              BIGINT NOT NULL,
  open                 BOOLEAN NOT NULL
);
CREATE INDEX transfers_region ON transfers(region_id, open, requested_at);
CREATE INDEX transfers_from ON transfers(from_organization_id, requested_at);
CREATE INDEX transfers_to ON transfers(to_organization_id, requested_at);

CREATE TABLE transfer_timeline (
  id              {rowid},
  transfer_id     TEXT NOT NULL REFERENCES transfers(id),
  at              BIGINT NOT NULL,
  state           TEXT NOT NULL,
  actor           TEXT NOT NULL,
  organization_id TEXT NOT NULL DEFAULT '',
  reason          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transfer_timeline_transfer ON transfer_timeline(transfer_id, at, id);

-- Sealed as a case's patient (service/patient_seal.h), bound to the transfer id.
CREATE TABLE transfer_patients (
  transfer_id TEXT PRIMARY KEY REFERENCES transfers(id),
  bsn_hash    TEXT NOT NULL DEFAULT '',
  sealed      TEXT NOT NULL,
  key_id      TEXT NOT NULL
);

-- One row per transfer write: the region data version it took.
CREATE TABLE transfer_events (
  region_id   TEXT NOT NULL REFERENCES regions(id),
  version     BIGINT NOT NULL,
  transfer_id TEXT NOT NULL REFERENCES transfers(id),
  state       TEXT NOT NULL,
  at          BIGINT NOT NULL,
  PRIMARY KEY (region_id, version)
);
