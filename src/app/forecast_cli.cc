#include "app/forecast_cli.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "engine/forecast/ed_arrivals.h"
#include "engine/forecast/occupancy.h"

namespace ozcc::app {

namespace {

constexpr int kInputError = 2;

// A failure of the command: printed, then the exit code.
[[noreturn]] void Exit(const std::string& message, int code = kInputError) {
  std::cerr << "openzcc forecast: " << message << "\n";
  throw CLI::RuntimeError(code);
}

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<std::int64_t> CivilDays(std::string_view s) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (s.size() < 10 || !Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &m) || s[7] != '-' ||
      !Digits(s, 8, 2, &d)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// One CSV line into fields; a field may be double-quoted ("" is a quote).
std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"' && Trim(cur).empty()) {
      quoted = was_quoted = true;
      cur.clear();
    } else if (c == ',') {
      out.push_back(was_quoted ? cur : std::string(Trim(cur)));
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  out.push_back(was_quoted ? cur : std::string(Trim(cur)));
  return out;
}

struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};

struct Csv {
  std::string file;
  std::map<std::string, std::size_t> columns;  // lower-case header name -> index
  std::vector<CsvRow> rows;

  // The index of a required column, or exit naming it.
  std::size_t Column(const std::string& name) const {
    auto it = columns.find(name);
    if (it == columns.end()) Exit(file + " line 1: the header has no column \"" + name + "\"");
    return it->second;
  }
  const std::string& Field(const CsvRow& row, std::size_t column, const std::string& name) const {
    if (column >= row.fields.size()) {
      Exit(file + " line " + std::to_string(row.line) + ": " + name + ": missing (the row has " +
           std::to_string(row.fields.size()) + " fields)");
    }
    return row.fields[column];
  }
  [[noreturn]] void Fail(const CsvRow& row, const std::string& name, const std::string& what) const {
    Exit(file + " line " + std::to_string(row.line) + ": " + name + ": " + what);
  }
};

Csv ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Exit("cannot read " + path);
  Csv csv;
  csv.file = path;
  std::string line;
  int n = 0;
  bool header = true;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    if (Trim(line).empty()) continue;
    auto fields = SplitCsv(line);
    if (header) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        std::string name = fields[i];
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (!csv.columns.emplace(name, i).second)
          Exit(path + " line " + std::to_string(n) + ": column \"" + name + "\" twice");
      }
      header = false;
      continue;
    }
    csv.rows.push_back({n, std::move(fields)});
  }
  if (header) Exit(path + ": empty (a header line is needed)");
  return csv;
}

