// libFuzzer target: region files (openzcc region import): ParseRegionFile and
// ParseRegionJson. Properties: no crash, leak, UB or escaping exception on any
// input; failures are kInvalid with every error naming a field; a success is
// a region that ValidateRegion accepts, whose units and demo entries refer to
// known organisations and units, and both entry points agree (checked on
// every success and one failure in eight).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "api/json/region_json.h"
#include "core/validate.h"
#include "fuzz_util.h"

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // LineAt: 1 ≤ line ≤ number of lines, for an offset inside the text (one
  // that varies with the input) and one past its end.
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  for (size_t off : {size == 0 ? 0 : (size_t{data[0]} * 257 + data[size - 1]) % size, size + 7}) {
    const int l = ozcc::api::LineAt(text, off);
    OZCC_FUZZ_CHECK(l >= 1 && l <= lines);
  }

  // ParseRegionJson is ParseRegionFile without the demo values: compare the
  // two on every success and on one failure in eight (a second parse of the
  // same text costs as much as the first).
  auto file = ozcc::api::ParseRegionFile(text);
  if (file.ok() || size % 8 == 0) {
    auto plain = ozcc::api::ParseRegionJson(text);
    OZCC_FUZZ_CHECK(file.ok() == plain.ok());
    if (plain.ok()) {
      const ozcc::RegionData& d = file->data;
      OZCC_FUZZ_CHECK(plain->region.id == d.region.id && plain->units.size() == d.units.size() &&
                      plain->organizations.size() == d.organizations.size());
    } else {
      OZCC_FUZZ_CHECK(plain.status().message() == file.status().message());
    }
  }
  if (!file.ok()) {
    const ozcc::Status st = file.status();
    ozcc::fuzz::CheckClientError(st, text);
    OZCC_FUZZ_CHECK(st.code() == ozcc::Code::kInvalid);
    OZCC_FUZZ_CHECK(!st.errors().empty());
    for (const ozcc::FieldError& e : st.errors()) OZCC_FUZZ_CHECK(!e.field.empty());
    return 0;
  }
  const ozcc::RegionData& d = file->data;
  OZCC_FUZZ_CHECK(ozcc::ValidateRegion(d).empty());
  std::set<std::string> orgs, units;
  for (const ozcc::Organization& o : d.organizations) {
    OZCC_FUZZ_CHECK(o.region_id == d.region.id);
    orgs.insert(o.id);
  }
  for (const ozcc::Unit& u : d.units) {
    OZCC_FUZZ_CHECK(orgs.count(u.organization_id) == 1);
    units.insert(u.id);
  }
  for (const auto& [unit_id, demo] : file->demo) {
    OZCC_FUZZ_CHECK(units.count(unit_id) == 1);
    (void)demo;
  }
  return 0;
}
