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

#include "api/json/capacity_json.h"
#include "core/validate.h"

namespace ozcc::api {

using nlohmann::json;

int LineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

namespace {

constexpr int kMaxDepth = 64;

// Maps every JSON path in an already syntax-checked document to the line on
// which it starts (for object members: the line of the key). Also finds
// duplicate keys, which nlohmann::json silently collapses.
class PathLines {
 public:
  explicit PathLines(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    Value("", 0);
  }

  // Line of `path`, else of its nearest enclosing value that exists.
  int LineOf(std::string path) const {
    while (true) {
      if (auto it = lines_.find(path); it != lines_.end()) return it->second;
      if (path.empty()) return 1;
      size_t cut = path.find_last_of(".[");
      path = cut == std::string::npos ? std::string() : path.substr(0, cut);
    }
  }

  const std::vector<FieldError>& errors() const { return errors_; }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++line_;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++pos_;
    }
  }

  // At an opening quote; returns the string with simple escapes decoded
  // (\uXXXX kept verbatim — only used to build paths).
  std::string String() {
    std::string out;
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        char e = text_[pos_++];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u': out += "\\u"; break;
          default: out += e; break;
        }
      } else {
        out += c;
      }
    }
    ++pos_;  // closing quote
    return out;
  }

  void Value(const std::string& path, int depth) {
    SkipSpace();
    lines_.emplace(path, line_);
    if (depth > kMaxDepth) {
      errors_.push_back({path.empty() ? "json" : path,
                         "line " + std::to_string(line_) + ": nesting deeper than " + std::to_string(kMaxDepth)});
      pos_ = text_.size();
      return;
    }
    switch (Peek()) {
      case '{': Object(path, depth); break;
      case '[': Array(path, depth); break;
      case '"': String(); break;
      default:
        while (pos_ < text_.size() && std::string_view(",]} \t\r\n").find(text_[pos_]) == std::string_view::npos) {
          ++pos_;
        }
    }
  }

  void Object(const std::string& path, int depth) {
    ++pos_;
    std::set<std::string> keys;
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
      return;
    }
    while (pos_ < text_.size()) {
      SkipSpace();
      int key_line = line_;
      std::string key = String();
      std::string member = path.empty() ? key : path + "." + key;
      if (!keys.insert(key).second) {
        errors_.push_back({member, "line " + std::to_string(key_line) + ": duplicate key \"" + key + "\""});
      }
      lines_.emplace(member, key_line);
      SkipSpace();
      ++pos_;  // ':'
      Value(member, depth + 1);
      SkipSpace();
      char c = Peek();
      ++pos_;
      if (c != ',') return;  // '}'
    }
  }

  void Array(const std::string& path, int depth) {
    ++pos_;
    SkipSpace();
    if (Peek() == ']') {
      ++pos_;
      return;
    }
    for (size_t i = 0; pos_ < text_.size(); ++i) {
      Value(path + "[" + std::to_string(i) + "]", depth + 1);
      SkipSpace();
      char c = Peek();
      ++pos_;
      if (c != ',') return;  // ']'
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  std::unordered_map<std::string, int> lines_;
  std::vector<FieldError> errors_;
};

// A field's path; an empty key is shown as "" so that every error names a field.
std::string Join(std::string_view path, std::string_view key) {
  std::string k = key.empty() ? std::string("\"\"") : std::string(key);
  return path.empty() ? k : std::string(path) + "." + k;
}

std::string Index(std::string_view path, size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

// Reads typed fields out of JSON objects, collecting errors with lines.
class Reader {
 public:
  explicit Reader(const PathLines& lines) : lines_(lines) {}

  void Error(const std::string& path, const std::string& message) {
    errors_.push_back({path, "line " + std::to_string(lines_.LineOf(path)) + ": " + message});
  }

  // True when `v` is an object; also reports every key not in `known`.
  bool Object(const json& v, const std::string& path, std::initializer_list<std::string_view> known) {
    if (!v.is_object()) {
      Error(path.empty() ? "json" : path, std::string("must be an object, not ") + JsonTypeName(v));
      return false;
    }
    for (const auto& [key, _] : v.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string allowed;
        for (std::string_view k : known) allowed += (allowed.empty() ? "" : ", ") + std::string(k);
        Error(Join(path, key), "unknown field \"" + key + "\" (allowed: " + allowed + ")");
      }
    }
    return true;
  }

  // The member `key`, or nullptr (reporting it when required).
  const json* Member(const json& obj, const std::string& path, const char* key, bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) Error(Join(path, key), "required field \"" + std::string(key) + "\" is missing");
      return nullptr;
    }
    return &*it;
  }

  void String(const json& obj, const std::string& path, const char* key, bool required, std::string& out) {
    const json* v = Member(obj, path, key, required);
    if (!v) return;
    if (!v->is_string()) {
      Error(Join(path, key), std::string("must be a string, not ") + JsonTypeName(*v));
      return;
    }
    out = v->get<std::string>();
  }

  template <class T>
  bool Integer(const json& obj, const std::string& path, const char* key, bool required, T& out) {
    const json* v = Member(obj, path, key, required);
    if (!v) return false;
    if (!v->is_number_integer()) {
      Error(Join(path, key), std::string("must be an integer, not ") + JsonTypeName(*v));
      return false;
    }
    if (v->is_number_unsigned() ? v->get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxCount * 100)
                                : v->get<std::int64_t>() > kMaxCount * 100) {
      Error(Join(path, key), "is out of range");
      return false;
    }
    out = static_cast<T>(v->get<std::int64_t>());
    return true;
  }

  bool Number(const json& obj, const std::string& path, const char* key, bool required, double& out) {
    const json* v = Member(obj, path, key, required);
    if (!v) return false;
    if (!v->is_number()) {
      Error(Join(path, key), std::string("must be a number, not ") + JsonTypeName(*v));
      return false;
    }
    out = v->get<double>();
    return true;
  }

  void Bool(const json& obj, const std::string& path, const char* key, bool required, bool& out) {
    const json* v = Member(obj, path, key, required);
    if (!v) return;
    if (!v->is_boolean()) {
      Error(Join(path, key), std::string("must be true or false, not ") + JsonTypeName(*v));
      return;
    }
    out = v->get<bool>();
  }

  // The array member `key` (required), or nullptr.
  const json* Array(const json& obj, const std::string& path, const char* key) {
    const json* v = Member(obj, path, key, true);
    if (!v) return nullptr;
    if (!v->is_array()) {
      Error(Join(path, key), std::string("must be an array, not ") + JsonTypeName(*v));
      return nullptr;
    }
    return v;
  }

  std::vector<FieldError>& errors() { return errors_; }

 private:
  const PathLines& lines_;
  std::vector<FieldError> errors_;
};

