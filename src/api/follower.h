// Keeps this instance's live state in step with writes made by other
// instances on the same store. The store's change feed (PostgreSQL
// LISTEN/NOTIFY) reports each committed change; the follower, on a thread of
// its own:
//   - capacity (a region's data version moved: capacity reports,
//     worklist and transfer changes share it): reads the reports, case and
//     transfer events this
//     instance has not published yet (from the event hub's contiguous
//     version), merges them by version and publishes them to its SSE
//     clients; marks the snapshot outdated;
//   - region: drops the region's snapshot (units changed);
//   - session revoked: drops the token from the authentication cache and
//     ends its live streams;
//   - resync (the feed was interrupted): all of the above for every region.
// Reports this instance wrote itself are published by the write path and
// ignored here (the hub drops versions it has). When too many reports were
// missed, streams get one "reload" event instead.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/auth.h"
#include "api/events.h"
#include "api/snapshot.h"
#include "service/region_service.h"
#include "store/case_store.h"
#include "store/store.h"
#include "store/transfer_store.h"

namespace ozcc::api {

class ChangeFollower {
 public:
  // `watch` subscribes to the store's change feed (Store::WatchChanges).
  // `session_ended` is called with the token hash of each ended session or
  // revoked feed token (to close its live streams).
  // The case events of a region after a version, at most a number of them
  // (CaseStore::CaseEventsSince).
  using CaseEventsSince = std::function<Result<std::vector<CaseEvent>>(const std::string&, std::int64_t, size_t)>;
  // Likewise the transfer events (TransferStore::TransferEventsSince).
  using TransferEventsSince =
      std::function<Result<std::vector<TransferChange>>(const std::string&, std::int64_t, size_t)>;
  // Likewise the changes of spreading plans (SpreadingStore::SpreadingEventsSince).
  using SpreadingEventsSince =
      std::function<Result<std::vector<SpreadingChange>>(const std::string&, std::int64_t, size_t)>;

  ChangeFollower(service::RegionService& regions, std::function<Status(ChangeHandler)> watch, SnapshotCache& snapshots,
                 EventHub& events, Authenticator& auth, std::function<void(const std::string&)> session_ended = nullptr,
                 CaseEventsSince case_events = nullptr, TransferEventsSince transfer_events = nullptr,
                 SpreadingEventsSince spreading_events = nullptr);
  ~ChangeFollower();
  ChangeFollower(const ChangeFollower&) = delete;
  ChangeFollower& operator=(const ChangeFollower&) = delete;

  // Starts the store's change feed, then sets the event baselines (the
  // regions' current versions) and the follower thread. Changes committed
  // after Start() returns are followed; when the feed could not start yet it
  // keeps trying and the first success resynchronises.
  Status Start();

  // Events published from the feed (written by other instances), for /metrics.
  std::uint64_t published() const;

  // At most this many reports are caught up one by one; beyond, "reload".
  static constexpr std::int64_t kMaxCatchUp = 5000;

 private:
  // Shared with the store's feed thread, which may outlive this object's use.
  struct Inbox {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<StoreChange> changes;
    bool closed = false;
  };

  void Run();
  // Publishes the region's reports after the hub's contiguous version up to `version`.
  void CatchUp(const std::string& region_id, std::int64_t version);
  // Forgets caches and adds every region's current version to `behind`; false when the store failed.
  bool Resync(std::map<std::string, std::int64_t>& behind);

  service::RegionService& regions_;
  std::function<Status(ChangeHandler)> watch_;
  SnapshotCache& snapshots_;
  EventHub& events_;
  Authenticator& auth_;
  std::function<void(const std::string&)> session_ended_;
  CaseEventsSince case_events_;
  TransferEventsSince transfer_events_;
  SpreadingEventsSince spreading_events_;
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  std::unordered_map<std::string, UnitView> units_;  // follower thread only; cache for UnitRow
  std::atomic<std::uint64_t> published_{0};
  std::thread thread_;
};

}  // namespace ozcc::api
