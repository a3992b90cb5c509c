// JSON ↔ the worklist's types (core/cases.h, service/case_service.h).
// Parsing is strict and reports every problem at once, each naming its field
// (unknown fields, wrong types, unknown enum names, duplicate keys); the
// domain rules are core's (ValidateNewCase, …), applied by the service.
//
// What goes out: a case never carries patient data (`has_patient` only); the
// patient has its own mapping, used only by the logged patient read; an SSE
// event (CaseEventJson) carries the case's id, state, urgency and times and a
// handover's id, state, addressee and deadline — never SBAR text or the
// request's summary, which may name the patient.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "core/cases.h"
#include "service/case_service.h"
#include "service/contact_service.h"
#include "service/privacy_service.h"
#include "store/case_store.h"

namespace ozcc::api {

class DataReader;

// The optional member "patient" of `obj` (the worklist's and a transfer's
// patient: the same fields, the same rules), errors named "patient.<field>".
void ReadPatient(DataReader& r, const nlohmann::json& obj, std::optional<Patient>& out);

Result<NewCase> ParseNewCase(std::string_view body);
Result<TriageInput> ParseTriageInput(std::string_view body);
Result<service::ConsultInput> ParseConsultInput(std::string_view body);
Result<HandoverRequest> ParseHandoverRequest(std::string_view body);

struct CloseInput {
  std::optional<Outcome> outcome;
  std::string note;
};
Result<CloseInput> ParseCloseInput(std::string_view body);

// A body with one text member `key` ({"reason": "…"}); an empty body is an
// empty text when the member is optional.
Result<std::string> ParseTextBody(std::string_view body, const char* key, bool required);

nlohmann::json ToJson(const Case& c);
nlohmann::json ToJson(const Handover& h);
nlohmann::json ToJson(const TriageRecord& t);
nlohmann::json ToJson(const TimelineEntry& e);
nlohmann::json ToJson(const service::CaseView& v);
nlohmann::json ToJson(const service::WorklistItem& item);
nlohmann::json ToJson(const service::HandoverView& v);
nlohmann::json ToJson(const Patient& p);
nlohmann::json ToJson(const BreakGlassGrant& g);
nlohmann::json ToJson(const PatientAccess& a);

// The 72-hour contact history and the access log. The BSN is read, never
// written: a contact goes out without it (and without its hash).
Result<NewContact> ParseNewContact(std::string_view body);
struct ContactSearch {
  std::string bsn;
  std::string purpose;
};
Result<ContactSearch> ParseContactSearch(std::string_view body);
Result<service::AccessQuery> ParseAccessQuery(std::string_view body);
nlohmann::json ToJson(const Contact& c);
nlohmann::json ToJson(const service::ContactHistory& h);
nlohmann::json ToJson(const service::GrantView& g);
// The access log as CSV (RFC 4180, a header row; the columns of ToJson(PatientAccess)).
std::string AccessCsv(const std::vector<PatientAccess>& entries);

// The data of a live event ("case" or "handover"), without patient data.
nlohmann::json CaseEventJson(const CaseEvent& e, const TimeTargets& targets, Time now);
// "case", or "handover" when the change was about a handover.
const char* CaseEventType(const CaseEvent& e);

}  // namespace ozcc::api
