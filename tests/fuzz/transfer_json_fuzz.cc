// libFuzzer target: the transfer board's request bodies
// (api/json/transfer_json.h) — a new transfer with its optional patient and
// a step — and then the domain rules the service applies (core/transfers.h,
// service::PatientFieldErrors). Properties: no crash, leak, UB or escaping
// exception on any input; a failure is a 4xx whose errors each name a field
// and render as problem+json; a BSN the body gave is never repeated in an
// error message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json/transfer_json.h"
#include "core/transfers.h"
#include "fuzz_util.h"
#include "service/patient_seal.h"

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ozcc::Time now = ozcc::FromUnixMillis(1'764'900'000'000);  // fixed: runs are reproducible
  using ozcc::fuzz::CheckRules;
  using ozcc::fuzz::Each;
  namespace api = ozcc::api;

  Each(api::ParseNewTransfer(text), text, [&](const api::NewTransferBody& in) {
    const std::string bsn = in.patient ? in.patient->bsn : "";
    CheckRules(ozcc::ValidateNewTransfer(in.transfer, now), bsn);
    // Without a key a patient is refused by name; rules on the patient
    // itself are those of a case's (covered by case_json_fuzz).
    CheckRules(ozcc::service::PatientFieldErrors(nullptr, in.patient, now), bsn);
    OZCC_FUZZ_CHECK(ozcc::service::PatientFieldErrors(nullptr, in.patient, now).empty() == !in.patient.has_value());
  });
  Each(api::ParseTransferStep(text), text, [&](const ozcc::service::TransferStepInput& in) {
    OZCC_FUZZ_CHECK(ozcc::ParseTransferState(ozcc::ToString(in.to)) == in.to);
    // The rules of that step from every state it may follow.
    for (ozcc::TransferState from : {ozcc::TransferState::kRequested, ozcc::TransferState::kAccepted,
                                     ozcc::TransferState::kPlanned, ozcc::TransferState::kEnRoute}) {
      if (auto step = ozcc::FindTransferStep(from, in.to)) {
        CheckRules(ozcc::ValidateTransferStep(*step, in.reason, in.at, now - std::chrono::hours(2), now, in.planned_at),
                   "");
      }
    }
  });
  return 0;
}
