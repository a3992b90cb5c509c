// The care pathways (zorgpaden) as versioned data, and a case's pathway
// proposal with the live capacity of the partners who could act.
// Transport-neutral; thread-safe.
//
// Who may do what (core/authz.h):
// - read the pathways (current, one version, the versions): kReadRegion in
//   the caller's own region — every signed-in user of a region (admin: all);
// - change one (a new version): kManagePathways (admin), audited;
// - a case's proposal and recording the decision: kWorkCases in the case's
//   region (zcc-coordinator, admin).
//
// Concurrency: a change names the version it changes (`if_match`): required
// when the id exists (nullopt → kPreconditionRequired), not the current one →
// kPreconditionFailed; a new id takes none. Two admins never overwrite each
// other: of two puts on one base exactly one is stored (store/pathway_store.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/complaints.h"
#include "core/pathways.h"
#include "core/types.h"
#include "service/caller.h"
#include "service/case_service.h"
#include "store/audit_store.h"
#include "store/capacity_store.h"
#include "store/case_store.h"
#include "store/pathway_store.h"
#include "store/region_store.h"

namespace ozcc::service {

// The stored form of a pathway and back (the JSON of api/json/pathway_json.h,
// given by the composition root: the service sees no JSON).
struct PathwayCodec {
  std::function<std::string(const Pathway&)> encode;
  // kInvalid naming the fields when the text is not a valid pathway.
  std::function<Result<Pathway>(std::string_view)> decode;
};

// One stored version of a pathway.
struct PathwayVersion {
  Pathway pathway;
  std::string created_by;  // "shipped": seeded from data/pathways
  Time created_at{};
};

// The live capacity of one unit that could carry out an action (or of a
// partner organisation that has no unit of the kind: unit fields empty).
struct CapacityRow {
  std::string organization_id;
  std::string organization_name;
  std::string unit_id;  // empty: the organisation has no unit to show
  std::string unit_name;
  std::optional<UnitType> unit_type;
  std::optional<Beds> beds;         // of the latest report; nullopt: none reported
  std::optional<Time> reported_at;  // as_of of the latest report
  std::optional<std::int64_t> age_s;
  bool stale = true;                  // core/stale.h; a unit that never reported is stale
  std::optional<double> distance_km;  // from the requesting organisation; nullopt: no origin or no place
};

struct ProposedAction {
  PathwayAction action;
  std::vector<CapacityRow> capacity;  // empty for what the ZCC does itself; nearest first
};

struct ProposedPathway {
  Proposal proposal;  // core's: id, version, name, unchecked conditions, source …
  std::vector<ProposedAction> actions;
};

struct ProposalView {
  std::string case_id;
  std::int64_t case_version = 0;
  Time now{};
  CaseFacts facts;
  // The organisation whose place distances are measured from: the case's
  // requesting organisation when it has a location; empty: none (capacity is
  // then ordered most available first).
  std::string origin_organization_id;
  std::optional<PathwayUse> decided;  // what the case recorded already
  std::vector<ProposedPathway> pathways;
};

// The coordinator's decision: an action of the pathway version taken, or a
// deviation from it with a reason.
struct PathwayChoice {
  std::string pathway_id;
  int pathway_version = 0;
  std::string action;
  std::string deviation_reason;
};

class PathwayService {
 public:
  PathwayService(PathwayStore& pathways, CaseStore& cases, RegionStore& regions, CapacityStore& capacity,
                 AuditStore& audit, CaseService& case_service, std::vector<Complaint> complaints, PathwayCodec codec);

  // At start: validates the shipped set (ValidatePathwaySet against the
  // complaint vocabulary; kInvalid naming "pathways[i].field") and stores
  // each pathway whose id the store does not hold yet as version 1 by
  // "shipped". A pathway already stored — shipped or edited — is left as it
  // is. Returns how many were stored. Safe when several instances start at once.
  Result<size_t> SeedShipped(const std::vector<Pathway>& shipped);

  // The current version of every pathway, by id.
  Result<std::vector<PathwayVersion>> List(const Caller& caller);
  // The current version, or `version`; kNotFound.
  Result<PathwayVersion> Get(const Caller& caller, const std::string& id, std::optional<int> version);
  // Every version, oldest first; kNotFound for an unknown id.
  Result<std::vector<PathwayVersion>> Versions(const Caller& caller, const std::string& id);
  // Stores `p` as the next version of `id` (version 1 for a new id); p.id
  // must be `id` (kInvalid "id"); validated (ValidatePathway against the
  // complaints); p.version is set by the store. `created`: a new id.
  struct PutResult {
    PathwayVersion stored;
    bool created = false;
  };
  Result<PutResult> Put(const Caller& caller, const std::string& id, std::optional<std::int64_t> if_match, Pathway p);

  // The pathways the rules engine proposes for the case now (core Propose on
  // FactsOf with the triagist's age estimate: the sealed patient is not
  // read), with the live capacity of the region's partners for each action
  // that names a partner type. kNotFound; kForbidden.
  Result<ProposalView> Proposal(const Caller& caller, const std::string& case_id);
  // Records the decision on the case (CaseService::RecordPathway); the
  // pathway version must exist (kBadRequest, 400, naming "pathway_id" or
  // "pathway_version").
  Result<CaseView> Decide(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                          PathwayChoice choice);

 private:
  Status CanRead(const Caller& caller);
  Result<PathwayVersion> Decode(const StoredPathway& s) const;
  Result<std::vector<CapacityRow>> CapacityFor(const PathwayAction& action, const RegionData& region,
                                               const std::vector<CapacityReport>& latest,
                                               const std::optional<std::pair<double, double>>& origin, Time now);

  PathwayStore& pathways_;
  CaseStore& cases_;
  RegionStore& regions_;
  CapacityStore& capacity_;
  AuditStore& audit_;
  CaseService& case_service_;
  std::vector<Complaint> complaints_;
  PathwayCodec codec_;
};

// Great-circle distance in km between two WGS84 points (degrees), on a sphere
// of radius 6371 km.
double DistanceKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace ozcc::service
