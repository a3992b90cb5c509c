// Every capability's persistence, written once over the statement layer
// (sql.h) and run unchanged on SQLite and PostgreSQL. A backend (sqlite/,
// postgres/) derives from SqlStore and supplies only what the engines do
// differently: connections, the group-commit writer, read pools and snapshot
// reads, migrations, health and the change feed.
//
// The SQL of each capability is in its own file: regions.cc, capacity.cc,
// accounts.cc, audit.cc, cases.cc, pathways.cc, simulations.cc, transfers.cc, placements.cc,
// spreading.cc, phases.cc. A new
// capability adds its interface (store/x_store.h), its file here, a migration
// per backend and its contract cases.
//
// Times are stored as integer UTC milliseconds since the epoch on both engines.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/sql/sql.h"
#include "store/store.h"

namespace ozcc::sql {

class SqlStore : public Store {
 public:
  Status ImportRegion(const RegionData& data, const AuditRecord& audit) final;
  Result<std::vector<Region>> ListRegions() final;
  Result<RegionData> GetRegion(const std::string& region_id) final;
  Result<UnitView> GetUnit(const std::string& unit_id) final;
  Result<std::vector<UnitView>> ListUnits(const std::string& region_id) final;
  Result<std::int64_t> TreeVersion(const std::string& region_id) final;

  Result<CapacityWriteResult> WriteCapacity(CapacityWrite write) final;
  Result<std::vector<CapacityReport>> LatestCapacity(const std::string& region_id) final;
  Result<std::vector<CapacityReport>> CapacityHistory(const std::string& unit_id, Time from, Time to,
                                                      size_t limit) final;
  Result<std::optional<CapacityReport>> CapacityReportAt(const std::string& region_id, const std::string& unit_id,
                                                         std::int64_t version) final;
  Result<std::vector<CapacityReport>> CapacitySince(const std::string& region_id, std::int64_t after_version,
                                                    size_t limit) final;
  Result<std::int64_t> DataVersion(const std::string& region_id) final;
  Result<std::optional<IdempotentResponse>> GetIdempotent(const std::string& scope, const std::string& key) final;

  Status CreateUser(const UserRecord& user, const AuditRecord& audit) final;
  Result<UserRecord> GetUser(const std::string& username) final;
  Status CreateSession(const SessionRecord& session) final;
  Result<SessionRecord> GetSession(const std::string& token_hash) final;
  Status DeleteSession(const std::string& token_hash) final;
  Status DisableUser(const std::string& username, const AuditRecord& audit) final;
  Status CreateFeedToken(const FeedTokenRecord& token, const AuditRecord& audit) final;
  Result<FeedTokenRecord> GetFeedToken(const std::string& token_hash) final;
  Result<std::vector<FeedTokenRecord>> ListFeedTokens(const std::string& organization_id) final;
  Result<int> RevokeFeedTokens(const std::string& organization_id, const std::string& name,
                               const AuditRecord& audit) final;

  Status AppendAudit(const AuditRecord& record) final;
  Result<std::vector<AuditRecord>> ListAudit(std::int64_t before_id, size_t limit) final;

  Result<CaseWriteResult> WriteCase(CaseWrite write) final;
  Result<Case> GetCase(const std::string& case_id) final;
  Result<std::vector<TriageRecord>> CaseTriages(const std::string& case_id) final;
  Result<std::vector<TimelineEntry>> CaseTimeline(const std::string& case_id) final;
  Result<std::vector<Handover>> CaseHandovers(const std::string& case_id) final;
  Result<Handover> GetHandover(const std::string& handover_id) final;
  Result<std::vector<Handover>> HandoversTo(const std::string& organization_id,
                                            const std::vector<HandoverState>& states, size_t limit) final;
  Result<std::vector<Handover>> HandoversDue(Time now, size_t limit) final;
  Result<std::vector<Case>> ListCases(const CaseQuery& query) final;
  Result<std::vector<KpiCase>> KpiCases(const std::string& region_id, Time from, Time to, size_t limit) final;
  Result<std::optional<SealedPatient>> CasePatient(const std::string& case_id) final;
  Result<std::vector<std::string>> CasesOfPatient(const std::string& bsn_hash, Time since, size_t limit) final;
  Result<std::vector<Contact>> AddContacts(std::vector<Contact> contacts, const std::vector<AuditRecord>& audit,
                                           const std::vector<PatientAccess>& access) final;
  Result<std::vector<Contact>> ContactsOf(const std::string& bsn_hash, Time since, size_t limit) final;
  Result<std::vector<CaseEvent>> CaseEventsSince(const std::string& region_id, std::int64_t after_version,
                                                 size_t limit) final;
  std::future<Status> QueueAccess(std::vector<PatientAccess> records) final;
  Result<std::vector<PatientAccess>> ListAccess(const std::string& bsn_hash, const std::string& case_id,
                                                std::int64_t before_id, size_t limit) final;
  Result<BreakGlassGrant> GrantBreakGlass(BreakGlassGrant grant, const PatientAccess& access,
                                          const AuditRecord& audit) final;
  Result<std::optional<BreakGlassGrant>> ActiveBreakGlass(const std::string& username, const std::string& case_id,
                                                          Time now) final;
  Result<BreakGlassGrant> GetBreakGlass(std::int64_t grant_id) final;
  Result<std::vector<BreakGlassGrant>> UnreviewedBreakGlass(size_t limit) final;
  Status ReviewBreakGlass(std::int64_t grant_id, const std::string& reviewer, Time at, const AuditRecord& audit) final;

