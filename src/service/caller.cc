#include "service/caller.h"

#include <spdlog/spdlog.h>

#include "store/case_store.h"

namespace ozcc::service {

PatientAccess PatientAccessOf(const Caller& caller, std::string action, std::string purpose, std::string outcome) {
  PatientAccess a;
  a.at = Now();
  a.actor = caller.who.name;
  a.role = std::string(ToString(caller.who.role));
  a.organization_id = caller.who.organization_id;
  a.action = std::move(action);
  a.purpose = std::move(purpose);
  a.outcome = std::move(outcome);
  a.request_id = caller.request_id;
  return a;
}

AuditRecord AuditOf(const Caller& caller, std::string action, std::string object, std::string outcome,
                    std::string detail) {
  AuditRecord a;
  a.at = Now();
  a.actor = caller.who.name;
  a.role = !caller.audit_role.empty()                     ? caller.audit_role
           : caller.who.kind == PrincipalKind::kFeedToken ? "feed"
                                                          : std::string(ToString(caller.who.role));
  a.organization_id = caller.who.organization_id;
  a.action = std::move(action);
  a.object = std::move(object);
  a.outcome = std::move(outcome);
  a.request_id = caller.request_id;
  a.detail = std::move(detail);
  return a;
}

Caller ToolCaller(std::string actor, std::string request_id) {
  return {Principal{PrincipalKind::kUser, std::move(actor), Role::kAdmin, "", ""}, std::move(request_id), "cli"};
}

void AuditBestEffort(AuditStore& audit, const AuditRecord& record) {
  if (Status st = audit.AppendAudit(record); !st.ok()) {
    spdlog::error("audit record not written (action {}, outcome {}, request {}): {}", record.action, record.outcome,
                  record.request_id, st.message());
  }
}

Status Require(AuditStore& audit, const Caller& caller, Action action, const Resource& what,
               const std::string& audit_action, const std::string& object) {
  if (Authorize(caller.who, action, what) == Decision::kAllow) return Status::Ok();
  if (action != Action::kReadRegion) AuditBestEffort(audit, AuditOf(caller, audit_action, object, "denied"));
  return Status::Forbidden(
      "you may not " + std::string(ToString(action)) + " for " +
      (what.organization_id.empty() ? "region " + what.region_id : "organisation " + what.organization_id));
}

}  // namespace ozcc::service
