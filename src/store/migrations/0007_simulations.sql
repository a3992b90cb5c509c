-- What-if simulation runs (store/simulation_store.h): the scenario and the
-- result as JSON text (the scenario language and the output of docs/
-- simulation.md), opaque to the store. heartbeat_at is the last write of the
-- instance executing the run: a queued or running run whose heartbeat is old
-- reads as failed (service/simulation_service.h). Times as in 0001_init.sql.
CREATE TABLE simulations (
  id                 TEXT PRIMARY KEY,
  region_id          TEXT NOT NULL,
  name               TEXT NOT NULL,
  state              TEXT NOT NULL,
  replications       BIGINT NOT NULL,
  replications_done  BIGINT NOT NULL,
  seed               BIGINT NOT NULL,
  created_by         TEXT NOT NULL,
  created_at         BIGINT NOT NULL,
  started_at         BIGINT,
  finished_at        BIGINT,
  heartbeat_at       BIGINT NOT NULL,
  error              TEXT,
  scenario           TEXT NOT NULL,
  result             TEXT
);
CREATE INDEX simulations_region_created ON simulations (region_id, created_at, id);
