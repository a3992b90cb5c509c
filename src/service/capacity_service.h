// Capacity use cases: report capacity (one unit, a batch, a CSV, a SANER
// MeasureReport, the demo feed — all the same path), replay an idempotent
// request, read a unit's history. Transport-neutral: takes core types and a
// Caller, returns Status / Result; the JSON, CSV and FHIR routes parse, call
// and map. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"
#include "service/caller.h"
#include "store/audit_store.h"
#include "store/capacity_store.h"
#include "store/region_store.h"

namespace ozcc::service {

// Told of every committed report, after its commit (live streams, snapshot cache).
class CapacityListener {
 public:
  virtual ~CapacityListener() = default;
  virtual void Committed(const UnitView& unit, const CapacityReport& report) = 0;
};

struct CapacitySubmission {
  std::vector<CapacityInput> inputs;
  // The format; a plain report (kManual) is stored as kFeed when a feed token sends it.
  ReportSource format = ReportSource::kManual;
  std::string audit_action = "capacity.write";
  std::string invalid_message = "the capacity report breaks the rules; nothing was stored";
  // Store the valid inputs and name the others in `rejected` (CSV ?partial=true);
  // still kInvalid when none is valid.
  bool partial = false;
  // Names input i in field errors ("items[3].", "line 4: "); null: no prefix.
  std::function<std::string(size_t)> field_prefix;
  std::string idempotency_key;  // empty: none (at most 200 characters)
  std::string request_hash;     // what the key stands for
  // The answer to remember for the key, built inside the transaction from
  // what is stored: (stored reports, data version, rejected) → body. Must be
  // quick and pure; it may run more than once.
  std::function<std::string(const std::vector<CapacityReport>&, std::int64_t, const std::vector<FieldError>&)> remember;
};

struct CapacityOutcome {
  std::vector<CapacityReport> stored;  // as committed, versions set
  std::int64_t version = 0;            // greatest data version assigned
  std::vector<FieldError> rejected;    // partial submissions: the inputs left out
  // Set instead of the above when a concurrent request with the same key won: answer with it.
  std::optional<IdempotentResponse> replayed;
};

struct UnitHistory {
  UnitView unit;
  Time from{}, to{};
  std::vector<CapacityReport> points;  // oldest first; with downsampled, the last of each time bucket
  bool downsampled = false;
  bool truncated = false;  // more reports than are fetched at once (the range is cut)
};

struct UnitReport {
  UnitView unit;
  CapacityReport report;
};

class CapacityService {
 public:
  CapacityService(RegionStore& regions, CapacityStore& capacity, AuditStore& audit, CapacityListener& listener)
      : regions_(regions), capacity_(capacity), audit_(audit), listener_(listener) {}

  // The answer stored for the caller's Idempotency-Key: nullopt when the key
  // is new (or empty); kConflict when it was used for another request;
  // kInvalid (field Idempotency-Key) when longer than 200 characters.
  Result<std::optional<IdempotentResponse>> Replay(const Caller& caller, const std::string& key,
                                                   const std::string& request_hash);

  // The unit the caller may write: kNotFound, or kForbidden (audited).
  Result<UnitView> WritableUnit(const Caller& caller, const std::string& unit_id, const std::string& audit_action);

  // Looks up, authorises (a unit the caller may not write refuses the whole
  // submission: kForbidden, audited) and validates (core/validate.h) every
  // input; then commits the reports with one audit record each and the
  // idempotency entry, in one transaction, and tells the listener. kInvalid
  // with every field error (prefixed) and nothing stored.
  Result<CapacityOutcome> Submit(const Caller& caller, CapacitySubmission submission);

  // A unit's reports from `from` to `to` (default: the last 7 days), at most
  // kMaxPoints of them (downsampled by time bucket). kInvalid naming from/to
  // for a reversed or too long (> 400 days) range.
  Result<UnitHistory> History(const Caller& caller, const std::string& unit_id, std::optional<Time> from,
                              std::optional<Time> to);
  // One report of a unit the caller may read: the one with this data
  // version, or (nullopt) the unit's latest. kNotFound when the unit or such
  // a report is not known; kForbidden when the caller may neither read the
  // unit's region nor report for the unit.
  Result<UnitReport> Report(const Caller& caller, const std::string& unit_id, std::optional<std::int64_t> version);
  static constexpr size_t kMaxPoints = 1000;
  static constexpr size_t kMaxFetch = 200000;

 private:
  RegionStore& regions_;
  CapacityStore& capacity_;
  AuditStore& audit_;
  CapacityListener& listener_;
};

}  // namespace ozcc::service
