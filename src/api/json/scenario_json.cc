#include "api/json/scenario_json.h"

#include <array>
#include <set>
#include <string>
#include <utility>

#include "api/json/capacity_json.h"  // JsonTypeName
#include "api/json/complaint_json.h"
#include "api/json/data_file.h"
#include "core/complaints.h"

namespace ozcc::api {

extern const std::string_view kComplaintsJson;  // data/complaints.json, embedded at build time

using engine::simulate::ArrivalStream;
using engine::simulate::Discipline;
using engine::simulate::Dist;
using engine::simulate::Estimate;
using engine::simulate::PathwayRoute;
using engine::simulate::PathwayRouting;
using engine::simulate::Route;
using engine::simulate::RoutingRule;
using engine::simulate::Scenario;
using engine::simulate::ServiceTime;
using engine::simulate::SimulationResult;
using engine::simulate::Simulator;
using engine::simulate::Station;
using engine::simulate::TriageClass;
using engine::simulate::UrgencyResult;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr std::array<Dist, 5> kAllDists = {Dist::kExponential, Dist::kDeterministic, Dist::kLognormal, Dist::kGamma,
                                           Dist::kErlang};

std::optional<Dist> ParseDist(const std::string& s) {
  for (Dist d : kAllDists) {
    if (s == ToString(d)) return d;
  }
  return std::nullopt;
}

void ReadService(DataReader& r, const json& v, const std::string& p, ServiceTime& out) {
  if (!r.Object(v, p, {"dist", "mean_minutes", "sd_minutes", "k"})) return;
  static const std::string kNames = EnumNames(kAllDists, [](Dist d) { return ToString(d); });
  auto dist = ReadEnum<Dist>(r, v, p, "dist", true, ParseDist, "distribution", kNames);
  if (dist) out.dist = *dist;
  r.Number(v, p, "mean_minutes", true, out.mean_minutes);
  const bool has_sd = dist == Dist::kLognormal || dist == Dist::kGamma;
  if (has_sd) {
    r.Number(v, p, "sd_minutes", true, out.sd_minutes);
  } else if (dist && v.contains("sd_minutes")) {
    r.Error(JoinPath(p, "sd_minutes"),
            std::string("is not a parameter of ") + ToString(*dist) + " (only of lognormal and gamma)");
  }
  if (dist == Dist::kErlang) {
    std::int64_t k = 0;
    if (r.Integer(v, p, "k", true, k)) out.k = static_cast<int>(k);
  } else if (dist && v.contains("k")) {
    r.Error(JoinPath(p, "k"), std::string("is not a parameter of ") + ToString(*dist) + " (only of erlang)");
  }
}

void ReadProfile(DataReader& r, const json& obj, const std::string& path, std::vector<double>& out) {
  const json* arr = r.Array(obj, path, "profile", false);
  if (!arr) return;
  const std::string p = JoinPath(path, "profile");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& v = (*arr)[i];
    if (!v.is_number()) {
      r.Error(IndexPath(p, i), std::string("must be a number, not ") + JsonTypeName(v));
      out.push_back(0);
      continue;
    }
    out.push_back(v.get<double>());
  }
}

// The worklist's entry complaints (data/complaints.json, as shipped): the
// codes a mix or a routing rule may name.
const std::vector<Complaint>& KnownComplaints() {
  static const std::vector<Complaint> kList = [] {
    auto parsed = ParseComplaintsFile(kComplaintsJson);
    return parsed.ok() ? std::move(parsed).value() : std::vector<Complaint>{};
  }();
  return kList;
}

std::optional<Urgency> ReadUrgency(DataReader& r, const json& v, const std::string& p, const char* key) {
  static const std::string kNames = EnumNames(kAllUrgencies, [](Urgency u) { return std::string(ozcc::ToString(u)); });
  return ReadEnum<Urgency>(
      r, v, p, key, true, [](const std::string& s) { return ParseUrgency(s); }, "urgency", kNames);
}

// A complaint code at `p`, reported unless the worklist knows it.
void CheckComplaint(DataReader& r, const std::string& p, const std::string& code) {
  if (FindComplaint(KnownComplaints(), code) == nullptr) {
    r.Error(p, "unknown entry complaint \"" + code + "\" (a code of data/complaints.json)");
  }
}

