#include "service/kpi_service.h"

#include <chrono>

namespace ozcc::service {

Result<KpiReport> KpiService::Kpis(const Caller& caller, KpiQuery query) {
  if (query.region_id.empty()) query.region_id = caller.who.region_id;
  if (query.region_id.empty()) {
    return Status::Invalid("name the region", {{"region", "required for a user without a region"}});
  }
  const Time to = query.to.value_or(Now());
  const Time from = query.from.value_or(to - std::chrono::days(7));
  OZCC_RETURN_IF_ERROR(CheckKpiPeriod(from, to));
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadKpis, {query.region_id, ""}, "kpi.read", query.region_id));
  auto region = regions_.GetRegion(query.region_id);
  if (!region.ok()) return region.status();
  auto cases = cases_.KpiCases(query.region_id, from, to, kMaxCases + 1);
  if (!cases.ok()) return cases.status();
  if (cases->size() > kMaxCases) {
    return Status::Invalid(
        "the period holds too many cases",
        {{"from", "the period holds more than " + std::to_string(kMaxCases) + " cases: choose a shorter one"}});
  }
  return ComputeKpis(*cases, from, to, query.by);
}

}  // namespace ozcc::service
