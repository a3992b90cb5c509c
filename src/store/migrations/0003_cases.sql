-- The worklist (store/case_store.h): cases with their triage history,
-- timeline, handovers and sealed patient, the 72-hour contact history, the
-- case events of the region's change sequence, the patient access log
-- (NEN 7513) and break-glass grants. Each engine appends its part
-- (<engine>/0003_cases.sql: the triggers that keep patient_access and
-- contacts append-only). Types, ids and times as in 0001_init.sql.

-- The columns of `cases` are the fields of core's Case. Absent optionals are
-- NULL; known_care is a comma list of wire names ('' none, NULL not asked);
-- pathway_* are NULL when no pathway was used. band (core WorklistBand) and
-- open (state <> 'closed') are derived, for the worklist index.
CREATE TABLE cases (
  id                         TEXT PRIMARY KEY,
  region_id                  TEXT NOT NULL REFERENCES regions(id),
  subregion_id               TEXT NOT NULL DEFAULT '',
  channel                    TEXT NOT NULL,
  requesting_organization_id TEXT NOT NULL DEFAULT '',
  caller_name                TEXT NOT NULL DEFAULT '',
  caller_role                TEXT NOT NULL DEFAULT '',
  caller_phone               TEXT NOT NULL DEFAULT '',
  received_at                BIGINT NOT NULL,
  summary                    TEXT NOT NULL,
  urgency                    TEXT,
  complaint                  TEXT NOT NULL DEFAULT '',
  age_years                  BIGINT,
  living                     TEXT,
  known_care                 TEXT,
  state                      TEXT NOT NULL,
  outcome                    TEXT,
  legal_basis                TEXT,
  has_patient                BOOLEAN NOT NULL,
  repeat_contact             BOOLEAN NOT NULL,
  pathway_id                 TEXT,
  pathway_version            BIGINT,
  pathway_action             TEXT,
  pathway_deviation          TEXT,
  created_by                 TEXT NOT NULL DEFAULT '',
  created_at                 BIGINT NOT NULL,
  updated_at                 BIGINT NOT NULL,
  triaged_at                 BIGINT,
  closed_at                  BIGINT,
  version                    BIGINT NOT NULL,
  band                       BIGINT NOT NULL,
  open                       BOOLEAN NOT NULL
);
CREATE INDEX cases_worklist ON cases(region_id, open, band, received_at);
CREATE INDEX cases_closed ON cases(region_id, closed_at);

CREATE TABLE case_triages (
  id        {rowid},
  case_id   TEXT NOT NULL REFERENCES cases(id),
  at        BIGINT NOT NULL,
  by_user   TEXT NOT NULL,
  urgency   TEXT NOT NULL,
  complaint TEXT NOT NULL,
  note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_triages_case ON case_triages(case_id, id);

CREATE TABLE case_timeline (
  id      {rowid},
  case_id TEXT NOT NULL REFERENCES cases(id),
  at      BIGINT NOT NULL,
  actor   TEXT NOT NULL,
  kind    TEXT NOT NULL,
  detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_timeline_case ON case_timeline(case_id, at, id);

-- Handovers and their escalations; the SBAR may hold patient data.
CREATE TABLE handovers (
  id                 TEXT PRIMARY KEY,
  case_id            TEXT NOT NULL REFERENCES cases(id),
  to_organization_id TEXT NOT NULL,
  to_unit_id         TEXT NOT NULL DEFAULT '',
  situation          TEXT NOT NULL DEFAULT '',
  background         TEXT NOT NULL DEFAULT '',
  assessment         TEXT NOT NULL DEFAULT '',
  recommendation     TEXT NOT NULL DEFAULT '',
  state              TEXT NOT NULL,
  reason             TEXT NOT NULL DEFAULT '',
  requested_by       TEXT NOT NULL DEFAULT '',
  answered_by        TEXT NOT NULL DEFAULT '',
  requested_at       BIGINT NOT NULL,
  due_at             BIGINT NOT NULL,
  escalations        BIGINT NOT NULL DEFAULT 0,
  answered_at        BIGINT,
  ended_at           BIGINT,
  version            BIGINT NOT NULL
);
CREATE INDEX handovers_case ON handovers(case_id, requested_at);
CREATE INDEX handovers_to ON handovers(to_organization_id, requested_at);
CREATE INDEX handovers_due ON handovers(state, due_at);

-- Sealed (service/patient_seal.h): a keyed hash of the BSN and ciphertext.
CREATE TABLE case_patients (
  case_id  TEXT PRIMARY KEY REFERENCES cases(id),
  bsn_hash TEXT NOT NULL DEFAULT '',
  sealed   TEXT NOT NULL,
  key_id   TEXT NOT NULL
);
CREATE INDEX case_patients_bsn ON case_patients(bsn_hash);
CREATE INDEX cases_received ON cases(received_at);

-- Append-only: the 72-hour contact history reported by partners.
CREATE TABLE contacts (
  id              {rowid},
  bsn_hash        TEXT NOT NULL,
  at              BIGINT NOT NULL,
  organization_id TEXT NOT NULL DEFAULT '',
  kind            TEXT NOT NULL DEFAULT '',
  urgency         TEXT,
  sealed          TEXT NOT NULL DEFAULT '',
  key_id          TEXT NOT NULL DEFAULT '',
  reported_at     BIGINT NOT NULL
);
CREATE INDEX contacts_bsn ON contacts(bsn_hash, at);

-- One row per case write: the region data version it took (the versions
-- capacity_reports do not hold), the case and the handover it was about.
CREATE TABLE case_events (
  region_id   TEXT NOT NULL REFERENCES regions(id),
  version     BIGINT NOT NULL,
  case_id     TEXT NOT NULL REFERENCES cases(id),
  handover_id TEXT REFERENCES handovers(id),
  kind        TEXT NOT NULL,
  at          BIGINT NOT NULL,
  PRIMARY KEY (region_id, version)
);

-- Append-only (NEN 7513): every access to patient data, and every refusal.
CREATE TABLE patient_access (
  id              {autoincrement},
  at              BIGINT NOT NULL,
  actor           TEXT NOT NULL,
  role            TEXT NOT NULL DEFAULT '',
  organization_id TEXT NOT NULL DEFAULT '',
  bsn_hash        TEXT NOT NULL DEFAULT '',
  case_id         TEXT NOT NULL DEFAULT '',
  action          TEXT NOT NULL,
  purpose         TEXT NOT NULL DEFAULT '',
  outcome         TEXT NOT NULL DEFAULT '',
  break_glass     BOOLEAN NOT NULL DEFAULT FALSE,
  request_id      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX patient_access_bsn ON patient_access(bsn_hash, id);
CREATE INDEX patient_access_case ON patient_access(case_id, id);

CREATE TABLE break_glass (
  id          {rowid},
  username    TEXT NOT NULL,
  case_id     TEXT NOT NULL REFERENCES cases(id),
  reason      TEXT NOT NULL,
  granted_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  reviewed_by TEXT NOT NULL DEFAULT '',
  reviewed_at BIGINT
);
CREATE INDEX break_glass_user ON break_glass(username, case_id, expires_at);
CREATE INDEX break_glass_unreviewed ON break_glass(id) WHERE reviewed_at IS NULL;
