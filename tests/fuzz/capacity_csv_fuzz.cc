// libFuzzer target: ParseCapacityCsv (POST /api/v1/capacity:import-csv).
// Properties: no crash, leak or UB on any input; a failure is a 4xx with
// every error named "line N…" in valid UTF-8; a success survives a round
// trip (rows written back as CSV parse to the same inputs, so the counts are
// what the text said) and row lines increase.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/json/capacity_csv.h"
#include "fuzz_util.h"

namespace {

using ozcc::CapacityInput;
using ozcc::api::CsvCapacityRow;

constexpr size_t kMaxRows = 64;  // small, so the kTooLarge path is reachable

OZCC_FUZZ_NO_COVERAGE std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

// Writes rows back as CSV; `expected` gets what the re-parse must return
// (as_of is dropped where it has no RFC 3339 form, e.g. years past 9999).
OZCC_FUZZ_NO_COVERAGE std::string Write(const std::vector<CsvCapacityRow>& rows, std::vector<CapacityInput>& expected) {
  std::string out =
      "note,unit_id,as_of,beds_total,beds_staffed,beds_occupied,beds_available,ed_status,ed_waiting,"
      "ed_in_treatment,ed_boarding,ed_crowding\r\n";
  for (const CsvCapacityRow& row : rows) {
    CapacityInput in = row.input;
    std::string as_of;
    if (in.as_of) {
      as_of = ozcc::FormatRfc3339(*in.as_of);
      if (ozcc::ParseRfc3339(as_of) != in.as_of) {
        as_of.clear();
        in.as_of.reset();
      }
    }
    out += Quote(in.note) + "," + Quote(in.unit_id) + "," + as_of;
    if (in.beds) {
      out += "," + std::to_string(in.beds->total) + "," + std::to_string(in.beds->staffed) + "," +
             std::to_string(in.beds->occupied) + "," + std::to_string(in.beds->available);
    } else {
      out += ",,,,";
    }
    if (in.ed) {
      out += "," + std::string(ozcc::ToString(in.ed->status)) + "," + std::to_string(in.ed->waiting) + "," +
             std::to_string(in.ed->in_treatment) + "," + std::to_string(in.ed->boarding) + "," +
             std::to_string(in.ed->crowding);
    } else {
      out += ",,,,,";
    }
    out += "\n";
    expected.push_back(std::move(in));
  }
  return out;
}

OZCC_FUZZ_NO_COVERAGE bool Same(const CapacityInput& a, const CapacityInput& b) {
  return a.unit_id == b.unit_id && a.as_of == b.as_of && a.beds == b.beds && a.ed == b.ed && a.note == b.note;
}

}  // namespace

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = ozcc::api::ParseCapacityCsv(text, kMaxRows);
  if (!result.ok()) {
    const ozcc::Status st = result.status();
    ozcc::fuzz::CheckClientError(st, text);
    OZCC_FUZZ_CHECK(st.code() == ozcc::Code::kInvalid || st.code() == ozcc::Code::kTooLarge);
    OZCC_FUZZ_CHECK(st.errors().size() <= ozcc::api::kMaxCsvErrors + 1);
    for (const ozcc::FieldError& e : st.errors()) {
      OZCC_FUZZ_CHECK(e.field.starts_with("line ") || e.field == "errors");
      OZCC_FUZZ_CHECK(ozcc::fuzz::ValidUtf8(e.field) && ozcc::fuzz::ValidUtf8(e.message));
    }
    return 0;
  }
  const std::vector<CsvCapacityRow>& rows = *result;
  OZCC_FUZZ_CHECK(rows.size() <= kMaxRows);
  size_t prev = 1;
  for (const CsvCapacityRow& row : rows) {
    OZCC_FUZZ_CHECK(row.line > prev);
    prev = row.line;
    OZCC_FUZZ_CHECK(!row.input.unit_id.empty());
    OZCC_FUZZ_CHECK(ozcc::fuzz::ValidUtf8(row.input.unit_id) && ozcc::fuzz::ValidUtf8(row.input.note));
  }
  std::vector<CapacityInput> expected;
  const std::string again = Write(rows, expected);
  auto reparsed = ozcc::api::ParseCapacityCsv(again, kMaxRows);
  OZCC_FUZZ_CHECK(reparsed.ok());
  OZCC_FUZZ_CHECK(reparsed->size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) OZCC_FUZZ_CHECK(Same((*reparsed)[i].input, expected[i]));
  return 0;
}
