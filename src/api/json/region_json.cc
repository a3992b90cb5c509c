#include "api/json/region_json.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/json/data_file.h"
#include "core/validate.h"

namespace ozcc::api {

using nlohmann::json;

namespace {

void ReadRegion(DataReader& r, const json& v, Region& out) {
  const std::string p = "region";
  if (!r.Object(v, p, {"id", "name", "subregions"})) return;
  r.String(v, p, "id", true, out.id);
  r.String(v, p, "name", true, out.name);
  const json* subs = r.Array(v, p, "subregions");
  if (!subs) return;
  for (size_t i = 0; i < subs->size(); ++i) {
    const json& s = (*subs)[i];
    std::string sp = IndexPath(p + ".subregions", i);
    Subregion sub;
    if (!r.Object(s, sp, {"id", "name"})) continue;
    r.String(s, sp, "id", true, sub.id);
    r.String(s, sp, "name", true, sub.name);
    out.subregions.push_back(std::move(sub));
  }
}

void ReadOrganization(DataReader& r, const json& v, const std::string& p, Organization& o) {
  if (!r.Object(v, p, {"id", "subregion_id", "name", "type", "source", "regional_function"})) return;
  r.String(v, p, "id", true, o.id);
  r.String(v, p, "subregion_id", true, o.subregion_id);
  r.String(v, p, "name", true, o.name);
  std::string type;
  r.String(v, p, "type", true, type);
  if (v.contains("type") && v["type"].is_string()) {
    if (auto t = ParseOrgType(type)) {
      o.type = *t;
    } else {
      static const std::string kNames = EnumNames(
          {OrgType::kHospital, OrgType::kAmbulance, OrgType::kHap, OrgType::kVvt, OrgType::kElv, OrgType::kGgz},
          [](OrgType t) { return ToString(t); });
      r.Error(p + ".type", "unknown organization type \"" + type + "\" (one of " + kNames + ")");
    }
  }
  r.String(v, p, "source", false, o.source);
  r.Bool(v, p, "regional_function", false, o.regional_function);
}

void ReadLocation(DataReader& r, const json& v, const std::string& p, Location& l) {
  if (!r.Object(v, p, {"id", "organization_id", "name", "address", "city", "lat", "lon"})) return;
  r.String(v, p, "id", true, l.id);
  r.String(v, p, "organization_id", true, l.organization_id);
  r.String(v, p, "name", true, l.name);
  r.String(v, p, "address", true, l.address);
  r.String(v, p, "city", true, l.city);
  r.Number(v, p, "lat", true, l.lat);
  r.Number(v, p, "lon", true, l.lon);
}

void ReadDemo(DataReader& r, const json& v, const std::string& p, UnitType type, UnitDemo& d) {
  if (!r.Object(v, p, {"beds_total", "beds_staffed", "occupancy", "ed_waiting"})) return;
  bool has_total = r.Integer(v, p, "beds_total", UnitHasBeds(type), d.beds_total);
  if (!r.Integer(v, p, "beds_staffed", false, d.beds_staffed)) d.beds_staffed = d.beds_total;
  r.Number(v, p, "occupancy", false, d.occupancy);
  r.Integer(v, p, "ed_waiting", false, d.ed_waiting);
  const std::string type_name(ToString(type));
  if (!UnitHasBeds(type) && (v.contains("beds_total") || v.contains("beds_staffed"))) {
    r.Error(p + (v.contains("beds_total") ? ".beds_total" : ".beds_staffed"),
            "unit type " + type_name + " has no beds");
  }
  if (!UnitHasEd(type) && v.contains("ed_waiting")) {
    r.Error(p + ".ed_waiting", "unit type " + type_name + " has no ED queue");
  }
  if (has_total && d.beds_total < 0) r.Error(p + ".beds_total", "must be 0 or more");
  if (d.beds_staffed < 0) r.Error(p + ".beds_staffed", "must be 0 or more");
  if (d.beds_staffed > d.beds_total && UnitHasBeds(type)) r.Error(p + ".beds_staffed", "must not exceed beds_total");
  if (!(d.occupancy >= 0 && d.occupancy <= 1)) r.Error(p + ".occupancy", "must be between 0 and 1");
  if (d.ed_waiting < 0) r.Error(p + ".ed_waiting", "must be 0 or more");
}

void ReadCriteria(DataReader& r, const json& v, const std::string& p, AdmissionCriteria& c) {
  if (!r.Object(v, p,
                {"care_types", "dementia", "isolation", "oxygen", "max_weight_kg", "mobility", "age_min", "age_max"})) {
    return;
  }
  std::vector<std::string> names;
  if (r.StringArray(v, p, "care_types", false, names)) {
    static const std::string kCareNames = EnumNames(kAllCareTypes, [](CareType t) { return ToString(t); });
    for (size_t i = 0; i < names.size(); ++i) {
      if (auto t = ParseCareType(names[i])) {
        c.care_types.push_back(*t);
      } else {
        r.Error(IndexPath(p + ".care_types", i), "unknown care type \"" + names[i] + "\" (one of " + kCareNames + ")");
      }
    }
  }
  for (auto [key, out] :
       {std::pair{"dementia", &c.dementia}, std::pair{"isolation", &c.isolation}, std::pair{"oxygen", &c.oxygen}}) {
    bool b = false;
    if (r.Bool(v, p, key, false, b)) *out = b;
  }
  for (auto [key, out] : {std::pair{"max_weight_kg", &c.max_weight_kg}, std::pair{"age_min", &c.age_min},
                          std::pair{"age_max", &c.age_max}}) {
    std::int64_t n = 0;
    if (r.Integer(v, p, key, false, n)) *out = n;
  }
  static const std::string kMobilityNames = EnumNames(kAllMobility, [](Mobility m) { return ToString(m); });
  c.mobility = ReadEnum<Mobility>(r, v, p, "mobility", false, ParseMobility, "mobility", kMobilityNames);
}

void ReadUnit(DataReader& r, const json& v, const std::string& p, Unit& u, std::map<std::string, UnitDemo>& demo) {
  if (!r.Object(v, p,
                {"id", "organization_id", "location_id", "type", "specialism", "name", "expected_interval_s", "demo",
                 "criteria"})) {
    return;
  }
  r.String(v, p, "id", true, u.id);
  r.String(v, p, "organization_id", true, u.organization_id);
  r.String(v, p, "location_id", true, u.location_id);
  std::string type;
  r.String(v, p, "type", true, type);
  bool type_ok = false;
  if (v.contains("type") && v["type"].is_string()) {
    if (auto t = ParseUnitType(type)) {
      u.type = *t;
      type_ok = true;
    } else {
      static const std::string kNames = EnumNames(
          {UnitType::kSeh, UnitType::kIc, UnitType::kWard, UnitType::kElvLow, UnitType::kElvHigh,
           UnitType::kElvPalliative, UnitType::kGgzCrisis, UnitType::kVvtCrisis, UnitType::kHap, UnitType::kAmbulance},
          [](UnitType t) { return ToString(t); });
      r.Error(p + ".type", "unknown unit type \"" + type + "\" (one of " + kNames + ")");
    }
  }
  r.String(v, p, "specialism", false, u.specialism);
  r.String(v, p, "name", true, u.name);
  r.Integer(v, p, "expected_interval_s", true, u.expected_interval_s);
  if (const json* d = r.Member(v, p, "demo", false); d && type_ok) {
    UnitDemo ud;
    ReadDemo(r, *d, p + ".demo", u.type, ud);
    demo[u.id] = ud;
  }
  if (const json* c = r.Member(v, p, "criteria", false)) {
    AdmissionCriteria criteria;
    ReadCriteria(r, *c, p + ".criteria", criteria);
    u.criteria = std::move(criteria);
  }
}

// Checks beyond ValidateRegion: a unit's location belongs to the unit's
// organisation, and unit ids differ from location ids.
void CrossCheck(DataReader& r, const RegionData& d) {
  std::unordered_map<std::string, std::string> location_org;
  for (const Location& l : d.locations) location_org.emplace(l.id, l.organization_id);
  for (size_t i = 0; i < d.units.size(); ++i) {
    const Unit& u = d.units[i];
    // FHIR serves sites and units both as Location/<id>: one id space.
    if (location_org.count(u.id)) {
      r.Error(
          IndexPath("units", i) + ".id",
          "unit id " + u.id + " is also a location id; FHIR serves both as Location/" + u.id + ", so they must differ");
    }
    auto it = location_org.find(u.location_id);
    if (it != location_org.end() && it->second != u.organization_id) {
      r.Error(IndexPath("units", i) + ".location_id",
              "location " + u.location_id + " belongs to organization " + it->second + ", not " + u.organization_id);
    }
  }
}

}  // namespace

Result<RegionFile> ParseRegionFile(std::string_view text) {
  Result<json> parsed = ParseDataJson(text, "region file");
  if (!parsed.ok()) return parsed.status();
  const json& doc = parsed.value();

  PathLines lines(text);
  DataReader r(lines);  // starts with duplicate keys, depth
  RegionFile file;
  RegionData& d = file.data;
  if (r.Object(doc, "", {"description", "region", "demo_values", "organizations", "locations", "units"})) {
    std::string description;
    r.String(doc, "", "description", false, description);
    if (const json* region = r.Member(doc, "", "region", true)) ReadRegion(r, *region, d.region);
    r.Bool(doc, "", "demo_values", false, d.demo_values);
    if (const json* orgs = r.Array(doc, "", "organizations")) {
      for (size_t i = 0; i < orgs->size(); ++i) {
        Organization o;
        ReadOrganization(r, (*orgs)[i], IndexPath("organizations", i), o);
        o.region_id = d.region.id;
        d.organizations.push_back(std::move(o));
      }
    }
    if (const json* locs = r.Array(doc, "", "locations")) {
      for (size_t i = 0; i < locs->size(); ++i) {
        Location l;
        ReadLocation(r, (*locs)[i], IndexPath("locations", i), l);
        d.locations.push_back(std::move(l));
      }
    }
    if (const json* units = r.Array(doc, "", "units")) {
      for (size_t i = 0; i < units->size(); ++i) {
        Unit u;
        ReadUnit(r, (*units)[i], IndexPath("units", i), u, file.demo);
        d.units.push_back(std::move(u));
      }
    }
  }

  // Domain checks. A field that already has a shape error (missing, wrong
  // type) is not reported again as, say, an unknown reference.
  std::set<std::string> shape_fields;
  for (const FieldError& e : r.errors()) shape_fields.insert(e.field);
  for (const FieldError& e : ValidateRegion(d)) {
    if (shape_fields.count(e.field)) continue;
    // A unit whose type did not parse is not also "a ward without specialism".
    const std::string kSpecialism = ".specialism";
    if (e.field.ends_with(kSpecialism) &&
        shape_fields.count(e.field.substr(0, e.field.size() - kSpecialism.size()) + ".type")) {
      continue;
    }
    r.Error(e.field, e.message);
  }
  CrossCheck(r, d);
  if (!r.errors().empty()) {
    size_t n = r.errors().size();
    return Status::Invalid("region file has " + std::to_string(n) + (n == 1 ? " error" : " errors"),
                           std::move(r.errors()));
  }
  return file;
}

Result<RegionData> ParseRegionJson(std::string_view text) {
  Result<RegionFile> file = ParseRegionFile(text);
  if (!file.ok()) return file.status();
  return std::move(file.value().data);
}

}  // namespace ozcc::api
