// Reading the audit log (NEN 7513): who may, and how it pages. Thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "service/caller.h"
#include "store/audit_store.h"

namespace ozcc::service {

class AuditService {
 public:
  static constexpr size_t kMaxPage = 1000;
  explicit AuditService(AuditStore& audit) : audit_(audit) {}
  // Newest first, records with id < before_id (0: from the newest), at most
  // `limit` (1 … kMaxPage). kForbidden (audited) unless the caller may read
  // the audit log.
  Result<std::vector<AuditRecord>> List(const Caller& caller, std::int64_t before_id, size_t limit);

 private:
  AuditStore& audit_;
};

}  // namespace ozcc::service
