#include "api/fhir/saner.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include "api/fhir/fhir.h"
#include "api/json/capacity_json.h"
#include "core/validate.h"

namespace ozcc::api::fhir {

using nlohmann::json;

namespace {

// Which unit a population's number belongs to ("family") and which field.
enum class Family { kTotal, kNhsnInpatient, kIcu, kInpatient, kAmbulatory, kVehicles, kEd };
enum class Field { kTotal, kStaffed, kOccupied, kAvailable, kWaiting, kInTreatment, kBoarding, kCrowding };
enum class Group { kBeds, kVehicles, kEd };

struct CodeDef {
  Group group;
  std::string_view code;
  Family family;
  Field field;
};

// The mapping table (docs/saner-mapping.md). Beds codes are SANER
// MeasuredValues; Vehicles and ED codes are ours.
constexpr CodeDef kCodes[] = {
    {Group::kBeds, "numTotBeds", Family::kTotal, Field::kTotal},
    {Group::kBeds, "numTotBedsOcc", Family::kTotal, Field::kOccupied},
    {Group::kBeds, "numTotBedsAvail", Family::kTotal, Field::kAvailable},
    {Group::kBeds, "numbeds", Family::kNhsnInpatient, Field::kTotal},
    {Group::kBeds, "numBedsOcc", Family::kNhsnInpatient, Field::kOccupied},
    {Group::kBeds, "numICUBeds", Family::kIcu, Field::kStaffed},
    {Group::kBeds, "numICUBedsOcc", Family::kIcu, Field::kOccupied},
    {Group::kBeds, "numICUBedsAvail", Family::kIcu, Field::kAvailable},
    {Group::kBeds, "numImpBeds", Family::kInpatient, Field::kStaffed},
    {Group::kBeds, "numImpBedsOcc", Family::kInpatient, Field::kOccupied},
    {Group::kBeds, "numImpBedsAvail", Family::kInpatient, Field::kAvailable},
    {Group::kBeds, "numAmbBeds", Family::kAmbulatory, Field::kStaffed},
    {Group::kBeds, "numAmbBedsOcc", Family::kAmbulatory, Field::kOccupied},
    {Group::kBeds, "numAmbBedsAvail", Family::kAmbulatory, Field::kAvailable},
    {Group::kVehicles, "vehiclesTotal", Family::kVehicles, Field::kTotal},
    {Group::kVehicles, "vehiclesStaffed", Family::kVehicles, Field::kStaffed},
    {Group::kVehicles, "vehiclesBusy", Family::kVehicles, Field::kOccupied},
    {Group::kVehicles, "vehiclesAvailable", Family::kVehicles, Field::kAvailable},
    {Group::kEd, "edWaiting", Family::kEd, Field::kWaiting},
    {Group::kEd, "edInTreatment", Family::kEd, Field::kInTreatment},
    {Group::kEd, "edBoarding", Family::kEd, Field::kBoarding},
    {Group::kEd, "edCrowding", Family::kEd, Field::kCrowding},
};

std::string_view ValueSystem(Group g) { return g == Group::kBeds ? kSanerValueSystem : kOzccValueSystem; }

const CodeDef* FindCode(Group g, std::string_view system, std::string_view code) {
  if (system != ValueSystem(g)) return nullptr;
  for (const CodeDef& d : kCodes) {
    if (d.group == g && d.code == code) return &d;
  }
  return nullptr;
}

std::string_view CodeOf(Family f, Field field) {
  for (const CodeDef& d : kCodes) {
    if (d.family == f && d.field == field) return d.code;
  }
  return "";
}

// The family that carries a unit type's beds on export and import.
Family BedFamily(UnitType t) {
  switch (t) {
    case UnitType::kIc: return Family::kIcu;
    case UnitType::kSeh: return Family::kAmbulatory;
    case UnitType::kAmbulance: return Family::kVehicles;
    default: return Family::kInpatient;
  }
}

bool Fits(Family f, UnitType t) {
  if (f == Family::kEd) return UnitHasEd(t);
  // No bed family fits a unit without beds (a HAP), though BedFamily() says
  // "inpatient" for it; found by measure_report_fuzz.
  if (!UnitHasBeds(t)) return false;
  switch (f) {
    case Family::kTotal: return true;
    case Family::kNhsnInpatient: return BedFamily(t) == Family::kInpatient;
    default: return BedFamily(t) == f;
  }
}

std::string_view FamilyWants(Family f) {
  switch (f) {
    case Family::kTotal: return "a unit with beds";
    case Family::kNhsnInpatient:
    case Family::kInpatient: return "a ward, ELV, GGZ or VVT unit";
    case Family::kIcu: return "an IC unit";
    case Family::kAmbulatory: return "an SEH unit";
    case Family::kVehicles: return "an ambulance unit";
    case Family::kEd: return "an SEH or HAP unit";
  }
  return "";
}

json Population(std::string_view system, std::string_view code, bool initial, std::int64_t count) {
  json codings = json::array({{{"system", system}, {"code", code}}});
  codings.push_back(
      {{"system", kMeasurePopulationSystem}, {"code", initial ? "initial-population" : "measure-population"}});
  return {{"code", {{"coding", codings}}}, {"count", count}};
}

json GroupCode(std::string_view system, std::string_view code, std::string_view text) {
  return {{"coding", json::array({{{"system", system}, {"code", code}}})}, {"text", text}};
}

}  // namespace

json CapacityToMeasureReport(const UnitView& view, const CapacityReport& report) {
  const Unit& u = view.unit;
  json groups = json::array();
  if (report.beds) {
    const Beds& b = *report.beds;
    Family f = BedFamily(u.type);
    std::string_view sys = f == Family::kVehicles ? kOzccValueSystem : kSanerValueSystem;
    std::string_view total_code =
        f == Family::kVehicles ? CodeOf(f, Field::kTotal) : CodeOf(Family::kTotal, Field::kTotal);
    json pops = json::array({Population(sys, total_code, true, b.total),
                             Population(sys, CodeOf(f, Field::kStaffed), false, b.staffed),
                             Population(sys, CodeOf(f, Field::kOccupied), false, b.occupied),
                             Population(sys, CodeOf(f, Field::kAvailable), false, b.available)});
    json code = f == Family::kVehicles ? GroupCode(kOzccGroupSystem, "Vehicles", "Ambulance vehicles")
                                       : GroupCode(kSanerGroupSystem, "Beds", "Beds");
    groups.push_back({{"code", code}, {"population", pops}});
  }
  if (report.ed) {
    const EdState& e = *report.ed;
    json pops = json::array({Population(kOzccValueSystem, "edWaiting", true, e.waiting),
                             Population(kOzccValueSystem, "edInTreatment", false, e.in_treatment),
                             Population(kOzccValueSystem, "edBoarding", false, e.boarding),
                             Population(kOzccValueSystem, "edCrowding", false, e.crowding)});
    groups.push_back({{"extension", json::array({{{"url", kEdStatusExtension}, {"valueCode", ToString(e.status)}}})},
                      {"code", GroupCode(kOzccGroupSystem, "ED",
                                         u.type == UnitType::kHap ? "GP post queue" : "Emergency department")},
                      {"population", pops}});
  }
  const std::string as_of = FormatRfc3339(report.as_of);
  json mr = {
      {"resourceType", "MeasureReport"},
      {"id", u.id},
      {"meta",
       {{"versionId", std::to_string(report.version)},
        {"lastUpdated", FormatRfc3339(report.received_at)},
        {"profile", json::array({kSanerReportProfile})}}},
      {"identifier", json::array({{{"system", "https://openzcc.nl/fhir/id/capacity-report"},
                                   {"value", u.id + "/" + std::to_string(report.version)}}})},
      {"status", "complete"},
      {"type", "summary"},
      {"measure", kOzccMeasure},
      {"subject", {{"reference", "Location/" + u.id}, {"display", u.name}}},
      {"date", FormatRfc3339(report.received_at)},
      {"reporter", {{"reference", "Organization/" + u.organization_id}, {"display", view.organization_name}}},
      {"period", {{"start", as_of}, {"end", as_of}}},
  };
  if (!groups.empty()) mr["group"] = groups;
  return mr;
}

Lookup RegionLookup(const RegionData& region) {
  auto index = std::make_shared<std::unordered_map<std::string, std::vector<SubjectUnit>>>();
  for (const Unit& u : region.units) {
    SubjectUnit s{u.id, u.type};
    (*index)["Location/" + u.id].push_back(s);
    (*index)["Location/" + u.location_id].push_back(s);
    (*index)["Organization/" + u.organization_id].push_back(s);
  }
  return [index](std::string_view ref) {
    auto it = index->find(std::string(ref));
    return it == index->end() ? std::vector<SubjectUnit>{} : it->second;
  };
}

namespace {

struct Value {
  std::int64_t v = 0;
  std::string code;  // the population code, for warnings
  std::string path;  // of the count, for errors and warnings
};

using FieldValues = std::map<Field, Value>;

// "numbeds, numBedsOcc"
std::string Codes(const FieldValues& f) {
  std::string out;
  for (const auto& [field, value] : f) out += (out.empty() ? "" : ", ") + value.code;
  return out;
}

// "numbeds 51, numBedsOcc 10"
std::string Figures(const FieldValues& f) {
  std::string out;
  for (const auto& [field, value] : f) out += (out.empty() ? "" : ", ") + value.code + " " + std::to_string(value.v);
  return out;
}

std::map<std::string, std::int64_t> Counts(const FieldValues& f) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [field, value] : f) out[value.code] = value.v;
  return out;
}

