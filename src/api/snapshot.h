// The region capacity picture: one row per unit (UnitRow) and the cached,
// pre-serialised, pre-compressed snapshot with its ETag. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "base/status.h"
#include "core/types.h"
#include "service/region_service.h"

namespace ozcc::api {

// {"unit_id","organization_id","organization_name","subregion","type","specialism","name",
//  "location":{"lat","lon"},"beds","ed","as_of","age_seconds","stale","expected_interval_s","note","version"}
nlohmann::json UnitRow(const UnitView& unit, const CapacityReport* latest, Time now);

// The beds held by follow-up placements' reservations per unit id of a
// region (PlacementService::ReservedBeds).
using ReservedBeds = std::function<Result<std::map<std::string, std::int64_t>>(const std::string& region_id)>;

// gzip (RFC 1952) of `data` at the given zlib level.
std::string Gzip(std::string_view data, int level = 6);

struct Snapshot {
  std::string region_id;
  std::int64_t version = 0;
  Time generated_at{};
  std::string etag;  // quoted, strong
  std::shared_ptr<const std::string> json;
  std::shared_ptr<const std::string> gzip;
};

// Holds one snapshot per region. A snapshot is rebuilt when the region's
// data version moved (NoteVersion) or it is older than max_age (ages and
// stale flags change with time even without writes).
class SnapshotCache {
 public:
  // `reserved`: when set, each follow-up unit's row carries "reserved" and
  // "available_net" (beds.available less reserved, at least 0; null without
  // beds). A derived figure: the stored reports are left as they are.
  SnapshotCache(service::RegionService& regions, std::chrono::milliseconds max_age, ReservedBeds reserved = {});
  // Current snapshot; builds it when needed. kNotFound for an unknown region.
  Result<std::shared_ptr<const Snapshot>> Get(const std::string& region_id);
  // Tells the cache the region reached `version` (after a committed write).
  void NoteVersion(const std::string& region_id, std::int64_t version);
  // Drops the region's snapshot (its units changed); "" drops all.
  void Invalidate(const std::string& region_id);
  std::uint64_t builds() const { return builds_.load(); }

 private:
  Result<std::shared_ptr<const Snapshot>> Build(const std::string& region_id);
  service::RegionService& regions_;
  std::chrono::milliseconds max_age_;
  ReservedBeds reserved_;
  std::mutex mu_;        // guards the maps
  std::mutex build_mu_;  // one build at a time
  std::unordered_map<std::string, std::shared_ptr<const Snapshot>> snapshots_;
  std::unordered_map<std::string, std::int64_t> versions_;  // known newest version per region
  std::atomic<std::uint64_t> builds_{0};
};

}  // namespace ozcc::api
