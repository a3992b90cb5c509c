// libFuzzer target: care pathway documents (data/pathways/*.json, and the
// body of PUT /api/v1/pathways/{id} to come) and the entry-complaint list
// (data/complaints.json): ParsePathwayFile, ParseComplaintsFile, and on a
// success the engine and the search. Properties: no crash, leak, UB or
// escaping exception on any input; failures are kInvalid with every error
// naming a field and rendering as problem+json; a parsed pathway passes
// ValidatePathway, survives ToJson → parse unchanged, and is proposed for a
// case built from its own data; a parsed complaint list passes
// ValidateComplaints, survives ToJson, and every complaint is found by its
// own code.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/json/complaint_json.h"
#include "api/json/pathway_json.h"
#include "core/pathways.h"
#include "fuzz_util.h"

namespace {

OZCC_FUZZ_NO_COVERAGE void CheckFailure(const ozcc::Status& st, std::string_view text) {
  ozcc::fuzz::CheckClientError(st, text);
  OZCC_FUZZ_CHECK(st.code() == ozcc::Code::kInvalid);
  OZCC_FUZZ_CHECK(!st.errors().empty());
  for (const ozcc::FieldError& e : st.errors()) OZCC_FUZZ_CHECK(!e.field.empty());
}

OZCC_FUZZ_NO_COVERAGE void CheckPathway(const ozcc::Pathway& p) {
  OZCC_FUZZ_CHECK(ozcc::ValidatePathway(p).empty());
  auto again = ozcc::api::ParsePathwayFile(ozcc::api::ToJson(p).dump());
  OZCC_FUZZ_CHECK(again.ok() && *again == p);
  // A case built from the pathway's own data gets it proposed.
  ozcc::CaseFacts f;
  f.complaint = p.any_complaint ? "any-complaint" : p.complaints.front();
  f.urgency = p.urgency.from;
  const ozcc::PathwayConditions& c = p.conditions;
  if (c.age_min || c.age_max) f.age_years = c.age_min ? *c.age_min : *c.age_max;
  if (!c.living.empty()) f.living = c.living.front();
  if (c.time_of_day) f.minute_of_day = c.time_of_day->from_minute;
  if (!c.known_care.empty()) f.known_care = std::vector<ozcc::KnownCare>{c.known_care.front()};
  const std::vector<ozcc::Proposal> got = ozcc::Propose({p}, f);
  OZCC_FUZZ_CHECK(got.size() == 1 && got[0].pathway_id == p.id && got[0].actions == p.actions &&
                  got[0].unchecked.empty());
}

}  // namespace

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto pathway = ozcc::api::ParsePathwayFile(text);
  if (pathway.ok()) {
    CheckPathway(*pathway);
  } else {
    CheckFailure(pathway.status(), text);
  }

  auto complaints = ozcc::api::ParseComplaintsFile(text);
  if (!complaints.ok()) {
    CheckFailure(complaints.status(), text);
    return 0;
  }
  OZCC_FUZZ_CHECK(ozcc::ValidateComplaints(*complaints).empty());
  for (const ozcc::Complaint& c : *complaints) {
    const nlohmann::json j = ozcc::api::ToJson(c);
    OZCC_FUZZ_CHECK(j.at("code") == c.code);
    const auto hits = ozcc::SearchComplaints(*complaints, c.code, 1);
    OZCC_FUZZ_CHECK(hits.size() == 1);
  }
  (void)ozcc::SearchComplaints(*complaints, text.substr(0, 16));
  return 0;
}
