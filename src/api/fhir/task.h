// The worklist over FHIR R4: a handover to a partner is a Task, its case the
// contained ServiceRequest the Task's focus points to, the case's patient a
// Patient (docs/worklist.md, "FHIR Task").
//
// A Task carries no patient data: `for` is the reference Patient/<case id>,
// and only reading that Patient opens the sealed data (logged, as every
// patient read). The contained ServiceRequest holds what the JSON worklist
// shows to those who work the case without patient data: urgency (as
// priority), entry complaint, channel, requesting organisation, times.
//
// Pure functions on core types; every resource they return validates
// against the official R4 JSON schema (tests/unit/fhir_task_test.cc).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "core/cases.h"
#include "core/transfers.h"

namespace ozcc::api::fhir {

inline constexpr std::string_view kCaseIdSystem = "https://openzcc.nl/fhir/id/case";
inline constexpr std::string_view kHandoverIdSystem = "https://openzcc.nl/fhir/id/handover";
inline constexpr std::string_view kComplaintSystem = "https://openzcc.nl/fhir/CodeSystem/entry-complaint";
inline constexpr std::string_view kUrgencySystem = "https://openzcc.nl/fhir/CodeSystem/nts-urgency";
inline constexpr std::string_view kChannelSystem = "https://openzcc.nl/fhir/CodeSystem/channel";
inline constexpr std::string_view kSbarSystem = "https://openzcc.nl/fhir/CodeSystem/sbar";
inline constexpr std::string_view kHandoverStatusSystem = "https://openzcc.nl/fhir/CodeSystem/handover-status";
inline constexpr std::string_view kTransferIdSystem = "https://openzcc.nl/fhir/id/transfer";
inline constexpr std::string_view kTransferStateSystem = "https://openzcc.nl/fhir/CodeSystem/transfer-state";
inline constexpr std::string_view kTransferApprovalSystem = "https://openzcc.nl/fhir/CodeSystem/transfer-approval";
inline constexpr std::string_view kBsnSystem = "http://fhir.nl/fhir/NamingSystem/bsn";

// FHIR request-priority of an NTS urgency: U0/U1 stat, U2 asap, U3 urgent,
// U4/U5 routine.
std::string_view PriorityOf(Urgency u);

// Task/<h.id>: status = the handover's state (the wire names are Task.status
// codes), intent order, code fulfill, focus #request (the contained
// ServiceRequest of `c`), for Patient/<case id> when the case has a patient,
// owner Organization/<to>, location Location/<unit> when named, authoredOn
// the request, restriction.period.end the answer deadline while requested,
// statusReason the reason of a rejection or cancellation, businessStatus
// "escalated" once the deadline passed unanswered, input the SBAR parts,
// meta.versionId the handover's version.
nlohmann::json TaskResource(const Handover& h, const Case& c);

// A transfer (docs/transfers.md) as Task/<t.id> (transfer ids start with
// "t-", handovers' with "h-"): status the Task.status of its state
// (requested, accepted, rejected for declined, ready for planned,
// in-progress for en-route, completed for arrived, cancelled), businessStatus
// the transfer state itself, intent order, code fulfill, requester
// Organization/<from>, owner Organization/<to> (the receiving side answers),
// location Location/<to unit>, for Patient/<t.id> when it has a patient,
// authoredOn the request, restriction.period.start the planned time,
// executionPeriod from departure to the end, reasonCode the reason, input the
// care type and the sending unit, meta.versionId the version. In a crisis
// that requires approval (docs/transfers.md): statusReason `pending` of
// transfer-approval while it awaits the coordinator (it may not be planned
// yet), and once approved an input `approved` with the time. No patient data.
nlohmann::json TransferTaskResource(const Transfer& t);

// Patient/<case_id>: identifier BSN, name (text), birthDate, address
// (text), generalPractitioner (display). Medication, allergies and the
// summary are not Patient elements and stay in the JSON API.
nlohmann::json PatientResource(const std::string& case_id, const Patient& p);

// What a partner's PUT /fhir/Task/{id} asks: accept, or reject with a reason.
struct TaskAnswer {
  HandoverState status = HandoverState::kRequested;
  std::string reason;                   // statusReason.text (rejected)
  std::optional<std::int64_t> version;  // meta.versionId, when given
};

// Reads the Task a client PUTs: resourceType Task, id equal to `id`, a
// status code, statusReason.text, meta.versionId. Everything else is the
// server's (the ZCC wrote it) and is not read. kBadRequest (resourceType,
// id, a malformed meta.versionId) or kInvalid (status) naming the element.
Result<TaskAnswer> ParseTaskAnswer(const nlohmann::json& body, std::string_view id);

}  // namespace ozcc::api::fhir