// A number >= 0, or NaN for an empty or NA field; nullopt when malformed.
std::optional<double> ParseValue(const std::string& s) {
  if (s.empty() || s == "NA" || s == "na" || s == "NaN" || s == "nan" || s == "null") return NAN;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

struct Origins {
  std::string from;
  std::string to;
};

Origins SplitOrigins(const std::string& text) {
  const auto dots = text.find("..");
  if (dots == std::string::npos) Exit("--origins: expected FROM..TO, got \"" + text + "\"");
  return {std::string(Trim(std::string_view(text).substr(0, dots))),
          std::string(Trim(std::string_view(text).substr(dots + 2)))};
}

// Writes to the file (or standard output when empty).
class Output {
 public:
  explicit Output(const std::string& path) {
    if (!path.empty()) {
      file_ = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
      if (!*file_) Exit("cannot write " + path, 1);
    }
    out().setf(std::ios::fixed);
    out().precision(3);
  }
  std::ostream& out() { return file_ ? *file_ : std::cout; }
  void Close(const std::string& path) {
    out().flush();
    if (!out()) Exit("cannot write " + (path.empty() ? std::string("standard output") : path), 1);
  }

 private:
  std::unique_ptr<std::ofstream> file_;
};

struct EdArgs {
  std::string input;
  std::string origins;
  std::string horizons = "1,2";
  std::string holidays;
  std::string output;
};

void RunEdArrivals(const EdArgs& args) {
  auto horizons = ParseForecastHorizons(args.horizons, 24 * 7 * 4);
  if (!horizons.ok()) Exit("--horizons: " + horizons.status().message());
  const Csv csv = ReadCsv(args.input);
  const std::size_t time_col = csv.Column("time");
  const std::size_t value_col = csv.Column("value");
  if (csv.rows.empty()) Exit(args.input + ": no data rows");
  ForecastTimeStyle style;
  std::vector<std::pair<std::int64_t, double>> rows;
  rows.reserve(csv.rows.size());
  for (const auto& row : csv.rows) {
    ForecastTimeStyle row_style;
    auto hour = ParseForecastHour(csv.Field(row, time_col, "time"), &row_style);
    if (!hour.ok()) csv.Fail(row, "time", hour.status().message());
    if (rows.empty()) style = row_style;
    if (!rows.empty() && *hour <= rows.back().first) {
      csv.Fail(row, "time",
               *hour == rows.back().first ? "the same hour as the row before"
                                          : "before the row before (rows must be in time order)");
    }
    auto v = ParseValue(csv.Field(row, value_col, "value"));
    if (!v) csv.Fail(row, "value", "not a count >= 0: \"" + row.fields[value_col] + "\"");
    rows.emplace_back(*hour, *v);
  }
  const std::int64_t first = rows.front().first;
  const std::int64_t last = rows.back().first;
  engine::forecast::HourlyCounts series;
  series.counts.assign(static_cast<std::size_t>(last - first + 1), NAN);
  for (const auto& [h, v] : rows) series.counts[static_cast<std::size_t>(h - first)] = v;
  const std::int64_t first_day = first >= 0 ? first / 24 : (first - 23) / 24;
  series.first_hour_of_week = static_cast<int>((((first_day + 3) % 7 + 7) % 7) * 24 + (first - first_day * 24));

  if (!args.holidays.empty()) {
    const Csv hol = ReadCsv(args.holidays);
    const std::size_t date_col = hol.Column("date");
    for (const auto& row : hol.rows) {
      auto day = ParseForecastDate(hol.Field(row, date_col, "date"));
      if (!day.ok()) hol.Fail(row, "date", day.status().message());
      series.holiday_days.push_back(*day - first_day);
    }
  }

  const auto [from_text, to_text] = SplitOrigins(args.origins);
  auto from = ParseForecastHour(from_text);
  if (!from.ok()) Exit("--origins: FROM: " + from.status().message());
  auto to = ParseForecastHour(to_text);
  if (!to.ok()) Exit("--origins: TO: " + to.status().message());
  if (*from > *to) Exit("--origins: FROM is after TO");
  if (*from < first) Exit("--origins: FROM is before the first row (" + FormatForecastHour(first, style) + ")");
  if (*to > last) Exit("--origins: TO is after the last row (" + FormatForecastHour(last, style) + ")");

  auto model = engine::forecast::EdArrivalsModel::Build({});
  if (!model.ok()) Exit(model.status().message(), 1);
  Output output(args.output);
  auto& out = output.out();
  out << "origin,target,horizon,mean,p10,p90\n";
  for (std::int64_t o = *from; o <= *to; ++o) {
    auto fc = model->Run(series, static_cast<std::size_t>(o - first), *horizons);
    if (!fc.ok()) Exit("origin " + FormatForecastHour(o, style) + ": " + fc.status().message());
    for (const auto& p : fc->points) {
      out << FormatForecastHour(o, style) << ',' << FormatForecastHour(o + p.horizon, style) << ',' << p.horizon << ','
          << p.mean << ',' << p.lo << ',' << p.hi << '\n';
    }
  }
  output.Close(args.output);
}

struct OccupancyArgs {
  std::string input;
  std::string origins;
  std::string horizons = "7,14";
  std::string output;
};

void RunOccupancy(const OccupancyArgs& args) {
  auto horizons = ParseForecastHorizons(args.horizons, 90);
  if (!horizons.ok()) Exit("--horizons: " + horizons.status().message());
  const Csv csv = ReadCsv(args.input);
  const std::size_t date_col = csv.Column("date");
  const std::size_t occ_col = csv.Column("occupied");
  const std::size_t adm_col = csv.Column("admissions");
  if (csv.rows.empty()) Exit(args.input + ": no data rows");
  struct Day {
    std::int64_t day;
    double occupied;
    double admissions;
  };
  std::vector<Day> rows;
  for (const auto& row : csv.rows) {
    auto day = ParseForecastDate(csv.Field(row, date_col, "date"));
    if (!day.ok()) csv.Fail(row, "date", day.status().message());
    if (!rows.empty() && *day <= rows.back().day) {
      csv.Fail(row, "date",
               *day == rows.back().day ? "the same day as the row before"
                                       : "before the row before (rows must be in date order)");
    }
    auto occ = ParseValue(csv.Field(row, occ_col, "occupied"));
    if (!occ) csv.Fail(row, "occupied", "not a number >= 0: \"" + row.fields[occ_col] + "\"");
    auto adm = ParseValue(csv.Field(row, adm_col, "admissions"));
    if (!adm) csv.Fail(row, "admissions", "not a number >= 0: \"" + row.fields[adm_col] + "\"");
    rows.push_back({*day, *occ, *adm});
  }
  const std::int64_t first = rows.front().day;
  const std::int64_t last = rows.back().day;
  engine::forecast::DailyOccupancy series;
  series.occupied.assign(static_cast<std::size_t>(last - first + 1), NAN);
  series.admissions.assign(series.occupied.size(), NAN);
  for (const auto& r : rows) {
    series.occupied[static_cast<std::size_t>(r.day - first)] = r.occupied;
    series.admissions[static_cast<std::size_t>(r.day - first)] = r.admissions;
  }
  const auto [from_text, to_text] = SplitOrigins(args.origins);
  auto from = ParseForecastDate(from_text);
  if (!from.ok()) Exit("--origins: FROM: " + from.status().message());
  auto to = ParseForecastDate(to_text);
  if (!to.ok()) Exit("--origins: TO: " + to.status().message());
  if (*from > *to) Exit("--origins: FROM is after TO");
  if (*from < first) Exit("--origins: FROM is before the first row (" + FormatForecastDate(first) + ")");
  if (*to > last) Exit("--origins: TO is after the last row (" + FormatForecastDate(last) + ")");

  auto model = engine::forecast::OccupancyModel::Build({});
  if (!model.ok()) Exit(model.status().message(), 1);
  Output output(args.output);
  auto& out = output.out();
  out << "origin,target,horizon,mean,p10,p90\n";
  for (std::int64_t o = *from; o <= *to; ++o) {
    auto fc = model->Run(series, static_cast<std::size_t>(o - first), *horizons);
    if (!fc.ok()) Exit("origin " + FormatForecastDate(o) + ": " + fc.status().message());
    for (const auto& p : fc->points) {
      out << FormatForecastDate(o) << ',' << FormatForecastDate(o + p.horizon) << ',' << p.horizon << ',' << p.mean
          << ',' << p.lo << ',' << p.hi << '\n';
    }
  }
  output.Close(args.output);
}

}  // namespace

