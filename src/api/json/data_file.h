// Strict reading of the JSON data files (data/regions, data/pathways,
// data/complaints.json) and of the same documents sent to the API: every
// problem is reported at once, each as a FieldError whose `field` is the JSON
// path ("units[12].expected_interval_s", "actions[0].description.nl"; "json"
// for the document itself) and whose `message` starts "line N: ", N being the
// 1-based line where the value (or, for a missing field, its enclosing
// object) starts.
//
// Shared by region_json, pathway_json and complaint_json. Not thread-safe per
// object; no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace ozcc::api {

// 1-based line number of byte offset `offset` in `text` (offset past the
// end counts as the last line).
int LineAt(std::string_view text, size_t offset);

// Parses `text` (an optional UTF-8 byte order mark is skipped). A syntax
// error, or a number beyond double range, is kInvalid "<what> is not valid
// JSON" with one error on "json": "line N: <what is wrong>".
Result<nlohmann::json> ParseDataJson(std::string_view text, std::string_view what);

// Maps every JSON path in a syntax-checked document to the line on which it
// starts (for object members: the line of the key). Also finds duplicate keys,
// which nlohmann::json silently collapses, and nesting deeper than 64.
class PathLines {
 public:
  explicit PathLines(std::string_view text);

  // Line of `path`, else of its nearest enclosing value that exists.
  int LineOf(std::string path) const;

  // Duplicate keys and too deep nesting, with lines.
  const std::vector<FieldError>& errors() const { return errors_; }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void SkipSpace();
  std::string String();
  void Value(const std::string& path, int depth);
  void Object(const std::string& path, int depth);
  void Array(const std::string& path, int depth);

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  std::unordered_map<std::string, int> lines_;
  std::vector<FieldError> errors_;
};

// A field's path; an empty key is shown as "" so that every error names a field.
std::string JoinPath(std::string_view path, std::string_view key);
// "path[i]".
std::string IndexPath(std::string_view path, size_t i);

// Reads typed fields out of JSON objects, collecting errors with lines. Each
// reader reports a missing required field, a wrong JSON type, and (Object)
// every unknown key; the `out` parameter is left unchanged on an error.
class DataReader {
 public:
  // Starts with the PathLines' own errors (duplicate keys, depth).
  explicit DataReader(const PathLines& lines) : lines_(lines), errors_(lines.errors()) {}

  void Error(const std::string& path, const std::string& message);

  // True when `v` is an object; also reports every key not in `known`.
  bool Object(const nlohmann::json& v, const std::string& path, std::initializer_list<std::string_view> known);

  // The member `key`, or nullptr (reporting it when required).
  const nlohmann::json* Member(const nlohmann::json& obj, const std::string& path, const char* key, bool required);

  // Each returns true when the member was present and of the right type.
  bool String(const nlohmann::json& obj, const std::string& path, const char* key, bool required, std::string& out);
  // Integers within ±kMaxInteger, written as integers (not 3.0 or "3").
  bool Integer(const nlohmann::json& obj, const std::string& path, const char* key, bool required, std::int64_t& out);
  bool Number(const nlohmann::json& obj, const std::string& path, const char* key, bool required, double& out);
  bool Bool(const nlohmann::json& obj, const std::string& path, const char* key, bool required, bool& out);
  // The array member `key`, or nullptr.
  const nlohmann::json* Array(const nlohmann::json& obj, const std::string& path, const char* key,
                              bool required = true);
  // An array of strings; reports each element that is not a string.
  bool StringArray(const nlohmann::json& obj, const std::string& path, const char* key, bool required,
                   std::vector<std::string>& out);

  std::vector<FieldError>& errors() { return errors_; }

  static constexpr std::int64_t kMaxInteger = 10'000'000;

 private:
  const PathLines& lines_;
  std::vector<FieldError> errors_;
};

// True when `field` or a path enclosing it ("actions[2]" for
// "actions[2].code") is in `fields`: a domain finding on a value whose shape
// was already reported is not reported again. An error on "json" (the
// document is not an object) covers every field.
bool CoveredBy(const std::set<std::string>& fields, std::string field);

// "a, b, c": the wire names of `all`, for "one of …" messages.
template <class E, class F>
std::string EnumNames(std::initializer_list<E> all, F to_string) {
  std::string s;
  for (E e : all) s += (s.empty() ? "" : ", ") + std::string(to_string(e));
  return s;
}
template <class Range, class F>
std::string EnumNames(const Range& all, F to_string) {
  std::string s;
  for (const auto& e : all) s += (s.empty() ? "" : ", ") + std::string(to_string(e));
  return s;
}

// Reads an enum-valued string member; reports an unknown name with the list
// of known ones. Returns nullopt when absent or wrong.
template <class E, class ParseF>
std::optional<E> ReadEnum(DataReader& r, const nlohmann::json& obj, const std::string& path, const char* key,
                          bool required, ParseF parse, const std::string& what, const std::string& names) {
  std::string s;
  if (!r.String(obj, path, key, required, s)) return std::nullopt;
  if (auto e = parse(s)) return e;
  r.Error(JoinPath(path, key), "unknown " + what + " \"" + s + "\" (one of " + names + ")");
  return std::nullopt;
}

}  // namespace ozcc::api
