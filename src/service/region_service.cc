#include "service/region_service.h"

namespace ozcc::service {

namespace {

Status CheckRead(AuditStore& audit, const Caller& caller, const std::string& region_id) {
  return Require(audit, caller, Action::kReadRegion, {region_id, ""}, "", "");
}

}  // namespace

Status RegionService::Import(const Caller& caller, const RegionData& data) {
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kImportRegion, {data.region.id, ""}, "region.import", data.region.id));
  return regions_.ImportRegion(data, AuditOf(caller, "region.import", data.region.id, "ok"));
}

Result<std::vector<ozcc::Region>> RegionService::Regions(const Caller& caller) {
  auto all = regions_.ListRegions();
  if (!all.ok()) return all.status();
  std::vector<ozcc::Region> out;
  for (auto& r : *all) {
    if (Authorize(caller.who, Action::kReadRegion, {r.id, ""}) == Decision::kAllow) out.push_back(std::move(r));
  }
  return out;
}

Result<RegionData> RegionService::Tree(const Caller& caller, const std::string& region_id) {
  OZCC_RETURN_IF_ERROR(CheckRead(audit_, caller, region_id));
  return regions_.GetRegion(region_id);
}

Result<std::vector<RegionData>> RegionService::Readable(const Caller& caller,
                                                        const std::optional<std::string>& wanted) {
  std::vector<RegionData> out;
  if (!wanted && caller.who.region_id.empty()) {  // admin without a region: all regions
    auto regions = regions_.ListRegions();
    if (!regions.ok()) return regions.status();
    for (const auto& r : *regions) {
      auto d = regions_.GetRegion(r.id);
      if (!d.ok()) return d.status();
      out.push_back(std::move(*d));
    }
    return out;
  }
  auto d = Tree(caller, wanted.value_or(caller.who.region_id));
  if (!d.ok()) return d.status();
  out.push_back(std::move(*d));
  return out;
}

Result<std::vector<RegionData>> RegionService::ReportingScope(const Caller& caller) {
  if (caller.who.region_id.empty()) return Readable(caller, std::nullopt);
  auto d = regions_.GetRegion(caller.who.region_id);
  if (!d.ok()) return d.status();
  return std::vector<RegionData>{std::move(*d)};
}

Result<RegionPicture> RegionService::Picture(const Caller& caller, const std::string& region_id) {
  OZCC_RETURN_IF_ERROR(CheckRead(audit_, caller, region_id));
  return PictureForCache(region_id);
}

Result<std::int64_t> RegionService::Version(const Caller& caller, const std::string& region_id) {
  OZCC_RETURN_IF_ERROR(CheckRead(audit_, caller, region_id));
  if (auto exists = regions_.GetRegion(region_id); !exists.ok()) return exists.status();
  return capacity_.DataVersion(region_id);
}

Result<RegionPicture> RegionService::PictureForCache(const std::string& region_id) {
  RegionPicture p;
  auto version = capacity_.DataVersion(region_id);
  if (!version.ok()) return version.status();
  p.version = *version;
  auto units = regions_.ListUnits(region_id);
  if (!units.ok()) return units.status();
  if (units->empty()) {  // a region without units, or none at all
    if (auto region = regions_.GetRegion(region_id); !region.ok()) return region.status();
  }
  p.units = std::move(*units);
  auto latest = capacity_.LatestCapacity(region_id);
  if (!latest.ok()) return latest.status();
  p.latest = std::move(*latest);
  return p;
}

}  // namespace ozcc::service
