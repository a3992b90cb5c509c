#include "api/json/spreading_json.h"

#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "api/json/capacity_json.h"  // JsonTypeName
#include "api/json/data_file.h"

namespace ozcc::api {

using engine::spreading::Assignment;
using engine::spreading::CareCapacity;
using engine::spreading::CareType;
using engine::spreading::Hospital;
using engine::spreading::Instance;
using engine::spreading::kCareTypes;
using engine::spreading::Patient;
using engine::spreading::Plan;
using engine::spreading::Policy;
using engine::spreading::Spreader;
using engine::spreading::TravelTime;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

void ReadCapacity(DataReader& r, const json& v, const std::string& p, CareCapacity& c) {
  if (!r.Object(v, p, {"staffed", "occupied", "stale"})) return;
  c.present = true;
  r.Integer(v, p, "staffed", true, c.staffed);
  r.Integer(v, p, "occupied", true, c.occupied);
  r.Bool(v, p, "stale", false, c.stale);
}

void ReadHospital(DataReader& r, const json& v, const std::string& p, Hospital& h) {
  if (!r.Object(v, p, {"id", "lat", "lon", "region", "regional_function", "stale", "capacity"})) return;
  r.String(v, p, "id", true, h.id);
  r.Number(v, p, "lat", true, h.lat);
  r.Number(v, p, "lon", true, h.lon);
  r.String(v, p, "region", true, h.region);
  r.Bool(v, p, "regional_function", false, h.regional_function);
  r.Bool(v, p, "stale", false, h.stale);
  if (const json* cap = r.Member(v, p, "capacity", true)) {
    const std::string cp = JoinPath(p, "capacity");
    if (r.Object(*cap, cp, {"ic", "ward"})) {
      for (CareType k : kCareTypes) {
        const char* name = engine::spreading::ToString(k);
        if (cap->contains(name)) ReadCapacity(r, (*cap)[name], JoinPath(cp, name), h.capacity[static_cast<int>(k)]);
      }
    }
  }
}

void ReadPatient(DataReader& r, const json& v, const std::string& p, Patient& pt) {
  if (!r.Object(v, p, {"id", "lat", "lon", "region", "needs"})) return;
  r.String(v, p, "id", true, pt.id);
  r.Number(v, p, "lat", true, pt.lat);
  r.Number(v, p, "lon", true, pt.lon);
  r.String(v, p, "region", true, pt.region);
  auto needs = ReadEnum<CareType>(r, v, p, "needs", true, ParseSpreadingCareType, "care type", "ic, ward");
  if (needs) pt.needs = *needs;
}

// The index of each patient and hospital id (the first with that id when
// ids repeat: Build reports the repeat).
struct IdIndex {
  explicit IdIndex(const Instance& in) {
    for (size_t i = 0; i < in.patients.size(); ++i) patients.emplace(in.patients[i].id, static_cast<int>(i));
    for (size_t i = 0; i < in.hospitals.size(); ++i) hospitals.emplace(in.hospitals[i].id, static_cast<int>(i));
  }
  // -1 (and the error reported) when no patient / hospital has the id.
  int Patient(DataReader& r, const std::string& path, const std::string& id) const {
    return Find(r, patients, path, id, "patient");
  }
  int Hospital(DataReader& r, const std::string& path, const std::string& id) const {
    return Find(r, hospitals, path, id, "hospital");
  }

