// Keeps this instance's live state in step with writes made by other
// instances on the same store. The store's change feed (PostgreSQL
// LISTEN/NOTIFY) reports each committed change; the follower, on a thread of
// its own:
//   - capacity (a region's data version moved: capacity reports and the
//     events of cases, transfers, placements, phases and spreading plans share it):
//     reads the reports and events this instance has not published yet
//     (from the event hub's contiguous version), merges them by version and
//     publishes them to its SSE clients; marks the snapshot outdated;
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
#include "store/store.h"

namespace ozcc::api {

// A live event as a stream gets it: the region data version it took (the SSE
// id), its type and its data (one line of JSON).
struct LiveEvent {
  std::int64_t version = 0;
  std::string type;
  std::string data;
};

class ChangeFollower {
 public:
  // One kind of stored event of a region after a version, oldest first, at
  // most a number of them, as live events (e.g. CaseStore::CaseEventsSince,
  // mapped to JSON). `name` says which kind in the log.
  struct EventSource {
    std::string name;
    std::function<Result<std::vector<LiveEvent>>(const std::string& region_id, std::int64_t after, size_t limit)> since;
  };

  // `watch` subscribes to the store's change feed (Store::WatchChanges).
  // `session_ended` is called with the token hash of each ended session or
  // revoked feed token (to close its live streams). `sources`: the events
  // besides capacity reports (StoreEventSources).
  ChangeFollower(service::RegionService& regions, std::function<Status(ChangeHandler)> watch, SnapshotCache& snapshots,
                 EventHub& events, Authenticator& auth, std::function<void(const std::string&)> session_ended = nullptr,
                 std::vector<EventSource> sources = {});
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
  std::vector<EventSource> sources_;
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  std::unordered_map<std::string, UnitView> units_;  // follower thread only; cache for UnitRow
  std::atomic<std::uint64_t> published_{0};
  std::thread thread_;
};

// The store's events of cases, transfers, placements, phases and spreading plans as
// the follower's sources, mapped as the local write paths publish them.
std::vector<ChangeFollower::EventSource> StoreEventSources(Store& store);

}  // namespace ozcc::api
