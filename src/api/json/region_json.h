// Region files (data/regions/*.json) → RegionData. The format is documented
// in data/README.md.
//
// Parsing is strict and reports every problem at once: a syntax error, an
// unknown field, a wrong JSON type, a missing required field, an unknown
// enum name, a duplicate key, and then every ValidateRegion() finding
// (ids, references, uniqueness) plus the file-level checks below. Each
// FieldError has `field` = JSON path ("units[12].expected_interval_s",
// "region.subregions[0].id"; "json" for a syntax error) and `message` =
// "line N: <what is wrong>", N being the 1-based line in `text` where the
// value (or, for a missing field, its enclosing object) starts.
//
// File-level checks beyond ValidateRegion: a unit's location belongs to the
// unit's organisation; unit ids differ from location ids (FHIR serves both as
// Location/<id>); demo capacity is consistent (beds_staffed ≤
// beds_total, occupancy in [0,1], no beds on a unit type without beds).
//
// Pure functions; thread-safe; no I/O (the caller reads the file).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/json/data_file.h"  // LineAt
#include "base/status.h"
#include "core/types.h"

namespace ozcc::api {

// Demo capacity of one unit ("demo" object in the file): plausible sizes for
// the simulated feed. Not real capacity; only meaningful when the file says
// "demo_values": true.
struct UnitDemo {
  std::int64_t beds_total = 0;    // beds; ambulance: vehicles; 0 for HAP
  std::int64_t beds_staffed = 0;  // defaults to beds_total
  double occupancy = 0.85;        // typical occupied / staffed, 0–1
  std::int64_t ed_waiting = 0;    // typical queue (SEH, HAP)
};

// A parsed region file: the region plus per-unit demo capacity (keyed by unit
// id; units without a "demo" object are absent).
struct RegionFile {
  RegionData data;
  std::map<std::string, UnitDemo> demo;
};

// Parses and validates a region file. Organization::region_id is set to the
// region's id. On any error: Status kInvalid listing every error.
Result<RegionFile> ParseRegionFile(std::string_view text);

// The same, without the demo capacity.
Result<RegionData> ParseRegionJson(std::string_view text);

}  // namespace ozcc::api
