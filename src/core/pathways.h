// Care pathways (zorgpaden) as data, and the pure rules engine that proposes
// who acts on a triaged case.
//
// A pathway says: for these entry complaints, in this urgency band, under
// these conditions (age, living situation, local time of day, known care),
// propose these actions by these partner types. The coordinator decides and
// may deviate with a reason (core/cases.h PathwayUse). Pathways are
// versioned: an edit is a new version; a case records the version it used.
// data/pathways/*.json holds the shipped set (format in data/README.md,
// parsed by api/json/pathway_json.h).
//
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/cases.h"
#include "core/complaints.h"
#include "core/types.h"

namespace ozcc {

// Text in both languages of the UI.
struct LocalText {
  std::string nl;
  std::string en;
  bool operator==(const LocalText&) const = default;
};

// Urgencies from `from` to `to`, both included.
struct UrgencyBand {
  Urgency from = Urgency::kU0;
  Urgency to = Urgency::kU5;
  bool operator==(const UrgencyBand&) const = default;
};

// Local time of day, minutes after midnight, [from, to). from > to wraps
// midnight (17:00–08:00 = {1020, 480}); from == to is not a window.
struct TimeWindow {
  int from_minute = 0;
  int to_minute = 0;
  bool operator==(const TimeWindow&) const = default;
};

// Conditions beyond complaint and urgency. Empty / nullopt: no condition.
struct PathwayConditions {
  std::optional<int> age_min;             // years, included
  std::optional<int> age_max;             // years, included
  std::vector<LivingSituation> living;    // the patient lives in one of these
  std::optional<TimeWindow> time_of_day;  // the request is handled in this window
  std::vector<KnownCare> known_care;      // the patient receives at least one of these
  bool operator==(const PathwayConditions&) const = default;
};

// One proposed action. `partner` and `unit` say which partners can do it
// (the proposal shows their live capacity); neither for what the ZCC does
// itself (a multidisciplinary consult, self-care advice).
struct PathwayAction {
  std::string code;                // "acute-district-nursing"; vocabulary in data/README.md
  std::optional<OrgType> partner;  // organisation type
  std::optional<UnitType> unit;    // unit type, where one fits
  LocalText description;
  std::string rationale;  // short: why this action, and from which source
  bool operator==(const PathwayAction&) const = default;
};

struct Pathway {
  std::string id;   // stable across versions: "catheter-care"
  int version = 1;  // 1, 2, …; an edit is a new version
  LocalText name;
  std::vector<std::string> complaints;  // entry complaint codes; empty iff any_complaint
  bool any_complaint = false;           // for patient groups (frail elderly, palliative care)
  bool fallback = false;                // proposed only when no other pathway matches ("other U3 and U4")
  UrgencyBand urgency;
  PathwayConditions conditions;
  std::vector<PathwayAction> actions;  // in the order proposed
  std::string source;                  // where the rules come from (document, section, pilot)
  std::string rationale;               // why; and what the source does not say
  bool operator==(const Pathway&) const = default;
};

inline constexpr std::size_t kMaxPathwayActions = 20;
inline constexpr std::size_t kMaxPathwayComplaints = 50;
inline constexpr std::size_t kMaxPathwayText = 2000;  // source, rationale
inline constexpr std::size_t kMaxPathwayName = 200;

// An action code: 1–64 of a–z, 0–9 and '-', starting with a letter.
bool ValidActionCode(std::string_view code);

// Which organisation types can run a unit type (hospital: seh, ic, ward;
// elv units: elv or vvt, as many providers do both; ggz-crisis: ggz;
// vvt-crisis: vvt; hap: hap; ambulance: ambulance).
bool UnitFitsOrg(UnitType unit, OrgType org);

// Checks one pathway. Field names are JSON paths prefixed with `prefix`:
// "id", "name.nl", "complaints[2]", "urgency.from", "conditions.age_min",
// "conditions.time_of_day", "actions[1].unit". Rules: id 1–64 of a–z, 0–9,
// '-' starting with a letter; version 1…1000000; both names, ≤ 200 bytes;
// complaints valid codes, no duplicates, ≤ 50, non-empty unless
// any_complaint (then empty); each code in `known` when `known` is given;
// band from ≤ to; ages 0…130, min ≤ max; time window minutes 0…1439, from ≠
// to; no duplicate living situation or known care; 1…20 actions with unique
// valid codes, both descriptions, a unit that fits its partner type;
// source required; source and rationales ≤ 2000 bytes.
std::vector<FieldError> ValidatePathway(const Pathway& p, const std::vector<Complaint>* known = nullptr,
                                        const std::string& prefix = "");

// Checks a set (the files of data/pathways/, or the store's current
// versions): each pathway as above, and one pathway per id. Field names are
// prefixed "pathways[i].".
std::vector<FieldError> ValidatePathwaySet(const std::vector<Pathway>& set,
                                           const std::vector<Complaint>* known = nullptr);

// What is known about a case when a proposal is asked for. Unknown facts are
// nullopt: a condition on an unknown fact does not exclude a pathway, it is
// listed in Proposal::unchecked so the coordinator asks.
struct CaseFacts {
  std::string complaint;           // entry complaint code (required to match anything)
  std::optional<Urgency> urgency;  // required to match anything
  std::optional<int> age_years;
  std::optional<LivingSituation> living;
  std::optional<int> minute_of_day;                  // local time (Europe/Amsterdam), 0…1439
  std::optional<std::vector<KnownCare>> known_care;  // nullopt: not asked; empty: none
};

struct Proposal {
  std::string pathway_id;
  int pathway_version = 0;
  LocalText pathway_name;
  std::vector<PathwayAction> actions;
  // Conditions the facts could not check: "age", "living", "time_of_day",
  // "known_care" (the pathway's condition names).
  std::vector<std::string> unchecked;
  bool fallback = false;
  std::string source;
  std::string rationale;
};

// The pathways that match `facts`, best first. Matching: the complaint is one
// of the pathway's (or any_complaint); the urgency is in the band; every
// condition holds or its fact is unknown. Without a complaint or an urgency
// nothing matches (triage first). Fallback pathways are proposed only when no
// other pathway matches. Order: fully checked before partly checked; then
// complaint-specific before any-complaint; then fewer unchecked conditions;
// then id. When several versions of one id are given, only the highest is
// used. Pathways are not validated here (ValidatePathway).
std::vector<Proposal> Propose(const std::vector<Pathway>& pathways, const CaseFacts& facts);

// The facts of a case for Propose: its complaint, urgency and context, and
// the Dutch local time of `now` (when the proposal is asked for: a partner's
// service hours are about now, not when the call came in). With a patient
// whose birth date is known, the age is computed from it on the Dutch date
// of `now`, and the context's estimate is not used.
CaseFacts FactsOf(const Case& c, Time now, const Patient* patient = nullptr);

// The local time of day in the Netherlands (minutes after midnight, 0…1439)
// at instant `t`: CET (UTC+1), and CEST (UTC+2) from the last Sunday of March
// 01:00 UTC to the last Sunday of October 01:00 UTC (the EU rule since 1996).
// For CaseFacts::minute_of_day; the standard library of GCC 12 has no
// time-zone database.
int NetherlandsMinuteOfDay(Time t);
// Local hour of the week in the Netherlands at `t`: 0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00.
int NetherlandsHourOfWeek(Time t);

// "17:00" → 1020; nullopt unless HH:MM with 00 ≤ HH ≤ 23, 00 ≤ MM ≤ 59.
std::optional<int> ParseMinuteOfDay(std::string_view hhmm);
// 1020 → "17:00". Precondition: 0 ≤ minute ≤ 1439.
std::string FormatMinuteOfDay(int minute);

}  // namespace ozcc
