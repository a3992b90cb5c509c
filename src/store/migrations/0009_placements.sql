-- Follow-up placement (store/placement_store.h, docs/placement.md): the
-- admission criteria of follow-up units (from the region file), placements,
-- their offers with the reservation an accepted offer holds, and the sealed
-- patient. Types and times as in 0001_init.sql; absent optional values are
-- NULL; care_types is a comma-separated list of wire names.
CREATE TABLE unit_criteria (
  unit_id       TEXT PRIMARY KEY REFERENCES units(id),
  region_id     TEXT NOT NULL REFERENCES regions(id),
  care_types    TEXT NOT NULL DEFAULT '',
  dementia      BOOLEAN,
  isolation     BOOLEAN,
  oxygen        BOOLEAN,
  max_weight_kg BIGINT,
  mobility      TEXT,
  age_min       BIGINT,
  age_max       BIGINT
);
CREATE INDEX unit_criteria_region ON unit_criteria(region_id);

CREATE TABLE placements (
  id                   TEXT PRIMARY KEY,
  region_id            TEXT NOT NULL REFERENCES regions(id),
  from_organization_id TEXT NOT NULL,
  from_unit_id         TEXT NOT NULL,
  care_type            TEXT NOT NULL,
  dementia             BOOLEAN NOT NULL,
  isolation            BOOLEAN NOT NULL,
  oxygen               BOOLEAN NOT NULL,
  weight_kg            BIGINT,
  mobility             TEXT NOT NULL,
  age                  BIGINT,
  needs                TEXT NOT NULL DEFAULT '',
  preferred_lat        DOUBLE PRECISION,
  preferred_lon        DOUBLE PRECISION,
  preferred_place      TEXT NOT NULL DEFAULT '',
  earliest_at          BIGINT NOT NULL,
  state                TEXT NOT NULL,
  has_patient          BOOLEAN NOT NULL,
  created_by           TEXT NOT NULL DEFAULT '',
  created_at           BIGINT NOT NULL,
  updated_at           BIGINT NOT NULL,
  ended_at             BIGINT,
  transfer_id          TEXT NOT NULL DEFAULT '',
  cancel_reason        TEXT NOT NULL DEFAULT '',
  version              BIGINT NOT NULL
);
CREATE INDEX placements_region ON placements(region_id, state, created_at);
CREATE INDEX placements_transfer ON placements(transfer_id);

CREATE TABLE placement_offers (
  id                   TEXT PRIMARY KEY,
  placement_id         TEXT NOT NULL REFERENCES placements(id),
  region_id            TEXT NOT NULL REFERENCES regions(id),
  organization_id      TEXT NOT NULL,
  unit_id              TEXT NOT NULL,
  state                TEXT NOT NULL,
  decline_reason       TEXT,
  decline_text         TEXT NOT NULL DEFAULT '',
  created_by           TEXT NOT NULL DEFAULT '',
  created_at           BIGINT NOT NULL,
  answered_by          TEXT NOT NULL DEFAULT '',
  answered_at          BIGINT,
  reserved_until       BIGINT,
  reservation_ended_at BIGINT,
  ord                  BIGINT NOT NULL
);
CREATE INDEX placement_offers_placement ON placement_offers(placement_id, ord);
CREATE INDEX placement_offers_region ON placement_offers(region_id, state);

-- Sealed as a case's patient (service/patient_seal.h), bound to the placement id.
CREATE TABLE placement_patients (
  placement_id TEXT PRIMARY KEY REFERENCES placements(id),
  bsn_hash     TEXT NOT NULL DEFAULT '',
  sealed       TEXT NOT NULL,
  key_id       TEXT NOT NULL
);
