#include "api/json/capacity_json.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace ozcc::api {

using nlohmann::json;

namespace {

constexpr int kMaxDepth = 32;

struct ShapeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads an integer field; adds an error and returns nullopt when it is not one.
std::optional<std::int64_t> IntField(const json& obj, const char* key, const std::string& path,
                                     std::vector<FieldError>& errs, bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) errs.push_back({path, "is required"});
    return std::nullopt;
  }
  std::string why;
  if (auto n = WholeNumber(*it, &why)) return n;
  errs.push_back({path, why});
  return std::nullopt;
}

void RejectUnknown(const json& obj, std::initializer_list<const char*> known, const std::string& prefix,
                   std::vector<FieldError>& errs) {
  for (const auto& [k, _] : obj.items()) {
    bool found = false;
    for (const char* name : known) found = found || k == name;
    if (!found) errs.push_back({prefix + (k.empty() ? "\"\"" : k), "unknown field"});  // "" still names a field
  }
}

std::optional<Beds> ParseBeds(const json& v, const std::string& p, std::vector<FieldError>& errs) {
  if (!v.is_object()) {
    errs.push_back({p, std::string("must be an object, not ") + JsonTypeName(v)});
    return std::nullopt;
  }
  RejectUnknown(v, {"total", "staffed", "occupied", "available"}, p + ".", errs);
  size_t before = errs.size();
  Beds b;
  b.total = IntField(v, "total", p + ".total", errs, true).value_or(0);
  b.staffed = IntField(v, "staffed", p + ".staffed", errs, true).value_or(0);
  b.occupied = IntField(v, "occupied", p + ".occupied", errs, true).value_or(0);
  b.available = IntField(v, "available", p + ".available", errs, true).value_or(0);
  if (errs.size() != before) return std::nullopt;
  return b;
}

std::optional<EdState> ParseEd(const json& v, const std::string& p, std::vector<FieldError>& errs) {
  if (!v.is_object()) {
    errs.push_back({p, std::string("must be an object, not ") + JsonTypeName(v)});
    return std::nullopt;
  }
  RejectUnknown(v, {"status", "waiting", "in_treatment", "boarding", "crowding", "arrivals"}, p + ".", errs);
  size_t before = errs.size();
  EdState e;
  auto st = v.find("status");
  if (st == v.end()) {
    errs.push_back({p + ".status", "is required"});
  } else if (!st->is_string()) {
    errs.push_back({p + ".status", std::string("must be a string, not ") + JsonTypeName(*st)});
  } else if (auto parsed = ParseEdStatus(st->get_ref<const std::string&>())) {
    e.status = *parsed;
  } else {
    errs.push_back({p + ".status", "must be one of open, threatened, closed"});
  }
  e.waiting = IntField(v, "waiting", p + ".waiting", errs, false).value_or(0);
  e.in_treatment = IntField(v, "in_treatment", p + ".in_treatment", errs, false).value_or(0);
  e.boarding = IntField(v, "boarding", p + ".boarding", errs, false).value_or(0);
  e.crowding = IntField(v, "crowding", p + ".crowding", errs, false).value_or(0);
  if (auto a = v.find("arrivals"); a != v.end() && !a->is_null()) {
    e.arrivals = IntField(v, "arrivals", p + ".arrivals", errs, false);
  }
  if (errs.size() != before) return std::nullopt;
  return e;
}

void ParseInto(const json& body, const std::string& prefix, CapacityInput& in, std::vector<FieldError>& errs,
               bool allow_unit_id) {
  if (allow_unit_id) {
    RejectUnknown(body, {"unit_id", "as_of", "beds", "ed", "note"}, prefix, errs);
  } else {
    RejectUnknown(body, {"as_of", "beds", "ed", "note"}, prefix, errs);
  }
  if (auto it = body.find("as_of"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) {
      errs.push_back({prefix + "as_of", std::string("must be an RFC 3339 string, not ") + JsonTypeName(*it)});
    } else if (auto t = ParseRfc3339(it->get_ref<const std::string&>())) {
      in.as_of = *t;
    } else {
      errs.push_back({prefix + "as_of", "must be an RFC 3339 date-time such as 2026-11-26T13:40:00Z"});
    }
  }
  if (auto it = body.find("beds"); it != body.end() && !it->is_null()) in.beds = ParseBeds(*it, prefix + "beds", errs);
  if (auto it = body.find("ed"); it != body.end() && !it->is_null()) in.ed = ParseEd(*it, prefix + "ed", errs);
  if (auto it = body.find("note"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) {
      errs.push_back({prefix + "note", std::string("must be a string, not ") + JsonTypeName(*it)});
    } else {
      in.note = it->get<std::string>();
    }
  }
}

}  // namespace

