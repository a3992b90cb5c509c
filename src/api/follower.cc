#include "api/follower.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <map>

#include "api/json/case_json.h"
#include "api/json/spreading_plan_json.h"
#include "api/json/transfer_json.h"

namespace ozcc::api {

ChangeFollower::ChangeFollower(service::RegionService& regions, std::function<Status(ChangeHandler)> watch,
                               SnapshotCache& snapshots, EventHub& events, Authenticator& auth,
                               std::function<void(const std::string&)> session_ended, CaseEventsSince case_events,
                               TransferEventsSince transfer_events, SpreadingEventsSince spreading_events)
    : regions_(regions),
      watch_(std::move(watch)),
      snapshots_(snapshots),
      events_(events),
      auth_(auth),
      session_ended_(std::move(session_ended)),
      case_events_(std::move(case_events)),
      transfer_events_(std::move(transfer_events)),
      spreading_events_(std::move(spreading_events)) {}

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
    std::vector<CaseEvent> cases;
    if (case_events_) {
      auto read = case_events_(region_id, from, kPage);
      if (!read.ok()) {
        spdlog::warn("change feed: cannot read case events of {} after version {}: {}", region_id, from,
                     read.status().message());
        return;
      }
      cases = std::move(read).value();
    }
    std::vector<TransferChange> transfers;
    if (transfer_events_) {
      auto read = transfer_events_(region_id, from, kPage);
      if (!read.ok()) {
        spdlog::warn("change feed: cannot read transfer events of {} after version {}: {}", region_id, from,
                     read.status().message());
        return;
      }
      transfers = std::move(read).value();
    }
    std::vector<SpreadingChange> plans;
    if (spreading_events_) {
      auto read = spreading_events_(region_id, from, kPage);
      if (!read.ok()) {
        spdlog::warn("change feed: cannot read spreading events of {} after version {}: {}", region_id, from,
                     read.status().message());
        return;
      }
      plans = std::move(read).value();
    }
    // The lists are complete up to `upto`: the last version of a full page, or all.
    std::int64_t upto = kAll;
    if (reports->size() == kPage) upto = std::min(upto, reports->back().version);
    if (cases.size() == kPage) upto = std::min(upto, cases.back().version);
    if (transfers.size() == kPage) upto = std::min(upto, transfers.back().version);
    if (plans.size() == kPage) upto = std::min(upto, plans.back().version);
    size_t ri = 0;
    size_t ci = 0;
    size_t ti = 0;
    size_t pi = 0;
    const Time now = Now();
    constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max();
    while (true) {
      // The next version of each list (kNone when done or beyond upto); the least goes first.
      const std::int64_t rv = ri < reports->size() ? (*reports)[ri].version : kNone;
      const std::int64_t cv = ci < cases.size() ? cases[ci].version : kNone;
      const std::int64_t tv = ti < transfers.size() ? transfers[ti].version : kNone;
      const std::int64_t pv = pi < plans.size() ? plans[pi].version : kNone;
      const std::int64_t next = std::min({rv, cv, tv, pv});
      if (next == kNone || next > upto) break;
      if (next == rv) {
        const CapacityReport& r = (*reports)[ri++];
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
        if (events_.Publish(region_id, r.version, "capacity", UnitRow(it->second, &r, now).dump())) ++published_;
      } else if (next == cv) {
        const CaseEvent& e = cases[ci++];
        if (events_.Publish(region_id, e.version, CaseEventType(e), CaseEventJson(e, TimeTargets{}, now).dump())) {
          ++published_;
        }
      } else if (next == tv) {
        const TransferChange& t = transfers[ti++];
        if (events_.Publish(region_id, t.version, "transfer", TransferEventJson(t).dump())) ++published_;
      } else {
        const SpreadingChange& p = plans[pi++];
        if (events_.Publish(region_id, p.version, "spreading", SpreadingEventJson(p).dump())) ++published_;
      }
      from = next;
    }
    if (upto == kAll) break;
  }
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