void ReadMix(DataReader& r, const json& obj, const std::string& path, std::vector<TriageClass>& out) {
  const json* arr = r.Array(obj, path, "mix", false);
  if (!arr) return;
  const std::string p = JoinPath(path, "mix");
  if (arr->empty()) r.Error(p, "must list at least one class (or leave mix out)");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& v = (*arr)[i];
    const std::string ep = IndexPath(p, i);
    TriageClass c;
    if (r.Object(v, ep, {"urgency", "complaint", "share"})) {
      if (auto u = ReadUrgency(r, v, ep, "urgency")) c.urgency = *u;
      if (r.String(v, ep, "complaint", false, c.complaint)) CheckComplaint(r, JoinPath(ep, "complaint"), c.complaint);
      r.Number(v, ep, "share", true, c.share);
    }
    out.push_back(std::move(c));
  }
}

void ReadArrival(DataReader& r, const json& v, const std::string& p, ArrivalStream& a) {
  if (!r.Object(v, p, {"name", "rate_per_hour", "profile", "to", "mix"})) return;
  r.String(v, p, "name", true, a.name);
  r.Number(v, p, "rate_per_hour", true, a.rate_per_hour);
  ReadProfile(r, v, p, a.profile);
  r.String(v, p, "to", true, a.to);
  ReadMix(r, v, p, a.mix);
}

void ReadRoutes(DataReader& r, const json& obj, const std::string& p, bool required, std::vector<Route>& out) {
  const json* next = r.Array(obj, p, "next", required);
  if (!next) return;
  const std::string np = JoinPath(p, "next");
  for (size_t i = 0; i < next->size(); ++i) {
    const json& e = (*next)[i];
    const std::string ep = IndexPath(np, i);
    Route route;
    if (r.Object(e, ep, {"station", "probability"})) {
      r.String(e, ep, "station", true, route.station);
      r.Number(e, ep, "probability", true, route.probability);
    }
    out.push_back(std::move(route));
  }
}

void ReadWhen(DataReader& r, const json& w, const std::string& p, RoutingRule& rule) {
  if (!r.Object(w, p, {"urgency", "complaint", "hours"})) return;
  if (const json* us = r.Array(w, p, "urgency", false)) {
    const std::string up = JoinPath(p, "urgency");
    static const std::string kNames =
        EnumNames(kAllUrgencies, [](Urgency u) { return std::string(ozcc::ToString(u)); });
    for (size_t i = 0; i < us->size(); ++i) {
      const json& v = (*us)[i];
      const std::string ip = IndexPath(up, i);
      if (!v.is_string()) {
        r.Error(ip, std::string("must be a string, not ") + JsonTypeName(v));
      } else if (auto u = ParseUrgency(v.get<std::string>())) {
        rule.urgencies.push_back(*u);
      } else {
        r.Error(ip, "unknown urgency \"" + v.get<std::string>() + "\" (one of " + kNames + ")");
      }
    }
  }
  if (r.StringArray(w, p, "complaint", false, rule.complaints)) {
    for (size_t i = 0; i < rule.complaints.size(); ++i) {
      CheckComplaint(r, IndexPath(JoinPath(p, "complaint"), i), rule.complaints[i]);
    }
  }
  if (const json* hours = r.Array(w, p, "hours", false)) {
    const std::string hp = JoinPath(p, "hours");
    if (hours->size() != 2 || !(*hours)[0].is_number_integer() || !(*hours)[1].is_number_integer()) {
      r.Error(hp, "must be [from, to]: two whole hours of the day 0 to 24 (to not included)");
    } else {
      const auto from = (*hours)[0].get<std::int64_t>();
      const auto to = (*hours)[1].get<std::int64_t>();
      // Out of range: -1, which the model reports with the rule's path.
      rule.hours_from = from < 0 || from > 24 ? -1 : static_cast<int>(from);
      rule.hours_to = to < 0 || to > 24 ? -1 : static_cast<int>(to);
    }
  }
}

void ReadRouting(DataReader& r, const json& obj, const std::string& path, std::vector<RoutingRule>& out) {
  const json* arr = r.Array(obj, path, "routing", false);
  if (!arr) return;
  const std::string p = JoinPath(path, "routing");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& v = (*arr)[i];
    const std::string ep = IndexPath(p, i);
    RoutingRule rule;
    if (r.Object(v, ep, {"when", "next"})) {
      if (const json* w = r.Member(v, ep, "when", false)) ReadWhen(r, *w, JoinPath(ep, "when"), rule);
      ReadRoutes(r, v, ep, true, rule.next);
    }
    out.push_back(std::move(rule));
  }
}

