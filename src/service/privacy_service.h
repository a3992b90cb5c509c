// The privacy officer's use cases (NEN 7513): who read or changed which
// patient's data, and the review of break-glass access. No clinical data:
// the access log holds who, role, organisation, case, action, purpose, time
// and outcome, and the patient only as the keyed hash of the BSN.
// Transport-neutral; thread-safe.
//
// Who may (core/authz.h kReadAccessLog): the privacy officer of a region and
// an admin. A patient is named by BSN (hashed with the patient key: kUnavailable
// on a server without one) or a case or transfer (its region must be the
// officer's; a transfer's patient is logged under the transfer's id). A
// search by BSN lists all access to that patient, in every region: a patient
// asking who saw their data gets the whole answer. Every search and review is
// audited; the search's record names the case or "patient", never the BSN.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "service/caller.h"
#include "store/audit_store.h"
#include "store/case_store.h"
#include "store/transfer_store.h"

namespace ozcc::service {

class PatientSeal;

struct AccessQuery {
  std::string bsn;             // one of bsn and case_id is required; both: that patient through that case
  std::string case_id;         // a worklist case's id or a transfer's
  std::int64_t before_id = 0;  // paging: entries with id < before_id; 0: from the newest
  size_t limit = 100;          // 1…1000
};

struct AccessPage {
  std::vector<PatientAccess> entries;          // newest first
  std::optional<std::int64_t> next_before_id;  // set when more may follow
};

// A break-glass grant with the case's region, for the review list.
struct GrantView {
  BreakGlassGrant grant;
  std::string region_id;
};

class PrivacyService {
 public:
  PrivacyService(CaseStore& cases, TransferStore& transfers, AuditStore& audit,
                 std::shared_ptr<const PatientSeal> seal);

  // kInvalid naming bsn / case_id / limit / before_id; kNotFound (no such case or transfer);
  // kForbidden; kUnavailable (a BSN on a server without a patient key).
  Result<AccessPage> SearchAccess(const Caller& caller, const AccessQuery& q);

  // Break-glass grants not yet reviewed, oldest first (the caller's region;
  // an admin's: every region).
  Result<std::vector<GrantView>> GrantsToReview(const Caller& caller);
  // Marks a grant reviewed. kNotFound; kConflict when already reviewed; kForbidden.
  Result<GrantView> Review(const Caller& caller, std::int64_t grant_id);

  static constexpr size_t kMaxPage = 1000;

 private:
  // The region of a case or transfer id.
  Result<std::string> RegionOf(const std::string& id);

  CaseStore& cases_;
  TransferStore& transfers_;
  AuditStore& audit_;
  std::shared_ptr<const PatientSeal> seal_;
};

}  // namespace ozcc::service
