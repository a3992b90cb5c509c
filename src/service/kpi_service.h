// The worklist KPIs of a region (core/kpis.h): who may read them, the
// period's defaults and bounds, the read. No patient data is involved: the
// store's KpiCases leaves out every free text. Transport-neutral;
// thread-safe.
//
// Who may (core/authz.h kReadKpis): zcc-coordinator and roaz-coordinator of
// the region, admin (every region). A refusal is audited (kpi.read).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "core/kpis.h"
#include "service/caller.h"
#include "store/audit_store.h"
#include "store/case_store.h"
#include "store/region_store.h"

namespace ozcc::service {

struct KpiQuery {
  std::string region_id;     // empty: the caller's region
  std::optional<Time> to;    // default: now
  std::optional<Time> from;  // default: to − 7 days
  KpiGrouping by = KpiGrouping::kNone;
};

class KpiService {
 public:
  // The most cases one report reads; a period holding more is refused
  // (kInvalid naming "from": choose a shorter one).
  static constexpr std::size_t kMaxCases = 200000;

  KpiService(CaseStore& cases, RegionStore& regions, AuditStore& audit)
      : cases_(cases), regions_(regions), audit_(audit) {}

  // kInvalid naming "region" for a caller without a region who names none;
  // kBadRequest naming "from" for a bad period (CheckKpiPeriod); kForbidden;
  // kNotFound for an unknown region.
  Result<KpiReport> Kpis(const Caller& caller, KpiQuery query);

 private:
  CaseStore& cases_;
  RegionStore& regions_;
  AuditStore& audit_;
};

}  // namespace ozcc::service