std::optional<std::int64_t> WholeNumber(const json& v, std::string* why) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      *why = "is out of range";
      return std::nullopt;
    }
    return v.get<std::int64_t>();
  }
  // JSON has one number type: 20.0 is the integer 20 (as JSON Schema's
  // "integer" says); 20.5 is not.
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.007199254740992e15) {
      return static_cast<std::int64_t>(d);
    }
    *why = std::isfinite(d) && std::trunc(d) != d ? "must be a whole number, not a decimal" : "is out of range";
    return std::nullopt;
  }
  *why = std::string("must be an integer, not ") + JsonTypeName(v);
  return std::nullopt;
}

std::string JsonPosition(std::string_view text, std::size_t byte) {
  // The parser counts bytes from 1 and reports the byte it stopped at.
  const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // count characters, not UTF-8 bytes
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string JsonSyntaxReason(std::string_view message) {
  // The library's message reads "[json.exception.parse_error.101] parse error
  // at line 1, column 5: syntax error while parsing value - invalid literal;
  // last read: 'tru'"; keep what went wrong, in our words where we can.
  std::string_view m = message;
  if (auto dash = m.find(" - "); dash != std::string_view::npos) m = m.substr(dash + 3);
  if (auto last = m.find("; last read"); last != std::string_view::npos) m = m.substr(0, last);
  if (m.find("unexpected end of input") != std::string_view::npos) return "the text ends too early";
  if (m.find("ill-formed UTF-8") != std::string_view::npos) return "invalid UTF-8";
  if (m.find("control character") != std::string_view::npos) return "a string holds a raw control character";
  if (m.find("invalid literal") != std::string_view::npos)
    return "not a JSON value (string, number, object, array, true, false, null)";
  if (m.find("invalid number") != std::string_view::npos) return "a malformed number";
  if (m.find("invalid string") != std::string_view::npos) return "a malformed string";
  if (m.find("expected end of input") != std::string_view::npos) return "text after the JSON value";
  if (m.find("unexpected") != std::string_view::npos) return "unexpected character";
  return "malformed JSON";
}

const char* JsonTypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_float: return "a decimal number";
    default: return "an integer";
  }
}

Result<json> ParseJsonObject(std::string_view text) {
  if (text.empty()) {
    return Status::Invalid("request body is empty; a JSON object is expected", {{"body", "is empty"}});
  }
  std::vector<std::set<std::string>> keys;  // one set per open object; arrays push nothing
  int depth = 0;
  auto cb = [&](int /*d*/, json::parse_event_t event, json& parsed) -> bool {
    switch (event) {
      case json::parse_event_t::object_start: keys.emplace_back(); [[fallthrough]];
      case json::parse_event_t::array_start:
        if (++depth > kMaxDepth) throw ShapeError("JSON nests deeper than 32 levels");
        break;
      case json::parse_event_t::object_end: keys.pop_back(); [[fallthrough]];
      case json::parse_event_t::array_end: --depth; break;
      case json::parse_event_t::key:
        if (parsed.get_ref<const std::string&>().find('\0') != std::string::npos) {
          throw ShapeError("a key contains U+0000");
        }
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second) {
          throw ShapeError("duplicate key \"" + parsed.get<std::string>() + "\"");
        }
        break;
      case json::parse_event_t::value:
        // Stores differ on NUL (PostgreSQL text cannot hold it): refuse it at the door.
        if (parsed.is_string() && parsed.get_ref<const std::string&>().find('\0') != std::string::npos) {
          throw ShapeError("a string contains U+0000");
        }
        break;
      default: break;
    }
    return true;
  };
  try {
    json j = json::parse(text.begin(), text.end(), cb);
    if (!j.is_object()) {
      const std::string what = std::string("must be a JSON object, not ") + JsonTypeName(j);
      return Status::Invalid("body " + what, {{"body", what}});
    }
    return j;
  } catch (const ShapeError& e) {
    return Status::Invalid(std::string("body is not acceptable JSON: ") + e.what(), {{"body", e.what()}});
  } catch (const json::parse_error& e) {
    const std::string where = JsonPosition(text, e.byte);
    const std::string why = where + ": " + JsonSyntaxReason(e.what());
    return Status::Invalid("body is not valid JSON (" + why + ")", {{"body", why}});
  } catch (const json::exception&) {
    // Not a syntax error but a value JSON numbers here cannot hold (1e400).
    return Status::Invalid("body is not valid JSON: a number is out of range",
                           {{"body", "a number is out of range (beyond a double)"}});
  }
}

