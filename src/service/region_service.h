// Region use cases: import a region's tree, read regions, units and their
// latest capacity (the picture), and the reads this instance's caches make.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/caller.h"
#include "store/audit_store.h"
#include "store/capacity_store.h"
#include "store/region_store.h"

namespace ozcc::service {

// A region's current picture: what the snapshot is built from.
struct RegionPicture {
  std::int64_t version = 0;  // read first: reports newer than it may be included, never missed
  std::vector<UnitView> units;
  std::vector<CapacityReport> latest;  // per unit, units never reported absent
};

class RegionService {
 public:
  RegionService(RegionStore& regions, CapacityStore& capacity, AuditStore& audit)
      : regions_(regions), capacity_(capacity), audit_(audit) {}

  // Validates (core/validate.h) and imports the tree, audited with the change.
  // kInvalid naming every problem; kConflict for ids of another region or
  // dropped units that have reports; kForbidden (audited) unless allowed.
  Status Import(const Caller& caller, const RegionData& data);
  // The regions the caller may read.
  Result<std::vector<ozcc::Region>> Regions(const Caller& caller);
  // One region's tree: kForbidden, kNotFound.
  Result<RegionData> Tree(const Caller& caller, const std::string& region_id);
  // The trees the caller reads: `wanted` (kForbidden if not allowed), else its
  // own region, and every region for an admin without one.
  Result<std::vector<RegionData>> Readable(const Caller& caller, const std::optional<std::string>& wanted);
  // The trees a report of the caller may name its subjects in: its own
  // region (every region for an admin without one). No read right is needed
  // (a feed token has none): each unit written is authorised on its own.
  Result<std::vector<RegionData>> ReportingScope(const Caller& caller);
  // The region's current picture, for the caller: kForbidden, kNotFound.
  Result<RegionPicture> Picture(const Caller& caller, const std::string& region_id);
  // The region's data version, for the caller (kNotFound for an unknown region).
  Result<std::int64_t> Version(const Caller& caller, const std::string& region_id);

  // --- reads of this instance's caches (snapshot, change follower): the
  // cache authorises each request it answers, so these take no caller.
  Result<RegionPicture> PictureForCache(const std::string& region_id);
  Result<std::vector<ozcc::Region>> AllRegions() { return regions_.ListRegions(); }
  Result<std::int64_t> DataVersion(const std::string& region_id) { return capacity_.DataVersion(region_id); }
  Result<UnitView> Unit(const std::string& unit_id) { return regions_.GetUnit(unit_id); }
  Result<std::vector<CapacityReport>> ReportsSince(const std::string& region_id, std::int64_t after, size_t limit) {
    return capacity_.CapacitySince(region_id, after, limit);
  }

 private:
  RegionStore& regions_;
  CapacityStore& capacity_;
  AuditStore& audit_;
};

}  // namespace ozcc::service