 private:
  static int Find(DataReader& r, const std::unordered_map<std::string, int>& ids, const std::string& path,
                  const std::string& id, const char* what) {
    auto it = ids.find(id);
    if (it != ids.end()) return it->second;
    r.Error(path, std::string("no ") + what + " has the id \"" + id + "\"");
    return -1;
  }
  std::unordered_map<std::string, int> patients, hospitals;
};

bool IsObject(DataReader& r, const json& v, const std::string& p, const char* shape) {
  if (v.is_object()) return true;
  r.Error(p, std::string("must be an object ") + shape + ", not " + JsonTypeName(v));
  return false;
}

// {patient: {hospital: minutes}}.
void ReadTravel(DataReader& r, const json& v, const IdIndex& ids, Instance& in) {
  const std::string p = "travel_minutes";
  if (!IsObject(r, v, p, "{patient: {hospital: minutes}}")) return;
  for (const auto& [pid, row] : v.items()) {
    const std::string pp = JoinPath(p, pid);
    const int patient = ids.Patient(r, pp, pid);
    if (!IsObject(r, row, pp, "{hospital: minutes}")) continue;
    for (const auto& [hid, minutes] : row.items()) {
      const std::string hp = JoinPath(pp, hid);
      const int hospital = ids.Hospital(r, hp, hid);
      if (!minutes.is_number()) {
        r.Error(hp, std::string("must be a number (minutes), not ") + JsonTypeName(minutes));
        continue;
      }
      if (patient >= 0 && hospital >= 0) in.travel_minutes.push_back({patient, hospital, minutes.get<double>()});
    }
  }
}

// {patient: hospital}.
void ReadPins(DataReader& r, const json& v, const IdIndex& ids, Instance& in) {
  const std::string p = "pins";
  if (!IsObject(r, v, p, "{patient: hospital}")) return;
  for (const auto& [pid, hid] : v.items()) {
    const std::string pp = JoinPath(p, pid);
    const int patient = ids.Patient(r, pp, pid);
    if (!hid.is_string()) {
      r.Error(pp, std::string("must be a hospital id (string), not ") + JsonTypeName(hid));
      continue;
    }
    const int hospital = ids.Hospital(r, pp, hid.get<std::string>());
    if (patient >= 0 && hospital >= 0) in.pins.push_back({patient, hospital});
  }
}

// {patient: [hospital, …]}.
void ReadForbids(DataReader& r, const json& v, const IdIndex& ids, Instance& in) {
  const std::string p = "forbids";
  if (!IsObject(r, v, p, "{patient: [hospital, ...]}")) return;
  for (const auto& [pid, list] : v.items()) {
    const std::string pp = JoinPath(p, pid);
    const int patient = ids.Patient(r, pp, pid);
    if (!list.is_array()) {
      r.Error(pp, std::string("must be an array of hospital ids, not ") + JsonTypeName(list));
      continue;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string ip = IndexPath(pp, i);
      if (!list[i].is_string()) {
        r.Error(ip, std::string("must be a hospital id (string), not ") + JsonTypeName(list[i]));
        continue;
      }
      const int hospital = ids.Hospital(r, ip, list[i].get<std::string>());
      if (patient >= 0 && hospital >= 0) in.forbids.push_back({patient, hospital});
    }
  }
}

}  // namespace

std::optional<CareType> ParseSpreadingCareType(std::string_view s) {
  for (CareType k : kCareTypes) {
    if (s == engine::spreading::ToString(k)) return k;
  }
  return std::nullopt;
}

void ReadSpreadingPolicy(DataReader& r, const json& v, Policy& pol) {
  const std::string p = "policy";
  if (!r.Object(v, p,
                {"road_factor", "speed_kmh", "load_weight", "outside_region_penalty", "unplaced_cost", "reserve"})) {
    return;
  }
  r.Number(v, p, "road_factor", false, pol.road_factor);
  r.Number(v, p, "speed_kmh", false, pol.speed_kmh);
  r.Number(v, p, "load_weight", false, pol.load_weight);
  r.Number(v, p, "outside_region_penalty", false, pol.outside_region_penalty);
  r.Number(v, p, "unplaced_cost", false, pol.unplaced_cost);
  if (const json* res = r.Member(v, p, "reserve", false)) {
    const std::string rp = JoinPath(p, "reserve");
    if (r.Object(*res, rp, {"ic", "ward"})) {
      r.Number(*res, rp, "ic", false, pol.reserve[static_cast<int>(CareType::kIc)]);
      r.Number(*res, rp, "ward", false, pol.reserve[static_cast<int>(CareType::kWard)]);
    }
  }
}