template <class E, class F>
std::string EnumNames(std::initializer_list<E> all, F to_string) {
  std::string s;
  for (E e : all) s += (s.empty() ? "" : ", ") + std::string(to_string(e));
  return s;
}

void ReadRegion(Reader& r, const json& v, Region& out) {
  const std::string p = "region";
  if (!r.Object(v, p, {"id", "name", "subregions"})) return;
  r.String(v, p, "id", true, out.id);
  r.String(v, p, "name", true, out.name);
  const json* subs = r.Array(v, p, "subregions");
  if (!subs) return;
  for (size_t i = 0; i < subs->size(); ++i) {
    const json& s = (*subs)[i];
    std::string sp = Index(p + ".subregions", i);
    Subregion sub;
    if (!r.Object(s, sp, {"id", "name"})) continue;
    r.String(s, sp, "id", true, sub.id);
    r.String(s, sp, "name", true, sub.name);
    out.subregions.push_back(std::move(sub));
  }
}

void ReadOrganization(Reader& r, const json& v, const std::string& p, Organization& o) {
  if (!r.Object(v, p, {"id", "subregion_id", "name", "type", "source"})) return;
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
}

void ReadLocation(Reader& r, const json& v, const std::string& p, Location& l) {
  if (!r.Object(v, p, {"id", "organization_id", "name", "address", "city", "lat", "lon"})) return;
  r.String(v, p, "id", true, l.id);
  r.String(v, p, "organization_id", true, l.organization_id);
  r.String(v, p, "name", true, l.name);
  r.String(v, p, "address", true, l.address);
  r.String(v, p, "city", true, l.city);
  r.Number(v, p, "lat", true, l.lat);
  r.Number(v, p, "lon", true, l.lon);
}

