#include "api/json/data_file.h"

#include <algorithm>
#include <set>
#include <utility>

#include "api/json/capacity_json.h"

namespace ozcc::api {

using nlohmann::json;

namespace {

constexpr int kMaxDepth = 64;

}  // namespace

int LineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

Result<json> ParseDataJson(std::string_view text, std::string_view what) {
  const std::string invalid = std::string(what) + " is not valid JSON";
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    std::string why = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error …" → "syntax error …"
    if (auto col = why.find("column "); col != std::string::npos) {
      if (auto colon = why.find(": ", col); colon != std::string::npos) why = why.substr(colon + 2);
    }
    size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    return Status::Invalid(invalid, {{"json", "line " + std::to_string(LineAt(text, offset)) + ": " + why}});
  } catch (const json::exception& e) {
    // Not a syntax error but a value the parser cannot hold: a number beyond
    // double range (out_of_range.406). Found by region_json_fuzz.
    std::string why = e.what();
    if (auto close = why.find("] "); close != std::string::npos) why = why.substr(close + 2);
    int line = 1;  // the message quotes the number; find it for the line
    if (auto q1 = why.find('\''), q2 = why.rfind('\''); q1 != std::string::npos && q2 > q1 + 1) {
      if (auto at = text.find(why.substr(q1 + 1, q2 - q1 - 1)); at != std::string_view::npos) line = LineAt(text, at);
    }
    return Status::Invalid(invalid, {{"json", "line " + std::to_string(line) + ": " + why}});
  }
}

// ---------------------------------------------------------------------------
// PathLines

PathLines::PathLines(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
  Value("", 0);
}

int PathLines::LineOf(std::string path) const {
  while (true) {
    if (auto it = lines_.find(path); it != lines_.end()) return it->second;
    if (path.empty()) return 1;
    size_t cut = path.find_last_of(".[");
    path = cut == std::string::npos ? std::string() : path.substr(0, cut);
  }
}

void PathLines::SkipSpace() {
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
std::string PathLines::String() {
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

void PathLines::Value(const std::string& path, int depth) {
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

void PathLines::Object(const std::string& path, int depth) {
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

void PathLines::Array(const std::string& path, int depth) {
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

// ---------------------------------------------------------------------------
// Paths and DataReader

std::string JoinPath(std::string_view path, std::string_view key) {
  std::string k = key.empty() ? std::string("\"\"") : std::string(key);
  return path.empty() ? k : std::string(path) + "." + k;
}

std::string IndexPath(std::string_view path, size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

bool CoveredBy(const std::set<std::string>& fields, std::string field) {
  if (fields.count("json")) return true;  // the document itself is wrong: nothing else is worth saying
  while (true) {
    if (fields.count(field)) return true;
    size_t cut = field.find_last_of(".[");
    if (cut == std::string::npos) return false;
    field.resize(cut);
  }
}

void DataReader::Error(const std::string& path, const std::string& message) {
  errors_.push_back({path, "line " + std::to_string(lines_.LineOf(path)) + ": " + message});
}

bool DataReader::Object(const json& v, const std::string& path, std::initializer_list<std::string_view> known) {
  if (!v.is_object()) {
    Error(path.empty() ? "json" : path, std::string("must be an object, not ") + JsonTypeName(v));
    return false;
  }
  for (const auto& [key, _] : v.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string allowed;
      for (std::string_view k : known) allowed += (allowed.empty() ? "" : ", ") + std::string(k);
      Error(JoinPath(path, key), "unknown field \"" + key + "\" (allowed: " + allowed + ")");
    }
  }
  return true;
}

const json* DataReader::Member(const json& obj, const std::string& path, const char* key, bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) Error(JoinPath(path, key), "required field \"" + std::string(key) + "\" is missing");
    return nullptr;
  }
  return &*it;
}

bool DataReader::String(const json& obj, const std::string& path, const char* key, bool required, std::string& out) {
  const json* v = Member(obj, path, key, required);
  if (!v) return false;
  if (!v->is_string()) {
    Error(JoinPath(path, key), std::string("must be a string, not ") + JsonTypeName(*v));
    return false;
  }
  out = v->get<std::string>();
  return true;
}

bool DataReader::Integer(const json& obj, const std::string& path, const char* key, bool required, std::int64_t& out) {
  const json* v = Member(obj, path, key, required);
  if (!v) return false;
  if (!v->is_number_integer()) {
    Error(JoinPath(path, key), std::string("must be an integer, not ") + JsonTypeName(*v));
    return false;
  }
  if (v->is_number_unsigned() ? v->get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxInteger)
                              : (v->get<std::int64_t>() > kMaxInteger || v->get<std::int64_t>() < -kMaxInteger)) {
    Error(JoinPath(path, key), "is out of range");
    return false;
  }
  out = v->get<std::int64_t>();
  return true;
}

bool DataReader::Number(const json& obj, const std::string& path, const char* key, bool required, double& out) {
  const json* v = Member(obj, path, key, required);
  if (!v) return false;
  if (!v->is_number()) {
    Error(JoinPath(path, key), std::string("must be a number, not ") + JsonTypeName(*v));
    return false;
  }
  out = v->get<double>();
  return true;
}

bool DataReader::Bool(const json& obj, const std::string& path, const char* key, bool required, bool& out) {
  const json* v = Member(obj, path, key, required);
  if (!v) return false;
  if (!v->is_boolean()) {
    Error(JoinPath(path, key), std::string("must be true or false, not ") + JsonTypeName(*v));
    return false;
  }
  out = v->get<bool>();
  return true;
}

const json* DataReader::Array(const json& obj, const std::string& path, const char* key, bool required) {
  const json* v = Member(obj, path, key, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    Error(JoinPath(path, key), std::string("must be an array, not ") + JsonTypeName(*v));
    return nullptr;
  }
  return v;
}

bool DataReader::StringArray(const json& obj, const std::string& path, const char* key, bool required,
                             std::vector<std::string>& out) {
  const json* arr = Array(obj, path, key, required);
  if (!arr) return false;
  const std::string p = JoinPath(path, key);
  bool ok = true;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& v = (*arr)[i];
    if (!v.is_string()) {
      Error(IndexPath(p, i), std::string("must be a string, not ") + JsonTypeName(v));
      ok = false;
      continue;
    }
    out.push_back(v.get<std::string>());
  }
  return ok;
}

}  // namespace ozcc::api
