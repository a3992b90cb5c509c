// `openzcc forecast ed-arrivals` and `openzcc forecast occupancy`: rolling
// forecasts from a CSV history, for backtests (docs/forecasting.md).
//
//   forecast ed-arrivals --input FILE --origins FROM..TO --horizons 1,2
//                        [--holidays FILE] [--output FILE]
//     input `time,value`: the start of each hour (ISO 8601, local time) and
//     the arrivals in that hour. For every origin hour o in FROM..TO (o is
//     the last hour observed) and horizon h, one row
//     `origin,target,horizon,mean,p10,p90` for the hour o + h, computed from
//     the rows up to o only. Holidays: CSV `date,name`, counted as Sundays.
//   forecast occupancy --input FILE --origins FROM..TO --horizons 7,14
//                      [--output FILE]
//     input `date,occupied,admissions` (daily); the same output for the day
//     o + h, also beyond the last row.
// Bad input exits 2, naming the file, line and field. Missing rows inside
// the history, and empty or NA values, are treated as missing values.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ozcc::app {

// Adds the `forecast` command and its two subcommands to app; each runs
// from its parse callback (a failure is thrown as CLI::RuntimeError with
// its exit code, which CLI11_PARSE returns).
void AddForecastCommands(CLI::App& app);

// The parsing the commands use, for tests.
struct ForecastTimeStyle {
  char separator = 'T';  // between date and hour
  bool minutes = true;   // writes ":MM"
  bool seconds = true;   // writes ":SS"
};
// Hours since 1970-01-01T00 of a local wall-clock time "YYYY-MM-DD[Thh[:mm[:ss]]][Z|±hh[:mm]]"
// (a date alone is its hour 0; an offset is ignored: times are local). kInvalid
// when malformed or not at the start of an hour.
Result<std::int64_t> ParseForecastHour(std::string_view text, ForecastTimeStyle* style = nullptr);
// Days since 1970-01-01 of "YYYY-MM-DD".
Result<std::int64_t> ParseForecastDate(std::string_view text);
std::string FormatForecastHour(std::int64_t hours, const ForecastTimeStyle& style);
std::string FormatForecastDate(std::int64_t days);
// "1,2" -> {1, 2}: positive integers up to max, no repeats.
Result<std::vector<int>> ParseForecastHorizons(std::string_view text, int max);

}  // namespace ozcc::app
