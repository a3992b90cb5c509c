#include "core/placement.h"

#include <algorithm>
#include <chrono>

#include "base/utf8.h"
#include "core/validate.h"

namespace ozcc {

namespace {

constexpr auto kPlacementYear = std::chrono::hours(24 * 366);

template <class E, size_t N>
std::optional<E> ParseByName(std::string_view s, const E (&all)[N]) {
  for (E e : all) {
    if (ToString(e) == s) return e;
  }
  return std::nullopt;
}

constexpr PlacementState kAllPlacementStates[] = {PlacementState::kWaiting, PlacementState::kOffered,
                                                  PlacementState::kPlaced, PlacementState::kCancelled};
constexpr OfferState kAllOfferStates[] = {OfferState::kOpen, OfferState::kAccepted, OfferState::kDeclined,
                                          OfferState::kWithdrawn, OfferState::kExpired};

// A free text: ≤ max bytes, valid UTF-8, no control characters but line
// breaks and tabs (when `lines`).
void CheckFreeText(std::vector<FieldError>& errs, const std::string& field, std::string_view v, size_t max,
                   bool lines) {
  if (v.size() > max) {
    errs.push_back({field, "must be at most " + std::to_string(max) + " bytes"});
    return;
  }
  if (!ValidUtf8(v)) {
    errs.push_back({field, "must be valid UTF-8"});
    return;
  }
  for (char ch : v) {
    auto c = static_cast<unsigned char>(ch);
    const bool allowed = lines && (c == '\n' || c == '\r' || c == '\t');
    if ((c < 0x20 || c == 0x7F) && !allowed) {
      errs.push_back({field, "must not contain control characters"});
      return;
    }
  }
}

}  // namespace

bool FollowUpUnitType(UnitType t) { return PlacementCareTypeOf(t).has_value(); }

std::optional<CareType> PlacementCareTypeOf(UnitType t) {
  switch (t) {
    case UnitType::kElvLow: return CareType::kElvLow;
    case UnitType::kElvHigh: return CareType::kElvHigh;
    case UnitType::kElvPalliative: return CareType::kElvPalliative;
    case UnitType::kVvtCrisis: return CareType::kVvtCrisis;
    case UnitType::kGgzCrisis: return CareType::kGgz;
    default: return std::nullopt;
  }
}

std::vector<CareType> AcceptedCareTypes(const Unit& u) {
  if (!FollowUpUnitType(u.type)) return {};
  if (u.criteria && !u.criteria->care_types.empty()) return u.criteria->care_types;
  return {*PlacementCareTypeOf(u.type)};
}

std::string_view ToString(PlacementState s) {
  switch (s) {
    case PlacementState::kWaiting: return "waiting";
    case PlacementState::kOffered: return "offered";
    case PlacementState::kPlaced: return "placed";
    case PlacementState::kCancelled: return "cancelled";
  }
  return "?";
}

std::optional<PlacementState> ParsePlacementState(std::string_view s) { return ParseByName(s, kAllPlacementStates); }

bool IsFinal(PlacementState s) { return s == PlacementState::kPlaced || s == PlacementState::kCancelled; }

std::string_view ToString(OfferState s) {
  switch (s) {
    case OfferState::kOpen: return "open";
    case OfferState::kAccepted: return "accepted";
    case OfferState::kDeclined: return "declined";
    case OfferState::kWithdrawn: return "withdrawn";
    case OfferState::kExpired: return "expired";
  }
  return "?";
}

std::optional<OfferState> ParseOfferState(std::string_view s) { return ParseByName(s, kAllOfferStates); }

std::string_view ToString(DeclineReason r) {
  switch (r) {
    case DeclineReason::kNoBed: return "no-bed";
    case DeclineReason::kCareTooComplex: return "care-too-complex";
    case DeclineReason::kCriteriaNotMet: return "criteria-not-met";
    case DeclineReason::kPatientChoice: return "patient-choice";
    case DeclineReason::kOther: return "other";
  }
  return "?";
}

std::optional<DeclineReason> ParseDeclineReason(std::string_view s) { return ParseByName(s, kAllDeclineReasons); }

bool ReservationHeld(const Offer& o, Time now) {
  return o.state == OfferState::kAccepted && o.reserved_until && !o.reservation_ended_at && now < *o.reserved_until;
}

std::vector<FieldError> ValidateNewPlacement(const NewPlacement& in, Time now) {
  std::vector<FieldError> errs;
  auto id = [&](const std::string& field, const std::string& v, bool required) {
    if (v.empty()) {
      if (required) errs.push_back({field, "is required"});
    } else if (!ValidId(v)) {
      errs.push_back({field, std::string(kIdRuleMsg)});
    }
  };
  id("region_id", in.region_id, false);
  id("from_organization_id", in.from_organization_id, true);
  id("from_unit_id", in.from_unit_id, true);
  if (in.care_type.empty()) {
    errs.push_back({"care_type", "is required"});
  } else if (!ParseCareType(in.care_type)) {
    errs.push_back({"care_type", "must be one of elv-low, elv-high, elv-palliative, vvt-crisis, grz, ggz"});
  }
  if (in.profile.weight_kg && (*in.profile.weight_kg < 1 || *in.profile.weight_kg > kMaxWeightKg)) {
    errs.push_back({"profile.weight_kg", "must be between 1 and " + std::to_string(kMaxWeightKg)});
  }
  if (in.profile.age && (*in.profile.age < 0 || *in.profile.age > kMaxPatientAgeYears)) {
    errs.push_back({"profile.age", "must be between 0 and " + std::to_string(kMaxPatientAgeYears)});
  }
  CheckFreeText(errs, "needs", in.needs, kMaxNeedsBytes, true);
  CheckFreeText(errs, "preferred_place", in.preferred_place, 200, false);
  if (in.preferred_lat && !(*in.preferred_lat >= -90 && *in.preferred_lat <= 90)) {
    errs.push_back({"preferred_lat", "must be between -90 and 90"});
  }
  if (in.preferred_lon && !(*in.preferred_lon >= -180 && *in.preferred_lon <= 180)) {
    errs.push_back({"preferred_lon", "must be between -180 and 180"});
  }
  if (in.preferred_lat.has_value() != in.preferred_lon.has_value()) {
    errs.push_back({in.preferred_lat ? "preferred_lon" : "preferred_lat", "give both preferred_lat and preferred_lon"});
  }
  if (in.earliest_at && (*in.earliest_at < now - kPlacementYear || *in.earliest_at > now + kPlacementYear)) {
    errs.push_back({"earliest_date", "must be within a year of today"});
  }
  return errs;
}

Time DayStart(Time t) { return std::chrono::floor<std::chrono::days>(t); }

double WaitingHours(const Placement& p, Time now) {
  const Time end = p.ended_at.value_or(now);
  return std::max(0.0, std::chrono::duration<double, std::ratio<3600>>(end - p.created_at).count());
}

double WrongBedDays(const Placement& p, Time now) {
  const Time end = p.ended_at.value_or(now);
  return std::max(0.0, std::chrono::duration<double, std::ratio<86400>>(end - p.earliest_at).count());
}

PlacementState StateFromOffers(PlacementState current, const std::vector<Offer>& offers) {
  if (IsFinal(current)) return current;
  const bool live = std::any_of(offers.begin(), offers.end(), [](const Offer& o) {
    return o.state == OfferState::kOpen || o.state == OfferState::kAccepted;
  });
  return live ? PlacementState::kOffered : PlacementState::kWaiting;
}

}  // namespace ozcc
