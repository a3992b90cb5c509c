// libFuzzer target: POST /fhir/MeasureReport: the body parsed as JSON and a
// SANER MeasureReport mapped to capacity (api/fhir/saner.h). Properties: no
// crash, leak, UB or escaping exception on any input; failures are 4xx and
// render as problem+json and as an OperationOutcome; a success reports only
// units of the subject, with beds that pass the domain's bed rules
// (ValidateBeds: counts 0–100000, staffed ≤ total, occupied ≤ total,
// occupied + available ≤ staffed when any are available); and an accepted report exported again with
// CapacityToMeasureReport imports to the same numbers, with no warning.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/fhir/fhir.h"
#include "api/fhir/saner.h"
#include "api/json/capacity_json.h"
#include "core/validate.h"
#include "fuzz_util.h"

namespace {

using nlohmann::json;
using ozcc::CapacityInput;
using ozcc::UnitType;
using ozcc::api::fhir::SubjectUnit;

constexpr UnitType kTypes[] = {UnitType::kSeh,       UnitType::kIc,      UnitType::kWard,
                               UnitType::kElvLow,    UnitType::kElvHigh, UnitType::kGgzCrisis,
                               UnitType::kVvtCrisis, UnitType::kHap,     UnitType::kAmbulance};

// Any Location/<x> is one unit whose type depends on x; any Organization/<x>
// has an IC, an SEH and a ward. So every mapping path is reachable from the
// IG examples' subjects.
OZCC_FUZZ_NO_COVERAGE std::vector<SubjectUnit> AnyLookup(std::string_view ref) {
  const std::string id(ref.substr(ref.find('/') + 1));
  if (ref.starts_with("Location/")) {
    const size_t h = std::hash<std::string>{}(id);
    return {{id, kTypes[h % std::size(kTypes)]}};
  }
  return {{id + "-ic", UnitType::kIc}, {id + "-seh", UnitType::kSeh}, {id + "-ward", UnitType::kWard}};
}

OZCC_FUZZ_NO_COVERAGE void CheckFailure(const ozcc::Status& st, std::string_view input) {
  ozcc::fuzz::CheckClientError(st, input);
  const json outcome = ozcc::api::fhir::OperationOutcome(st);
  OZCC_FUZZ_CHECK(outcome.is_object() && outcome.value("resourceType", "") == "OperationOutcome");
  (void)outcome.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = ozcc::api::ParseJsonObject(text);
  if (!body.ok()) return 0;  // capacity_json_fuzz covers the JSON layer

  std::map<std::string, UnitType> seen;  // what the lookup handed out
  const ozcc::api::fhir::Lookup lookup = [&](std::string_view ref) {
    auto units = AnyLookup(ref);
    for (const SubjectUnit& u : units) seen[u.unit_id] = u.type;
    return units;
  };
  auto result = ozcc::api::fhir::MeasureReportToCapacity(*body, lookup);
  if (!result.ok()) {
    CheckFailure(result.status(), text);
    return 0;
  }
  for (const CapacityInput& in : result->inputs) {
    auto type = seen.find(in.unit_id);
    OZCC_FUZZ_CHECK(type != seen.end());
    OZCC_FUZZ_CHECK(in.beds || in.ed);
    if (in.beds) {
      const ozcc::Beds& b = *in.beds;
      OZCC_FUZZ_CHECK(ozcc::ValidateBeds(b).empty());  // the domain's bed rules, as on every input path
    }
    if (in.ed) OZCC_FUZZ_CHECK(in.ed->waiting >= 0 && in.ed->crowding >= 0 && in.ed->crowding <= 200);

    // Export, then import again: the same numbers for the same unit.
    ozcc::UnitView view;
    view.unit.id = in.unit_id;
    view.unit.organization_id = "org";
    view.unit.type = type->second;
    ozcc::CapacityReport report;
    report.unit_id = in.unit_id;
    report.as_of = in.as_of.value_or(ozcc::FromUnixMillis(0));
    report.received_at = report.as_of;
    report.beds = in.beds;
    report.ed = in.ed;
    const json exported = ozcc::api::fhir::CapacityToMeasureReport(view, report);
    const ozcc::api::fhir::Lookup exact = [&](std::string_view ref) {
      return ref == "Location/" + in.unit_id ? std::vector<SubjectUnit>{{in.unit_id, type->second}}
                                             : std::vector<SubjectUnit>{};
    };
    auto again = ozcc::api::fhir::MeasureReportToCapacity(exported, exact);
    if (!again.ok()) {
      const ozcc::Status st = again.status();
      for (const ozcc::FieldError& e : st.errors())
        std::fprintf(stderr, "  %s: %s\n", e.field.c_str(), e.message.c_str());
      std::fprintf(stderr, "exported: %s\n", exported.dump().c_str());
    }
    OZCC_FUZZ_CHECK(again.ok());
    OZCC_FUZZ_CHECK(again->inputs.size() == 1);
    OZCC_FUZZ_CHECK(again->warnings.empty());  // our own export is applied whole
    OZCC_FUZZ_CHECK(again->inputs[0].unit_id == in.unit_id);
    OZCC_FUZZ_CHECK(again->inputs[0].beds == in.beds);
    OZCC_FUZZ_CHECK(again->inputs[0].ed == in.ed);
  }
  return 0;
}