std::optional<Discipline> ParseDiscipline(const std::string& s) {
  if (s == "fifo") return Discipline::kFifo;
  if (s == "urgency") return Discipline::kUrgency;
  return std::nullopt;
}

void ReadSchedule(DataReader& r, const json& obj, const std::string& path, std::vector<int>& out) {
  const json* arr = r.Array(obj, path, "servers_by_hour", false);
  if (!arr) return;
  const std::string p = JoinPath(path, "servers_by_hour");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& v = (*arr)[i];
    if (!v.is_number_integer()) {
      r.Error(IndexPath(p, i), std::string("must be an integer, not ") + JsonTypeName(v));
      out.push_back(0);
      continue;
    }
    const auto n = v.get<std::int64_t>();
    out.push_back(n < 0 || n > DataReader::kMaxInteger ? -1 : static_cast<int>(n));
  }
}

void ReadStation(DataReader& r, const json& v, const std::string& p, Station& s) {
  if (!r.Object(v, p,
                {"name", "servers", "servers_by_hour", "service", "next", "routing", "discipline", "initial_in_service",
                 "initial_waiting"}))
    return;
  r.String(v, p, "name", true, s.name);
  const bool has_schedule = v.contains("servers_by_hour");
  if (has_schedule && v.contains("servers")) {
    r.Error(JoinPath(p, "servers_by_hour"), "give servers or servers_by_hour, not both");
  }
  std::int64_t servers = 0;
  if (r.Integer(v, p, "servers", !has_schedule, servers)) s.servers = static_cast<int>(servers);
  ReadSchedule(r, v, p, s.servers_by_hour);
  std::int64_t initial = 0;
  if (r.Integer(v, p, "initial_in_service", false, initial)) {
    s.initial_in_service = initial > DataReader::kMaxInteger ? -1 : static_cast<int>(initial);
  }
  r.Integer(v, p, "initial_waiting", false, s.initial_waiting);
  if (const json* service = r.Member(v, p, "service", true))
    ReadService(r, *service, JoinPath(p, "service"), s.service);
  ReadRoutes(r, v, p, false, s.next);
  ReadRouting(r, v, p, s.routing);
  auto discipline = ReadEnum<Discipline>(r, v, p, "discipline", false, ParseDiscipline, "discipline", "fifo, urgency");
  if (discipline) s.discipline = *discipline;
}

ordered_json RoutesJson(const std::vector<Route>& routes) {
  ordered_json j = ordered_json::array();
  for (const Route& rt : routes) j.push_back(ordered_json{{"station", rt.station}, {"probability", rt.probability}});
  return j;
}

ordered_json EstimateJson(const Estimate& e) {
  ordered_json j;
  j["mean"] = e.mean;
  j["ci95"] = e.has_ci ? ordered_json::array({e.ci_low, e.ci_high}) : ordered_json(nullptr);
  return j;
}

}  // namespace

const char* ToString(Dist d) {
  switch (d) {
    case Dist::kExponential: return "exponential";
    case Dist::kDeterministic: return "deterministic";
    case Dist::kLognormal: return "lognormal";
    case Dist::kGamma: return "gamma";
    case Dist::kErlang: return "erlang";
  }
  return "?";
}

// "pathway_routing": {"from": STATION, "routes": {KEY: STATION, …}}.
std::optional<PathwayRouting> ReadPathwayRouting(DataReader& r, const json& doc, const std::string& path) {
  const json* v = r.Member(doc, path, "pathway_routing", false);
  if (!v) return std::nullopt;
  const std::string p = JoinPath(path, "pathway_routing");
  PathwayRouting out;
  if (!r.Object(*v, p, {"from", "routes"})) return std::nullopt;
  r.String(*v, p, "from", true, out.from);
  if (const json* routes = r.Member(*v, p, "routes", true)) {
    const std::string rp = JoinPath(p, "routes");
    if (!routes->is_object()) {
      r.Error(rp,
              std::string("must be an object (action code or partner type: station), not ") + JsonTypeName(*routes));
    } else {
      for (const auto& [key, station] : routes->items()) {
        if (!station.is_string()) {
          r.Error(JoinPath(rp, key), std::string("must be a station's name, not ") + JsonTypeName(station));
          continue;
        }
        out.routes.emplace_back(key, station.get<std::string>());
      }
    }
  }
  return out;
}

