// Wall-clock time as UTC milliseconds since the Unix epoch, and RFC 3339
// conversion. Pure: Now() is the only function that reads a clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ozcc {

using Time = std::chrono::sys_time<std::chrono::milliseconds>;

Time Now();
inline Time FromUnixMillis(std::int64_t ms) { return Time{std::chrono::milliseconds{ms}}; }
inline std::int64_t ToUnixMillis(Time t) { return t.time_since_epoch().count(); }

// Parses "2026-11-26T13:40:59Z", "...59.123Z", "...59+01:00". Requires a
// date, 'T' (or 't'), a time and a zone; returns nullopt otherwise or when a
// field is out of range, or the instant is outside the years 0001–9999 UTC.
// Fractions beyond milliseconds are truncated.
std::optional<Time> ParseRfc3339(std::string_view s);

// Formats as "2026-11-26T13:40:59Z", or with ".123" when the milliseconds are
// not zero.
std::string FormatRfc3339(Time t);

// A calendar date without a time or zone (a birth date).
using Date = std::chrono::year_month_day;

// Parses "2026-11-26" (exactly YYYY-MM-DD, years 0001–9999); nullopt when
// malformed or not a day of the calendar (2026-02-30).
std::optional<Date> ParseIsoDate(std::string_view s);
// Formats as "2026-11-26". Precondition: d.ok() and a year 0001–9999.
std::string FormatIsoDate(Date d);

}  // namespace ozcc