  Result<std::vector<StoredPathway>> CurrentPathways() final;
  Result<std::vector<StoredPathway>> PathwayVersions(const std::string& id) final;
  Result<StoredPathway> GetPathway(const std::string& id, int version) final;
  Result<StoredPathway> PutPathway(StoredPathway p, int expected_current_version, const AuditRecord& audit) final;

  Status CreateSimulation(const StoredSimulation& run, const AuditRecord& audit) final;
  Result<StoredSimulation> GetSimulation(const std::string& id) final;
  Result<std::vector<StoredSimulation>> ListSimulations(const std::string& region_id, size_t limit) final;
  Status UpdateSimulation(const StoredSimulation& run) final;
  Status CancelSimulation(const std::string& id, Time at, const AuditRecord& audit) final;

  Result<TransferWriteResult> WriteTransfer(TransferWrite write) final;
  Result<Transfer> GetTransfer(const std::string& id) final;
  Result<std::vector<TransferEvent>> TransferTimeline(const std::string& id) final;
  Result<std::vector<Transfer>> ListTransfers(const TransferQuery& query) final;
  Result<std::optional<SealedPatient>> TransferPatient(const std::string& id) final;
  Result<std::vector<TransferChange>> TransferEventsSince(const std::string& region_id, std::int64_t after_version,
                                                          size_t limit) final;

  Result<PlacementWriteResult> WritePlacement(PlacementWrite write) final;
  Result<Placement> GetPlacement(const std::string& id) final;
  Result<std::vector<Offer>> PlacementOffers(const std::string& placement_id) final;
  Result<std::vector<Placement>> ListPlacements(const PlacementQuery& query) final;
  Result<std::optional<SealedPatient>> PlacementPatient(const std::string& id) final;
  Result<std::optional<Placement>> PlacementOfTransfer(const std::string& transfer_id) final;
  Result<std::vector<Reservation>> HeldReservations(const std::string& region_id, Time now) final;
  Result<std::vector<Reservation>> LapsedReservations(Time now, size_t limit) final;
  Result<std::vector<PlacementChange>> PlacementEventsSince(const std::string& region_id, std::int64_t after_version,
                                                            size_t limit) final;
  Result<std::vector<PlacementRecord>> KpiPlacements(const std::string& region_id, Time from, Time to,
                                                     size_t limit) final;

  Result<SpreadingWriteResult> WriteSpreadingPlan(SpreadingWrite write) final;
  Result<SpreadingPlanRecord> GetSpreadingPlan(const std::string& id) final;
  Result<std::vector<SpreadingPlanRecord>> ListSpreadingPlans(const SpreadingQuery& query) final;
  Result<std::vector<SpreadingChange>> SpreadingEventsSince(const std::string& region_id, std::int64_t after_version,
                                                            size_t limit) final;

  Result<std::vector<PhaseDeclaration>> PhaseHistory(const std::string& region_id, size_t limit) final;
  Result<PhaseChange> DeclarePhase(PhaseDeclaration d, std::int64_t expected_version,
                                   std::vector<AuditRecord> audit) final;
  Result<std::vector<PhaseChange>> PhaseEventsSince(const std::string& region_id, std::int64_t after_version,
                                                    size_t limit) final;

 protected:
  using Job = std::function<Status(Conn&)>;

  // Idempotency entries older than this are purged (every 256th keyed write).
  explicit SqlStore(std::int64_t idempotency_retention_s) : idempotency_retention_s_(idempotency_retention_s) {}

  // Queues `job` for the next group-commit transaction and returns at once;
  // the future holds its outcome once that transaction is committed (or
  // failed), so `job` must own what it uses. The job may run more than once
  // (the backend retries a whole group after a serialisation failure or a
  // lost connection); only the committed run counts. `units` and `regions`:
  // the units whose regions, and the regions, whose data versions the job
  // will take, so a backend shared by several instances can lock those
  // regions in one global order up front.
  virtual std::future<Status> Queue(Job job, std::vector<std::string> units = {},
                                    std::vector<std::string> regions = {}) = 0;
  // Queue, and wait for the outcome.
  Status Write(Job job, std::vector<std::string> units = {}, std::vector<std::string> regions = {}) {
    return Queue(std::move(job), std::move(units), std::move(regions)).get();
  }
  // Runs `fn` on a read connection; with `snapshot`, inside one read
  // transaction that sees one consistent state. May run `fn` again on a fresh
  // connection when the first was lost.
  virtual Status Read(const Job& fn, bool snapshot = false) = 0;

 private:
  // Read returning a value: `fn(Conn&) -> Result<T>`.
  template <class T, class F>
  Result<T> ReadValue(F&& fn, bool snapshot = false) {
    std::optional<T> out;
    Status st = Read(
        [&](Conn& c) -> Status {
          Result<T> r = fn(c);
          if (!r.ok()) return r.status();
          out = std::move(r).value();
          return Status::Ok();
        },
        snapshot);
    if (!st.ok()) return st;
    return std::move(*out);
  }

  const std::int64_t idempotency_retention_s_;
  std::atomic<std::int64_t> keyed_writes_{0};  // paces idempotency purges
};

}  // namespace ozcc::sql
