#include "api/json/spreading_plan_json.h"

#include <utility>

#include "api/json/capacity_json.h"  // ParseJsonObject
#include "api/json/data_file.h"
#include "api/json/spreading_json.h"

namespace ozcc::api {

namespace sp = engine::spreading;
using nlohmann::json;
using nlohmann::ordered_json;
using service::SpreadConstraint;
using service::SpreadingDocument;
using service::SpreadingPlanView;
using service::SpreadingRequest;
using service::SpreadPatient;

namespace {

void ReadConstraints(DataReader& r, const json& d, const char* key, std::optional<std::vector<SpreadConstraint>>& out) {
  const json* arr = r.Array(d, "", key, false);
  if (!arr) return;
  out.emplace();
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string p = IndexPath(key, i);
    const json& v = (*arr)[i];
    SpreadConstraint c;
    if (!r.Object(v, p, {"patient", "hospital"})) continue;
    r.String(v, p, "patient", true, c.patient);
    r.String(v, p, "hospital", true, c.hospital);
    out->push_back(std::move(c));
  }
}

Result<json> BodyObject(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) {
    if (parsed.status().code() == Code::kInvalid) {
      return Status::BadRequest(parsed.status().message(), parsed.status().errors());
    }
    return parsed.status();
  }
  return parsed;
}

ordered_json ConstraintsJson(const std::vector<SpreadConstraint>& list) {
  ordered_json a = ordered_json::array();
  for (const auto& c : list) a.push_back({{"patient", c.patient}, {"hospital", c.hospital}});
  return a;
}

ordered_json PolicyJson(const sp::Policy& p) {
  return {{"road_factor", p.road_factor},
          {"speed_kmh", p.speed_kmh},
          {"load_weight", p.load_weight},
          {"outside_region_penalty", p.outside_region_penalty},
          {"unplaced_cost", p.unplaced_cost},
          {"reserve",
           {{"ic", p.reserve[static_cast<size_t>(sp::CareType::kIc)]},
            {"ward", p.reserve[static_cast<size_t>(sp::CareType::kWard)]}}}};
}

ordered_json RequestJson(const SpreadingRequest& in) {
  ordered_json patients = ordered_json::array();
  for (const auto& p : in.patients) {
    patients.push_back({{"id", p.id},
                        {"from_organization", p.from_organization},
                        {"from_unit", p.from_unit},
                        {"needs", sp::ToString(p.needs)},
                        {"label", p.label}});
  }
  return {{"patients", std::move(patients)},
          {"pins", ConstraintsJson(in.pins)},
          {"forbids", ConstraintsJson(in.forbids)},
          {"policy", PolicyJson(in.policy)}};
}

ordered_json OrNull(const std::string& s) { return s.empty() ? ordered_json(nullptr) : ordered_json(s); }
ordered_json TimeOrNull(const std::optional<Time>& t) {
  return t ? ordered_json(FormatRfc3339(*t)) : ordered_json(nullptr);
}

// The engine's instance as far as the plan's JSON needs it (ids).
sp::Instance InstanceOf(const SpreadingDocument& d) {
  sp::Instance in;
  for (const auto& h : d.hospitals) in.hospitals.push_back(h.hospital);
  for (const auto& p : d.request.patients) {
    sp::Patient ep;
    ep.id = p.id;
    ep.needs = p.needs;
    in.patients.push_back(std::move(ep));
  }
  return in;
}

Time TimeFrom(const json& v) { return FromUnixMillis(v.get<std::int64_t>()); }

}  // namespace