Result<std::int64_t> ParseForecastHour(std::string_view text, ForecastTimeStyle* style) {
  const std::string_view s = Trim(text);
  auto bad = [&](const std::string& why) {
    return Status::Invalid("\"" + std::string(s) + "\" is not an hour (" + why + ")", {{"time", why}});
  };
  const auto days = CivilDays(s);
  if (!days) return bad("expected YYYY-MM-DDThh:00");
  ForecastTimeStyle st{'T', false, false};
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    st.separator = s[pos] == ' ' ? ' ' : 'T';
    if (!Digits(s, pos + 1, 2, &hour) || hour > 23) return bad("hour must be 00..23");
    pos += 3;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &minute) || minute > 59) return bad("minutes must be 00..59");
      st.minutes = true;
      pos += 3;
      if (pos < s.size() && s[pos] == ':') {
        if (!Digits(s, pos + 1, 2, &second) || second > 60) return bad("seconds must be 00..59");
        st.seconds = true;
        pos += 3;
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
          ++pos;
          while (pos < s.size() && s[pos] == '0') ++pos;
          if (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])))
            return bad("not the start of an hour");
        }
      }
    }
    // A zone designator is accepted and ignored: the series is in local time.
    if (pos < s.size()) {
      const std::string_view zone = s.substr(pos);
      int zh = 0;
      int zm = 0;
      const bool ok = zone == "Z" || zone == "z" ||
                      ((zone[0] == '+' || zone[0] == '-') && Digits(zone, 1, 2, &zh) &&
                       (zone.size() == 3 || (zone.size() == 6 && zone[3] == ':' && Digits(zone, 4, 2, &zm)) ||
                        (zone.size() == 5 && Digits(zone, 3, 2, &zm))));
      if (!ok) return bad("unexpected \"" + std::string(zone) + "\" after the time");
    }
  } else if (pos != s.size()) {
    return bad("expected YYYY-MM-DDThh:00");
  }
  if (minute != 0 || second != 0) return bad("not the start of an hour");
  if (style) *style = st;
  return *days * 24 + hour;
}

