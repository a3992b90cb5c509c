// libFuzzer target: the worklist's request bodies (api/json/case_json.h) —
// a care request, triage, consultation, handover, closing, a reason, a
// partner's contact, a contact search and an access-log search — and then
// the domain rules the service applies (core/cases.h). Properties: no crash,
// leak, UB or escaping exception on any input; a failure is a 4xx whose
// errors each name a field and render as problem+json; a BSN the body gave is
// never repeated in an error message (it must not reach logs or screens).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/json/case_json.h"
#include "api/json/complaint_json.h"
#include "core/cases.h"
#include "fuzz_util.h"

namespace ozcc::api {
extern const std::string_view kComplaintsJson;
}

namespace {

using ozcc::fuzz::CheckRules;
using ozcc::fuzz::Each;

OZCC_FUZZ_NO_COVERAGE const std::vector<ozcc::Complaint>& Complaints() {
  static const std::vector<ozcc::Complaint> shipped =
      ozcc::api::ParseComplaintsFile(ozcc::api::kComplaintsJson).value();
  return shipped;
}

}  // namespace

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ozcc::Time now = ozcc::FromUnixMillis(1'764'900'000'000);  // fixed: runs are reproducible
  namespace api = ozcc::api;

  Each(api::ParseNewCase(text), text, [&](const ozcc::NewCase& in) {
    CheckRules(ozcc::ValidateNewCase(in, now, Complaints()), in.patient ? in.patient->bsn : "");
  });
  Each(api::ParseTriageInput(text), text,
       [&](const ozcc::TriageInput& in) { CheckRules(ozcc::ValidateTriage(in, Complaints()), ""); });
  Each(api::ParseConsultInput(text), text, [](const auto&) {});
  Each(api::ParseHandoverRequest(text), text,
       [](const ozcc::HandoverRequest& in) { CheckRules(ozcc::ValidateHandoverRequest(in), ""); });
  Each(api::ParseCloseInput(text), text, [](const api::CloseInput& in) { OZCC_FUZZ_CHECK(in.outcome.has_value()); });
  Each(api::ParseTextBody(text, "reason", true), text,
       [](const std::string& reason) { CheckRules(ozcc::ValidateReason(reason), ""); });
  Each(api::ParseNewContact(text), text,
       [&](const ozcc::NewContact& in) { CheckRules(ozcc::ValidateNewContact(in, now), in.bsn); });
  Each(api::ParseContactSearch(text), text, [](const api::ContactSearch& in) { OZCC_FUZZ_CHECK(!in.bsn.empty()); });
  Each(api::ParseAccessQuery(text), text, [](const ozcc::service::AccessQuery& q) {
    OZCC_FUZZ_CHECK(q.limit >= 1 && q.limit <= ozcc::service::PrivacyService::kMaxPage && q.before_id >= 0);
  });
  return 0;
}