void ReadScenarioJson(DataReader& r, const json& doc, const std::string& path, ScenarioFile& f,
                      const std::vector<Pathway>* pathways) {
  Scenario& s = f.scenario;
  const size_t errors_before = r.errors().size();
  std::optional<PathwayRouting> pathway_routing;
  if (r.Object(doc, path,
               {"name", "description", "horizon_hours", "warmup_hours", "start_hour_of_week", "arrivals", "stations",
                "pathway_routing"})) {
    r.String(doc, path, "name", false, f.name);
    r.String(doc, path, "description", false, f.description);
    r.Number(doc, path, "horizon_hours", true, s.horizon_hours);
    r.Number(doc, path, "warmup_hours", false, s.warmup_hours);
    r.Number(doc, path, "start_hour_of_week", false, s.start_hour_of_week);
    if (const json* arrivals = r.Array(doc, path, "arrivals")) {
      for (size_t i = 0; i < arrivals->size(); ++i) {
        ArrivalStream a;
        ReadArrival(r, (*arrivals)[i], IndexPath(JoinPath(path, "arrivals"), i), a);
        s.arrivals.push_back(std::move(a));
      }
    }
    if (const json* stations = r.Array(doc, path, "stations")) {
      for (size_t i = 0; i < stations->size(); ++i) {
        Station st;
        ReadStation(r, (*stations)[i], IndexPath(JoinPath(path, "stations"), i), st);
        s.stations.push_back(std::move(st));
      }
    }
    pathway_routing = ReadPathwayRouting(r, doc, path);
  } else {
    return;  // not an object: nothing of the model to check
  }
  // The model's own checks; a field whose shape was already reported is not
  // reported again (a missing "servers" is not also "must be 1 to 100000").
  std::set<std::string> shape_fields;
  for (size_t i = errors_before; i < r.errors().size(); ++i) shape_fields.insert(r.errors()[i].field);
  if (pathway_routing) {
    const std::string p = JoinPath(path, "pathway_routing");
    if (pathways == nullptr) {
      r.Error(p,
              "needs a pathway set, and none is given here (openzcc simulate --pathways DIR; runs started through the "
              "API do not expand pathway_routing yet)");
    } else if (r.errors().size() == errors_before) {
      auto expanded = engine::simulate::ExpandPathwayRouting(s, *pathway_routing, *pathways);
      if (expanded.ok()) {
        f.pathway_routes = std::move(expanded).value();
      } else {
        const Status st = expanded.status();
        for (const FieldError& e : st.errors()) r.Error(JoinPath(path, e.field), e.message);
      }
    }
  }
  auto built = Simulator::Build(s);
  if (!built.ok()) {
    const Status st = built.status();
    for (const FieldError& e : st.errors()) {
      const std::string field = JoinPath(path, e.field);
      if (!CoveredBy(shape_fields, field)) r.Error(field, e.message);
    }
  }
}

Result<ScenarioFile> ParseScenarioJson(std::string_view text, const std::vector<Pathway>* pathways) {
  Result<json> parsed = ParseDataJson(text, "scenario");
  if (!parsed.ok()) return parsed.status();
  const json& doc = parsed.value();
  PathLines lines(text);
  DataReader r(lines);
  ScenarioFile f;
  ReadScenarioJson(r, doc, "", f, pathways);
  if (!r.errors().empty()) {
    const size_t n = r.errors().size();
    return Status::Invalid("scenario has " + std::to_string(n) + (n == 1 ? " error" : " errors"),
                           std::move(r.errors()));
  }
  return f;
}

