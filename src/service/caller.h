// Who asks a service, and the audit policy every service follows.
//
// Audit policy (NEN 7513):
// - A change is audited in the same transaction as the change itself (the
//   store's write takes the records): no change without its record, no record
//   of a change that was rolled back.
// - A refusal (authorisation denied) and a sign-in attempt change nothing, so
//   their record is written on its own, best effort: when the audit log cannot
//   be written the refusal still stands and the failure is logged, never
//   dropped silently (AuditBestEffort).
#pragma once

#include <string>

#include "base/status.h"
#include "core/audit.h"
#include "core/authz.h"
#include "store/audit_store.h"

namespace ozcc {
struct PatientAccess;  // store/case_store.h
}

namespace ozcc::service {

// The principal a use case runs for, and the id of the request (or job) that
// asked, which every audit record carries.
struct Caller {
  Principal who;
  std::string request_id;
  std::string audit_role;  // the role its audit records name; empty: the principal's ("feed" for tokens)
};

// An operator's command-line tool on the server (`openzcc user add`, …): full
// rights, audited as role "cli" under the operator's name.
Caller ToolCaller(std::string actor, std::string request_id = "cli");

// An audit record of `caller`, stamped now. Feed tokens appear with role "feed".
AuditRecord AuditOf(const Caller& caller, std::string action, std::string object, std::string outcome,
                    std::string detail = "");

// A line of the patient access log (NEN 7513) of `caller`, stamped now.
PatientAccess PatientAccessOf(const Caller& caller, std::string action, std::string purpose, std::string outcome);

// Appends a record that stands alone (refusals, sign-ins); a failure is
// logged with the record's action and request id.
void AuditBestEffort(AuditStore& audit, const AuditRecord& record);

// Ok when Authorize allows; otherwise kForbidden naming the action and scope,
// after auditing the refusal (best effort) under `audit_action` on `object`.
// Reads (kReadRegion) are refused without a record: they change nothing and
// a viewer probing regions would otherwise fill the log.
Status Require(AuditStore& audit, const Caller& caller, Action action, const Resource& what,
               const std::string& audit_action, const std::string& object);

}  // namespace ozcc::service
