#include "store/sql/sql.h"

#include <algorithm>
#include <limits>

#include "store/sql/internal.h"

namespace ozcc::sql {

std::int64_t Limit(size_t n) {
  return static_cast<std::int64_t>(std::min<size_t>(n, std::numeric_limits<std::int64_t>::max()));
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