// "(a, b)" or "(a, b, …)"
std::string UnitList(const std::vector<const SubjectUnit*>& units) {
  std::string out = "(" + units[0]->unit_id;
  if (units.size() > 1) out += ", " + units[1]->unit_id;
  if (units.size() > 2) out += ", …";
  return out + ")";
}

constexpr std::string_view kNotStored =
    "not split over its units and not stored (figures of a site or organisation as a whole are not kept yet)";

class Importer {
 public:
  explicit Importer(const json& mr) : mr_(mr) {}

  void Error(std::string path, std::string message) { errors_.push_back({std::move(path), std::move(message)}); }
  std::vector<FieldError>& errors() { return errors_; }

  void Warn(ImportWarning::Kind kind, std::string path, std::string code, std::string message,
            std::map<std::string, std::int64_t> counts = {}) {
    warnings_.push_back({kind, std::move(path), std::move(code), std::move(message), std::move(counts)});
  }
  // Not applied: the numbers of `f`, and why.
  void NotApplied(const FieldValues& f, const std::string& why) {
    Warn(ImportWarning::Kind::kNotApplied, f.begin()->second.path, Codes(f), Figures(f) + ": " + why, Counts(f));
  }
  std::vector<ImportWarning>& warnings() { return warnings_; }

  // Reads every recognised population into values_; ED statuses into ed_status_.
  void ReadGroups() {
    auto it = mr_.find("group");
    if (it == mr_.end()) return;
    if (!it->is_array()) {
      Error("group", "must be an array");
      return;
    }
    for (size_t i = 0; i < it->size(); ++i) ReadGroup((*it)[i], "group[" + std::to_string(i) + "]");
  }

