// Follow-up placement (docs/placement.md): the regional desk records a
// patient who no longer needs a hospital bed, matches the region's follow-up
// units (core/placement_match.h, against the live capacity picture and the
// reservations held), offers the placement to one or more providers' units,
// and a provider accepts or declines with a reason. Accepting reserves the
// bed until an expiry time, withdraws the other open offers and makes a
// transfer (state accepted) in the same transaction, so planning, en route
// and arrival go through the transfer board; the transfer's arrival places
// the patient and ends the reservation (TransferStepped). Transport-neutral;
// thread-safe.
//
// Who may (core/authz.h): creating, offering and cancelling is the sending
// organisation's (kWorkPlacements for it), answering an offer the provider
// organisation's (kWorkPlacements for the offer's organisation); region
// coordinators and admins pass every check in their region. Reading:
// kReadPlacements for the sending organisation or a provider with an offer
// (a viewer of the region too); matches: kReadPlacements for the sending
// organisation. Refusals of changes are audited; a patient given on create
// is sealed as a case's and its write logged (NEN 7513).
//
// Concurrency: offering and answering name the placement version they
// change (`if_match`, the ETag): nullopt → kPreconditionRequired; not the
// current one → kPreconditionFailed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cases.h"
#include "core/placement.h"
#include "core/placement_kpis.h"
#include "core/placement_match.h"
#include "service/caller.h"
#include "service/follow_up_units.h"
#include "service/transfer_service.h"
#include "store/audit_store.h"
#include "store/capacity_store.h"
#include "store/case_store.h"
#include "store/placement_store.h"
#include "store/region_store.h"
#include "store/transfer_store.h"

namespace ozcc::service {

class PatientSeal;

// Told of every committed placement write (live streams), after the
// transfer it made or ended, if any.
class PlacementListener {
 public:
  virtual ~PlacementListener() = default;
  virtual void PlacementChanged(const PlacementChange& change) = 0;
};

struct PlacementView {
  Placement placement;
  std::vector<Offer> offers;  // in the order they were made
  double waiting_hours = 0;
  double wrong_bed_days = 0;
};

struct PlacementListQuery {
  std::string region_id;               // empty: the caller's region
  std::string organization_id;         // empty: the whole region (an organisation's user: its own)
  std::vector<PlacementState> states;  // empty: every state
  size_t limit = 500;
};

struct MatchesView {
  Placement placement;
  Time at{};                            // when the picture was read
  std::vector<PlacementMatch> matches;  // the best `limit` of the ranking
  size_t total = 0;                     // follow-up units ranked
  size_t fitting = 0;                   // of them, those that fit every criterion
};

// How many matches a read returns: the desk needs the best few, and a region
// may have thousands of follow-up units (the whole list is ~750 bytes a unit).
inline constexpr size_t kDefaultMatches = 50;
inline constexpr size_t kMaxMatches = 5000;

// The KPIs of a region's placements (core/placement_kpis.h).
struct PlacementKpiQuery {
  std::string region_id;     // empty: the caller's region
  std::optional<Time> to;    // default: now
  std::optional<Time> from;  // default: to − 7 days
  PlacementKpiGrouping by = PlacementKpiGrouping::kNone;
};

// The most placements one KPI report reads; a period holding more is refused.
inline constexpr size_t kMaxKpiPlacements = 200000;

// One unit an offer goes to.
struct OfferTarget {
  std::string organization_id;
  std::string unit_id;
};

struct OfferAnswer {
  bool accept = false;
  std::string reason;                             // a DeclineReason wire name; required when declining
  std::string text;                               // free text; required when the reason is "other"
  std::optional<std::int64_t> reservation_hours;  // accepting: default kDefaultReservationHours
};

class PlacementService {
 public:
  // `phases`: whether the transfer an accepted offer makes awaits the
  // coordinator's approval (ApprovalForNewTransfer).
  // `transfer_listener`: told of the transfer an accepted offer makes or a
  // cancellation ends (live streams); `listener` of every placement write. `seal`: null when the server has no patient
  // key (a patient is then refused, everything else works). `transfers`: the transfer an accepted offer made, read and
  // cancelled with the placement when it is cancelled or its reservation expires. `clock`: the time every step is taken
  // at (tests move it).
  PlacementService(PlacementStore& placements, RegionStore& regions, CapacityStore& capacity, AuditStore& audit,
                   TransferStore& transfers, PhaseStore& phases, TransferListener& transfer_listener,
                   PlacementListener& listener, std::shared_ptr<const PatientSeal> seal,
                   std::function<Time()> clock = Now);

