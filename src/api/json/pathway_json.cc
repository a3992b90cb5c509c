#include "api/json/pathway_json.h"

#include <set>
#include <string>
#include <utility>

#include "api/json/capacity_json.h"  // JsonTypeName
#include "api/json/data_file.h"

namespace ozcc::api {

using nlohmann::json;

namespace {

const std::string& OrgTypeNames() {
  static const std::string kNames =
      EnumNames({OrgType::kHospital, OrgType::kAmbulance, OrgType::kHap, OrgType::kVvt, OrgType::kElv, OrgType::kGgz},
                [](OrgType t) { return ToString(t); });
  return kNames;
}

const std::string& UnitTypeNames() {
  static const std::string kNames = EnumNames(
      {UnitType::kSeh, UnitType::kIc, UnitType::kWard, UnitType::kElvLow, UnitType::kElvHigh, UnitType::kElvPalliative,
       UnitType::kGgzCrisis, UnitType::kVvtCrisis, UnitType::kHap, UnitType::kAmbulance},
      [](UnitType t) { return ToString(t); });
  return kNames;
}

void ReadText(DataReader& r, const json& obj, const std::string& path, const char* key, LocalText& out) {
  const json* v = r.Member(obj, path, key, true);
  if (!v) return;
  const std::string p = JoinPath(path, key);
  if (!r.Object(*v, p, {"nl", "en"})) return;
  r.String(*v, p, "nl", true, out.nl);
  r.String(*v, p, "en", true, out.en);
}

void ReadUrgency(DataReader& r, const json& obj, UrgencyBand& out) {
  const json* v = r.Member(obj, "", "urgency", true);
  if (!v || !r.Object(*v, "urgency", {"from", "to"})) return;
  static const std::string kNames = EnumNames(kAllUrgencies, [](Urgency u) { return ToString(u); });
  if (auto u = ReadEnum<Urgency>(r, *v, "urgency", "from", true, ParseUrgency, "urgency", kNames)) out.from = *u;
  if (auto u = ReadEnum<Urgency>(r, *v, "urgency", "to", true, ParseUrgency, "urgency", kNames)) out.to = *u;
}

void ReadTimeWindow(DataReader& r, const json& v, const std::string& p, PathwayConditions& c) {
  if (!r.Object(v, p, {"from", "to"})) return;
  TimeWindow w;
  bool ok = true;
  for (auto [key, minute] : {std::pair{"from", &w.from_minute}, std::pair{"to", &w.to_minute}}) {
    std::string s;
    if (!r.String(v, p, key, true, s)) {
      ok = false;
      continue;
    }
    if (auto m = ParseMinuteOfDay(s)) {
      *minute = *m;
    } else {
      r.Error(JoinPath(p, key), "must be a local time \"HH:MM\" (00:00 to 23:59), not \"" + s + "\"");
      ok = false;
    }
  }
  if (ok) c.time_of_day = w;
}

template <class E, class ParseF>
void ReadEnumArray(DataReader& r, const json& obj, const std::string& path, const char* key, ParseF parse,
                   const std::string& what, const std::string& names, std::vector<E>& out) {
  const json* arr = r.Array(obj, path, key, false);
  if (!arr) return;
  const std::string p = JoinPath(path, key);
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& v = (*arr)[i];
    if (!v.is_string()) {
      r.Error(IndexPath(p, i), std::string("must be a string, not ") + JsonTypeName(v));
      continue;
    }
    const std::string s = v.get<std::string>();
    if (auto e = parse(s)) {
      out.push_back(*e);
    } else {
      r.Error(IndexPath(p, i), "unknown " + what + " \"" + s + "\" (one of " + names + ")");
    }
  }
}

void ReadConditions(DataReader& r, const json& obj, PathwayConditions& c) {
  const json* v = r.Member(obj, "", "conditions", false);
  const std::string p = "conditions";
  if (!v || !r.Object(*v, p, {"age_min", "age_max", "living", "time_of_day", "known_care"})) return;
  for (auto [key, out] : {std::pair{"age_min", &c.age_min}, std::pair{"age_max", &c.age_max}}) {
    std::int64_t age = 0;
    if (r.Integer(*v, p, key, false, age)) {
      if (age < 0 || age > kMaxAgeYears) {
        r.Error(JoinPath(p, key), "must be 0 to " + std::to_string(kMaxAgeYears) + " years");
      } else {
        *out = static_cast<int>(age);
      }
    }
  }
  static const std::string kLiving = EnumNames(kAllLivingSituations, [](LivingSituation s) { return ToString(s); });
  ReadEnumArray<LivingSituation>(r, *v, p, "living", ParseLivingSituation, "living situation", kLiving, c.living);
  if (const json* w = r.Member(*v, p, "time_of_day", false)) ReadTimeWindow(r, *w, p + ".time_of_day", c);
  static const std::string kCare = EnumNames(kAllKnownCare, [](KnownCare k) { return ToString(k); });
  ReadEnumArray<KnownCare>(r, *v, p, "known_care", ParseKnownCare, "known care", kCare, c.known_care);
}

void ReadAction(DataReader& r, const json& v, const std::string& p, PathwayAction& a) {
  if (!r.Object(v, p, {"code", "partner", "unit", "description", "rationale"})) return;
  r.String(v, p, "code", true, a.code);
  a.partner = ReadEnum<OrgType>(r, v, p, "partner", false, ParseOrgType, "organisation type", OrgTypeNames());
  a.unit = ReadEnum<UnitType>(r, v, p, "unit", false, ParseUnitType, "unit type", UnitTypeNames());
  ReadText(r, v, p, "description", a.description);
  r.String(v, p, "rationale", false, a.rationale);
}

}  // namespace

