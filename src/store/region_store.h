// Persistence of the region tree: regions, subregions, organisations,
// locations and units. Thread-safe; writes return once durable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/audit.h"
#include "core/types.h"

namespace ozcc {

class RegionStore {
 public:
  virtual ~RegionStore() = default;
  // Inserts or replaces a region with its organisations, locations and units,
  // with the audit record, in one transaction. Ids are global: one owned by
  // another region is kConflict. Units no longer in the data are removed only
  // if they have no reports (otherwise kConflict naming them). kInvalid when
  // ValidateRegion finds errors.
  virtual Status ImportRegion(const RegionData& data, const AuditRecord& audit) = 0;
  virtual Result<std::vector<Region>> ListRegions() = 0;
  virtual Result<RegionData> GetRegion(const std::string& region_id) = 0;  // kNotFound
  virtual Result<UnitView> GetUnit(const std::string& unit_id) = 0;        // kNotFound
  virtual Result<std::vector<UnitView>> ListUnits(const std::string& region_id) = 0;
  // How many times the region's tree was imported (1, 2, …): a copy of
  // GetRegion holds as long as this number does. kNotFound.
  virtual Result<std::int64_t> TreeVersion(const std::string& region_id) = 0;
};

}  // namespace ozcc