  std::map<Family, FieldValues> values_;
  std::optional<EdStatus> ed_status_;
  std::string ed_group_path_;
  std::vector<std::string> ignored_groups_;  // "Ventilators (group[1])", for the error when nothing applies

 private:
  // The recognised group kind of `code`, if any.
  static std::optional<Group> GroupOf(const json& code) {
    if (!code.is_object() || !code.contains("coding") || !code["coding"].is_array()) return std::nullopt;
    for (const json& c : code["coding"]) {
      if (!c.is_object() || !c.contains("system") || !c.contains("code")) continue;
      if (c["system"] == kSanerGroupSystem && c["code"] == "Beds") return Group::kBeds;
      if (c["system"] == kOzccGroupSystem && c["code"] == "Vehicles") return Group::kVehicles;
      if (c["system"] == kOzccGroupSystem && c["code"] == "ED") return Group::kEd;
    }
    return std::nullopt;
  }

  // The first code (else the text) of a CodeableConcept, for warnings.
  static std::string Label(const json& obj) {
    auto code = obj.is_object() ? obj.find("code") : obj.end();
    if (!obj.is_object() || code == obj.end() || !code->is_object()) return "(no code)";
    if (auto codings = code->find("coding"); codings != code->end() && codings->is_array()) {
      for (const json& c : *codings) {
        if (c.is_object() && c.contains("code") && c["code"].is_string()) return c["code"].get<std::string>();
      }
    }
    if (auto text = code->find("text"); text != code->end() && text->is_string()) return text->get<std::string>();
    return "(no code)";
  }

