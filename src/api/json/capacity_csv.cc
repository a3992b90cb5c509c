#include "api/json/capacity_csv.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "base/utf8.h"

namespace ozcc::api {

namespace {

// ---------------------------------------------------------------------------
// RFC 4180 lexer: yields one record at a time with unquoted field text.

struct RawField {
  std::string text;
  bool quoted = false;
};

struct LexError {
  size_t field_index;  // 0-based field within the record
  std::string message;
};

struct RawRecord {
  size_t line = 0;  // physical line where the record starts
  std::vector<RawField> fields;
  std::vector<LexError> errors;
  bool Blank() const { return fields.size() == 1 && !fields[0].quoted && fields[0].text.empty() && errors.empty(); }
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {
    if (s_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  // Reads the next record into `rec`; false at the end of input.
  bool Next(RawRecord& rec) {
    if (pos_ >= s_.size()) return false;
    rec.line = line_;
    rec.fields.clear();
    rec.errors.clear();
    for (;;) {
      RawField f;
      const size_t index = rec.fields.size();
      bool end_of_record = false;
      if (pos_ < s_.size() && s_[pos_] == '"') {
        f.quoted = true;
        const size_t opened = line_;
        ++pos_;
        bool closed = false;
        while (pos_ < s_.size()) {
          const char c = s_[pos_];
          if (c == '"') {
            if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
              f.text.push_back('"');
              pos_ += 2;
              continue;
            }
            ++pos_;
            closed = true;
            break;
          }
          if (c == '\n') ++line_;
          f.text.push_back(c);
          ++pos_;
        }
        if (!closed) {
          rec.errors.push_back({index, "unterminated quoted field (opened on line " + std::to_string(opened) + ")"});
          rec.fields.push_back(std::move(f));
          return true;
        }
        // After the closing quote only a delimiter or a line end may follow.
        bool garbage = false;
        while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '\n' &&
               !(s_[pos_] == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n')) {
          garbage = true;
          ++pos_;
        }
        if (garbage) rec.errors.push_back({index, "unexpected text after closing quote"});
      } else {
        bool quote_err = false, cr_err = false;
        while (pos_ < s_.size()) {
          const char c = s_[pos_];
          if (c == ',' || c == '\n') break;
          if (c == '\r') {
            if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') break;
            if (!cr_err) rec.errors.push_back({index, "carriage return not followed by line feed"});
            cr_err = true;
          } else if (c == '"' && !quote_err) {
            rec.errors.push_back(
                {index, "quote inside an unquoted field (quote the whole field and double the quote)"});
            quote_err = true;
          }
          f.text.push_back(c);
          ++pos_;
        }
      }
      rec.fields.push_back(std::move(f));
      // Delimiter or record end.
      if (pos_ >= s_.size()) {
        end_of_record = true;
      } else if (s_[pos_] == ',') {
        ++pos_;
      } else {  // "\n" or "\r\n"
        pos_ += s_[pos_] == '\r' ? 2 : 1;
        ++line_;
        end_of_record = true;
      }
      if (end_of_record) return true;
    }
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

// ---------------------------------------------------------------------------
// Cell checks.

// Strict UTF-8 (base/utf8.h) without NUL bytes.
const char* Utf8Problem(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return "contains a NUL byte";
  return ValidUtf8(s) ? nullptr : "is not valid UTF-8";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// At most `max` bytes of valid UTF-8 `s`, cut at a character boundary and
// marked with "..." when shortened (error texts quote user input).
std::string Clip(std::string_view s, size_t max = 40) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

// Parses a trimmed, non-empty integer cell. Returns an error message or null.
const char* ParseCount(std::string_view s, std::int64_t& out) {
  bool neg = false;
  if (!s.empty() && s.front() == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return "must be an integer";
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return "must be an integer";
    if (v > 100000000000000000) return "is out of range";  // > 10^17 before the next digit
    v = v * 10 + (c - '0');
  }
  if (v > 1000000000000000000) return "is out of range";
  out = neg ? -v : v;
  return nullptr;
}

// ---------------------------------------------------------------------------
// Columns.

enum Col : size_t {
  kUnitId,
  kAsOf,
  kBedsTotal,
  kBedsStaffed,
  kBedsOccupied,
  kBedsAvailable,
  kEdStatus,
  kEdWaiting,
  kEdInTreatment,
  kEdBoarding,
  kEdCrowding,
  kNote,
  kEdArrivals,
  kNumCols,
};

constexpr std::array<std::string_view, kNumCols> kColNames = {
    "unit_id",    "as_of",           "beds_total",  "beds_staffed", "beds_occupied", "beds_available", "ed_status",
    "ed_waiting", "ed_in_treatment", "ed_boarding", "ed_crowding",  "note",          "ed_arrivals",
};

constexpr std::array<Col, 4> kBedCols = {kBedsTotal, kBedsStaffed, kBedsOccupied, kBedsAvailable};
constexpr std::array<Col, 4> kEdCountCols = {kEdWaiting, kEdInTreatment, kEdBoarding, kEdCrowding};

std::optional<Col> LookupColumn(std::string_view name) {
  std::string lower(Trim(name));
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (size_t i = 0; i < kNumCols; ++i) {
    if (kColNames[i] == lower) return static_cast<Col>(i);
  }
  return std::nullopt;
}

class Errors {
 public:
  void Add(size_t line, std::string_view where, std::string message) {
    if (list_.size() >= kMaxCsvErrors) {
      ++dropped_;
      return;
    }
    std::string field = "line " + std::to_string(line);
    if (!where.empty()) {
      field += ": ";
      field += where;
    }
    list_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const { return list_.empty(); }
  std::vector<FieldError> Take() {
    if (dropped_ > 0) list_.push_back({"errors", std::to_string(dropped_) + " more errors not listed"});
    return std::move(list_);
  }

 private:
  std::vector<FieldError> list_;
  size_t dropped_ = 0;
};

}  // namespace

Result<std::vector<CsvCapacityRow>> ParseCapacityCsv(std::string_view text, size_t max_rows) {
  Lexer lexer(text);
  Errors errors;
  RawRecord rec;

  // Header: the first non-blank record.
  bool have_header = false;
  while (lexer.Next(rec)) {
    if (!rec.Blank()) {
      have_header = true;
      break;
    }
  }
  if (!have_header) {
    return Status::Invalid("CSV has no header row", {{"line 1", "a header row naming the columns is required"}});
  }

  const size_t header_line = rec.line;
  const size_t width = rec.fields.size();
  std::vector<std::string> names(width);         // display name per field index
  std::vector<std::optional<Col>> kinds(width);  // column per field index
  std::array<std::optional<size_t>, kNumCols> index_of{};
  {
    std::vector<bool> bad(width, false);
    for (const LexError& e : rec.errors) {
      errors.Add(header_line, "column " + std::to_string(e.field_index + 1), e.message);
      bad[e.field_index] = true;
    }
    for (size_t i = 0; i < width; ++i) {
      const std::string& raw = rec.fields[i].text;
      const std::string column_k = "column " + std::to_string(i + 1);
      names[i] = column_k;
      if (bad[i]) continue;
      if (const char* p = Utf8Problem(raw)) {
        errors.Add(header_line, column_k, std::string("name ") + p);
        continue;
      }
      const std::string_view name = Trim(raw);
      if (name.empty()) {
        errors.Add(header_line, column_k, "column name is empty");
        continue;
      }
      names[i] = Clip(name, 64);
      const std::optional<Col> col = LookupColumn(name);
      if (!col) {
        std::string known;
        for (std::string_view n : kColNames) known += (known.empty() ? "" : ", ") + std::string(n);
        errors.Add(header_line, names[i], "unknown column (known: " + known + ")");
        continue;
      }
      if (index_of[*col]) {
        names[i] = std::string(kColNames[*col]);
        errors.Add(header_line, names[i], "duplicate column (also column " + std::to_string(*index_of[*col] + 1) + ")");
        continue;
      }
      index_of[*col] = i;
      kinds[i] = col;
      names[i] = std::string(kColNames[*col]);
    }
    if (!index_of[kUnitId]) errors.Add(header_line, "unit_id", "required column is missing");
    size_t bed_cols = 0;
    for (Col c : kBedCols) bed_cols += index_of[c] ? 1 : 0;
    if (bed_cols != 0 && bed_cols != kBedCols.size()) {
      for (Col c : kBedCols) {
        if (!index_of[c]) {
          errors.Add(header_line, kColNames[c], "column is missing: the four beds_ columns come together");
        }
      }
    }
    bool any_ed_count = false;
    for (Col c : kEdCountCols) any_ed_count |= index_of[c].has_value();
    if (any_ed_count && !index_of[kEdStatus]) {
      errors.Add(header_line, "ed_status", "column is missing: ed_ count columns need ed_status");
    }
  }
  const auto name_of = [&](size_t i) -> std::string {
    return i < width ? names[i] : "column " + std::to_string(i + 1);
  };

  std::vector<CsvCapacityRow> rows;
  size_t data_rows = 0;
  while (lexer.Next(rec)) {
    if (rec.Blank()) continue;
    if (++data_rows > max_rows) {
      return Status(Code::kTooLarge, "CSV has more than " + std::to_string(max_rows) + " data rows");
    }
    const size_t line = rec.line;
    for (const LexError& e : rec.errors) errors.Add(line, name_of(e.field_index), e.message);
    if (rec.fields.size() != width) {
      errors.Add(line, "",
                 "has " + std::to_string(rec.fields.size()) + " fields, the header has " + std::to_string(width));
      continue;
    }
    if (!rec.errors.empty()) continue;

    bool row_ok = true;
    std::array<const std::string*, kNumCols> cell{};
    for (size_t i = 0; i < width; ++i) {
      if (const char* p = Utf8Problem(rec.fields[i].text)) {
        errors.Add(line, name_of(i), p);
        row_ok = false;
        continue;
      }
      if (kinds[i]) cell[*kinds[i]] = &rec.fields[i].text;
    }
    if (!row_ok) continue;
    const auto trimmed = [&](Col c) -> std::string_view { return cell[c] ? Trim(*cell[c]) : std::string_view{}; };
    const auto count = [&](Col c, std::int64_t& out) {
      const std::string_view v = trimmed(c);
      if (const char* p = ParseCount(v, out)) {
        errors.Add(line, kColNames[c], std::string(p) + ", got \"" + Clip(v) + "\"");
        row_ok = false;
      }
    };

    CsvCapacityRow row;
    row.line = line;
    CapacityInput& in = row.input;

    if (index_of[kUnitId]) {
      in.unit_id = std::string(trimmed(kUnitId));
      if (in.unit_id.empty()) {
        errors.Add(line, "unit_id", "is required");
        row_ok = false;
      }
    }

    if (const std::string_view as_of = trimmed(kAsOf); !as_of.empty()) {
      in.as_of = ParseRfc3339(as_of);
      if (!in.as_of) {
        errors.Add(line, "as_of", "must be an RFC 3339 time such as 2026-11-26T13:40:00Z");
        row_ok = false;
      }
    }

    size_t beds_set = 0;
    for (Col c : kBedCols) beds_set += trimmed(c).empty() ? 0 : 1;
    if (beds_set == kBedCols.size()) {
      Beds b;
      count(kBedsTotal, b.total);
      count(kBedsStaffed, b.staffed);
      count(kBedsOccupied, b.occupied);
      count(kBedsAvailable, b.available);
      in.beds = b;
    } else if (beds_set != 0) {
      for (Col c : kBedCols) {
        if (trimmed(c).empty() && index_of[c]) {
          errors.Add(line, kColNames[c], "is required when any beds_ cell of the row is set");
          row_ok = false;
        }
      }
    }

    if (const std::string_view status = trimmed(kEdStatus); !status.empty()) {
      EdState e;
      if (const std::optional<EdStatus> s = ParseEdStatus(status)) {
        e.status = *s;
      } else {
        errors.Add(line, "ed_status", "must be open, threatened or closed, got \"" + Clip(status) + "\"");
        row_ok = false;
      }
      std::array<std::int64_t*, 4> dst = {&e.waiting, &e.in_treatment, &e.boarding, &e.crowding};
      for (size_t k = 0; k < kEdCountCols.size(); ++k) {
        if (!trimmed(kEdCountCols[k]).empty()) count(kEdCountCols[k], *dst[k]);
      }
      if (!trimmed(kEdArrivals).empty()) {
        std::int64_t a = 0;
        count(kEdArrivals, a);
        e.arrivals = a;
      }
      in.ed = e;
    } else {
      for (Col c : {kEdWaiting, kEdInTreatment, kEdBoarding, kEdCrowding, kEdArrivals}) {
        if (!trimmed(c).empty()) {
          errors.Add(line, kColNames[c], "needs ed_status in the same row");
          row_ok = false;
        }
      }
    }

    if (cell[kNote]) in.note = *cell[kNote];
    if (row_ok) rows.push_back(std::move(row));
  }

  if (!errors.empty()) return Status::Invalid("CSV has errors", errors.Take());
  return rows;
}

}  // namespace ozcc::api