ordered_json ToJson(const ScenarioFile& f) {
  const Scenario& s = f.scenario;
  ordered_json j;
  if (!f.name.empty()) j["name"] = f.name;
  if (!f.description.empty()) j["description"] = f.description;
  j["horizon_hours"] = s.horizon_hours;
  if (s.warmup_hours != 0) j["warmup_hours"] = s.warmup_hours;
  if (s.start_hour_of_week != 0) j["start_hour_of_week"] = s.start_hour_of_week;
  j["arrivals"] = ordered_json::array();
  for (const ArrivalStream& a : s.arrivals) {
    ordered_json aj;
    aj["name"] = a.name;
    aj["rate_per_hour"] = a.rate_per_hour;
    if (!a.profile.empty()) aj["profile"] = a.profile;
    aj["to"] = a.to;
    if (!a.mix.empty()) {
      aj["mix"] = ordered_json::array();
      for (const TriageClass& c : a.mix) {
        ordered_json cj;
        cj["urgency"] = std::string(ozcc::ToString(c.urgency));
        if (!c.complaint.empty()) cj["complaint"] = c.complaint;
        cj["share"] = c.share;
        aj["mix"].push_back(std::move(cj));
      }
    }
    j["arrivals"].push_back(std::move(aj));
  }
  j["stations"] = ordered_json::array();
  for (const Station& st : s.stations) {
    ordered_json sj;
    sj["name"] = st.name;
    if (st.servers_by_hour.empty()) {
      sj["servers"] = st.servers;
    } else {
      sj["servers_by_hour"] = st.servers_by_hour;
    }
    ordered_json svc;
    svc["dist"] = ToString(st.service.dist);
    svc["mean_minutes"] = st.service.mean_minutes;
    if (st.service.dist == Dist::kLognormal || st.service.dist == Dist::kGamma) {
      svc["sd_minutes"] = st.service.sd_minutes;
    }
    if (st.service.dist == Dist::kErlang) svc["k"] = st.service.k;
    sj["service"] = std::move(svc);
    if (!st.next.empty()) sj["next"] = RoutesJson(st.next);
    if (!st.routing.empty()) {
      sj["routing"] = ordered_json::array();
      for (const RoutingRule& rule : st.routing) {
        ordered_json when = ordered_json::object();
        if (!rule.urgencies.empty()) {
          when["urgency"] = ordered_json::array();
          for (Urgency u : rule.urgencies) when["urgency"].push_back(std::string(ozcc::ToString(u)));
        }
        if (!rule.complaints.empty()) when["complaint"] = rule.complaints;
        if (rule.hours_from != 0 || rule.hours_to != 0) when["hours"] = {rule.hours_from, rule.hours_to};
        sj["routing"].push_back(ordered_json{{"when", std::move(when)}, {"next", RoutesJson(rule.next)}});
      }
    }
    if (st.discipline == Discipline::kUrgency) sj["discipline"] = "urgency";
    if (st.initial_in_service != 0) sj["initial_in_service"] = st.initial_in_service;
    if (st.initial_waiting != 0) sj["initial_waiting"] = st.initial_waiting;
    j["stations"].push_back(std::move(sj));
  }
  return j;
}

ordered_json ToJson(const std::vector<PathwayRoute>& pathway_routes) {
  ordered_json out = ordered_json::array();
  for (const PathwayRoute& pr : pathway_routes) {
    ordered_json pj;
    pj["urgency"] = std::string(ozcc::ToString(pr.urgency));
    if (!pr.complaint.empty()) pj["complaint"] = pr.complaint;
    if (!pr.pathway_id.empty()) {
      pj["pathway"] = ordered_json{{"id", pr.pathway_id}, {"version", pr.pathway_version}};
      pj["action"] = pr.action;
    }
    if (!pr.matched.empty()) pj["matched"] = pr.matched;
    if (!pr.station.empty()) pj["station"] = pr.station;
    out.push_back(std::move(pj));
  }
  return out;
}

ordered_json ToJson(const SimulationResult& r, double wall_seconds, const std::vector<PathwayRoute>& pathway_routes) {
  ordered_json j;
  j["stations"] = ordered_json::object();
  for (const auto& st : r.stations) {
    ordered_json sj;
    sj["wait_probability"] = EstimateJson(st.wait_probability);
    sj["mean_wait_minutes"] = EstimateJson(st.mean_wait_minutes);
    sj["utilisation"] = EstimateJson(st.utilisation);
    sj["arrival_rate_per_hour"] = EstimateJson(st.arrival_rate_per_hour);
    if (!st.by_urgency.empty()) {
      ordered_json bu = ordered_json::object();
      for (const UrgencyResult& u : st.by_urgency) {
        ordered_json uj;
        uj["wait_probability"] = EstimateJson(u.wait_probability);
        uj["mean_wait_minutes"] = EstimateJson(u.mean_wait_minutes);
        uj["arrival_rate_per_hour"] = EstimateJson(u.arrival_rate_per_hour);
        bu[std::string(ozcc::ToString(u.urgency))] = std::move(uj);
      }
      sj["by_urgency"] = std::move(bu);
    }
    j["stations"][st.name] = std::move(sj);
  }
  if (!pathway_routes.empty()) j["pathway_routes"] = ToJson(pathway_routes);
  j["events"] = r.events;
  j["wall_seconds"] = wall_seconds;
  j["replications"] = r.replications;
  j["seed"] = r.seed;
  return j;
}

}  // namespace ozcc::api