  void ReadGroup(const json& g, const std::string& p) {
    if (!g.is_object()) {
      Error(p, "must be an object");
      return;
    }
    std::optional<Group> kind = g.contains("code") ? GroupOf(g["code"]) : std::nullopt;
    if (!kind) {  // not a group we map: ignored (docs/saner-mapping.md)
      const std::string label = Label(g);
      Warn(ImportWarning::Kind::kIgnored, p, label, "group " + label + " is not part of the capacity picture; ignored");
      ignored_groups_.push_back(label + " (" + p + ")");
      return;
    }
    if (*kind == Group::kEd) ReadEdStatus(g, p);
    auto pops = g.find("population");
    if (pops == g.end()) return;
    if (!pops->is_array()) {
      Error(p + ".population", "must be an array");
      return;
    }
    for (size_t j = 0; j < pops->size(); ++j) {
      ReadPopulation((*pops)[j], *kind, p + ".population[" + std::to_string(j) + "]");
    }
  }

  void ReadEdStatus(const json& g, const std::string& p) {
    ed_group_path_ = p;
    auto ext = g.find("extension");
    if (ext != g.end() && ext->is_array()) {
      for (size_t k = 0; k < ext->size(); ++k) {
        const json& e = (*ext)[k];
        if (!e.is_object() || e.value("url", json()) != kEdStatusExtension) continue;
        const std::string ep = p + ".extension[" + std::to_string(k) + "].valueCode";
        std::optional<EdStatus> s;
        if (e.contains("valueCode") && e["valueCode"].is_string()) s = ParseEdStatus(e["valueCode"].get<std::string>());
        if (!s) {
          Error(ep, "must be open, threatened or closed");
          return;
        }
        ed_status_ = s;
        return;
      }
    }
    Error(p + ".extension", "an ED group needs the extension " + std::string(kEdStatusExtension) +
                                " with valueCode open, threatened or closed");
  }

