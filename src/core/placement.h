// Follow-up placement (issue 15, "Follow-up placement"; docs/placement.md):
// a patient who no longer needs a hospital bed waits for a bed in follow-up
// care (ELV, VVT, GRZ, GGZ). The regional desk records the placement, offers
// it to one or more providers' units, a provider accepts (the bed is then
// reserved until an expiry time and a transfer is made, core/transfers.h) or
// declines with a reason. The transfer's arrival places the patient.
// States, validation and the steps' rules. Pure: no I/O, no clock read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/admission_criteria.h"
#include "core/types.h"

namespace ozcc {

// A unit that takes follow-up placements: elv-low, elv-high,
// elv-palliative, vvt-crisis, ggz-crisis.
bool FollowUpUnitType(UnitType t);
// The care type a follow-up unit of type `t` gives when its criteria name
// none (ggz-crisis → ggz); nullopt for other unit types.
std::optional<CareType> PlacementCareTypeOf(UnitType t);
// The care types a unit admits: its criteria's, else its type's own; empty
// for a unit that is no follow-up unit.
std::vector<CareType> AcceptedCareTypes(const Unit& u);

// Wire names "waiting", "offered", "placed", "cancelled". Placed and
// cancelled are final. An offered placement whose every offer was declined,
// withdrawn or expired waits again.
enum class PlacementState { kWaiting, kOffered, kPlaced, kCancelled };
std::string_view ToString(PlacementState s);
std::optional<PlacementState> ParsePlacementState(std::string_view s);
bool IsFinal(PlacementState s);

// Wire names "open", "accepted", "declined", "withdrawn", "expired". Only an
// open offer is answered; every state but open is final.
enum class OfferState { kOpen, kAccepted, kDeclined, kWithdrawn, kExpired };
std::string_view ToString(OfferState s);
std::optional<OfferState> ParseOfferState(std::string_view s);

// Why a provider declines, as a code the KPIs count: "no-bed",
// "care-too-complex", "criteria-not-met", "patient-choice", "other" (the
// text then says what).
enum class DeclineReason { kNoBed, kCareTooComplex, kCriteriaNotMet, kPatientChoice, kOther };
inline constexpr DeclineReason kAllDeclineReasons[] = {DeclineReason::kNoBed, DeclineReason::kCareTooComplex,
                                                       DeclineReason::kCriteriaNotMet, DeclineReason::kPatientChoice,
                                                       DeclineReason::kOther};
std::string_view ToString(DeclineReason r);
std::optional<DeclineReason> ParseDeclineReason(std::string_view s);

// The patient's care profile as the matching needs it (no identity).
struct CareProfile {
  bool dementia = false;
  bool isolation = false;
  bool oxygen = false;
  std::optional<std::int64_t> weight_kg;
  Mobility mobility = Mobility::kIndependent;
  std::optional<std::int64_t> age;  // years
  bool operator==(const CareProfile&) const = default;
};

struct Placement {
  std::string id;
  std::string region_id;
  std::string from_organization_id;  // the sending hospital
  std::string from_unit_id;
  CareType care_type = CareType::kElvLow;
  CareProfile profile;
  std::string needs;                    // free text: what care the patient needs
  std::optional<double> preferred_lat;  // the preferred place (both or neither)
  std::optional<double> preferred_lon;
  std::string preferred_place;  // its name, e.g. the patient's home town
  // The day from which the patient no longer needs the hospital bed (as
  // 00:00 UTC of that day): the days since are the "wrong-bed" days.
  Time earliest_at{};
  PlacementState state = PlacementState::kWaiting;
  bool has_patient = false;  // a sealed patient is stored with it
  std::string created_by;
  Time created_at{};
  Time updated_at{};
  std::optional<Time> ended_at;  // placed or cancelled
  std::string transfer_id;       // the transfer of the accepted offer
  std::string cancel_reason;
  std::int64_t version = 0;  // the ETag: 1 when created, +1 per change
  bool operator==(const Placement&) const = default;
};

struct Offer {
  std::string id;
  std::string placement_id;
  std::string region_id;
  std::string organization_id;  // the provider
  std::string unit_id;
  OfferState state = OfferState::kOpen;
  std::optional<DeclineReason> decline_reason;
  std::string decline_text;
  std::string created_by;
  Time created_at{};
  std::string answered_by;
  std::optional<Time> answered_at;  // accepted, declined, withdrawn or expired
  // The reservation of an accepted offer: one bed of the unit held until
  // reserved_until; ended (delivered by the transfer's arrival, or released)
  // at reservation_ended_at.
  std::optional<Time> reserved_until;
  std::optional<Time> reservation_ended_at;
  bool operator==(const Offer&) const = default;
};

// A reservation holds a bed at `now` when its offer was accepted, it has not
// ended and it has not expired.
bool ReservationHeld(const Offer& o, Time now);

// What a client asks for (after parsing, before validation).
struct NewPlacement {
  std::string region_id;  // empty: the caller's
  std::string from_organization_id;
  std::string from_unit_id;
  std::string care_type;  // wire name
  CareProfile profile;
  std::string needs;
  std::optional<double> preferred_lat;
  std::optional<double> preferred_lon;
  std::string preferred_place;
  std::optional<Time> earliest_at;  // default: today
};

inline constexpr size_t kMaxNeedsBytes = 2000;
inline constexpr std::int64_t kDefaultReservationHours = 24;
inline constexpr std::int64_t kMaxReservationHours = 14 * 24;

// Rules: region (may be empty), organisation and unit ids ValidId;
// care_type a CareType wire name; profile.weight_kg 1..kMaxWeightKg,
// profile.age 0..kMaxPatientAgeYears; needs ≤ kMaxNeedsBytes, no control
// characters but line breaks; preferred_lat −90..90 and preferred_lon
// −180..180, both or neither; preferred_place ≤ 200 bytes; earliest_at not
// more than a year before or after `now`. Every violation named by its
// field ("profile.weight_kg", "preferred_lat", …).
std::vector<FieldError> ValidateNewPlacement(const NewPlacement& in, Time now);

// The midnight (UTC) starting the day of `t`.
Time DayStart(Time t);

// Hours the placement has waited at `now` (since it was created; until it
// ended when it has), and the days the patient occupied a hospital bed it no
// longer needed (since earliest_at, until it ended), both floored at 0.
double WaitingHours(const Placement& p, Time now);
double WrongBedDays(const Placement& p, Time now);

// The placement state that follows from its offers: placed and cancelled
// stay; otherwise offered while an offer is open or accepted, else waiting.
PlacementState StateFromOffers(PlacementState current, const std::vector<Offer>& offers);

}  // namespace ozcc
