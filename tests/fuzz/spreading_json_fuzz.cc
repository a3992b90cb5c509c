// libFuzzer target: spreading instances (`openzcc spread --input`):
// ParseSpreadingInstanceJson, and on a success the optimiser.
// Properties: no crash, leak, UB or escaping exception on any input; failures
// are kInvalid with every error naming a field and rendering as
// problem+json; a parsed instance is accepted by Spreader::Build and solves
// to a plan with one assignment per patient, no (hospital, care type) given
// more patients than it has open places, no place at a stale one, costs that
// add up, and a plan document that is valid JSON.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "api/json/spreading_json.h"
#include "engine/spreading/spreader.h"
#include "fuzz_util.h"

namespace {

using ozcc::engine::spreading::Assignment;
using ozcc::engine::spreading::Spreader;

OZCC_FUZZ_NO_COVERAGE void CheckFailure(const ozcc::Status& st, std::string_view text) {
  ozcc::fuzz::CheckClientError(st, text);
  OZCC_FUZZ_CHECK(st.code() == ozcc::Code::kInvalid);
  OZCC_FUZZ_CHECK(!st.errors().empty());
  for (const ozcc::FieldError& e : st.errors()) OZCC_FUZZ_CHECK(!e.field.empty());
}

}  // namespace

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto in = ozcc::api::ParseSpreadingInstanceJson(text);
  if (!in.ok()) {
    CheckFailure(in.status(), text);
    return 0;
  }
  auto spreader = Spreader::Build(*in);
  OZCC_FUZZ_CHECK(spreader.ok());
  // Solve only what is cheap: the place arcs grow with staffed.
  std::int64_t places = 0;
  for (const auto& h : in->hospitals) {
    for (const auto& c : h.capacity) places += std::max<std::int64_t>(0, c.staffed - c.occupied);
  }
  if (places > 100'000) return 0;
  auto plan = spreader->Solve();
  OZCC_FUZZ_CHECK(plan.ok());
  OZCC_FUZZ_CHECK(plan->assignments.size() == in->patients.size());
  std::map<std::pair<int, int>, std::int64_t> used;
  double total = 0;
  for (const Assignment& a : plan->assignments) {
    OZCC_FUZZ_CHECK(std::isfinite(a.cost) && a.cost >= 0);
    total += a.cost;
    if (a.hospital < 0) continue;
    OZCC_FUZZ_CHECK(static_cast<size_t>(a.hospital) < in->hospitals.size());
    ++used[{a.hospital, static_cast<int>(a.care_type)}];
  }
  for (const auto& [hk, n] : used) {
    OZCC_FUZZ_CHECK(n <=
                    spreader->Open(in->hospitals[hk.first], static_cast<ozcc::engine::spreading::CareType>(hk.second)));
  }
  OZCC_FUZZ_CHECK(std::abs(total - plan->total_cost) <= 1e-6 * std::max(1.0, total));
  const std::string doc = ozcc::api::ToJson(*in, *plan, 0.0).dump();
  OZCC_FUZZ_CHECK(nlohmann::json::accept(doc));
  return 0;
}