Result<Instance> ParseSpreadingInstanceJson(std::string_view text) {
  Result<json> parsed = ParseDataJson(text, "instance");
  if (!parsed.ok()) return parsed.status();
  const json& doc = parsed.value();
  PathLines lines(text);
  DataReader r(lines);
  Instance in;
  if (r.Object(doc, "", {"hospitals", "patients", "travel_minutes", "pins", "forbids", "policy"})) {
    if (const json* hs = r.Array(doc, "", "hospitals")) {
      for (size_t i = 0; i < hs->size(); ++i) {
        Hospital h;
        ReadHospital(r, (*hs)[i], IndexPath("hospitals", i), h);
        in.hospitals.push_back(std::move(h));
      }
    }
    if (const json* ps = r.Array(doc, "", "patients")) {
      for (size_t i = 0; i < ps->size(); ++i) {
        Patient pt;
        ReadPatient(r, (*ps)[i], IndexPath("patients", i), pt);
        in.patients.push_back(std::move(pt));
      }
    }
    if (const json* pol = r.Member(doc, "", "policy", false)) ReadSpreadingPolicy(r, *pol, in.policy);
    const IdIndex ids(in);
    if (const json* tm = r.Member(doc, "", "travel_minutes", false)) ReadTravel(r, *tm, ids, in);
    if (const json* pins = r.Member(doc, "", "pins", false)) ReadPins(r, *pins, ids, in);
    if (const json* forbids = r.Member(doc, "", "forbids", false)) ReadForbids(r, *forbids, ids, in);
  }
  // The model's own checks; a field whose shape was already reported is not
  // reported again.
  std::set<std::string> shape_fields;
  for (const FieldError& e : r.errors()) shape_fields.insert(e.field);
  auto built = Spreader::Build(in);
  if (!built.ok()) {
    const Status st = built.status();
    for (const FieldError& e : st.errors()) {
      if (!CoveredBy(shape_fields, e.field)) r.Error(e.field, e.message);
    }
  }
  if (!r.errors().empty()) {
    const size_t n = r.errors().size();
    return Status::Invalid("instance has " + std::to_string(n) + (n == 1 ? " error" : " errors"),
                           std::move(r.errors()));
  }
  return in;
}

ordered_json ToJson(const Instance& in, const Plan& plan, double solve_ms) {
  ordered_json j;
  j["status"] = "optimal";
  j["total_cost"] = plan.total_cost;
  j["solve_ms"] = solve_ms;
  ordered_json& as = j["assignments"] = ordered_json::array();
  for (size_t p = 0; p < plan.assignments.size(); ++p) {
    const Assignment& a = plan.assignments[p];
    ordered_json aj;
    aj["patient"] = in.patients[p].id;
    aj["hospital"] = a.hospital < 0 ? ordered_json(nullptr) : ordered_json(in.hospitals[a.hospital].id);
    aj["care_type"] = engine::spreading::ToString(a.care_type);
    aj["travel"] = a.travel;
    aj["load"] = a.load;
    aj["outside_region"] = a.outside_region;
    aj["cost"] = a.cost;
    if (a.unplaced == Assignment::Unplaced::kNoOpenPlace) aj["unplaced_reason"] = "no_open_place";
    if (a.unplaced == Assignment::Unplaced::kCheaperUnplaced) aj["unplaced_reason"] = "cheaper_unplaced";
    as.push_back(std::move(aj));
  }
  ordered_json& lo = j["left_out"] = ordered_json::array();
  for (const auto& l : plan.left_out) {
    lo.push_back(ordered_json{{"hospital", in.hospitals[l.hospital].id},
                              {"care_type", engine::spreading::ToString(l.care_type)},
                              {"reason", "stale"}});
  }
  ordered_json& op = j["open_places"] = ordered_json::array();
  for (const auto& o : plan.open_places) {
    op.push_back(ordered_json{{"hospital", in.hospitals[o.hospital].id},
                              {"care_type", engine::spreading::ToString(o.care_type)},
                              {"open", o.open},
                              {"reserve", o.reserve}});
  }
  return j;
}

}  // namespace ozcc::api