  // kInvalid naming the fields (ValidateNewPlacement; an organisation not of
  // the region, a unit not of its organisation, a patient per
  // ValidatePatient or on a server without a patient key); kNotFound
  // (region); kForbidden.
  Result<PlacementView> Create(const Caller& caller, NewPlacement in, std::optional<Patient> patient);
  Result<PlacementView> Get(const Caller& caller, const std::string& id);
  // The waiting list (oldest first): a region role the whole region, an
  // organisation's user the placements it sent or was offered.
  Result<std::vector<PlacementView>> List(const Caller& caller, PlacementListQuery query);
  Result<MatchesView> Matches(const Caller& caller, const std::string& id, size_t limit = kDefaultMatches);
  // kInvalid naming the field ("offers[i].unit_id": not a follow-up unit of
  // the organisation in the region, already offered; no offers; more than
  // 20); kConflict when the placement is placed, cancelled or has an
  // accepted offer.
  Result<PlacementView> MakeOffers(const Caller& caller, const std::string& id, std::optional<std::int64_t> if_match,
                                   const std::vector<OfferTarget>& targets);
  // kNotFound (no such offer of the placement); kConflict when the offer is
  // not open; kInvalid naming reason, text or reservation_hours.
  Result<PlacementView> Answer(const Caller& caller, const std::string& id, const std::string& offer_id,
                               std::optional<std::int64_t> if_match, const OfferAnswer& in);

  // The beds held by reservations per unit id of the region now (the
  // capacity picture shows them next to the reported free beds). Counts
  // only: no authorisation beyond reading the picture.
  Result<std::map<std::string, std::int64_t>> ReservedBeds(const std::string& region_id);

  // Cancels a waiting or offered placement with a reason (kInvalid naming
  // "reason" without one): its open offers are withdrawn and a held
  // reservation released; a transfer the accepted offer made that has not
  // left yet (accepted, planned) is cancelled with it in the same
  // transaction. kConflict naming the transfer when it is en route, and when
  // the placement is placed or cancelled. Who may: as creating one.
  Result<PlacementView> Cancel(const Caller& caller, const std::string& id, std::optional<std::int64_t> if_match,
                               const std::string& reason);

  // Records every reservation that ran out before its transfer arrived
  // (accepted, not ended, reserved_until passed) as an `expired` offer, its
  // not-yet-departed transfer cancelled and the placement back on the waiting
  // list (audit "placement.expired"). A transfer en route keeps its
  // reservation until it arrives. Reading a placement does the same for that
  // placement; this is the periodic sweep. Returns how many were recorded.
  Result<size_t> ExpireReservations();

  // The KPIs of the placements created in the period (as the worklist KPIs:
  // kReadKpis for the region, a refusal audited as placement.kpis).
  // kInvalid naming "region" for a caller without a region who names none,
  // or "from" when the period holds more than kMaxKpiPlacements;
  // kBadRequest naming "from" for a bad period (CheckKpiPeriod); kForbidden;
  // kNotFound for an unknown region.
  Result<PlacementKpiReport> Kpis(const Caller& caller, PlacementKpiQuery query);

  // A committed step of a transfer (TransferService's step hook): the
  // arrival of a placement's transfer places it and ends the reservation as
  // delivered; a cancelled one ends the reservation, withdraws the accepted
  // offer and puts the placement back on the waiting list. Other transfers
  // are left alone.
  Status TransferStepped(const Transfer& t, const std::string& actor);

 private:
  // Writes, then tells the listeners (the transfer's first, as its version is).
  Result<PlacementWriteResult> Commit(PlacementWrite w, Time now);
  bool MayRead(const Caller& caller, const Placement& p, const std::vector<Offer>& offers) const;
  Result<PlacementView> ViewOf(Placement p);
  // The placement after recording its lapsed reservations (ExpireReservations
  // for one placement); `offers` its offers, reloaded when it changed.
  Result<Placement> SettleExpired(Placement p, std::vector<Offer>& offers);
  // The write that ends the placement's accepted offer's transfer when it
  // has not left yet (adds the transfer's cancellation to `w`): kConflict
  // naming it when it is en route.
  Status CancelTransferWith(PlacementWrite& w, const Placement& p, const std::string& actor,
                            const std::string& actor_org, const std::string& reason, Time now);

  PlacementStore& placements_;
  RegionStore& regions_;
  AuditStore& audit_;
  TransferStore& transfers_;
  PhaseStore& phases_;
  TransferListener& transfer_listener_;
  PlacementListener& listener_;
  std::shared_ptr<const PatientSeal> seal_;
  std::function<Time()> clock_;
  FollowUpUnits follow_up_units_;  // what Matches reads of the region, kept between requests
};

}  // namespace ozcc::service
