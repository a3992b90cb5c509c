// libFuzzer target: the capacity JSON bodies (PUT /api/v1/units/{id}/capacity
// and POST /api/v1/capacity:batch): ParseJsonObject, ParseCapacityInput,
// ParseCapacityBatch. Properties: no crash, leak, UB or escaping exception on
// any input; failures are 4xx with named fields; a parsed body written back
// with ToJson() parses to the same input (counts are what the text said).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/json/capacity_json.h"
#include "fuzz_util.h"

namespace {

using nlohmann::json;
using ozcc::CapacityInput;

OZCC_FUZZ_NO_COVERAGE bool Same(const CapacityInput& a, const CapacityInput& b) {
  return a.unit_id == b.unit_id && a.as_of == b.as_of && a.beds == b.beds && a.ed == b.ed && a.note == b.note;
}

// The body a client would send for `in`; as_of only where it has an RFC 3339
// form (the expected input is adjusted to match).
OZCC_FUZZ_NO_COVERAGE json Body(CapacityInput& in) {
  json j = json::object();
  if (in.as_of) {
    const std::string s = ozcc::FormatRfc3339(*in.as_of);
    if (ozcc::ParseRfc3339(s) == in.as_of) {
      j["as_of"] = s;
    } else {
      in.as_of.reset();
    }
  }
  if (in.beds) j["beds"] = ozcc::api::ToJson(*in.beds);
  if (in.ed) j["ed"] = ozcc::api::ToJson(*in.ed);
  if (!in.note.empty()) j["note"] = in.note;
  return j;
}

OZCC_FUZZ_NO_COVERAGE void CheckFailure(const ozcc::Status& st, std::string_view input) {
  ozcc::fuzz::CheckClientError(st, input);
  OZCC_FUZZ_CHECK(st.code() == ozcc::Code::kInvalid);
}

}  // namespace

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ozcc::api::ParseJsonObject(text);
  if (!parsed.ok()) {
    CheckFailure(parsed.status(), text);
    return 0;
  }
  const json& body = *parsed;
  OZCC_FUZZ_CHECK(body.is_object());

  // Single unit.
  auto one = ozcc::api::ParseCapacityInput(body, "unit-1", "");
  if (!one.ok()) {
    const ozcc::Status st = one.status();
    CheckFailure(st, text);
    OZCC_FUZZ_CHECK(!st.errors().empty());
  } else {
    CapacityInput expected = *one;
    OZCC_FUZZ_CHECK(expected.unit_id == "unit-1");
    const std::string again = Body(expected).dump();
    auto reparsed = ozcc::api::ParseJsonObject(again);
    OZCC_FUZZ_CHECK(reparsed.ok());
    auto round = ozcc::api::ParseCapacityInput(*reparsed, "unit-1", "");
    OZCC_FUZZ_CHECK(round.ok());
    OZCC_FUZZ_CHECK(Same(*round, expected));
  }

  // Batch.
  auto batch = ozcc::api::ParseCapacityBatch(body, 64);
  if (!batch.ok()) {
    const ozcc::Status st = batch.status();
    CheckFailure(st, text);
    OZCC_FUZZ_CHECK(!st.errors().empty());
  } else {
    OZCC_FUZZ_CHECK(!batch->empty() && batch->size() <= 64);
    std::vector<CapacityInput> expected = *batch;
    json items = json::array();
    for (CapacityInput& in : expected) {
      OZCC_FUZZ_CHECK(!in.unit_id.empty());
      json item = Body(in);
      item["unit_id"] = in.unit_id;
      items.push_back(std::move(item));
    }
    auto reparsed = ozcc::api::ParseJsonObject(json{{"items", items}}.dump());
    OZCC_FUZZ_CHECK(reparsed.ok());
    auto round = ozcc::api::ParseCapacityBatch(*reparsed, 64);
    OZCC_FUZZ_CHECK(round.ok());
    OZCC_FUZZ_CHECK(round->size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) OZCC_FUZZ_CHECK(Same((*round)[i], expected[i]));
  }
  return 0;
}
