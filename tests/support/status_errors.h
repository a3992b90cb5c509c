// Reading a Status in tests of the parsers that name the line and field of
// each error (region, pathway and scenario files).
#pragma once

#include <string>

#include "base/status.h"

namespace ozcc::test {

// The message and every field error, one per line, for a failure message.
inline std::string Dump(const Status& s) {
  std::string out = s.message();
  for (const auto& e : s.errors()) out += "\n  " + e.field + ": " + e.message;
  return out;
}

// True when `status` has an error on `field` whose message starts with
// "line <line>:" and contains `text`.
inline bool HasError(const Status& status, const std::string& field, int line, const std::string& text = "") {
  for (const auto& e : status.errors()) {
    if (e.field == field && e.message.rfind("line " + std::to_string(line) + ":", 0) == 0 &&
        e.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace ozcc::test
