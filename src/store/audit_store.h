// The append-only audit log (NEN 7513): records are added, never changed or
// removed (the schema refuses UPDATE and DELETE). Thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "core/audit.h"

namespace ozcc {

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // A zero `at` gets the commit time; fields longer than their bound are cut
  // (BoundedAudit), here and in every write that carries records. Returns once durable.
  virtual Status AppendAudit(const AuditRecord& record) = 0;
  // Newest first; records with id < before_id (0: from the newest), at most limit.
  virtual Result<std::vector<AuditRecord>> ListAudit(std::int64_t before_id, size_t limit) = 0;
};

}  // namespace ozcc
