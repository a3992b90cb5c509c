// Persistence of transfers of patients between units (core/transfers.h):
// the transfer, its timeline, its sealed patient (as a case's: store sees
// only SealedPatient) and, on arrival, the two capacity reports it causes.
// Thread-safe; writes return once durable; a failing write stores nothing of
// that call.
//
// Every transfer write takes the next data version of the transfer's region,
// the sequence capacity reports and case events take (capacity_store.h,
// case_store.h): the live stream numbers transfer events in the same
// gap-free order, and TransferEventsSince is what other instances read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/audit.h"
#include "core/transfers.h"
#include "core/types.h"
#include "store/case_store.h"

namespace ozcc {

// A change to one transfer, committed atomically.
struct TransferWrite {
  // expected_version 0: a new transfer (its id unused: kConflict); else the
  // stored version must equal it (kPreconditionFailed otherwise). The store
  // sets version (1 new, else expected + 1).
  Transfer transfer;
  std::int64_t expected_version = 0;
  std::vector<TransferEvent> timeline;   // appended; a zero `at` gets the commit time
  std::optional<SealedPatient> patient;  // stored with a new transfer
  std::vector<AuditRecord> audit;        // BoundedAudit, as every audit write
  std::vector<PatientAccess> access;     // appended to the patient access log
  // The arrival: in the same transaction, each unit's latest capacity report
  // with beds is followed by a report of source `transfer` with
  // BedsAfterTransfer (to_unit arriving, from_unit leaving), as_of =
  // arrived_at, reported_by = `reported_by`. A unit without such a report gets
  // none (its id is returned in TransferWriteResult::no_report).
  bool arrival = false;
  Time arrived_at{};
  std::string reported_by;
};

struct TransferWriteResult {
  Transfer transfer;                    // as stored, version set
  std::int64_t region_version = 0;      // the data version the transfer event took
  std::vector<CapacityReport> reports;  // the arrival's capacity reports, as stored
  std::vector<std::string> no_report;   // units of the arrival without a report to follow
};

// One change of a transfer for the live streams: the transfer as it is now.
// No patient data (a Transfer has none).
struct TransferChange {
  std::string region_id;
  std::int64_t version = 0;                         // the region data version this change took
  Time at{};                                        // when it was committed
  TransferState state = TransferState::kRequested;  // the state the change took it to
  Transfer transfer;                                // as it is now
};

struct TransferQuery {
  std::string region_id;                                              // required
  std::string organization_id;                                        // non-empty: only transfers from or to it
  enum class States { kOpen, kClosed, kAll } states = States::kOpen;  // open: not final
  size_t limit = 500;                                                 // newest requested first
};

class TransferStore {
 public:
  virtual ~TransferStore() = default;

  // kNotFound: unknown region, or expected_version > 0 and no such transfer;
  // kConflict, kPreconditionFailed as above; kInvalid: no id or region, a
  // region other than the stored one, text with a NUL character, a patient
  // on a step (only a new transfer stores one).
  virtual Result<TransferWriteResult> WriteTransfer(TransferWrite write) = 0;
  virtual Result<Transfer> GetTransfer(const std::string& id) = 0;  // kNotFound
  // Oldest first (by time, then insertion).
  virtual Result<std::vector<TransferEvent>> TransferTimeline(const std::string& id) = 0;
  virtual Result<std::vector<Transfer>> ListTransfers(const TransferQuery& query) = 0;
  // The sealed patient of a transfer; nullopt when none is stored.
  virtual Result<std::optional<SealedPatient>> TransferPatient(const std::string& id) = 0;
  // Changes of the region's transfers with data version > after_version, by
  // version, at most limit.
  virtual Result<std::vector<TransferChange>> TransferEventsSince(const std::string& region_id,
                                                                  std::int64_t after_version, size_t limit) = 0;
};

}  // namespace ozcc