Result<std::int64_t> ParseForecastDate(std::string_view text) {
  const std::string_view s = Trim(text);
  const auto days = CivilDays(s);
  if (!days || s.size() != 10) {
    return Status::Invalid("\"" + std::string(s) + "\" is not a date YYYY-MM-DD", {{"date", "expected YYYY-MM-DD"}});
  }
  return *days;
}

std::string FormatForecastDate(std::int64_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string FormatForecastHour(std::int64_t hours, const ForecastTimeStyle& style) {
  const std::int64_t days = hours >= 0 ? hours / 24 : (hours - 23) / 24;
  const auto hour = static_cast<int>(hours - days * 24);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%c%02d%s%s", FormatForecastDate(days).c_str(), style.separator, hour,
                style.minutes ? ":00" : "", style.seconds ? ":00" : "");
  return buf;
}

Result<std::vector<int>> ParseForecastHorizons(std::string_view text, int max) {
  std::vector<int> out;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    const std::string item(Trim(rest.substr(0, comma)));
    int v = 0;
    if (item.empty() || item.size() > 6 || !Digits(item, 0, item.size(), &v) || v < 1 || v > max) {
      return Status::Invalid("\"" + item + "\" is not a horizon 1.." + std::to_string(max), {{"horizons", "bad"}});
    }
    if (std::find(out.begin(), out.end(), v) != out.end()) {
      return Status::Invalid("horizon " + item + " is given twice", {{"horizons", "repeated"}});
    }
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

void AddForecastCommands(CLI::App& app) {
  auto* forecast = app.add_subcommand("forecast", "Rolling forecasts from a CSV history (backtests)");
  forecast->require_subcommand(1);

  auto ed = std::make_shared<EdArgs>();
  auto* ed_cmd = forecast->add_subcommand(
      "ed-arrivals", "ED arrivals per hour, h hours ahead of every origin hour, with an 80% interval");
  ed_cmd->add_option("--input", ed->input, "CSV time,value: the start of each hour (local) and its arrivals")
      ->required();
  ed_cmd->add_option("--origins", ed->origins, "FROM..TO: origin hours (the last hour observed)")->required();
  ed_cmd->add_option("--horizons", ed->horizons, "Hours ahead, comma-separated (default 1,2)");
  ed_cmd->add_option("--holidays", ed->holidays, "CSV date,name: days counted as Sundays");
  ed_cmd->add_option("--output", ed->output, "Output CSV (default: standard output)");
  ed_cmd->callback([ed] { RunEdArrivals(*ed); });

  auto occ = std::make_shared<OccupancyArgs>();
  auto* occ_cmd = forecast->add_subcommand(
      "occupancy", "Bed occupancy per day, h days ahead of every origin day, with an 80% interval");
  occ_cmd->add_option("--input", occ->input, "CSV date,occupied,admissions (daily)")->required();
  occ_cmd->add_option("--origins", occ->origins, "FROM..TO: origin days (the last day observed)")->required();
  occ_cmd->add_option("--horizons", occ->horizons, "Days ahead, comma-separated (default 7,14)");
  occ_cmd->add_option("--output", occ->output, "Output CSV (default: standard output)");
  occ_cmd->callback([occ] { RunOccupancy(*occ); });
}

}  // namespace ozcc::app
