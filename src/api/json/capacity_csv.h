// CSV capacity import (POST /api/v1/capacity:import-csv): text/csv → one
// CapacityInput per data row. Shape only — the domain rules (staffed ≤ total,
// crowding 0–200, unit type has beds, …) are core/validate.h, which the
// handler calls per row with the prefix "line N: ".
//
// Format
//   - RFC 4180: fields separated by ',', records by CRLF or LF; a field may be
//     quoted with '"', a quoted field may hold ',', '"' (written "") and line
//     breaks. An optional UTF-8 byte-order mark is skipped. Blank lines (no
//     characters at all) are skipped anywhere, so a trailing newline or empty
//     last line is fine. A '"' inside an unquoted field, text after a closing
//     quote, a carriage return not followed by LF outside quotes and an
//     unterminated quote are errors.
//   - Exactly one header row (the first non-blank record). Column names are
//     matched case-insensitively after trimming spaces/tabs, in any order:
//       unit_id           required column; a non-empty cell in every row
//       as_of             optional; RFC 3339 (base/time.h); empty = now
//       beds_total, beds_staffed, beds_occupied, beds_available
//                         the four columns come together or not at all; per
//                         row either all four cells are set (beds present) or
//                         all are empty (no beds)
//       ed_status         open | threatened | closed; a non-empty cell means
//                         the row has ED fields, empty means none
//       ed_waiting, ed_in_treatment, ed_boarding, ed_crowding
//                         need the ed_status column; empty cell = 0 when the
//                         row has ED fields, must be empty otherwise
//       ed_arrivals       optional; needs ed_status; patients arrived in the
//                         hour before as_of; empty cell = not reported
//       note              free text, taken verbatim
//     Unknown or duplicate column names are errors.
//   - Counts are base-10 integers with an optional '-' (negative values parse;
//     validation rejects them) and surrounding spaces/tabs; anything else
//     ("1.0", "1e3", "12 beds") is an error, as is a magnitude beyond 10^18.
//   - Every field must be valid UTF-8 without NUL bytes.
//
// Errors
//   Any error makes the result kInvalid with every error listed (at most
//   kMaxCsvErrors, then one final entry saying how many more there were).
//   FieldError.field is "line N: column" where N is the 1-based physical line
//   on which the record starts (the header is line 1 unless blank lines precede
//   it) and column is the header name, or "column K" (1-based) where the header
//   has no usable name; errors about a whole record use "line N". More than
//   `max_rows` data rows → kTooLarge (parsing stops there).
//
// Pure and thread-safe; no allocation beyond the result.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/types.h"

namespace ozcc::api {

inline constexpr size_t kMaxCsvErrors = 1000;

struct CsvCapacityRow {
  size_t line = 0;  // physical line on which the record starts, 1-based
  CapacityInput input;
};

Result<std::vector<CsvCapacityRow>> ParseCapacityCsv(std::string_view text, size_t max_rows = 20000);

}  // namespace ozcc::api