Result<Pathway> ParsePathwayFile(std::string_view text, const std::vector<Complaint>* known) {
  Result<json> parsed = ParseDataJson(text, "pathway file");
  if (!parsed.ok()) return parsed.status();
  const json& doc = parsed.value();
  PathLines lines(text);
  DataReader r(lines);
  Pathway p;
  if (r.Object(doc, "",
               {"id", "version", "name", "complaints", "any_complaint", "fallback", "urgency", "conditions", "actions",
                "source", "rationale"})) {
    r.String(doc, "", "id", true, p.id);
    std::int64_t version = 0;
    if (r.Integer(doc, "", "version", true, version)) {
      if (version < 1 || version > 1000000) {
        r.Error("version", "must be 1 to 1000000");
      } else {
        p.version = static_cast<int>(version);
      }
    }
    ReadText(r, doc, "", "name", p.name);
    r.StringArray(doc, "", "complaints", false, p.complaints);
    r.Bool(doc, "", "any_complaint", false, p.any_complaint);
    r.Bool(doc, "", "fallback", false, p.fallback);
    ReadUrgency(r, doc, p.urgency);
    ReadConditions(r, doc, p.conditions);
    if (const json* actions = r.Array(doc, "", "actions")) {
      for (size_t i = 0; i < actions->size(); ++i) {
        PathwayAction a;
        ReadAction(r, (*actions)[i], IndexPath("actions", i), a);
        p.actions.push_back(std::move(a));
      }
    }
    r.String(doc, "", "source", true, p.source);
    r.String(doc, "", "rationale", false, p.rationale);
  }
  // Domain checks; a field that already has a shape error is not reported
  // again (nor are its members: "name" missing is not also "name.nl").
  std::set<std::string> shape_fields;
  for (const FieldError& e : r.errors()) shape_fields.insert(e.field);
  for (const FieldError& e : ValidatePathway(p, known)) {
    if (!CoveredBy(shape_fields, e.field)) r.Error(e.field, e.message);
  }
  if (!r.errors().empty()) {
    size_t n = r.errors().size();
    return Status::Invalid("pathway file has " + std::to_string(n) + (n == 1 ? " error" : " errors"),
                           std::move(r.errors()));
  }
  return p;
}

json ToJson(const PathwayAction& a) {
  json j = {{"code", a.code}};
  if (a.partner) j["partner"] = ToString(*a.partner);
  if (a.unit) j["unit"] = ToString(*a.unit);
  j["description"] = {{"nl", a.description.nl}, {"en", a.description.en}};
  j["rationale"] = a.rationale;
  return j;
}

json ToJson(const Pathway& p) {
  json j = {{"id", p.id}, {"version", p.version}, {"name", {{"nl", p.name.nl}, {"en", p.name.en}}}};
  j["complaints"] = p.complaints;
  j["any_complaint"] = p.any_complaint;
  j["fallback"] = p.fallback;
  j["urgency"] = {{"from", ToString(p.urgency.from)}, {"to", ToString(p.urgency.to)}};
  json c = json::object();
  const PathwayConditions& pc = p.conditions;
  if (pc.age_min) c["age_min"] = *pc.age_min;
  if (pc.age_max) c["age_max"] = *pc.age_max;
  if (!pc.living.empty()) {
    c["living"] = json::array();
    for (LivingSituation s : pc.living) c["living"].push_back(ToString(s));
  }
  if (pc.time_of_day) {
    c["time_of_day"] = {{"from", FormatMinuteOfDay(pc.time_of_day->from_minute)},
                        {"to", FormatMinuteOfDay(pc.time_of_day->to_minute)}};
  }
  if (!pc.known_care.empty()) {
    c["known_care"] = json::array();
    for (KnownCare k : pc.known_care) c["known_care"].push_back(ToString(k));
  }
  j["conditions"] = std::move(c);
  j["actions"] = json::array();
  for (const PathwayAction& a : p.actions) j["actions"].push_back(ToJson(a));
  j["source"] = p.source;
  j["rationale"] = p.rationale;
  return j;
}

}  // namespace ozcc::api