Result<CapacityInput> ParseCapacityInput(const json& body, std::string unit_id, const std::string& prefix) {
  std::vector<FieldError> errs;
  CapacityInput in;
  in.unit_id = std::move(unit_id);
  ParseInto(body, prefix, in, errs, false);
  if (!errs.empty()) return Status::Invalid("the capacity report has invalid fields", std::move(errs));
  return in;
}

Result<std::vector<CapacityInput>> ParseCapacityBatch(const json& body, size_t max_items) {
  std::vector<FieldError> errs;
  RejectUnknown(body, {"items"}, "", errs);
  auto it = body.find("items");
  if (it == body.end() || !it->is_array()) {
    errs.push_back({"items", "is required and must be an array"});
    return Status::Invalid("the batch has invalid fields", std::move(errs));
  }
  if (it->empty()) errs.push_back({"items", "must not be empty"});
  if (it->size() > max_items) {
    errs.push_back({"items", "must have at most " + std::to_string(max_items) + " items"});
    return Status::Invalid("the batch is too large", std::move(errs));
  }
  std::vector<CapacityInput> out;
  out.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    const std::string prefix = "items[" + std::to_string(i) + "].";
    if (!item.is_object()) {
      errs.push_back({"items[" + std::to_string(i) + "]", std::string("must be an object, not ") + JsonTypeName(item)});
      continue;
    }
    CapacityInput in;
    auto uid = item.find("unit_id");
    if (uid == item.end() || !uid->is_string() || uid->get_ref<const std::string&>().empty()) {
      errs.push_back({prefix + "unit_id", "is required and must be a non-empty string"});
    } else {
      in.unit_id = uid->get<std::string>();
    }
    ParseInto(item, prefix, in, errs, true);
    out.push_back(std::move(in));
  }
  if (!errs.empty()) return Status::Invalid("the batch has invalid items; nothing was stored", std::move(errs));
  return out;
}

json ToJson(const Beds& b) {
  return {{"total", b.total}, {"staffed", b.staffed}, {"occupied", b.occupied}, {"available", b.available}};
}

json ToJson(const EdState& e) {
  json j = {{"status", ToString(e.status)},
            {"waiting", e.waiting},
            {"in_treatment", e.in_treatment},
            {"boarding", e.boarding},
            {"crowding", e.crowding}};
  if (e.arrivals) j["arrivals"] = *e.arrivals;
  return j;
}

json ToJson(const CapacityReport& r) {
  json j = {{"unit_id", r.unit_id},
            {"as_of", FormatRfc3339(r.as_of)},
            {"received_at", FormatRfc3339(r.received_at)},
            {"source", ToString(r.source)},
            {"beds", r.beds ? ToJson(*r.beds) : json(nullptr)},
            {"ed", r.ed ? ToJson(*r.ed) : json(nullptr)},
            {"note", r.note},
            {"version", r.version}};
  return j;
}

}  // namespace ozcc::api