  void ReadPopulation(const json& pop, Group kind, const std::string& p) {
    if (!pop.is_object()) {
      Error(p, "must be an object");
      return;
    }
    const CodeDef* def = nullptr;
    if (auto code = pop.find("code"); code != pop.end() && code->is_object()) {
      if (auto codings = code->find("coding"); codings != code->end() && codings->is_array()) {
        for (const json& c : *codings) {
          if (!c.is_object()) continue;
          auto sys = c.find("system");
          auto val = c.find("code");
          if (sys == c.end() || val == c.end() || !sys->is_string() || !val->is_string()) continue;
          def = FindCode(kind, sys->get<std::string>(), val->get<std::string>());
          if (def) break;
        }
      }
    }
    if (!def) {  // a population we do not map: ignored
      const std::string label = Label(pop);
      Warn(ImportWarning::Kind::kIgnored, p, label, label + " is not a code this server maps; ignored");
      return;
    }
    auto count = pop.find("count");
    if (count == pop.end()) {  // absent (data-absent-reason): nothing to take
      Warn(ImportWarning::Kind::kIgnored, p, std::string(def->code),
           std::string(def->code) + " has no count (data absent); nothing to apply");
      return;
    }
    const std::string cp = p + ".count";
    std::string why;
    const std::optional<std::int64_t> n = WholeNumber(*count, &why);  // 20.0 is 20
    if (!n) {
      Error(cp, why == "is out of range" ? "must be at most " + std::to_string(kMaxCount) : why);
      return;
    }
    const std::int64_t v = *n;
    if (v > kMaxCount) {
      Error(cp, "must be at most " + std::to_string(kMaxCount));
      return;
    }
    if (v < 0) {
      Error(cp, "must be 0 or more");
      return;
    }
    if (def->field == Field::kCrowding && v > kMaxCrowding) {
      Error(cp, "edCrowding must be at most " + std::to_string(kMaxCrowding));
      return;
    }
    auto [it, inserted] = values_[def->family].emplace(def->field, Value{v, std::string(def->code), cp});
    if (!inserted) Error(cp, std::string(def->code) + " appears twice (first at " + it->second.path + ")");
  }

  const json& mr_;
  std::vector<FieldError> errors_;
  std::vector<ImportWarning> warnings_;
};

// Normalises "https://x/fhir/Location/a/_history/2" to "Location/a".
std::optional<std::string> NormaliseReference(std::string ref) {
  if (auto h = ref.find("/_history/"); h != std::string::npos) ref.resize(h);
  size_t slash = ref.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == ref.size()) return std::nullopt;
  size_t start = ref.rfind('/', slash - 1);
  start = start == std::string::npos ? 0 : start + 1;
  std::string type = ref.substr(start, slash - start);
  if (type != "Location" && type != "Organization") return std::nullopt;
  return ref.substr(start);
}

std::optional<Time> ParseFhirDateTime(const std::string& s) {
  if (s.size() == 10) return ParseRfc3339(s + "T00:00:00Z");  // a date: its start, UTC
  return ParseRfc3339(s);
}

