-- The live events of follow-up placements (store/placement_store.h,
-- PlacementChange): one per committed placement write, numbered by its
-- region's data version, so that every instance sends them to its live
-- clients in one gap-free order (the other instances read them back).
CREATE TABLE placement_events (
  region_id         TEXT NOT NULL REFERENCES regions(id),
  version           BIGINT NOT NULL,
  at                BIGINT NOT NULL,
  placement_id      TEXT NOT NULL REFERENCES placements(id),
  placement_version BIGINT NOT NULL,
  state             TEXT NOT NULL,
  PRIMARY KEY (region_id, version)
);