Result<SpreadingRequest> ParseSpreadingRequest(std::string_view text) {
  auto parsed = BodyObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  SpreadingRequest in;
  r.Object(d, "", {"regions", "patients", "pins", "forbids", "policy", "note"});
  r.StringArray(d, "", "regions", false, in.regions);
  if (const json* arr = r.Array(d, "", "patients", true)) {
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string p = IndexPath("patients", i);
      const json& v = (*arr)[i];
      SpreadPatient pt;
      if (!r.Object(v, p, {"id", "from_organization", "from_unit", "needs", "label"})) continue;
      r.String(v, p, "id", true, pt.id);
      r.String(v, p, "from_organization", true, pt.from_organization);
      r.String(v, p, "from_unit", true, pt.from_unit);
      if (auto k = ReadEnum<sp::CareType>(r, v, p, "needs", true, ParseSpreadingCareType, "care type", "ic, ward"))
        pt.needs = *k;
      r.String(v, p, "label", false, pt.label);
      in.patients.push_back(std::move(pt));
    }
  }
  std::optional<std::vector<SpreadConstraint>> pins, forbids;
  ReadConstraints(r, d, "pins", pins);
  ReadConstraints(r, d, "forbids", forbids);
  if (pins) in.pins = std::move(*pins);
  if (forbids) in.forbids = std::move(*forbids);
  if (const json* pol = r.Member(d, "", "policy", false)) ReadSpreadingPolicy(r, *pol, in.policy);
  r.String(d, "", "note", false, in.note);
  if (!r.errors().empty()) return Status::BadRequest("the plan has invalid fields; nothing was stored", r.errors());
  return in;
}

Result<SpreadingSolveBody> ParseSpreadingSolve(std::string_view text) {
  SpreadingSolveBody out;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  auto parsed = BodyObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  r.Object(d, "", {"pins", "forbids"});
  ReadConstraints(r, d, "pins", out.pins);
  ReadConstraints(r, d, "forbids", out.forbids);
  if (!r.errors().empty()) return Status::BadRequest("the re-solve has invalid fields; nothing was stored", r.errors());
  return out;
}

ordered_json ToJson(const SpreadingPlanView& v) {
  const SpreadingPlanRecord& p = v.record;
  const SpreadingDocument& d = v.doc;
  ordered_json j;
  j["id"] = p.id;
  j["version"] = p.version;
  j["state"] = p.state;
  j["owner_region"] = p.owner_region;
  j["regions"] = p.regions;
  j["created_by"] = p.created_by;
  j["created_at"] = FormatRfc3339(p.created_at);
  j["updated_at"] = FormatRfc3339(p.updated_at);
  j["solved_at"] = FormatRfc3339(d.solved_at);
  j["approved_by"] = OrNull(d.approved_by);
  j["approved_at"] = TimeOrNull(d.approved_at);
  j["note"] = d.note;
  j["request"] = RequestJson(d.request);
  ordered_json hospitals = ordered_json::array();
  for (const auto& h : d.hospitals) {
    ordered_json cap = ordered_json::object();
    for (sp::CareType k : sp::kCareTypes) {
      const sp::CareCapacity& c = h.hospital.capacity[static_cast<size_t>(k)];
      if (!c.present) continue;
      cap[sp::ToString(k)] = {{"staffed", c.staffed}, {"occupied", c.occupied}, {"stale", c.stale}};
    }
    hospitals.push_back({{"id", h.hospital.id},
                         {"name", h.name},
                         {"lat", h.hospital.lat},
                         {"lon", h.hospital.lon},
                         {"region", h.hospital.region},
                         {"regional_function", h.hospital.regional_function},
                         {"capacity", std::move(cap)}});
  }
  j["hospitals"] = std::move(hospitals);
  j["plan"] = ToJson(InstanceOf(d), d.plan, d.solve_ms);
  ordered_json left = ordered_json::array();
  for (const auto& u : d.left_out_units) {
    left.push_back({{"unit", u.unit},
                    {"organization", u.organization},
                    {"care_type", sp::ToString(u.care_type)},
                    {"reason", "stale"}});
  }
  j["left_out_units"] = std::move(left);
  ordered_json transfers = ordered_json::array();
  for (const auto& t : d.transfers) transfers.push_back({{"patient", t.patient}, {"transfer", t.transfer}});
  j["transfers"] = std::move(transfers);
  ordered_json nt = ordered_json::array();
  for (const auto& t : d.not_transferred) nt.push_back({{"patient", t.patient}, {"reason", t.reason}});
  j["not_transferred"] = std::move(nt);
  return j;
}

ordered_json SummaryJson(const SpreadingPlanRecord& p) {
  return {{"id", p.id},
          {"version", p.version},
          {"state", p.state},
          {"owner_region", p.owner_region},
          {"regions", p.regions},
          {"created_by", p.created_by},
          {"created_at", FormatRfc3339(p.created_at)},
          {"updated_at", FormatRfc3339(p.updated_at)},
          {"patients", p.patients},
          {"placed", p.placed},
          {"total_cost", p.total_cost}};
}

