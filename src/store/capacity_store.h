// Persistence of capacity reports, per-region data versions and the
// Idempotency-Key entries of capacity writes. Thread-safe; writes return
// once durable.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/audit.h"
#include "core/types.h"

namespace ozcc {

// A capacity write: reports to commit atomically, plus the audit records of
// the request and an optional idempotency entry stored in the same transaction.
struct CapacityWrite {
  std::vector<CapacityReport> reports;  // version and received_at are assigned by the store
  std::vector<AuditRecord> audit;       // a zero `at` gets the commit time
  std::string idempotency_key;          // empty: none
  std::string idempotency_scope;        // principal name; keys are per principal
  std::string request_hash;             // hash of the request, to detect key reuse
  // Called inside the transaction with the stored reports (versions set);
  // returns the response body to remember for the idempotency key. It runs on
  // the store's writer thread, possibly more than once (retries): it must be
  // quick, pure, and must not call the store.
  std::function<std::string(const std::vector<CapacityReport>&)> response_for_key;
};

struct IdempotentResponse {
  std::string request_hash;
  int status = 200;
  std::string body;
};

struct CapacityWriteResult {
  std::vector<CapacityReport> reports;  // as stored
  std::int64_t version = 0;             // greatest data version assigned
};

class CapacityStore {
 public:
  virtual ~CapacityStore() = default;
  // Commits the reports atomically. Every unit must exist (kNotFound names
  // the first that does not); each report takes the next version of its
  // unit's region (strictly increasing, gap-free, unique across instances).
  // An empty list or text with a NUL character is kInvalid; an idempotency
  // key already stored for the scope is kConflict, and nothing is stored.
  virtual Result<CapacityWriteResult> WriteCapacity(CapacityWrite write) = 0;
  // Latest report per unit of the region (newest as_of, then highest
  // version); units never reported are absent.
  virtual Result<std::vector<CapacityReport>> LatestCapacity(const std::string& region_id) = 0;
  // Reports of a unit with from ≤ as_of ≤ to, oldest first, at most `limit`.
  virtual Result<std::vector<CapacityReport>> CapacityHistory(const std::string& unit_id, Time from, Time to,
                                                              size_t limit) = 0;
  // The report of the unit (in the region) with this data version; nullopt
  // when there is none.
  virtual Result<std::optional<CapacityReport>> CapacityReportAt(const std::string& region_id,
                                                                 const std::string& unit_id, std::int64_t version) = 0;
  // Reports of the region with version > after_version, by version, at most `limit`.
  virtual Result<std::vector<CapacityReport>> CapacitySince(const std::string& region_id, std::int64_t after_version,
                                                            size_t limit) = 0;
  // The region's current data version (0 when nothing was written or the region is unknown).
  virtual Result<std::int64_t> DataVersion(const std::string& region_id) = 0;
  virtual Result<std::optional<IdempotentResponse>> GetIdempotent(const std::string& scope, const std::string& key) = 0;
};

}  // namespace ozcc
