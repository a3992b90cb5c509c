// Transfers of patients between units of organisations (issue 15, "Transfer
// tracking"): the states, the one table of legal steps and which side of a
// transfer takes each, validation of a new transfer and of a step, and what
// an arrival does to the two units' beds. Pure: no I/O, no clock read.
//
// A transfer moves one patient from a sending unit (organisation) to a
// receiving unit of the care type needed. It is requested by the sending
// side, accepted or declined by the receiving organisation, planned, marked
// en route and confirmed on arrival by the receiving side; the sending side
// may cancel it while it is not final. Region coordinators and admins may
// take every step (authz's business: core/authz.h kWorkTransfers).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/types.h"

namespace ozcc {

// Wire names "requested", "accepted", "declined", "planned", "en-route",
// "arrived", "cancelled". Declined, arrived and cancelled are final.
enum class TransferState { kRequested, kAccepted, kDeclined, kPlanned, kEnRoute, kArrived, kCancelled };

std::string_view ToString(TransferState s);
std::optional<TransferState> ParseTransferState(std::string_view s);
bool IsFinal(TransferState s);

// Which side of a transfer takes a step: the sending organisation, the
// receiving one, or either of them.
enum class TransferSide { kSending, kReceiving, kEither };
std::string_view ToString(TransferSide s);

// Whether a transfer awaits the coordinator's approval (core/phase.h: a
// region in crisis may require it of every transfer). Wire names
// "not-required", "pending", "approved".
enum class TransferApproval { kNotRequired, kPending, kApproved };
std::string_view ToString(TransferApproval a);
std::optional<TransferApproval> ParseTransferApproval(std::string_view s);

struct TransferStep {
  TransferState from;
  TransferState to;
  TransferSide side;
  bool needs_reason;  // declining and cancelling say why
};

// Every legal step; anything else is refused (409 naming from and to).
// Cancelling is allowed from every state that is not final.
inline constexpr std::array<TransferStep, 9> kTransferSteps{{
    {TransferState::kRequested, TransferState::kAccepted, TransferSide::kReceiving, false},
    {TransferState::kRequested, TransferState::kDeclined, TransferSide::kReceiving, true},
    {TransferState::kAccepted, TransferState::kPlanned, TransferSide::kEither, false},
    {TransferState::kPlanned, TransferState::kEnRoute, TransferSide::kEither, false},
    {TransferState::kEnRoute, TransferState::kArrived, TransferSide::kReceiving, false},
    {TransferState::kRequested, TransferState::kCancelled, TransferSide::kSending, true},
    {TransferState::kAccepted, TransferState::kCancelled, TransferSide::kSending, true},
    {TransferState::kPlanned, TransferState::kCancelled, TransferSide::kSending, true},
    {TransferState::kEnRoute, TransferState::kCancelled, TransferSide::kSending, true},
}};

// The step from → to, or nullopt when it is not legal.
std::optional<TransferStep> FindTransferStep(TransferState from, TransferState to);
// Ok, or kConflict "a transfer cannot go from <from> to <to>" (naming both).
Status CheckTransferStep(TransferState from, TransferState to);

// One line of a transfer's timeline: who took it to which state, when.
struct TransferEvent {
  TransferState state = TransferState::kRequested;
  Time at{};                    // when it happened (as told, else the commit time)
  std::string actor;            // user name
  std::string organization_id;  // the actor's organisation; empty for region-wide roles
  std::string reason;
  bool operator==(const TransferEvent&) const = default;
};

struct Transfer {
  std::string id;
  std::string region_id;
  std::string from_organization_id;
  std::string from_unit_id;
  std::string to_organization_id;
  std::string to_unit_id;
  UnitType care_type = UnitType::kWard;  // the unit type the patient needs
  std::string reason;                    // why the patient moves
  std::string case_id;                   // the worklist case it came from, if any
  bool has_patient = false;              // a sealed patient is stored with it
  TransferState state = TransferState::kRequested;
  std::optional<Time> planned_at;  // when the move is planned to happen
  std::string created_by;
  Time requested_at{};
  Time updated_at{};
  std::optional<Time> answered_at;  // accepted or declined
  std::optional<Time> departed_at;  // en route
  std::optional<Time> ended_at;     // arrived, declined or cancelled
  TransferApproval approval = TransferApproval::kNotRequired;
  std::string approved_by;          // the coordinator who approved it
  std::optional<Time> approved_at;  // when
  std::int64_t version = 0;         // the ETag: 1 when created, +1 per step
  bool operator==(const Transfer&) const = default;
};

// Ok, or kConflict when the transfer awaits the coordinator's approval and
// the step would move the patient (planned, en-route, arrived); answering
// and cancelling need no approval.
Status CheckApproved(const Transfer& t, TransferState to);

// What a client asks for (after parsing, before validation).
struct NewTransfer {
  std::string region_id;  // empty: the caller's
  std::string from_organization_id;
  std::string from_unit_id;
  std::string to_organization_id;
  std::string to_unit_id;
  std::string care_type;  // wire name of a unit type
  std::string reason;
  std::string case_id;
  std::optional<Time> planned_at;
};

// A unit type a patient can be transferred to: one with patient beds (not a
// HAP, not an ambulance service, whose "beds" are vehicles).
bool TransferCareType(UnitType t);

// Rules: region, organisations and units ids (ValidId; the region may be
// empty: the caller's); care_type a unit type TransferCareType allows; the receiving unit
// differs from the sending one; reason as ValidateReason (required, ≤
// 1000 bytes); case_id an id when given; planned_at not more
// than a year before or after `now`. Every violation named by its field.
std::vector<FieldError> ValidateNewTransfer(const NewTransfer& in, Time now);

// A step's reason and times: reason required (ValidateReason) when the step
// needs one, else ≤ 1000 bytes; `at` not in the future (beyond the allowed
// clock skew) and not before the transfer was requested; `planned_at` (when
// the move is planned to happen) only on a step to planned, within a year of
// now.
std::vector<FieldError> ValidateTransferStep(const TransferStep& step, std::string_view reason, std::optional<Time> at,
                                             Time requested_at, Time now,
                                             std::optional<Time> planned_at = std::nullopt);

// The transfer after the step to `to` at `at`: state, updated_at and the
// time of its phase (answered_at, departed_at, ended_at; planned_at is kept
// unless a planning step sets it).
Transfer ApplyTransferStep(Transfer t, TransferState to, Time at);

// The beds of a unit after a transfer's arrival: the receiving unit
// (`arriving`) has occupied + 1 (up to the total: a
// report never holds more occupied than total beds) and available − 1 when it was > 0; the
// sending unit has occupied − 1 (not below 0) and available + 1 while
// occupied + available stays within staffed. Total and staffed unchanged.
Beds BedsAfterTransfer(Beds beds, bool arriving);

}  // namespace ozcc