void ReadDemo(Reader& r, const json& v, const std::string& p, UnitType type, UnitDemo& d) {
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

void ReadUnit(Reader& r, const json& v, const std::string& p, Unit& u, std::map<std::string, UnitDemo>& demo) {
  if (!r.Object(
          v, p,
          {"id", "organization_id", "location_id", "type", "specialism", "name", "expected_interval_s", "demo"})) {
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
}

// Checks beyond ValidateRegion: a unit's location belongs to the unit's
// organisation, and unit ids differ from location ids.
void CrossCheck(Reader& r, const RegionData& d) {
  std::unordered_map<std::string, std::string> location_org;
  for (const Location& l : d.locations) location_org.emplace(l.id, l.organization_id);
  for (size_t i = 0; i < d.units.size(); ++i) {
    const Unit& u = d.units[i];
    // FHIR serves sites and units both as Location/<id>: one id space.
    if (location_org.count(u.id)) {
      r.Error(Index("units", i) + ".id", "unit id " + u.id + " is also a location id; FHIR serves both as Location/" +
                                             u.id + ", so they must differ");
    }
    auto it = location_org.find(u.location_id);
    if (it != location_org.end() && it->second != u.organization_id) {
      r.Error(Index("units", i) + ".location_id",
              "location " + u.location_id + " belongs to organization " + it->second + ", not " + u.organization_id);
    }
  }
}

}  // namespace

Result<RegionFile> ParseRegionFile(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error …" → "syntax error …"
    if (auto col = what.find("column "); col != std::string::npos) {
      if (auto colon = what.find(": ", col); colon != std::string::npos) what = what.substr(colon + 2);
    }
    size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    return Status::Invalid("region file is not valid JSON",
                           {{"json", "line " + std::to_string(LineAt(text, offset)) + ": " + what}});
  } catch (const json::exception& e) {
    // Not a syntax error but a value the parser cannot hold: a number beyond
    // double range (out_of_range.406). Found by region_json_fuzz.
    std::string what = e.what();
    if (auto close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    int line = 1;  // the message quotes the number; find it for the line
    if (auto q1 = what.find('\''), q2 = what.rfind('\''); q1 != std::string::npos && q2 > q1 + 1) {
      if (auto at = text.find(what.substr(q1 + 1, q2 - q1 - 1)); at != std::string_view::npos) line = LineAt(text, at);
    }
    return Status::Invalid("region file is not valid JSON", {{"json", "line " + std::to_string(line) + ": " + what}});
  }

  PathLines lines(text);
  Reader r(lines);
  r.errors() = lines.errors();  // duplicate keys, depth
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
        ReadOrganization(r, (*orgs)[i], Index("organizations", i), o);
        o.region_id = d.region.id;
        d.organizations.push_back(std::move(o));
      }
    }
    if (const json* locs = r.Array(doc, "", "locations")) {
      for (size_t i = 0; i < locs->size(); ++i) {
        Location l;
        ReadLocation(r, (*locs)[i], Index("locations", i), l);
        d.locations.push_back(std::move(l));
      }
    }
    if (const json* units = r.Array(doc, "", "units")) {
      for (size_t i = 0; i < units->size(); ++i) {
        Unit u;
        ReadUnit(r, (*units)[i], Index("units", i), u, file.demo);
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
