// The entry-complaint list (data/complaints.json) ↔ core Complaint. The
// format is documented in data/README.md.
//
// Parsing is strict (data_file.h): every shape problem and every
// ValidateComplaints() finding (core/complaints.h), each naming its JSON
// path and line. Pure functions; thread-safe; no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/complaints.h"

namespace ozcc::api {

// Parses and validates a complaints file; kInvalid listing every error.
Result<std::vector<Complaint>> ParseComplaintsFile(std::string_view text);

// {"code","nl","en","synonyms":[…]}: one entry, as in the file.
nlohmann::json ToJson(const Complaint& c);

}  // namespace ozcc::api
