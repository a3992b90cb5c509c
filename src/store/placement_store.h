// Persistence of follow-up placements (core/placement.h): the placement, its
// offers (with the reservation an accepted offer holds), its sealed patient
// (as a case's: the store sees only SealedPatient) and, when an offer is
// accepted, the transfer it makes (store/transfer_store.h), all in one
// transaction. Thread-safe; writes return once durable; a failing write
// stores nothing of that call.
//
// The admission criteria of follow-up units are part of the region tree
// (RegionStore::ImportRegion, GetRegion: Unit::criteria).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/audit.h"
#include "core/placement.h"
#include "core/placement_kpis.h"
#include "store/case_store.h"
#include "store/transfer_store.h"

namespace ozcc {

// A change to one placement, committed atomically.
struct PlacementWrite {
  // expected_version 0: a new placement (its id unused: kConflict); else the
  // stored version must equal it (kPreconditionFailed otherwise). The store
  // sets version (1 new, else expected + 1).
  Placement placement;
  std::int64_t expected_version = 0;
  // Offers of this placement, inserted when new and replaced when their id
  // is stored (an offer of another placement: kInvalid).
  std::vector<Offer> offers;
  std::optional<SealedPatient> patient;  // stored with a new placement
  std::vector<AuditRecord> audit;        // BoundedAudit, as every audit write
  std::vector<PatientAccess> access;     // appended to the patient access log
  // A transfer written in the same transaction (TransferStore::WriteTransfer's
  // rules; its region must be the placement's).
  std::optional<TransferWrite> transfer;
};

// One committed change of a placement, for the live streams: numbered by
// its region's data version (after the version of a transfer written with
// it), so every instance sends the events in one gap-free order.
struct PlacementChange {
  std::string region_id;
  std::int64_t version = 0;  // the region data version the change took
  Time at{};
  std::string placement_id;
  std::int64_t placement_version = 0;
  PlacementState state = PlacementState::kWaiting;
  bool operator==(const PlacementChange&) const = default;
};

struct PlacementWriteResult {
  Placement placement;                          // as stored, version set
  PlacementChange change;                       // the event this write took
  std::optional<TransferWriteResult> transfer;  // the transfer written, if any
};

struct PlacementQuery {
  std::string region_id;               // required
  std::vector<PlacementState> states;  // empty: every state
  std::string organization_id;         // non-empty: only those sent by it or offered to it
  size_t limit = 500;                  // oldest created first
};

// An offer's reservation as the picture counts it: the unit and the time it
// is held until.
struct Reservation {
  std::string offer_id;
  std::string placement_id;
  std::string unit_id;
  Time reserved_until{};
};

class PlacementStore {
 public:
  virtual ~PlacementStore() = default;

  // kNotFound: unknown region, or expected_version > 0 and no such
  // placement; kConflict, kPreconditionFailed as above; kInvalid: no id or
  // region, a region other than the stored one, text with a NUL character,
  // a patient on a change (only a new placement stores one), an offer of
  // another placement, a transfer of another region.
  virtual Result<PlacementWriteResult> WritePlacement(PlacementWrite write) = 0;
  virtual Result<Placement> GetPlacement(const std::string& id) = 0;  // kNotFound
  // The placement's offers, in the order they were made.
  virtual Result<std::vector<Offer>> PlacementOffers(const std::string& placement_id) = 0;
  virtual Result<std::vector<Placement>> ListPlacements(const PlacementQuery& query) = 0;
  // The sealed patient of a placement; nullopt when none is stored.
  virtual Result<std::optional<SealedPatient>> PlacementPatient(const std::string& id) = 0;
  // The placement an accepted offer's transfer belongs to; nullopt when the
  // transfer is of no placement.
  virtual Result<std::optional<Placement>> PlacementOfTransfer(const std::string& transfer_id) = 0;
  // The reservations of the region held at `now` (accepted, not ended, not
  // expired).
  virtual Result<std::vector<Reservation>> HeldReservations(const std::string& region_id, Time now) = 0;
  // The reservations of every region that ran out unrecorded at `now`
  // (accepted, not ended, reserved_until ≤ now), oldest first, at most limit.
  virtual Result<std::vector<Reservation>> LapsedReservations(Time now, size_t limit) = 0;
  // The region's placement events after `after_version`, oldest first, at
  // most limit (what other instances send to their live clients).
  virtual Result<std::vector<PlacementChange>> PlacementEventsSince(const std::string& region_id,
                                                                    std::int64_t after_version, size_t limit) = 0;
  // The KPIs' cohort: the region's placements created in [from, to), oldest
  // first, at most limit, each with its offers in the order they were made.
  // One snapshot: a placement and its offers are read as of one moment.
  virtual Result<std::vector<PlacementRecord>> KpiPlacements(const std::string& region_id, Time from, Time to,
                                                             size_t limit) = 0;
};

}  // namespace ozcc
