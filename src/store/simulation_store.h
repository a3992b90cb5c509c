// Persistence of what-if simulation runs (docs/simulation.md, "In the
// product"): one row per run with its scenario and, once done, its result as
// JSON text (opaque to the store), its state and progress. Any instance
// sharing the store reads a run another instance executes. Thread-safe;
// writes return once durable; a failing write stores nothing of that call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/audit.h"

namespace ozcc {

struct StoredSimulation {
  std::string id;
  std::string region_id;
  std::string name;
  std::string state;  // "queued", "running", "done", "failed", "cancelled" (the service's vocabulary)
  int replications = 0;
  int replications_done = 0;
  std::int64_t seed = 0;
  std::string created_by;
  Time created_at{};
  std::optional<Time> started_at;
  std::optional<Time> finished_at;
  // The last write of the instance executing the run (its creation,
  // start, each replication, the end): a queued or running run whose
  // heartbeat is old lost its instance.
  Time heartbeat_at{};
  std::string error;     // empty: none
  std::string scenario;  // the scenario's JSON text; empty in ListSimulations
  std::string result;    // the result's JSON text; empty until done and in ListSimulations
  bool operator==(const StoredSimulation&) const = default;
};

class SimulationStore {
 public:
  virtual ~SimulationStore() = default;

  // Stores a new run with the audit record of its start, atomically.
  // kInvalid for an empty id, region_id, state, created_by or scenario, or
  // text with a NUL character; kConflict when the id exists.
  virtual Status CreateSimulation(const StoredSimulation& run, const AuditRecord& audit) = 0;
  // One run, with scenario and result; kNotFound for an unknown id.
  virtual Result<StoredSimulation> GetSimulation(const std::string& id) = 0;
  // The region's runs, newest first (created_at, then id descending), at
  // most `limit`, without scenario and result.
  virtual Result<std::vector<StoredSimulation>> ListSimulations(const std::string& region_id, size_t limit) = 0;
  // Writes the run's state, replications_done, started_at, finished_at,
  // heartbeat_at, error and result (the other members are kept), only while
  // the stored run is "queued" or "running": kConflict once it has ended
  // (done, failed or cancelled), so an executor never writes over a cancel
  // made on another instance; kNotFound for an unknown id.
  virtual Status UpdateSimulation(const StoredSimulation& run) = 0;
  // Ends a queued or running run as "cancelled" (finished_at and
  // heartbeat_at = `at`) with the audit record of it, atomically; kConflict
  // when it has already ended, kNotFound for an unknown id.
  virtual Status CancelSimulation(const std::string& id, Time at, const AuditRecord& audit) = 0;
};

}  // namespace ozcc
