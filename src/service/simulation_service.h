// What-if simulation in the product (docs/simulation.md, "In the product"):
// the region's scenario from its live state, and simulation runs that are
// persisted, executed in the background and readable by any instance.
// Transport-neutral: the routes in api/simulation_routes.cc map JSON; the
// scenario and result JSON come through a codec (the api's scenario_json).
//
// Runs: Start() checks the budget and the rights, stores the run as
// "queued" (audited as "simulation.start") and hands it to this instance's
// executor: `workers` threads (default 1) taking runs in order from a queue
// of at most `max_queue` (default 4) waiting runs; a full queue refuses with
// kUnavailable (the route answers 503 with Retry-After). A worker runs the
// engine with threads = 1 (the HTTP server keeps its cores), writes
// replications_done and the heartbeat to the store after each replication
// (durably), and the result (or the error) at the end. While a run waits in
// the queue its heartbeat is refreshed every kHeartbeatEvery. A queued or
// running run whose heartbeat is older than kStoppedAfter reads as "failed"
// with error kStoppedError: the instance that held it stopped (decided at read
// time, on whichever instance reads; nothing rewrites the row).
//
// Who may (core/authz.h kSimulate): admin, and in their own region
// roaz-coordinator, zcc-coordinator and viewer; others kForbidden (a run of
// another region too).
//
// Cancel() ends a queued or running run as "cancelled"; the store refuses
// every later progress write of the run (kConflict), which is how the
// executing instance, whichever it is, learns of it.
//
// Thread-safe. The destructor stops the executor: a running run stops after
// its current replication and is marked failed ("the instance stopped");
// queued runs are left to read as failed once their heartbeat is old.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/types.h"
#include "engine/simulate/simulator.h"
#include "service/caller.h"
#include "store/audit_store.h"
#include "store/capacity_store.h"
#include "store/case_store.h"
#include "store/region_store.h"
#include "store/simulation_store.h"
#include "store/transfer_store.h"

namespace ozcc::service {

// The JSON of scenarios and results, supplied by the api layer.
struct SimulationCodec {
  // The stored scenario text → the engine's scenario (ParseScenarioJson).
  std::function<Result<engine::simulate::Scenario>(std::string_view)> decode_scenario;
  // The result as `openzcc simulate` writes it; `scenario` is the stored
  // scenario text the run decoded (what the expansion of pathway routing
  // decided is kept there and reported with the result).
  std::function<std::string(const engine::simulate::SimulationResult&, double wall_seconds, std::string_view scenario)>
      encode_result;
};

struct SimulationServiceOptions {
  int workers = 1;
  size_t max_queue = 4;
  // Budget of one run: horizon_hours × replications at most this (about 20
  // replications of a year, or 100 of ten weeks; seconds on one core for a
  // region's scenario, not minutes).
  double max_replication_hours = 175'200;
  // Most customers waiting at one station before the run stops (the engine's
  // max_queue), so one run cannot take the instance's memory.
  size_t max_waiting = 1'000'000;
};

struct SimulationStart {
  std::string region_id;
  std::string name;
  engine::simulate::Scenario scenario;  // parsed (and valid) scenario
  std::string scenario_json;            // its JSON text, stored as given
  int replications = 10;
  std::int64_t seed = 1;
};

// One station of a region's scenario and the unit it stands for.
struct RegionScenarioStation {
  std::string name;
  std::string unit_id;    // empty for the ZCC worklist
  std::string kind;       // "ed", "hap", "ambulance", "beds" or "zcc"
  std::string unit_type;  // the unit's type (core/types.h wire name); empty for the ZCC worklist
  bool stale = false;
};

struct RegionScenario {
  std::string region_id;
  Time as_of{};
  std::string name;
  std::string description;
  engine::simulate::Scenario scenario;
  std::vector<RegionScenarioStation> stations;
  std::vector<std::string> notes;  // every approximation made, in English
};

class SimulationService {
 public:
  static constexpr int kMaxReplications = 100;
  static constexpr std::int64_t kMaxSeed = (std::int64_t{1} << 53) - 1;
  static constexpr size_t kMaxName = 200;
  static constexpr size_t kListLimit = 50;
  static constexpr std::chrono::seconds kStoppedAfter{120};
  static constexpr std::chrono::seconds kHeartbeatEvery{30};
  static constexpr const char* kStoppedError = "the instance running it stopped";

  SimulationService(RegionStore& regions, CapacityStore& capacity, CaseStore& cases, TransferStore& transfers,
                    SimulationStore& runs, AuditStore& audit, SimulationCodec codec,
                    SimulationServiceOptions options = {});
  ~SimulationService();
  SimulationService(const SimulationService&) = delete;
  SimulationService& operator=(const SimulationService&) = delete;

  // Stores and queues a run. kInvalid naming "replications", "seed", "name"
  // (at most kMaxName characters),
  // "scenario.horizon_hours" (the budget) or "region_id" (unknown region);
  // kForbidden; kUnavailable when the queue is full.
  Result<StoredSimulation> Start(const Caller& caller, SimulationStart start);
  // One run, with its scenario and result; kNotFound, kForbidden.
  Result<StoredSimulation> Get(const Caller& caller, const std::string& id, Time now);
  // Stops a queued or running run (any instance may be running it: the
  // executor sees the cancel at its next progress write and stops after the
  // current replication, keeping the row as cancelled). Audited as
  // "simulation.cancel". A viewer may cancel only its own runs. kNotFound,
  // kForbidden; kConflict when the run has already ended.
  Result<StoredSimulation> Cancel(const Caller& caller, const std::string& id, Time now);
  // The region's runs, newest first, at most kListLimit, without scenario and result.
  Result<std::vector<StoredSimulation>> List(const Caller& caller, const std::string& region_id, Time now);
  // The region's scenario from its current state at `now`; kNotFound for an
  // unknown region, kForbidden.
  Result<RegionScenario> ForRegion(const Caller& caller, const std::string& region_id, Time now);

  // A stored run as it reads at `now` (a lost instance's run as failed).
  static StoredSimulation AsRead(StoredSimulation run, Time now);

 private:
  void Work();
  void Execute(const std::string& id);
  void TouchQueued(Time now);

  RegionStore& regions_;
  CapacityStore& capacity_;
  CaseStore& cases_;
  TransferStore& transfers_;
  SimulationStore& runs_;
  AuditStore& audit_;
  SimulationCodec codec_;
  SimulationServiceOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<StoredSimulation> queue_;  // waiting runs, oldest first
  size_t reserved_ = 0;                 // places taken by starts not yet stored
  bool stopping_ = false;
  Time last_touch_{};
  std::vector<std::thread> workers_;
};

}  // namespace ozcc::service
