// libFuzzer target: region files (openzcc region import): ParseRegionFile and
// ParseRegionJson. Properties: no crash, leak, UB or escaping exception on any
// input; failures are kInvalid with every error naming a field; a success is
// a region that ValidateRegion accepts, whose units and demo entries refer to
// known organisations and units, and both entry points agree.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "api/json/region_json.h"
#include "core/validate.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // LineAt: 1 ≤ line ≤ number of lines, for any offset.
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  for (size_t off : {size_t{0}, size / 2, size, size + 7}) {
    const int l = ozcc::api::LineAt(text, off);
    OZCC_FUZZ_CHECK(l >= 1 && l <= lines);
  }

  auto file = ozcc::api::ParseRegionFile(text);
  auto plain = ozcc::api::ParseRegionJson(text);
  OZCC_FUZZ_CHECK(file.ok() == plain.ok());
  if (!file.ok()) {
    const ozcc::Status st = file.status();
    ozcc::fuzz::CheckClientError(st);
    OZCC_FUZZ_CHECK(st.code() == ozcc::Code::kInvalid);
    OZCC_FUZZ_CHECK(!st.errors().empty());
    for (const ozcc::FieldError& e : st.errors()) OZCC_FUZZ_CHECK(!e.field.empty());
    return 0;
  }
  const ozcc::RegionData& d = file->data;
  OZCC_FUZZ_CHECK(ozcc::ValidateRegion(d).empty());
  OZCC_FUZZ_CHECK(plain->region.id == d.region.id && plain->units.size() == d.units.size() &&
                  plain->organizations.size() == d.organizations.size());
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
