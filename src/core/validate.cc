#include "core/validate.h"

#include <algorithm>
#include <set>

#include "core/placement.h"

namespace ozcc {

namespace {

void CheckCount(std::vector<FieldError>& errs, const std::string& field, std::int64_t v, std::int64_t max) {
  if (v < 0) {
    errs.push_back({field, "must be 0 or more"});
  } else if (v > max) {
    errs.push_back({field, "must be at most " + std::to_string(max)});
  }
}

}  // namespace

std::vector<FieldError> ValidateBeds(const Beds& b, const std::string& prefix) {
  std::vector<FieldError> errs;
  CheckCount(errs, prefix + "total", b.total, kMaxCount);
  CheckCount(errs, prefix + "staffed", b.staffed, kMaxCount);
  CheckCount(errs, prefix + "occupied", b.occupied, kMaxCount);
  CheckCount(errs, prefix + "available", b.available, kMaxCount);
  if (b.staffed > b.total) errs.push_back({prefix + "staffed", "must not exceed total"});
  if (b.occupied > b.total) errs.push_back({prefix + "occupied", "must not exceed total"});
  // occupied + available > staffed, without overflowing on unchecked counts: when
  // available ≤ staffed, staffed - available cannot overflow. A negative occupied
  // count (named above) counts as none.
  const std::int64_t occupied = std::max<std::int64_t>(b.occupied, 0);
  if (b.available > 0 && (b.available > b.staffed || occupied > b.staffed - b.available)) {
    errs.push_back({prefix + "available", std::string(kOccupiedPlusAvailableMsg)});
  }
  return errs;
}

std::vector<FieldError> ValidateCapacity(const CapacityInput& in, UnitType type, Time now, const std::string& prefix) {
  std::vector<FieldError> errs;
  if (in.as_of && ToUnixMillis(*in.as_of) > ToUnixMillis(now) + kMaxFutureSkewMs) {
    errs.push_back({prefix + "as_of", "must not be more than 5 minutes in the future"});
  }
  if (!in.beds && !in.ed) {
    errs.push_back({prefix + "beds", "a report needs beds or ed"});
  }
  if (in.beds) {
    const Beds& b = *in.beds;
    if (!UnitHasBeds(type)) {
      errs.push_back({prefix + "beds", "unit type " + std::string(ToString(type)) + " has no beds"});
    } else {
      std::vector<FieldError> bed_errs = ValidateBeds(b, prefix + "beds.");
      errs.insert(errs.end(), bed_errs.begin(), bed_errs.end());
    }
  }
  if (in.ed) {
    const EdState& e = *in.ed;
    if (!UnitHasEd(type)) {
      errs.push_back({prefix + "ed", "unit type " + std::string(ToString(type)) + " has no ED status"});
    } else {
      const std::string p = prefix + "ed.";
      CheckCount(errs, p + "waiting", e.waiting, kMaxCount);
      CheckCount(errs, p + "in_treatment", e.in_treatment, kMaxCount);
      CheckCount(errs, p + "boarding", e.boarding, kMaxCount);
      CheckCount(errs, p + "crowding", e.crowding, kMaxCrowding);
      if (e.arrivals) CheckCount(errs, p + "arrivals", *e.arrivals, kMaxCount);
    }
  }
  if (in.note.size() > kMaxNoteBytes) {
    errs.push_back({prefix + "note", "must be at most 2000 bytes"});
  }
  return errs;
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::vector<FieldError> ValidateRegion(const RegionData& d) {
  std::vector<FieldError> errs;
  auto id_err = [&](const std::string& path) { errs.push_back({path, std::string(kIdRuleMsg)}); };
  if (!ValidId(d.region.id)) id_err("region.id");
  if (d.region.name.empty()) errs.push_back({"region.name", "is required"});
  std::set<std::string> subregions, orgs, locations, units;
  for (size_t i = 0; i < d.region.subregions.size(); ++i) {
    const auto& s = d.region.subregions[i];
    std::string p = "region.subregions[" + std::to_string(i) + "]";
    if (!ValidId(s.id)) id_err(p + ".id");
    if (!subregions.insert(s.id).second) errs.push_back({p + ".id", "duplicate id " + s.id});
    if (s.name.empty()) errs.push_back({p + ".name", "is required"});
  }
  for (size_t i = 0; i < d.organizations.size(); ++i) {
    const auto& o = d.organizations[i];
    std::string p = "organizations[" + std::to_string(i) + "]";
    if (!ValidId(o.id)) id_err(p + ".id");
    if (!orgs.insert(o.id).second) errs.push_back({p + ".id", "duplicate id " + o.id});
    if (o.name.empty()) errs.push_back({p + ".name", "is required"});
    if (!subregions.count(o.subregion_id)) errs.push_back({p + ".subregion_id", "unknown subregion " + o.subregion_id});
    if (!o.region_id.empty() && o.region_id != d.region.id) {
      errs.push_back({p + ".region_id", "is " + o.region_id + ", expected " + d.region.id});
    }
  }
  for (size_t i = 0; i < d.locations.size(); ++i) {
    const auto& l = d.locations[i];
    std::string p = "locations[" + std::to_string(i) + "]";
    if (!ValidId(l.id)) id_err(p + ".id");
    if (!locations.insert(l.id).second) errs.push_back({p + ".id", "duplicate id " + l.id});
    if (!orgs.count(l.organization_id))
      errs.push_back({p + ".organization_id", "unknown organization " + l.organization_id});
    if (!(l.lat >= -90 && l.lat <= 90)) errs.push_back({p + ".lat", "must be between -90 and 90"});
    if (!(l.lon >= -180 && l.lon <= 180)) errs.push_back({p + ".lon", "must be between -180 and 180"});
  }
  for (size_t i = 0; i < d.units.size(); ++i) {
    const auto& u = d.units[i];
    std::string p = "units[" + std::to_string(i) + "]";
    if (!ValidId(u.id)) id_err(p + ".id");
    if (!units.insert(u.id).second) errs.push_back({p + ".id", "duplicate id " + u.id});
    if (!orgs.count(u.organization_id))
      errs.push_back({p + ".organization_id", "unknown organization " + u.organization_id});
    if (!locations.count(u.location_id)) errs.push_back({p + ".location_id", "unknown location " + u.location_id});
    if (u.type == UnitType::kWard && u.specialism.empty())
      errs.push_back({p + ".specialism", "a ward needs a specialism"});
    if (u.expected_interval_s < 10 || u.expected_interval_s > std::int64_t{7} * 24 * 3600) {
      errs.push_back({p + ".expected_interval_s", "must be between 10 and 604800 seconds"});
    }
    if (u.criteria) {
      if (!FollowUpUnitType(u.type)) {
        errs.push_back({p + ".criteria",
                        "admission criteria are for follow-up units (elv-low, elv-high, "
                        "elv-palliative, vvt-crisis, ggz-crisis), not " +
                            std::string(ToString(u.type))});
      }
      auto more = ValidateAdmissionCriteria(*u.criteria, p + ".criteria.");
      errs.insert(errs.end(), more.begin(), more.end());
    }
  }
  return errs;
}

}  // namespace ozcc