ordered_json SpreadingEventJson(const SpreadingChange& c) {
  return {{"id", c.plan_id}, {"version", c.plan_version}, {"state", c.state}, {"owner_region", c.region_id}};
}

std::string EncodeSpreadingDocument(const SpreadingDocument& d) {
  json j;
  const SpreadingRequest& in = d.request;
  json patients = json::array();
  for (const auto& p : in.patients) {
    patients.push_back({p.id, p.from_organization, p.from_unit, static_cast<int>(p.needs), p.label});
  }
  auto constraints = [](const std::vector<SpreadConstraint>& list) {
    json a = json::array();
    for (const auto& c : list) a.push_back({c.patient, c.hospital});
    return a;
  };
  const sp::Policy& pol = in.policy;
  j["request"] = {{"regions", in.regions},
                  {"patients", std::move(patients)},
                  {"pins", constraints(in.pins)},
                  {"forbids", constraints(in.forbids)},
                  {"policy",
                   {pol.road_factor, pol.speed_kmh, pol.load_weight, pol.outside_region_penalty, pol.unplaced_cost,
                    pol.reserve[0], pol.reserve[1]}},
                  {"note", in.note}};
  json hospitals = json::array();
  for (const auto& h : d.hospitals) {
    const sp::Hospital& x = h.hospital;
    json cap = json::array();
    for (const auto& c : x.capacity) cap.push_back({c.present, c.staffed, c.occupied, c.stale});
    hospitals.push_back({{"name", h.name},
                         {"id", x.id},
                         {"lat", x.lat},
                         {"lon", x.lon},
                         {"region", x.region},
                         {"regional_function", x.regional_function},
                         {"stale", x.stale},
                         {"capacity", std::move(cap)}});
  }
  j["hospitals"] = std::move(hospitals);
  json as = json::array();
  for (const auto& a : d.plan.assignments) {
    as.push_back({a.hospital, static_cast<int>(a.care_type), a.travel, a.load, a.outside_region, a.cost,
                  static_cast<int>(a.unplaced)});
  }
  json lo = json::array();
  for (const auto& l : d.plan.left_out) lo.push_back({l.hospital, static_cast<int>(l.care_type)});
  json op = json::array();
  for (const auto& o : d.plan.open_places) op.push_back({o.hospital, static_cast<int>(o.care_type), o.open, o.reserve});
  j["plan"] = {{"total_cost", d.plan.total_cost}, {"gap_bound", d.plan.gap_bound}, {"solve_ms", d.solve_ms},
               {"assignments", std::move(as)},    {"left_out", std::move(lo)},     {"open_places", std::move(op)}};
  json lu = json::array();
  for (const auto& u : d.left_out_units) lu.push_back({u.unit, u.organization, static_cast<int>(u.care_type)});
  j["left_out_units"] = std::move(lu);
  j["solved_at"] = ToUnixMillis(d.solved_at);
  j["note"] = d.note;
  j["approved_by"] = d.approved_by;
  j["approved_at"] = d.approved_at ? json(ToUnixMillis(*d.approved_at)) : json(nullptr);
  json tr = json::array();
  for (const auto& t : d.transfers) tr.push_back({t.patient, t.transfer});
  j["transfers"] = std::move(tr);
  json nt = json::array();
  for (const auto& t : d.not_transferred) nt.push_back({t.patient, t.reason});
  j["not_transferred"] = std::move(nt);
  return j.dump();
}