// Fills in what a partial set of bed numbers implies and checks it by the
// domain's bed rules (core ValidateBeds, the same as every other input path);
// adds errors naming the counts; returns nullopt (with `why`) when too little is known.
std::optional<Beds> CompleteBeds(const FieldValues& f, std::vector<FieldError>& errs, std::string& why) {
  auto get = [&](Field k) -> const Value* {
    auto it = f.find(k);
    return it == f.end() ? nullptr : &it->second;
  };
  const Value* total = get(Field::kTotal);
  const Value* staffed = get(Field::kStaffed);
  const Value* occupied = get(Field::kOccupied);
  const Value* available = get(Field::kAvailable);
  // An implied number's errors go to the count it was taken from.
  const Value* staffed_from = staffed;
  Beds b;
  if (staffed) {
    b.staffed = staffed->v;
  } else if (total) {
    b.staffed = total->v;
    staffed_from = total;
  } else if (occupied && available) {
    b.staffed = occupied->v + available->v;
    staffed_from = available;
  } else {
    why = "no total or staffed count";
    return std::nullopt;
  }
  b.total = total ? total->v : b.staffed;
  if (!occupied && !available) {
    why = "no occupied or available count";
    return std::nullopt;
  }
  b.occupied = occupied ? occupied->v : std::max<std::int64_t>(0, b.staffed - available->v);
  b.available = available ? available->v : std::max<std::int64_t>(0, b.staffed - b.occupied);

  std::vector<FieldError> rule_errs = ValidateBeds(b);
  if (rule_errs.empty()) return b;
  // The figures the rules saw, the implied ones marked: "numICUBeds 18, …, available 0 implied".
  std::string figures = Figures(f);
  struct Number {
    const Value* given;
    const char* name;
    std::int64_t v;
  };
  for (const Number& n : {Number{total, "total", b.total}, Number{staffed, "staffed", b.staffed},
                          Number{occupied, "occupied", b.occupied}, Number{available, "available", b.available}}) {
    if (!n.given) figures += ", " + std::string(n.name) + " " + std::to_string(n.v) + " implied";
  }
  struct Placed {
    std::string path, message;
    bool on_given;
  };
  std::vector<Placed> placed;
  for (const FieldError& e : rule_errs) {
    const Value* own = e.field == "total"      ? total
                       : e.field == "staffed"  ? staffed
                       : e.field == "occupied" ? occupied
                                               : available;
    const Value* from = own                     ? own
                        : e.field == "total"    ? staffed_from
                        : e.field == "staffed"  ? staffed_from
                        : e.field == "occupied" ? available
                                                : occupied;
    placed.push_back({from ? from->path : "group", e.message + " (" + figures + ")", own != nullptr});
  }
  // An implied number breaks a rule only through the given ones: when a given
  // count is named, that is the error to fix.
  const bool any_given = std::any_of(placed.begin(), placed.end(), [](const Placed& p) { return p.on_given; });
  for (Placed& p : placed) {
    if (p.on_given || !any_given) errs.push_back({std::move(p.path), std::move(p.message)});
  }
  return std::nullopt;
}

// Where a path points in the report, to list warnings in the report's order:
// "group[2].population[10].count" → {2, 10}; "group[1]" → {1, -1}.
std::pair<long, long> PathOrder(std::string_view path) {
  auto index_after = [&](std::string_view key) -> long {
    size_t at = path.find(key);
    if (at == std::string_view::npos) return -1;
    long v = 0;
    for (size_t i = at + key.size(); i < path.size() && path[i] >= '0' && path[i] <= '9'; ++i)
      v = v * 10 + (path[i] - '0');
    return v;
  };
  return {index_after("group["), index_after("population[")};
}

}  // namespace

