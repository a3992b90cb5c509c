// libFuzzer target: simulation scenarios (`openzcc simulate --scenario`,
// data/scenarios/*.json): ParseScenarioJson, and on a success the simulator.
// Properties: no crash, leak, UB or escaping exception on any input; failures
// are kInvalid with every error naming a field and rendering as
// problem+json; a parsed scenario survives ToJson → parse unchanged, is
// accepted by Simulator::Build, and (when small enough to run in a
// millisecond) runs two replications to figures within their ranges.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/json/scenario_json.h"
#include "engine/simulate/simulator.h"
#include "fuzz_util.h"

namespace {

using ozcc::engine::simulate::Simulator;

OZCC_FUZZ_NO_COVERAGE void CheckFailure(const ozcc::Status& st, std::string_view text) {
  ozcc::fuzz::CheckClientError(st, text);
  OZCC_FUZZ_CHECK(st.code() == ozcc::Code::kInvalid);
  OZCC_FUZZ_CHECK(!st.errors().empty());
  for (const ozcc::FieldError& e : st.errors()) OZCC_FUZZ_CHECK(!e.field.empty());
}

OZCC_FUZZ_NO_COVERAGE bool InRange(double x, double lo, double hi) { return std::isfinite(x) && x >= lo && x <= hi; }

}  // namespace

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = ozcc::api::ParseScenarioJson(text);
  if (!file.ok()) {
    CheckFailure(file.status(), text);
    return 0;
  }
  const std::string dumped = ozcc::api::ToJson(*file).dump();
  auto again = ozcc::api::ParseScenarioJson(dumped);
  OZCC_FUZZ_CHECK(again.ok() && ozcc::api::ToJson(*again).dump() == dumped);
  auto sim = Simulator::Build(file->scenario);
  OZCC_FUZZ_CHECK(sim.ok());

  // Run only what is cheap: a few thousand expected arrivals and a bounded
  // number of routing hops (a loop with probability 1 never ends).
  const auto& s = file->scenario;
  double expected = 0;
  for (const auto& a : s.arrivals) {
    double peak = 1;
    for (double f : a.profile) peak = std::max(peak, f);
    expected += a.rate_per_hour * peak * s.horizon_hours;
  }
  double worst_route = 0;
  for (const auto& st : s.stations) {
    expected += st.initial_in_service + static_cast<double>(st.initial_waiting);  // customers at time 0
    double total = 0;
    for (const auto& r : st.next) total += r.probability;
    worst_route = std::max(worst_route, total);
    for (const auto& rule : st.routing) {  // a rule by class or hour routes like next
      double rule_total = 0;
      for (const auto& r : rule.next) rule_total += r.probability;
      worst_route = std::max(worst_route, rule_total);
    }
  }
  // Profiles and schedules are walked hour by hour: keep the horizon short too.
  if (!(expected <= 5000) || worst_route > 0.9 || s.horizon_hours > 20000) return 0;
  auto r = sim->Run({2, 7, 1});
  OZCC_FUZZ_CHECK(r.ok());
  OZCC_FUZZ_CHECK(r->stations.size() == s.stations.size());
  for (const auto& st : r->stations) {
    OZCC_FUZZ_CHECK(InRange(st.wait_probability.mean, 0, 1));
    OZCC_FUZZ_CHECK(InRange(st.utilisation.mean, 0, 1 + 1e-9));
    OZCC_FUZZ_CHECK(InRange(st.mean_wait_minutes.mean, 0, s.horizon_hours * 60));
    OZCC_FUZZ_CHECK(InRange(st.arrival_rate_per_hour.mean, 0, 1e12));
    OZCC_FUZZ_CHECK(st.wait_probability.ci_low <= st.wait_probability.ci_high);
    for (const auto& u : st.by_urgency) {
      OZCC_FUZZ_CHECK(InRange(u.wait_probability.mean, 0, 1));
      OZCC_FUZZ_CHECK(InRange(u.mean_wait_minutes.mean, 0, s.horizon_hours * 60));
      OZCC_FUZZ_CHECK(InRange(u.arrival_rate_per_hour.mean, 0, st.arrival_rate_per_hour.mean * (1 + 1e-9)));
    }
  }
  return 0;
}
