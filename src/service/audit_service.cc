#include "service/audit_service.h"

#include <algorithm>

namespace ozcc::service {

Result<std::vector<AuditRecord>> AuditService::List(const Caller& caller, std::int64_t before_id, size_t limit) {
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadAudit, {caller.who.region_id, ""}, "audit.read", "audit"));
  return audit_.ListAudit(before_id, std::clamp<size_t>(limit, 1, kMaxPage));
}

}  // namespace ozcc::service