Result<MeasureReportImport> MeasureReportToCapacity(const json& mr, const Lookup& lookup) {
  if (!mr.is_object()) return Status::Invalid("not a FHIR resource", {{"resourceType", "body must be a JSON object"}});
  if (mr.value("resourceType", json()) != "MeasureReport") {
    return Status::Invalid("not a MeasureReport", {{"resourceType", "must be MeasureReport"}});
  }
  Importer in(mr);
  if (mr.value("status", json()) != "complete") {
    in.Error("status", "must be complete (pending or error reports are not imported)");
  }
  if (mr.value("type", json()) != "summary") in.Error("type", "must be summary");

  // Subject → units.
  std::string ref_text;
  std::vector<SubjectUnit> units;
  const json* ref = nullptr;
  if (auto s = mr.find("subject"); s != mr.end() && s->is_object() && s->contains("reference"))
    ref = &(*s)["reference"];
  if (!ref || !ref->is_string()) {
    in.Error("subject.reference", "is required: Location/<id> or Organization/<id>");
  } else if (auto norm = NormaliseReference(ref->get<std::string>()); !norm) {
    in.Error("subject.reference", "must be Location/<id> or Organization/<id>");
  } else {
    ref_text = *norm;
    units = lookup(*norm);
    if (units.empty()) in.Error("subject.reference", "unknown subject " + *norm);
  }

  // as_of: period.end, else date.
  std::optional<Time> as_of;
  for (const char* path : {"period.end", "date"}) {
    const json* v = nullptr;
    if (std::string_view(path) == "date") {
      if (mr.contains("date")) v = &mr["date"];
    } else if (auto p = mr.find("period"); p != mr.end() && p->is_object() && p->contains("end")) {
      v = &(*p)["end"];
    }
    if (!v) continue;
    std::optional<Time> t = v->is_string() ? ParseFhirDateTime(v->get<std::string>()) : std::nullopt;
    if (!t) {
      in.Error(path, "must be a FHIR date or dateTime with a time zone");
      break;
    }
    as_of = t;
    break;
  }

  in.ReadGroups();
  if (units.empty()) return Status::Invalid("MeasureReport rejected", std::move(in.errors()));

  auto units_that = [&](auto pred) {
    std::vector<const SubjectUnit*> out;
    for (const SubjectUnit& u : units) {
      if (pred(u.type)) out.push_back(&u);
    }
    return out;
  };

  // Each family's numbers go to the one unit of the subject that fits it;
  // a family with no such unit is not applied, and never split.
  const bool single = units.size() == 1;
  std::map<Family, std::string> target;
  for (const auto& [family, fields] : in.values_) {
    if (fields.empty()) continue;
    if (family == Family::kTotal && !single) {
      in.NotApplied(fields, "a total of the whole of " + ref_text + " (" + std::to_string(units.size()) + " units); " +
                                std::string(kNotStored));
      continue;
    }
    std::vector<const SubjectUnit*> fit = units_that([f = family](UnitType t) { return Fits(f, t); });
    if (fit.empty()) {
      in.NotApplied(fields, "needs " + std::string(FamilyWants(family)) + "; subject " + ref_text + " has none");
    } else if (fit.size() > 1 && family == Family::kNhsnInpatient) {
      in.NotApplied(fields, "hospital-wide inpatient totals (ICU beds included) for " + ref_text + ", which has " +
                                std::to_string(fit.size()) + " ward-type units " + UnitList(fit) + "; " +
                                std::string(kNotStored));
    } else if (fit.size() > 1) {
      in.NotApplied(fields, "subject " + ref_text + " has " + std::to_string(fit.size()) + " units that fit " +
                                UnitList(fit) + "; not applied: send one MeasureReport per unit (Location/<unit>)");
    } else {
      target[family] = fit[0]->unit_id;
    }
  }

  // NHSN numbeds / numBedsOcc include the ICU: take the ICU's part out when
  // the report gives it. When it does not and the subject has an IC unit,
  // the ward's part cannot be told apart: that count is not applied.
  if (target.count(Family::kNhsnInpatient)) {
    FieldValues& nhsn = in.values_[Family::kNhsnInpatient];
    const FieldValues& icu = in.values_[Family::kIcu];
    const bool has_ic = !units_that([](UnitType t) { return Fits(Family::kIcu, t); }).empty();
    auto subtract = [&](Field nf, Field icu_field, const char* what) {
      auto n = nhsn.find(nf);
      if (n == nhsn.end()) return;
      auto c = icu.find(icu_field);
      if (c != icu.end()) {
        if (n->second.v < c->second.v) {
          in.Error(n->second.path, std::string("smaller than the ICU's ") + what + " (" + c->second.path + ")");
        } else {
          n->second.v -= c->second.v;
        }
      } else if (has_ic) {
        in.NotApplied({{n->first, n->second}}, std::string("includes the ICU's ") + what + ", which the report does " +
                                                   "not give (" + std::string(CodeOf(Family::kIcu, icu_field)) +
                                                   "); the ward's part cannot be told apart");
        nhsn.erase(n);
      }
    };
    subtract(Field::kTotal, Field::kStaffed, "beds");
    subtract(Field::kOccupied, Field::kOccupied, "occupied beds");
  }

  // Merge per unit: totals first, then NHSN, then the unit type's own codes win.
  std::map<std::string, FieldValues> beds;  // by unit id, merged fields
  for (Family f : {Family::kTotal, Family::kNhsnInpatient, Family::kIcu, Family::kInpatient, Family::kAmbulatory,
                   Family::kVehicles}) {
    auto t = target.find(f);
    if (t == target.end()) continue;
    for (const auto& [field, value] : in.values_[f]) beds[t->second][field] = value;
  }
  std::map<std::string, CapacityInput> out;  // by unit id
  for (const auto& [unit_id, fields] : beds) {
    std::string why;
    std::optional<Beds> b = CompleteBeds(fields, in.errors(), why);
    if (b) {
      out[unit_id].beds = b;
    } else if (!why.empty()) {
      in.NotApplied(fields, "beds of " + unit_id + ": " + why);
    }
  }
  if (auto t = target.find(Family::kEd); t != target.end() && in.ed_status_) {
    EdState e;
    e.status = *in.ed_status_;
    const FieldValues& f = in.values_[Family::kEd];
    auto get = [&](Field k) { return f.count(k) ? f.at(k).v : 0; };
    e.waiting = get(Field::kWaiting);
    e.in_treatment = get(Field::kInTreatment);
    e.boarding = get(Field::kBoarding);
    e.crowding = get(Field::kCrowding);
    out[t->second].ed = e;
  } else if (in.ed_status_ && !in.values_.count(Family::kEd)) {
    // An ED group with a status but no counts: the status alone is news.
    std::vector<const SubjectUnit*> fit = units_that(UnitHasEd);
    const std::string status(ToString(*in.ed_status_));
    if (fit.size() == 1) {
      EdState e;
      e.status = *in.ed_status_;
      out[fit[0]->unit_id].ed = e;
    } else {
      in.Warn(ImportWarning::Kind::kNotApplied, in.ed_group_path_, "ED",
              "status " + status + ": " +
                  (fit.empty() ? "subject " + ref_text + " has no SEH or HAP unit"
                               : "subject " + ref_text + " has " + std::to_string(fit.size()) + " SEH/HAP units " +
                                     UnitList(fit) + "; not applied: send one MeasureReport per unit"));
    }
  }

  if (!in.errors().empty()) return Status::Invalid("MeasureReport rejected", std::move(in.errors()));
  // In the report's order, whatever step found them.
  std::stable_sort(in.warnings().begin(), in.warnings().end(), [](const ImportWarning& a, const ImportWarning& b) {
    return PathOrder(a.path) < PathOrder(b.path);
  });
  if (out.empty()) {
    // Nothing applies: the reasons are the errors.
    std::vector<FieldError> why;
    for (const ImportWarning& w : in.warnings()) {
      if (w.kind == ImportWarning::Kind::kNotApplied) why.push_back({w.path, w.message});
    }
    std::string detail = why.empty() ? "no usable group: expected a Beds (SANER), Vehicles or ED group with counts"
                                     : "nothing in this report could be applied to one unit of " + ref_text +
                                           " (the other issues say why)";
    if (!in.ignored_groups_.empty()) {
      detail += "; ignored groups:";
      for (size_t i = 0; i < in.ignored_groups_.size(); ++i) detail += (i ? ", " : " ") + in.ignored_groups_[i];
    }
    why.insert(why.begin(), {"group", detail});
    return Status::Invalid("MeasureReport rejected", std::move(why));
  }
  MeasureReportImport result;
  result.warnings = std::move(in.warnings());
  for (auto& [unit_id, input] : out) {
    input.unit_id = unit_id;
    input.as_of = as_of;
    result.inputs.push_back(std::move(input));
  }
  return result;
}

json WarningIssues(const std::vector<ImportWarning>& warnings) {
  json issues = json::array();
  for (const ImportWarning& w : warnings) {
    json issue = {{"severity", "warning"},
                  {"code", w.kind == ImportWarning::Kind::kNotApplied ? "not-supported" : "informational"},
                  {"diagnostics", w.message}};
    if (!w.path.empty()) issue["expression"] = json::array({w.path});
    issues.push_back(std::move(issue));
  }
  return issues;
}

}  // namespace ozcc::api::fhir
