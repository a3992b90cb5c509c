// Small helpers shared by the store implementations.
#pragma once

#include <string>
#include <vector>

namespace ozcc {

// "a, b, c": ids for an error message.
inline std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ", ";
    out += id;
  }
  return out;
}

}  // namespace ozcc
