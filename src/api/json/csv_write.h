// Writing CSV for downloads (the access log, the KPIs): RFC 4180 — comma
// separated, CRLF line ends, a field quoted when it holds a comma, quote or
// line break (quotes doubled). A field that starts with = + - or @ is
// prefixed with ' so that a spreadsheet shows it instead of running it as a
// formula (CSV injection). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace ozcc::api {

// Appends one row (cells joined, CRLF) to `out`.
void AppendCsvRow(std::string& out, const std::vector<std::string>& cells);

}  // namespace ozcc::api
