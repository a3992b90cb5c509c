#include "core/kpis.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

#include "core/pathways.h"

namespace ozcc {

namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::sys_days;

constexpr std::array<std::pair<KpiGrouping, std::string_view>, 5> kGroupings{{{KpiGrouping::kDay, "day"},
                                                                              {KpiGrouping::kWeek, "week"},
                                                                              {KpiGrouping::kChannel, "channel"},
                                                                              {KpiGrouping::kSubregion, "subregion"},
                                                                              {KpiGrouping::kPathway, "pathway"}}};

bool NeedsAction(Outcome o) { return o != Outcome::kHelpedByZcc && o != Outcome::kSelfCareAdvice; }

// What one group adds up before its figures are final.
struct Tally {
  KpiFigures f;
  std::map<std::string, std::size_t> requesters;
  std::map<std::string, PartnerHandovers> partners;
  std::vector<milliseconds> to_triage, to_handover;

  void Add(const KpiCase& k) {
    const Case& c = k.the_case;
    ++f.requests;
    if (c.state == CaseState::kClosed) {
      ++f.closed;
      if (c.outcome) {
        ++f.outcomes[static_cast<std::size_t>(*c.outcome)];
        if (NeedsAction(*c.outcome)) ++f.action_needed;
      }
    } else {
      ++f.open;
    }
    if (c.requesting_organization_id.empty()) {
      ++f.requests_without_partner;
    } else {
      ++requesters[c.requesting_organization_id];
    }
    if (c.triaged_at) to_triage.push_back(std::max(milliseconds{0}, *c.triaged_at - c.received_at));
    std::optional<Time> first;
    for (const Handover& h : k.handovers) {
      if (!first || h.requested_at < *first) first = h.requested_at;
      PartnerHandovers& p = partners[h.to_organization_id];
      p.organization_id = h.to_organization_id;
      ++p.requested;
      if (h.state == HandoverState::kRejected) {
        ++p.declined;
      } else if (h.answered_at) {
        ++p.accepted;
      }
      if (h.escalations > 0) ++p.escalated;
    }
    if (first) to_handover.push_back(std::max(milliseconds{0}, *first - c.received_at));
    if (!c.pathway) {
      ++f.pathway_none;
    } else if (!c.pathway->action_code.empty()) {
      ++f.pathway_followed;
    } else {
      ++f.pathway_deviated;
    }
  }

  KpiFigures Done() && {
    for (auto& [org, n] : requesters) f.requests_by_partner.push_back({org, n});
    for (auto& [org, p] : partners) f.handovers_by_partner.push_back(std::move(p));
    f.time_to_triage = DurationStatsOf(std::move(to_triage));
    f.time_to_handover = DurationStatsOf(std::move(to_handover));
    return std::move(f);
  }
};

std::string KeyOf(const Case& c, KpiGrouping by) {
  switch (by) {
    case KpiGrouping::kNone: return "";
    case KpiGrouping::kDay: return FormatIsoDate(NetherlandsDate(c.received_at));
    case KpiGrouping::kWeek: return IsoWeek(NetherlandsDate(c.received_at));
    case KpiGrouping::kChannel: return std::string(ToString(c.channel));
    case KpiGrouping::kSubregion: return c.subregion_id;
    case KpiGrouping::kPathway: return c.pathway ? c.pathway->pathway_id : "";
  }
  return "";
}

}  // namespace

std::string_view ToString(KpiGrouping g) {
  for (const auto& [k, v] : kGroupings) {
    if (k == g) return v;
  }
  return "";
}

std::optional<KpiGrouping> ParseKpiGrouping(std::string_view s) {
  for (const auto& [k, v] : kGroupings) {
    if (v == s) return k;
  }
  return std::nullopt;
}

DurationStats DurationStatsOf(std::vector<milliseconds> values) {
  DurationStats s;
  s.count = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.median = NearestRank(values, 50);
  s.p90 = NearestRank(values, 90);
  return s;
}

std::optional<double> PartnerHandovers::acceptance_rate() const {
  if (answered() == 0) return std::nullopt;
  return static_cast<double>(accepted) / static_cast<double>(answered());
}

Status CheckKpiPeriod(Time from, Time to) {
  if (!(from < to)) return Status::BadRequest("bad period", {{"from", "must be before to"}});
  if (to - from > kMaxKpiSpan) {
    return Status::BadRequest("period too long", {{"from", "the period is at most 366 days"}});
  }
  return Status::Ok();
}

Date NetherlandsDate(Time t) {
  // NetherlandsMinuteOfDay knows the rule; the offset is its distance to UTC's minute of day.
  const Time utc_day = std::chrono::floor<days>(t);
  const int utc_minute = static_cast<int>(std::chrono::duration_cast<minutes>(t - utc_day).count());
  const int offset = ((NetherlandsMinuteOfDay(t) - utc_minute) % 1440 + 1440) % 1440;
  return Date{std::chrono::floor<days>(t + minutes{offset})};
}

std::string IsoWeek(Date d) {
  using namespace std::chrono;
  const sys_days day{d};
  const unsigned iso_weekday = weekday{day}.iso_encoding();  // Monday 1 … Sunday 7
  const sys_days thursday = day - days{iso_weekday - 1} + days{3};
  const year y = year_month_day{thursday}.year();
  const sys_days jan1{y / January / 1};
  const int week = static_cast<int>((thursday - jan1).count() / 7 + 1);
  // Room for any int year and week, so the compiler can prove no truncation (-Wformat-truncation at -O3).
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(y), week);
  return buf;
}

KpiReport ComputeKpis(const std::vector<KpiCase>& cases, Time from, Time to, KpiGrouping by) {
  KpiReport r;
  r.from = from;
  r.to = to;
  r.by = by;
  Tally total;
  std::map<std::string, Tally> groups;
  // Day and week list the whole period, in order, empty ones too.
  if (by == KpiGrouping::kDay || by == KpiGrouping::kWeek) {
    const sys_days first{NetherlandsDate(from)};
    const sys_days last{NetherlandsDate(to - milliseconds{1})};
    for (sys_days d = first; d <= last; d += days{1}) {
      groups.try_emplace(by == KpiGrouping::kDay ? FormatIsoDate(Date{d}) : IsoWeek(Date{d}));
    }
  }
  if (by == KpiGrouping::kChannel) {
    for (Channel c : kAllChannels) groups.try_emplace(std::string(ToString(c)));
  }
  for (const KpiCase& k : cases) {
    const Time at = k.the_case.received_at;
    if (at < from || !(at < to)) continue;
    total.Add(k);
    if (by != KpiGrouping::kNone) groups[KeyOf(k.the_case, by)].Add(k);
  }
  r.total = std::move(total).Done();
  for (auto& [key, tally] : groups) r.groups.push_back({key, std::move(tally).Done()});
  if (by == KpiGrouping::kChannel) {  // declaration order, as the UI lists channels
    auto rank = [](const std::string& key) {
      for (std::size_t i = 0; i < kAllChannels.size(); ++i) {
        if (ToString(kAllChannels[i]) == key) return i;
      }
      return kAllChannels.size();
    };
    std::stable_sort(r.groups.begin(), r.groups.end(),
                     [&](const KpiGroup& a, const KpiGroup& b) { return rank(a.key) < rank(b.key); });
  }
  return r;
}

}  // namespace ozcc
