-- The phase a region declares itself in (core/phase.h, store/phase_store.h):
-- one row per declaration, numbered 1, 2, … per region (the latest is the
-- current phase); `region_version` is the region data version it took, so
-- it is a live event in the region's one gap-free sequence.
-- And a transfer's approval in a crisis (core/transfers.h TransferApproval):
-- transfers written before this migration need none.
CREATE TABLE region_phases (
  region_id         TEXT NOT NULL REFERENCES regions(id),
  version           BIGINT NOT NULL,
  phase             TEXT NOT NULL,
  transfer_approval BOOLEAN NOT NULL,
  rationale         TEXT NOT NULL,
  declared_by       TEXT NOT NULL,
  declared_at       BIGINT NOT NULL,
  region_version    BIGINT NOT NULL,
  PRIMARY KEY (region_id, version)
);
CREATE UNIQUE INDEX region_phases_events ON region_phases(region_id, region_version);

ALTER TABLE transfers ADD COLUMN approval TEXT NOT NULL DEFAULT 'not-required';
ALTER TABLE transfers ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE transfers ADD COLUMN approved_at BIGINT;
