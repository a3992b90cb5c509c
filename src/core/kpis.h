// The worklist KPIs ("Insight", the Rotterdam list): what happened to the
// care requests a region received in a period, in total and grouped per
// Dutch calendar day, ISO week, channel, subregion or care pathway.
//
// Definitions (docs/worklist.md "KPIs"):
// - A case counts in the period when its received_at lies in [from, to).
// - requests: the cases; per requesting partner the cases whose
//   requesting_organization_id it is (cases without one are counted apart).
// - open / closed: the case's state now; outcomes: the closed cases per
//   Outcome.
// - action needed: a closed case whose outcome is neither helped-by-zcc nor
//   self-care-advice, i.e. someone beyond the ZCC's own advice acted
//   (referred, care-prevented, ed-visit, hospital-admission, ambulance,
//   doctor-visit). Open cases are not counted: it is not decided yet.
// - time to triage: received_at → triaged_at (first triage), of the cases
//   triaged; time to handover: received_at → the first handover's
//   requested_at, of the cases handed over. Median and p90 by nearest rank
//   (the smallest observed value with at least 50 % / 90 % of the values at
//   or below it: always a value that occurred). A negative span (a
//   received_at typed in later than the triage) counts as 0.
// - handovers per receiving partner (to_organization_id): requested (all),
//   accepted (answered and not rejected: an accepted handover later
//   completed or withdrawn by the ZCC still was accepted), declined
//   (rejected, also after a first acceptance), answered = accepted +
//   declined, escalated (escalations > 0), acceptance rate = accepted /
//   answered (none when nothing was answered).
// - pathway: followed (a pathway's action taken), deviated (a pathway with a
//   deviation reason), none (no pathway recorded).
// Grouping by day or week lists every day / week of the period, also those
// without cases, in order; by channel every channel in declaration order;
// by subregion and pathway the keys that occur, sorted ("" = none).
//
// Pure functions; no I/O, no clock; thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/cases.h"

namespace ozcc {

// Wire names "day", "week", "channel", "subregion", "pathway"; kNone: one total.
enum class KpiGrouping { kNone, kDay, kWeek, kChannel, kSubregion, kPathway };
std::string_view ToString(KpiGrouping g);  // kNone → ""
std::optional<KpiGrouping> ParseKpiGrouping(std::string_view s);

// A case with its handovers, as the KPIs need it (the store's KpiCases).
struct KpiCase {
  Case the_case;
  std::vector<Handover> handovers;
};

// Durations in milliseconds.
struct DurationStats {
  std::size_t count = 0;  // how many cases had the span
  std::optional<std::chrono::milliseconds> median, p90;
  bool operator==(const DurationStats&) const = default;
};

struct PartnerRequests {
  std::string organization_id;
  std::size_t requests = 0;
  bool operator==(const PartnerRequests&) const = default;
};

struct PartnerHandovers {
  std::string organization_id;
  std::size_t requested = 0;  // every handover to the partner
  std::size_t accepted = 0;
  std::size_t declined = 0;
  std::size_t escalated = 0;
  std::size_t answered() const { return accepted + declined; }
  // accepted / answered; nullopt when none was answered.
  std::optional<double> acceptance_rate() const;
  bool operator==(const PartnerHandovers&) const = default;
};

struct KpiFigures {
  std::size_t requests = 0;
  std::size_t open = 0;
  std::size_t closed = 0;
  std::size_t action_needed = 0;
  std::array<std::size_t, kAllOutcomes.size()> outcomes{};  // indexed as kAllOutcomes
  std::vector<PartnerRequests> requests_by_partner;         // by organisation id
  std::size_t requests_without_partner = 0;
  DurationStats time_to_triage;
  DurationStats time_to_handover;
  std::vector<PartnerHandovers> handovers_by_partner;  // by organisation id
  std::size_t pathway_followed = 0;
  std::size_t pathway_deviated = 0;
  std::size_t pathway_none = 0;
  std::size_t Outcomes(Outcome o) const { return outcomes[static_cast<std::size_t>(o)]; }
  bool operator==(const KpiFigures&) const = default;
};

struct KpiGroup {
  // "2026-03-29" (day), "2026-W13" (ISO week), a channel's wire name, a
  // subregion id or a pathway id ("" = none).
  std::string key;
  KpiFigures figures;
  bool operator==(const KpiGroup&) const = default;
};

struct KpiReport {
  Time from{};
  Time to{};
  KpiGrouping by = KpiGrouping::kNone;
  KpiFigures total;
  std::vector<KpiGroup> groups;  // empty for kNone
};

// Nearest rank: the value at rank ceil(percent/100 · n), 1-based, of the
// sorted values (always a value that occurred). Precondition: not empty.
template <class T>
T NearestRank(const std::vector<T>& sorted, int percent) {
  const std::size_t n = sorted.size();
  std::size_t rank = (n * static_cast<std::size_t>(percent) + 99) / 100;
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return sorted[rank - 1];
}

// The count, median and p90 (nearest rank) of the spans.
DurationStats DurationStatsOf(std::vector<std::chrono::milliseconds> values);

// The longest period one report covers.
inline constexpr std::chrono::days kMaxKpiSpan{366};

// Ok when from < to and to − from ≤ kMaxKpiSpan; else kBadRequest naming
// "from" (the field a client moves to fix either).
Status CheckKpiPeriod(Time from, Time to);

// The figures of the cases received in [from, to) (others are ignored),
// grouped as `by` asks. Precondition: CheckKpiPeriod(from, to) is ok.
KpiReport ComputeKpis(const std::vector<KpiCase>& cases, Time from, Time to, KpiGrouping by);

// The calendar date in the Netherlands (Europe/Amsterdam, core/pathways.h
// NetherlandsMinuteOfDay's rule) at instant `t`.
Date NetherlandsDate(Time t);
// The ISO 8601 week of a date: "2026-W01" (the week with the year's first
// Thursday; its days may lie in the year before).
std::string IsoWeek(Date d);

}  // namespace ozcc
