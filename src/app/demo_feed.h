// Simulated live feeds for the demo region: every tick, a share of the
// units report numbers that follow a daily rhythm plus noise, through the
// same ingest path as real feeds (validation, audit, events). About one unit
// in twelve never reports, so the stale display can be seen. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/api.h"
#include "store/store.h"

namespace ozcc::app {

struct DemoFeedOptions {
  std::chrono::milliseconds tick{3000};
  double share_per_tick = 0.2;  // fraction of the reporting units updated each tick
  std::uint32_t seed = 20261126;
  int history_weeks = 5;  // simulated history seeded into a store that has none (0: none)
};

class DemoFeed {
 public:
  DemoFeed(Store& store, api::Api& api, DemoFeedOptions options);
  ~DemoFeed();
  // Seeds every reporting unit once (so the picture starts full), then ticks.
  Status Start();
  void Stop();

  // True for the units the demo deliberately leaves silent.
  static bool IsSilent(const std::string& unit_id);
  // One simulated report for `unit` at `now` (deterministic in seed, unit, time):
  // beds follow a daily and a weekly rhythm (local time) plus noise, the ED
  // load follows the expected arrivals of the hour.
  static CapacityInput Simulate(const UnitView& unit, Time now, std::uint32_t seed);
  // Expected ED arrivals of the unit in a local hour of the week (0 = Monday
  // 00:00); 0 for units without an ED or queue.
  static double ExpectedArrivals(const UnitView& unit, int hour_of_week, std::uint32_t seed);
  // Simulated arrivals in the hour starting at `hour_start` (Poisson around
  // ExpectedArrivals; deterministic in seed, unit and hour).
  static std::int64_t Arrivals(const UnitView& unit, Time hour_start, std::uint32_t seed);
  // When no unit has a report older than a day before `now`, writes
  // `options.history_weeks` weeks of simulated reports up to the oldest
  // report there is (or `now`): bed units every 3 hours, EDs and GP posts
  // every hour, through the store's write path in batches (source demo, one
  // audit record per batch). Returns the number of reports written (0: the
  // store had history).
  static Result<std::size_t> SeedHistory(Store& store, const std::vector<UnitView>& units, Time now,
                                         const DemoFeedOptions& options);

 private:
  void Run();
  Status Tick(bool all);
  Store& store_;
  api::Api& api_;
  DemoFeedOptions options_;
  std::vector<UnitView> units_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::uint64_t ticks_ = 0;
};

}  // namespace ozcc::app
