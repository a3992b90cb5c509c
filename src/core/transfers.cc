#include "core/transfers.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/cases.h"
#include "core/validate.h"

namespace ozcc {

namespace {
constexpr std::array<std::pair<TransferState, std::string_view>, 7> kStates{{
    {TransferState::kRequested, "requested"},
    {TransferState::kAccepted, "accepted"},
    {TransferState::kDeclined, "declined"},
    {TransferState::kPlanned, "planned"},
    {TransferState::kEnRoute, "en-route"},
    {TransferState::kArrived, "arrived"},
    {TransferState::kCancelled, "cancelled"},
}};
constexpr auto kYear = std::chrono::hours(24 * 366);
bool WithinAYear(Time t, Time now) { return t >= now - kYear && t <= now + kYear; }
}  // namespace

std::string_view ToString(TransferState s) {
  for (const auto& [k, v] : kStates) {
    if (k == s) return v;
  }
  return "unknown";
}

std::optional<TransferState> ParseTransferState(std::string_view s) {
  for (const auto& [k, v] : kStates) {
    if (v == s) return k;
  }
  return std::nullopt;
}

bool IsFinal(TransferState s) {
  return s == TransferState::kDeclined || s == TransferState::kArrived || s == TransferState::kCancelled;
}

std::string_view ToString(TransferSide s) {
  switch (s) {
    case TransferSide::kSending: return "sending";
    case TransferSide::kReceiving: return "receiving";
    case TransferSide::kEither: return "either";
  }
  return "unknown";
}

std::string_view ToString(TransferApproval a) {
  switch (a) {
    case TransferApproval::kNotRequired: return "not-required";
    case TransferApproval::kPending: return "pending";
    case TransferApproval::kApproved: return "approved";
  }
  return "not-required";
}

std::optional<TransferApproval> ParseTransferApproval(std::string_view s) {
  for (TransferApproval a : {TransferApproval::kNotRequired, TransferApproval::kPending, TransferApproval::kApproved}) {
    if (ToString(a) == s) return a;
  }
  return std::nullopt;
}

std::optional<TransferStep> FindTransferStep(TransferState from, TransferState to) {
  for (const auto& s : kTransferSteps) {
    if (s.from == from && s.to == to) return s;
  }
  return std::nullopt;
}

Status CheckTransferStep(TransferState from, TransferState to) {
  if (FindTransferStep(from, to)) return Status::Ok();
  std::string why = "a transfer cannot go from " + std::string(ToString(from)) + " to " + std::string(ToString(to));
  if (IsFinal(from)) why += ": " + std::string(ToString(from)) + " is final";
  return Status::Conflict(why);
}

Status CheckApproved(const Transfer& t, TransferState to) {
  const bool moves = to == TransferState::kPlanned || to == TransferState::kEnRoute || to == TransferState::kArrived;
  if (t.approval != TransferApproval::kPending || !moves) return Status::Ok();
  return Status::Conflict("transfer " + t.id + " awaits the coordinator's approval (crisis phase): it cannot go to " +
                          std::string(ToString(to)) + " before it is approved");
}

bool TransferCareType(UnitType t) { return UnitHasBeds(t) && t != UnitType::kAmbulance; }

std::vector<FieldError> ValidateNewTransfer(const NewTransfer& in, Time now) {
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
  id("to_organization_id", in.to_organization_id, true);
  id("to_unit_id", in.to_unit_id, true);
  id("case_id", in.case_id, false);
  if (in.care_type.empty()) {
    errs.push_back({"care_type", "is required"});
  } else if (auto t = ParseUnitType(in.care_type); !t || !TransferCareType(*t)) {
    errs.push_back({"care_type", "must be a unit type with patient beds (e.g. ic, ward, elv-high, vvt-crisis)"});
  }
  if (!in.from_unit_id.empty() && in.from_unit_id == in.to_unit_id) {
    errs.push_back({"to_unit_id", "must differ from the sending unit"});
  }
  for (auto& e : ValidateReason(in.reason, "reason")) errs.push_back(std::move(e));
  if (in.planned_at && !WithinAYear(*in.planned_at, now))
    errs.push_back({"planned_at", "must be within a year of now"});
  return errs;
}

std::vector<FieldError> ValidateTransferStep(const TransferStep& step, std::string_view reason, std::optional<Time> at,
                                             Time requested_at, Time now, std::optional<Time> planned_at) {
  std::vector<FieldError> errs;
  if (step.needs_reason || !reason.empty()) {
    auto more = ValidateReason(reason, "reason");
    errs.insert(errs.end(), more.begin(), more.end());
  }
  if (at) {
    if (*at > now + std::chrono::milliseconds{kMaxFutureSkewMs}) {
      errs.push_back({"at", "must not be in the future"});
    } else if (*at < requested_at) {
      errs.push_back({"at", "must not be before the transfer was requested"});
    }
  }
  if (planned_at) {
    if (step.to != TransferState::kPlanned) {
      errs.push_back({"planned_at", "is set only by a step to planned"});
    } else if (!WithinAYear(*planned_at, now)) {
      errs.push_back({"planned_at", "must be within a year of now"});
    }
  }
  return errs;
}

Transfer ApplyTransferStep(Transfer t, TransferState to, Time at) {
  t.state = to;
  t.updated_at = at;
  switch (to) {
    case TransferState::kAccepted:
    case TransferState::kDeclined: t.answered_at = at; break;
    case TransferState::kEnRoute: t.departed_at = at; break;
    case TransferState::kRequested:
    case TransferState::kPlanned:
    case TransferState::kArrived:
    case TransferState::kCancelled: break;
  }
  if (IsFinal(to)) t.ended_at = at;
  return t;
}

Beds BedsAfterTransfer(Beds b, bool arriving) {
  if (arriving) {
    if (b.occupied < b.total) b.occupied += 1;
    if (b.available > 0) b.available -= 1;
    return b;
  }
  if (b.occupied > 0) b.occupied -= 1;
  if (b.occupied + b.available + 1 <= b.staffed) b.available += 1;
  return b;
}

}  // namespace ozcc
