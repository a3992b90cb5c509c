// Spreading plans (docs/spreading.md, "Plans through the API"): the region's
// coordinators propose a plan that spreads N patients over the hospitals of
// one or more regions, built from the live capacity picture at that moment
// (engine/spreading/spreader.h solves it exactly); re-solve it against the
// capacity of now with changed pins and forbids; approve it, which makes one
// transfer (state requested, docs/transfers.md) per placed patient whose
// sending and receiving hospitals are both of the plan's owner region, in the
// same transaction; or discard it. Transport-neutral; thread-safe.
//
// The instance: hospitals are the organisations of type hospital of the
// plan's regions, at their first location; care type ic is the sum of their
// ic units, ward of their ward units, counting only units whose latest report
// is not stale (core/stale.h). A care type whose units are all stale (or
// unreported) is stale: it takes nobody. Every stale unit is listed in the
// plan's left_out_units. A patient is at its sending organisation's first
// location, of that organisation's region, and never goes to its own
// hospital (a forbid the service adds). Pins and forbids are the engine's
// (Instance::pins, ::forbids): a pinned patient goes there or stays
// unplaced, a forbidden pair is never used.
//
// Who may (core/authz.h): kWorkSpreading on the plan's owner region for
// every change, kReadSpreading to read. Refusals are audited, as is every
// change (in its transaction).
//
// Concurrency: a change names the plan version it changes (`if_match`, the
// ETag): nullopt → kPreconditionRequired; not the current one →
// kPreconditionFailed. Changes other than proposing are allowed only while
// the plan is proposed (kConflict otherwise).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/spreading/spreader.h"
#include "service/caller.h"
#include "service/transfer_service.h"
#include "store/audit_store.h"
#include "store/capacity_store.h"
#include "store/region_store.h"
#include "store/spreading_store.h"

namespace ozcc::service {

inline constexpr size_t kMaxSpreadPatients = 2000;
inline constexpr size_t kMaxSpreadLabel = 200;  // bytes
inline constexpr size_t kMaxSpreadNote = 1000;  // bytes

struct SpreadPatient {
  std::string id;
  std::string from_organization;
  std::string from_unit;
  engine::spreading::CareType needs = engine::spreading::CareType::kIc;
  std::string label;
  bool operator==(const SpreadPatient&) const = default;
};

// A pin (the patient goes there or stays unplaced) or a forbid (never there).
struct SpreadConstraint {
  std::string patient;
  std::string hospital;
  bool operator==(const SpreadConstraint&) const = default;
};

struct SpreadingRequest {
  std::vector<std::string> regions;  // empty: the caller's region
  std::vector<SpreadPatient> patients;
  std::vector<SpreadConstraint> pins, forbids;
  engine::spreading::Policy policy;
  std::string note;
};

// A hospital of the instance, with the name the map shows.
struct SpreadHospital {
  std::string name;
  engine::spreading::Hospital hospital;
};

struct LeftOutUnit {
  std::string unit;
  std::string organization;
  engine::spreading::CareType care_type = engine::spreading::CareType::kIc;
  bool operator==(const LeftOutUnit&) const = default;
};

struct PlanTransfer {
  std::string patient;
  std::string transfer;
  bool operator==(const PlanTransfer&) const = default;
};

struct NotTransferred {
  std::string patient;
  std::string reason;  // "unplaced" or "other_region"
  bool operator==(const NotTransferred&) const = default;
};

// What a plan holds beyond its row (store/spreading_store.h): stored as the
// codec's text.
struct SpreadingDocument {
  SpreadingRequest request;  // regions: as resolved
  std::vector<SpreadHospital> hospitals;
  engine::spreading::Plan plan;  // indices into hospitals and request.patients
  double solve_ms = 0;
  std::vector<LeftOutUnit> left_out_units;
  Time solved_at{};
  std::string note;
  std::string approved_by;
  std::optional<Time> approved_at;
  std::vector<PlanTransfer> transfers;
  std::vector<NotTransferred> not_transferred;
};

struct SpreadingPlanView {
  SpreadingPlanRecord record;  // document empty
  SpreadingDocument doc;
};

// The document's text both ways (api/json/spreading_plan_json.h).
struct SpreadingCodec {
  std::function<std::string(const SpreadingDocument&)> encode;
  std::function<Result<SpreadingDocument>(std::string_view)> decode;
};

class SpreadingListener {
 public:
  virtual ~SpreadingListener() = default;
  virtual void SpreadingChanged(const SpreadingChange& change) = 0;
};

struct SpreadingListQuery {
  std::string region_id;            // empty: the caller's region
  std::vector<std::string> states;  // empty: every state
  size_t limit = 200;
};

class SpreadingService {
 public:
  // `phases`: whether the approval's transfers need (and so get) the
  // coordinator's approval, who approves the plan.
  SpreadingService(SpreadingStore& plans, RegionStore& regions, CapacityStore& capacity, AuditStore& audit,
                   PhaseStore& phases, TransferListener& transfer_listener, SpreadingListener& listener,
                   SpreadingCodec codec);

  // kBadRequest naming the field ("regions[0]", "patients[3].from_unit",
  // "pins[0].hospital", "policy.road_factor", …); kForbidden, also for a
  // region the caller may not read (kReadRegion: the plan shows its
  // hospitals' capacity).
  Result<SpreadingPlanView> Propose(const Caller& caller, SpreadingRequest in);
  Result<SpreadingPlanView> Get(const Caller& caller, const std::string& id);
  Result<std::vector<SpreadingPlanRecord>> List(const Caller& caller, SpreadingListQuery query);
  // Rebuilds the instance from the capacity of now and solves it again; a
  // given pins or forbids list replaces the stored one.
  Result<SpreadingPlanView> Solve(const Caller& caller, const std::string& id, std::optional<std::int64_t> if_match,
                                  std::optional<std::vector<SpreadConstraint>> pins,
                                  std::optional<std::vector<SpreadConstraint>> forbids);
  Result<SpreadingPlanView> Approve(const Caller& caller, const std::string& id, std::optional<std::int64_t> if_match);
  Result<SpreadingPlanView> Discard(const Caller& caller, const std::string& id, std::optional<std::int64_t> if_match);

 private:
  struct Built;
  Result<Built> Build(const SpreadingRequest& in, const std::string& owner_region);
  Result<SpreadingPlanView> Load(const std::string& id);
  Result<SpreadingPlanView> Commit(const Caller& caller, SpreadingPlanView v, std::int64_t expected_version,
                                   const std::string& action, std::vector<TransferWrite> transfers = {});

  SpreadingStore& plans_;
  RegionStore& regions_;
  CapacityStore& capacity_;
  AuditStore& audit_;
  PhaseStore& phases_;
  TransferListener& transfer_listener_;
  SpreadingListener& listener_;
  SpreadingCodec codec_;
};

}  // namespace ozcc::service
