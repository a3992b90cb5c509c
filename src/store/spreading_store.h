// Persistence of spreading plans (docs/spreading.md, "Plans through the
// API"): one row per plan with what lists and authorises it, and the plan's
// document (the request, the instance solved, the optimiser's plan and what
// approval did) as the service's opaque text; on approval, the transfers it
// makes (store/transfer_store.h), all in one transaction. Thread-safe; writes
// return once durable; a failing write stores nothing of that call.
//
// Every plan write takes the next data version of the plan's owner region
// (after those of its transfers), the sequence capacity reports, case events
// and transfers take: the live stream numbers `spreading` events in the same
// gap-free order, and SpreadingEventsSince is what other instances read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/audit.h"
#include "store/transfer_store.h"

namespace ozcc {

struct SpreadingPlanRecord {
  std::string id;
  std::string owner_region;
  std::vector<std::string> regions;  // the regions whose hospitals the plan spreads over
  std::string state;                 // "proposed", "approved", "discarded" (the service's vocabulary)
  std::int64_t version = 0;
  std::string created_by;
  Time created_at{};
  Time updated_at{};
  // For lists: patients in the plan, those placed, the plan's total cost.
  std::int64_t patients = 0;
  std::int64_t placed = 0;
  double total_cost = 0;
  std::string document;  // the service's text; empty in ListSpreadingPlans
  bool operator==(const SpreadingPlanRecord&) const = default;
};

// A change to one plan, committed atomically.
struct SpreadingWrite {
  // expected_version 0: a new plan (its id unused: kConflict); else the
  // stored version must equal it (kPreconditionFailed otherwise). The store
  // sets version (1 new, else expected + 1).
  SpreadingPlanRecord plan;
  std::int64_t expected_version = 0;
  std::vector<AuditRecord> audit;  // BoundedAudit, as every audit write
  // Transfers written in the same transaction (TransferStore::WriteTransfer's
  // rules; each of the owner region).
  std::vector<TransferWrite> transfers;
};

// One committed change of a plan, for the live streams.
struct SpreadingChange {
  std::string region_id;     // the owner region
  std::int64_t version = 0;  // the region data version the change took
  Time at{};
  std::string plan_id;
  std::int64_t plan_version = 0;
  std::string state;
  bool operator==(const SpreadingChange&) const = default;
};

struct SpreadingWriteResult {
  SpreadingPlanRecord plan;                    // as stored, version set
  SpreadingChange change;                      // the event this write took
  std::vector<TransferWriteResult> transfers;  // in the order given
};

struct SpreadingQuery {
  std::string region_id;            // required: plans owned by it
  std::vector<std::string> states;  // empty: every state
  size_t limit = 200;               // newest created first
};

class SpreadingStore {
 public:
  virtual ~SpreadingStore() = default;

  // kNotFound: unknown owner region, or expected_version > 0 and no such
  // plan; kConflict, kPreconditionFailed as above; kInvalid: no id, owner
  // region or state, an owner region other than the stored one, text with a
  // NUL character, a transfer of another region.
  virtual Result<SpreadingWriteResult> WriteSpreadingPlan(SpreadingWrite write) = 0;
  virtual Result<SpreadingPlanRecord> GetSpreadingPlan(const std::string& id) = 0;  // kNotFound
  virtual Result<std::vector<SpreadingPlanRecord>> ListSpreadingPlans(const SpreadingQuery& query) = 0;
  // Changes of the region's plans with data version > after_version, by
  // version, at most limit.
  virtual Result<std::vector<SpreadingChange>> SpreadingEventsSince(const std::string& region_id,
                                                                    std::int64_t after_version, size_t limit) = 0;
};

}  // namespace ozcc
