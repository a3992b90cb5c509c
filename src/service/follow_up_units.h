// The follow-up units of a region as matching a placement reads them: each
// unit with its admission criteria, its organisation's name, its place and
// its latest capacity report, kept by this instance between requests
// (docs/placement.md, "Matching at scale").
//
// A Get costs two small reads instead of the whole tree and every unit's
// latest report: the region's tree version (RegionStore::TreeVersion; an
// import by any instance or by `openzcc region import` re-reads the tree
// and the reports) and the reports written since the previous Get
// (CapacityStore::CapacitySince), folded into the latest per unit as
// LatestCapacity orders them (newest as_of, then highest version). So a
// Get sees every report committed before it started, as a read of the
// store would. Reservations and staleness change with the clock and the
// placements: the caller reads and derives those per request.
//
// Thread-safe. A Picture is immutable: a Get that finds new reports makes a
// new one, and callers keep the one they got for as long as they use it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "core/placement_match.h"
#include "core/types.h"
#include "store/capacity_store.h"
#include "store/region_store.h"

namespace ozcc::service {

class FollowUpUnits {
 public:
  struct Stamp {  // of a report
    Time as_of{};
    std::int64_t version = 0;
  };
  struct Picture {
    std::int64_t tree_version = 0;
    // One per follow-up unit of the region, in the tree's order: the unit,
    // its organisation's name and place, and `beds` from its latest report
    // (nullopt: never reported). `stale` and `reserved` are left unset.
    std::vector<MatchCandidate> units;
    std::vector<std::optional<Stamp>> latest;  // units[i]'s latest report, if any
  };

  FollowUpUnits(RegionStore& regions, CapacityStore& capacity) : regions_(regions), capacity_(capacity) {}

  // The region's follow-up units now. kNotFound for an unknown region.
  Result<std::shared_ptr<const Picture>> Get(const std::string& region_id);

 private:
  struct Entry {
    std::shared_ptr<const Picture> picture;
    std::int64_t reports_through = 0;               // every report up to this data version is folded in
    std::unordered_map<std::string, size_t> index;  // unit id → position in picture->units
  };
  // Reads the tree and the latest reports afresh.
  Result<Entry> Load(const std::string& region_id, std::int64_t tree_version);
  // Folds the reports written since `e.reports_through` into `e`; false when
  // there are too many to fold one by one (then Load).
  Result<bool> CatchUp(const std::string& region_id, Entry& e);

  RegionStore& regions_;
  CapacityStore& capacity_;
  std::mutex mu_;  // guards entries_; held while reading, so one reader refreshes a region
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace ozcc::service
