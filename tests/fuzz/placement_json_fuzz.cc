// libFuzzer target: the follow-up placement desk's request bodies
// (api/json/placement_json.h) — a new placement with its care profile and
// optional patient, offers, and a provider's answer — and then the rules of
// a new placement the service applies (core/placement.h, service::PatientFieldErrors).
// Properties: no crash, leak, UB or escaping exception on any input; a
// failure is a 4xx whose errors each name a field and render as
// problem+json; a BSN the body gave is never repeated in an error message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json/placement_json.h"
#include "core/placement.h"
#include "fuzz_util.h"
#include "service/patient_seal.h"

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ozcc::Time now = ozcc::FromUnixMillis(1'764'900'000'000);  // fixed: runs are reproducible
  using ozcc::fuzz::CheckRules;
  using ozcc::fuzz::Each;
  namespace api = ozcc::api;

  Each(api::ParseNewPlacement(text), text, [&](const api::NewPlacementBody& in) {
    const std::string bsn = in.patient ? in.patient->bsn : "";
    CheckRules(ozcc::ValidateNewPlacement(in.placement, now), bsn);
    CheckRules(ozcc::service::PatientFieldErrors(nullptr, in.patient, now), bsn);
  });
  // The offers' and the answer's rules need the region and the offer (the
  // service applies them); here their parsing is fuzzed.
  Each(api::ParseOffers(text), text, [](const auto&) {});
  Each(api::ParseOfferAnswer(text), text, [](const auto&) {});
  return 0;
}
