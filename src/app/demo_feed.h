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
  // One simulated report for `unit` at `now` (deterministic in seed, unit, time).
  static CapacityInput Simulate(const UnitView& unit, Time now, std::uint32_t seed);

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
