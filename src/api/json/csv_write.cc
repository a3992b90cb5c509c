#include "api/json/csv_write.h"

namespace ozcc::api {

namespace {

void AppendField(std::string& out, const std::string& v) {
  const bool formula = !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@');
  const bool quote = v.find_first_of(",\"\r\n") != std::string::npos;
  if (quote) out += '"';
  if (formula) out += '\'';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

}  // namespace

void AppendCsvRow(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    AppendField(out, cells[i]);
  }
  out += "\r\n";
}

}  // namespace ozcc::api
