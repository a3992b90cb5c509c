#include "api/follower.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>

#include "api/json/case_json.h"
#include "api/json/phase_json.h"
#include "api/json/placement_json.h"
#include "api/json/spreading_plan_json.h"
#include "api/json/transfer_json.h"

namespace ozcc::api {

ChangeFollower::ChangeFollower(service::RegionService& regions, std::function<Status(ChangeHandler)> watch,
                               SnapshotCache& snapshots, EventHub& events, Authenticator& auth,
                               std::function<void(const std::string&)> session_ended, std::vector<EventSource> sources)
    : regions_(regions),
      watch_(std::move(watch)),
      snapshots_(snapshots),
      events_(events),
      auth_(auth),
      session_ended_(std::move(session_ended)),
      sources_(std::move(sources)) {}

ChangeFollower::~ChangeFollower() {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->closed = true;
  }
  inbox_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status ChangeFollower::Start() {
  std::shared_ptr<Inbox> inbox = inbox_;
  Status feed = watch_([inbox](const StoreChange& change) {
    std::lock_guard lock(inbox->mu);
    if (inbox->closed) return;
    inbox->changes.push_back(change);
    inbox->cv.notify_one();
  });
  if (!feed.ok()) spdlog::warn("change feed not started yet, retrying: {}", feed.message());
  // Events before now are not replayed (the snapshot holds them); listening
  // started first, so a write committed meanwhile is followed, not lost.
  if (auto regions = regions_.AllRegions(); regions.ok()) {
    for (const auto& r : *regions) {
      if (auto v = regions_.DataVersion(r.id); v.ok()) events_.SetBaseline(r.id, *v);
    }
  }
  thread_ = std::thread([this] { Run(); });
  return feed;
}

std::uint64_t ChangeFollower::published() const { return published_.load(); }

void ChangeFollower::Run() {
  std::map<std::string, std::int64_t> behind;  // region → newest version announced, not yet caught up
  bool resync = false;
  for (;;) {
    std::deque<StoreChange> batch;
    {
      std::unique_lock lock(inbox_->mu);
      // With work left over (a read failed), retry after a second.
      inbox_->cv.wait_for(lock, std::chrono::seconds(1), [&] { return inbox_->closed || !inbox_->changes.empty(); });
      if (inbox_->closed) return;
      batch.swap(inbox_->changes);
    }
    for (const auto& change : batch) {
      switch (change.kind) {
        case StoreChange::Kind::kCapacity: {
          auto& v = behind[change.region_id];
          v = std::max(v, change.version);  // one catch-up for a burst of writes
          break;
        }
        case StoreChange::Kind::kRegion:
          std::erase_if(units_, [&](const auto& kv) { return kv.second.region_id == change.region_id; });
          snapshots_.Invalidate(change.region_id);
          break;
        case StoreChange::Kind::kSessionRevoked:
          auth_.Forget(change.token_hash);
          if (session_ended_) session_ended_(change.token_hash);
          break;
        case StoreChange::Kind::kResync: resync = true; break;
      }
    }
    if (resync) resync = !Resync(behind);
    for (auto it = behind.begin(); it != behind.end();) {
      CatchUp(it->first, it->second);
      it = events_.Contiguous(it->first) >= it->second ? behind.erase(it) : std::next(it);
    }
  }
}

void ChangeFollower::CatchUp(const std::string& region_id, std::int64_t version) {
  snapshots_.NoteVersion(region_id, version);
  std::int64_t from = events_.Contiguous(region_id);
  if (from >= version) return;
  if (version - from > kMaxCatchUp) {
    events_.Reload(region_id, version, "too many changes to send one by one");
    return;
  }
  constexpr size_t kPage = 1000;
  constexpr std::int64_t kAll = std::numeric_limits<std::int64_t>::max();
  while (from < version) {
    auto reports = regions_.ReportsSince(region_id, from, kPage);
    if (!reports.ok()) {
      spdlog::warn("change feed: cannot read reports of {} after version {}: {}", region_id, from,
                   reports.status().message());
      return;  // Run() retries
    }
    // Every list is complete up to `upto`: the last version of a full page, or all.
    std::int64_t upto = reports->size() == kPage ? reports->back().version : kAll;
    std::vector<LiveEvent> pending;
    const Time now = Now();
    for (const CapacityReport& r : *reports) {
      auto it = units_.find(r.unit_id);
      if (it == units_.end()) {
        auto unit = regions_.Unit(r.unit_id);
        if (!unit.ok()) {
          spdlog::warn("change feed: unit {} of report {} unreadable: {}", r.unit_id, r.version,
                       unit.status().message());
          return;
        }
        it = units_.emplace(r.unit_id, std::move(unit).value()).first;
      }
      pending.push_back({r.version, "capacity", UnitRow(it->second, &r, now).dump()});
    }
    for (const EventSource& source : sources_) {
      auto read = source.since(region_id, from, kPage);
      if (!read.ok()) {
        spdlog::warn("change feed: cannot read {} events of {} after version {}: {}", source.name, region_id, from,
                     read.status().message());
        return;
      }
      if (read->size() == kPage) upto = std::min(upto, read->back().version);
      std::move(read->begin(), read->end(), std::back_inserter(pending));
    }
    std::sort(pending.begin(), pending.end(),
              [](const LiveEvent& a, const LiveEvent& b) { return a.version < b.version; });
    for (const LiveEvent& e : pending) {
      if (e.version > upto) break;
      if (events_.Publish(region_id, e.version, e.type, e.data)) ++published_;
      from = e.version;
    }
    if (upto == kAll) break;
  }
}

std::vector<ChangeFollower::EventSource> StoreEventSources(Store& store) {
  // The events of one kind, each mapped to its live event.
  auto source = [](std::string name, auto read, auto to_live) {
    return ChangeFollower::EventSource{std::move(name),
                                       [read, to_live](const std::string& region_id, std::int64_t after,
                                                       size_t limit) -> Result<std::vector<LiveEvent>> {
                                         auto got = read(region_id, after, limit);
                                         if (!got.ok()) return got.status();
                                         std::vector<LiveEvent> out;
                                         out.reserve(got->size());
                                         for (const auto& e : *got) out.push_back(to_live(e));
                                         return out;
                                       }};
  };
  return {
      source(
          "case", [&store](const std::string& r, std::int64_t a, size_t l) { return store.CaseEventsSince(r, a, l); },
          [](const CaseEvent& e) {
            return LiveEvent{e.version, CaseEventType(e), CaseEventJson(e, TimeTargets{}, Now()).dump()};
          }),
      source(
          "transfer",
          [&store](const std::string& r, std::int64_t a, size_t l) { return store.TransferEventsSince(r, a, l); },
          [](const TransferChange& c) {
            return LiveEvent{c.version, "transfer", TransferEventJson(c).dump()};
          }),
      source(
          "placement",
          [&store](const std::string& r, std::int64_t a, size_t l) { return store.PlacementEventsSince(r, a, l); },
          [](const PlacementChange& c) {
            return LiveEvent{c.version, "placement", PlacementEventJson(c).dump()};
          }),
      source(
          "phase", [&store](const std::string& r, std::int64_t a, size_t l) { return store.PhaseEventsSince(r, a, l); },
          [](const PhaseChange& c) {
            return LiveEvent{c.region_version, "phase", PhaseEventJson(c).dump()};
          }),
      source(
          "spreading",
          [&store](const std::string& r, std::int64_t a, size_t l) { return store.SpreadingEventsSince(r, a, l); },
          [](const SpreadingChange& c) {
            return LiveEvent{c.version, "spreading", SpreadingEventJson(c).dump()};
          }),
  };
}

bool ChangeFollower::Resync(std::map<std::string, std::int64_t>& behind) {
  units_.clear();
  auth_.ForgetAll();
  snapshots_.Invalidate("");
  auto regions = regions_.AllRegions();
  if (!regions.ok()) {
    spdlog::warn("change feed: cannot list regions to resynchronise: {}", regions.status().message());
    return false;
  }
  for (const auto& r : *regions) {
    auto v = regions_.DataVersion(r.id);
    if (!v.ok()) return false;
    auto& b = behind[r.id];
    b = std::max(b, *v);
  }
  return true;
}

}  // namespace ozcc::api
