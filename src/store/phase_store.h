// Persistence of the phase a region declares itself in (core/phase.h): one
// row per declaration, the latest being the current phase. Every
// declaration takes the region's next data version, the sequence capacity
// reports and the events of cases, transfers, placements and spreading plans
// take, so the live stream numbers `phase` events in the same gap-free order
// and PhaseEventsSince is what other instances read. Thread-safe; writes
// return once durable; a failing write stores nothing of that call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/audit.h"
#include "core/phase.h"

namespace ozcc {

// One committed declaration, for the live streams.
struct PhaseChange {
  std::int64_t region_version = 0;  // the region data version it took
  PhaseDeclaration declaration;
  bool operator==(const PhaseChange&) const = default;
};

class PhaseStore {
 public:
  virtual ~PhaseStore() = default;
  // The region's declarations, newest first, at most limit (empty: never
  // declared). kNotFound for an unknown region.
  virtual Result<std::vector<PhaseDeclaration>> PhaseHistory(const std::string& region_id, size_t limit) = 0;
  // Stores `d` as the region's declaration number expected_version + 1
  // (kPreconditionFailed when the latest is not expected_version, naming the
  // current one; kNotFound for an unknown region), with the audit lines.
  // declared_at is `d`'s; the store sets version.
  virtual Result<PhaseChange> DeclarePhase(PhaseDeclaration d, std::int64_t expected_version,
                                           std::vector<AuditRecord> audit) = 0;
  // The region's declarations after region data version `after_version`,
  // oldest first, at most limit.
  virtual Result<std::vector<PhaseChange>> PhaseEventsSince(const std::string& region_id, std::int64_t after_version,
                                                            size_t limit) = 0;
};

}  // namespace ozcc