Result<SpreadingDocument> DecodeSpreadingDocument(std::string_view text) {
  try {
    const json j = json::parse(text);
    SpreadingDocument d;
    const json& in = j.at("request");
    SpreadingRequest& r = d.request;
    r.regions = in.at("regions").get<std::vector<std::string>>();
    for (const json& p : in.at("patients")) {
      r.patients.push_back({p.at(0).get<std::string>(), p.at(1).get<std::string>(), p.at(2).get<std::string>(),
                            static_cast<sp::CareType>(p.at(3).get<int>()), p.at(4).get<std::string>()});
    }
    for (const json& c : in.at("pins")) r.pins.push_back({c.at(0).get<std::string>(), c.at(1).get<std::string>()});
    for (const json& c : in.at("forbids")) {
      r.forbids.push_back({c.at(0).get<std::string>(), c.at(1).get<std::string>()});
    }
    const json& pol = in.at("policy");
    r.policy.road_factor = pol.at(0).get<double>();
    r.policy.speed_kmh = pol.at(1).get<double>();
    r.policy.load_weight = pol.at(2).get<double>();
    r.policy.outside_region_penalty = pol.at(3).get<double>();
    r.policy.unplaced_cost = pol.at(4).get<double>();
    r.policy.reserve = {pol.at(5).get<double>(), pol.at(6).get<double>()};
    r.note = in.at("note").get<std::string>();
    for (const json& h : j.at("hospitals")) {
      service::SpreadHospital sh;
      sh.name = h.at("name").get<std::string>();
      sp::Hospital& x = sh.hospital;
      x.id = h.at("id").get<std::string>();
      x.lat = h.at("lat").get<double>();
      x.lon = h.at("lon").get<double>();
      x.region = h.at("region").get<std::string>();
      x.regional_function = h.at("regional_function").get<bool>();
      x.stale = h.at("stale").get<bool>();
      const json& cap = h.at("capacity");
      for (size_t k = 0; k < x.capacity.size(); ++k) {
        x.capacity[k] = {cap.at(k).at(0).get<bool>(), cap.at(k).at(1).get<std::int64_t>(),
                         cap.at(k).at(2).get<std::int64_t>(), cap.at(k).at(3).get<bool>()};
      }
      d.hospitals.push_back(std::move(sh));
    }
    const json& plan = j.at("plan");
    d.plan.total_cost = plan.at("total_cost").get<double>();
    d.plan.gap_bound = plan.at("gap_bound").get<double>();
    d.solve_ms = plan.at("solve_ms").get<double>();
    for (const json& a : plan.at("assignments")) {
      sp::Assignment x;
      x.hospital = a.at(0).get<int>();
      x.care_type = static_cast<sp::CareType>(a.at(1).get<int>());
      x.travel = a.at(2).get<double>();
      x.load = a.at(3).get<double>();
      x.outside_region = a.at(4).get<double>();
      x.cost = a.at(5).get<double>();
      x.unplaced = static_cast<sp::Assignment::Unplaced>(a.at(6).get<int>());
      if (x.hospital >= static_cast<int>(d.hospitals.size())) return Status::Internal("assignment out of range");
      d.plan.assignments.push_back(x);
    }
    if (d.plan.assignments.size() != r.patients.size()) return Status::Internal("assignments do not match patients");
    for (const json& l : plan.at("left_out")) {
      d.plan.left_out.push_back({l.at(0).get<int>(), static_cast<sp::CareType>(l.at(1).get<int>())});
    }
    for (const json& o : plan.at("open_places")) {
      d.plan.open_places.push_back({o.at(0).get<int>(), static_cast<sp::CareType>(o.at(1).get<int>()),
                                    o.at(2).get<std::int64_t>(), o.at(3).get<std::int64_t>()});
    }
    for (const auto& l : d.plan.left_out) {
      if (l.hospital < 0 || l.hospital >= static_cast<int>(d.hospitals.size())) return Status::Internal("bad left_out");
    }
    for (const auto& o : d.plan.open_places) {
      if (o.hospital < 0 || o.hospital >= static_cast<int>(d.hospitals.size())) return Status::Internal("bad place");
    }
    for (const json& u : j.at("left_out_units")) {
      d.left_out_units.push_back(
          {u.at(0).get<std::string>(), u.at(1).get<std::string>(), static_cast<sp::CareType>(u.at(2).get<int>())});
    }
    d.solved_at = TimeFrom(j.at("solved_at"));
    d.note = j.at("note").get<std::string>();
    d.approved_by = j.at("approved_by").get<std::string>();
    if (!j.at("approved_at").is_null()) d.approved_at = TimeFrom(j.at("approved_at"));
    for (const json& t : j.at("transfers"))
      d.transfers.push_back({t.at(0).get<std::string>(), t.at(1).get<std::string>()});
    for (const json& t : j.at("not_transferred")) {
      d.not_transferred.push_back({t.at(0).get<std::string>(), t.at(1).get<std::string>()});
    }
    return d;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("the stored spreading plan is unreadable: ") + e.what());
  }
}

service::SpreadingCodec SpreadingJsonCodec() { return {EncodeSpreadingDocument, DecodeSpreadingDocument}; }

}  // namespace ozcc::api
