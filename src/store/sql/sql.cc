#include "store/sql/sql.h"

#include <algorithm>
#include <limits>

#include "store/sql/internal.h"

namespace ozcc::sql {

std::int64_t Limit(size_t n) {
  return static_cast<std::int64_t>(std::min<size_t>(n, std::numeric_limits<std::int64_t>::max()));
}

Result<std::int64_t> TakeRegionVersions(Conn& c, const std::string& region_id, std::int64_t n) {
  auto last =
      c.First<std::int64_t>("UPDATE regions SET data_version = data_version + ? WHERE id = ? RETURNING data_version",
                            Params().Add(n).Add(region_id), [](const Row& r) { return r.Int(0); });
  if (!last.ok()) return last.status();
  if (!*last) return Status::NotFound("unknown region: " + region_id);
  return **last;
}

Status NoNul(const std::vector<std::string_view>& texts) {
  for (std::string_view t : texts) {
    if (t.find('\0') != std::string_view::npos) return Status::Invalid("text must not contain a NUL character");
  }
  return Status::Ok();
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ", ";
    out += id;
  }
  return out;
}

}  // namespace ozcc::sql
