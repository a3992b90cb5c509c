#include "core/pathways.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace ozcc {

namespace {

bool ValidKebab(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

constexpr std::string_view kKebabRule = "must be 1–64 of a–z, 0–9 and '-', starting with a letter";

}  // namespace

bool ValidActionCode(std::string_view code) { return ValidKebab(code); }

bool UnitFitsOrg(UnitType unit, OrgType org) {
  switch (unit) {
    case UnitType::kSeh:
    case UnitType::kIc:
    case UnitType::kWard: return org == OrgType::kHospital;
    case UnitType::kElvLow:
    case UnitType::kElvHigh:
    case UnitType::kElvPalliative: return org == OrgType::kElv || org == OrgType::kVvt;
    case UnitType::kGgzCrisis: return org == OrgType::kGgz;
    case UnitType::kVvtCrisis: return org == OrgType::kVvt;
    case UnitType::kHap: return org == OrgType::kHap;
    case UnitType::kAmbulance: return org == OrgType::kAmbulance;
  }
  return false;
}

namespace {

// `t` as the wall-clock time in the Netherlands, expressed as a UTC instant.
Time NetherlandsLocal(Time t) {
  using namespace std::chrono;
  const year y = year_month_day{floor<days>(t)}.year();
  const auto summer_from = sys_days{year_month_weekday_last{y, March, weekday_last{Sunday}}} + hours{1};
  const auto summer_to = sys_days{year_month_weekday_last{y, October, weekday_last{Sunday}}} + hours{1};
  const bool summer = t >= summer_from && t < summer_to;
  return t + hours{summer ? 2 : 1};
}

}  // namespace

int NetherlandsMinuteOfDay(Time t) {
  using namespace std::chrono;
  const Time local = NetherlandsLocal(t);
  return static_cast<int>(duration_cast<minutes>(local - floor<days>(local)).count());
}

int NetherlandsHourOfWeek(Time t) {
  using namespace std::chrono;
  const Time local = NetherlandsLocal(t);
  const auto day = floor<days>(local);
  const int monday_based = static_cast<int>(weekday{sys_days{day}}.iso_encoding()) - 1;
  return monday_based * 24 + static_cast<int>(duration_cast<hours>(local - day).count());
}

CaseFacts FactsOf(const Case& c, Time now, const Patient* patient) {
  CaseFacts f;
  f.complaint = c.complaint;
  f.urgency = c.urgency;
  f.age_years = c.context.age_years;
  if (patient && patient->birth_date && patient->birth_date->ok()) {
    f.age_years = AgeYears(*patient->birth_date, Date{std::chrono::floor<std::chrono::days>(NetherlandsLocal(now))});
  }
  f.living = c.context.living;
  f.minute_of_day = NetherlandsMinuteOfDay(now);
  f.known_care = c.context.known_care;
  return f;
}

std::optional<int> ParseMinuteOfDay(std::string_view s) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (s.size() != 5 || s[2] != ':' || !digit(s[0]) || !digit(s[1]) || !digit(s[3]) || !digit(s[4])) {
    return std::nullopt;
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string FormatMinuteOfDay(int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minute / 60) % 100, minute % 60);
  return buf;
}

namespace {

void CheckText(std::vector<FieldError>& errs, const std::string& field, const std::string& v, std::size_t max,
               bool required) {
  if (v.empty()) {
    if (required) errs.push_back({field, "is required"});
  } else if (v.size() > max) {
    errs.push_back({field, "must be at most " + std::to_string(max) + " bytes"});
  } else if (std::any_of(v.begin(), v.end(), [](char ch) {
               auto c = static_cast<unsigned char>(ch);
               return (c < 0x20 && c != '\n') || c == 0x7F;
             })) {
    errs.push_back({field, "must not contain control characters other than line breaks"});
  }
}

template <class E>
void CheckUnique(std::vector<FieldError>& errs, const std::string& field, const std::vector<E>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::find(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i), values[i]) !=
        values.begin() + static_cast<std::ptrdiff_t>(i)) {
      errs.push_back({field + "[" + std::to_string(i) + "]", "is listed twice"});
    }
  }
}

}  // namespace

std::vector<FieldError> ValidatePathway(const Pathway& p, const std::vector<Complaint>* known,
                                        const std::string& prefix) {
  std::vector<FieldError> errs;
  if (!ValidKebab(p.id)) errs.push_back({prefix + "id", std::string(kKebabRule)});
  if (p.version < 1 || p.version > 1000000) errs.push_back({prefix + "version", "must be 1 to 1000000"});
  CheckText(errs, prefix + "name.nl", p.name.nl, kMaxPathwayName, true);
  CheckText(errs, prefix + "name.en", p.name.en, kMaxPathwayName, true);

  if (p.any_complaint && !p.complaints.empty()) {
    errs.push_back({prefix + "complaints", "must be empty when any_complaint is true"});
  } else if (!p.any_complaint && p.complaints.empty()) {
    errs.push_back({prefix + "complaints", "needs at least one entry complaint (or any_complaint: true)"});
  }
  if (p.complaints.size() > kMaxPathwayComplaints) {
    errs.push_back({prefix + "complaints", "at most " + std::to_string(kMaxPathwayComplaints) + " complaints"});
  }
  for (size_t i = 0; i < p.complaints.size(); ++i) {
    const std::string f = prefix + "complaints[" + std::to_string(i) + "]";
    const std::string& code = p.complaints[i];
    if (!ValidComplaintCode(code)) {
      errs.push_back({f, std::string(kKebabRule)});
    } else if (known && !FindComplaint(*known, code)) {
      errs.push_back({f, "unknown entry complaint \"" + code + "\""});
    }
  }
  CheckUnique(errs, prefix + "complaints", p.complaints);

  if (p.urgency.from > p.urgency.to) {
    errs.push_back({prefix + "urgency.to", "must not come before urgency.from (" +
                                               std::string(ToString(p.urgency.from)) + " … " +
                                               std::string(ToString(p.urgency.to)) + " is an empty band)"});
  }

  const PathwayConditions& c = p.conditions;
  const std::string cp = prefix + "conditions.";
  for (const auto& [name, age] : {std::pair{"age_min", c.age_min}, std::pair{"age_max", c.age_max}}) {
    if (age && (*age < 0 || *age > kMaxAgeYears)) {
      errs.push_back({cp + name, "must be 0 to " + std::to_string(kMaxAgeYears) + " years"});
    }
  }
  if (c.age_min && c.age_max && *c.age_min > *c.age_max) {
    errs.push_back({cp + "age_max", "must not be below age_min"});
  }
  if (c.time_of_day) {
    const TimeWindow& w = *c.time_of_day;
    if (w.from_minute < 0 || w.from_minute > 1439) errs.push_back({cp + "time_of_day.from", "must be 00:00 to 23:59"});
    if (w.to_minute < 0 || w.to_minute > 1439) errs.push_back({cp + "time_of_day.to", "must be 00:00 to 23:59"});
    if (w.from_minute == w.to_minute) {
      errs.push_back({cp + "time_of_day", "from and to must differ (leave the window out for all day)"});
    }
  }
  CheckUnique(errs, cp + "living", c.living);
  CheckUnique(errs, cp + "known_care", c.known_care);

  if (p.actions.empty()) errs.push_back({prefix + "actions", "needs at least one action"});
  if (p.actions.size() > kMaxPathwayActions) {
    errs.push_back({prefix + "actions", "at most " + std::to_string(kMaxPathwayActions) + " actions"});
  }
  std::set<std::string_view> codes;
  for (size_t i = 0; i < p.actions.size(); ++i) {
    const PathwayAction& a = p.actions[i];
    const std::string ap = prefix + "actions[" + std::to_string(i) + "].";
    if (!ValidActionCode(a.code)) {
      errs.push_back({ap + "code", std::string(kKebabRule)});
    } else if (!codes.insert(a.code).second) {
      errs.push_back({ap + "code", "duplicate action code " + a.code});
    }
    if (a.unit && a.partner && !UnitFitsOrg(*a.unit, *a.partner)) {
      errs.push_back({ap + "unit", "a " + std::string(ToString(*a.unit)) + " unit is not run by a " +
                                       std::string(ToString(*a.partner)) + " organisation"});
    }
    CheckText(errs, ap + "description.nl", a.description.nl, kMaxPathwayText, true);
    CheckText(errs, ap + "description.en", a.description.en, kMaxPathwayText, true);
    CheckText(errs, ap + "rationale", a.rationale, kMaxPathwayText, false);
  }
  CheckText(errs, prefix + "source", p.source, kMaxPathwayText, true);
  CheckText(errs, prefix + "rationale", p.rationale, kMaxPathwayText, false);
  return errs;
}

std::vector<FieldError> ValidatePathwaySet(const std::vector<Pathway>& set, const std::vector<Complaint>* known) {
  std::vector<FieldError> errs;
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < set.size(); ++i) {
    const std::string prefix = "pathways[" + std::to_string(i) + "].";
    std::vector<FieldError> one = ValidatePathway(set[i], known, prefix);
    errs.insert(errs.end(), one.begin(), one.end());
    auto [it, inserted] = first.emplace(set[i].id, i);
    if (!inserted) {
      errs.push_back({prefix + "id",
                      "duplicate pathway id " + set[i].id + " (also pathways[" + std::to_string(it->second) + "])"});
    }
  }
  return errs;
}

namespace {

bool InWindow(const TimeWindow& w, int minute) {
  if (w.from_minute < w.to_minute) return minute >= w.from_minute && minute < w.to_minute;
  return minute >= w.from_minute || minute < w.to_minute;  // wraps midnight
}

// Whether the conditions hold; the names of those whose fact is unknown go
// to `unchecked`.
bool ConditionsHold(const PathwayConditions& c, const CaseFacts& f, std::vector<std::string>& unchecked) {
  if (c.age_min || c.age_max) {
    if (!f.age_years) {
      unchecked.emplace_back("age");
    } else if ((c.age_min && *f.age_years < *c.age_min) || (c.age_max && *f.age_years > *c.age_max)) {
      return false;
    }
  }
  if (!c.living.empty()) {
    if (!f.living) {
      unchecked.emplace_back("living");
    } else if (std::find(c.living.begin(), c.living.end(), *f.living) == c.living.end()) {
      return false;
    }
  }
  if (c.time_of_day) {
    if (!f.minute_of_day) {
      unchecked.emplace_back("time_of_day");
    } else if (!InWindow(*c.time_of_day, *f.minute_of_day)) {
      return false;
    }
  }
  if (!c.known_care.empty()) {
    if (!f.known_care) {
      unchecked.emplace_back("known_care");
    } else if (std::none_of(c.known_care.begin(), c.known_care.end(), [&](KnownCare k) {
                 return std::find(f.known_care->begin(), f.known_care->end(), k) != f.known_care->end();
               })) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<Proposal> Propose(const std::vector<Pathway>& pathways, const CaseFacts& facts) {
  if (facts.complaint.empty() || !facts.urgency) return {};
  // The highest version of each id.
  std::map<std::string_view, const Pathway*> current;
  for (const Pathway& p : pathways) {
    auto [it, inserted] = current.emplace(p.id, &p);
    if (!inserted && p.version > it->second->version) it->second = &p;
  }
  struct Hit {
    const Pathway* p;
    std::vector<std::string> unchecked;
  };
  std::vector<Hit> hits;
  for (const auto& [id, p] : current) {
    bool complaint_ok = p->any_complaint ||
                        std::find(p->complaints.begin(), p->complaints.end(), facts.complaint) != p->complaints.end();
    if (!complaint_ok) continue;
    if (*facts.urgency < p->urgency.from || *facts.urgency > p->urgency.to) continue;
    std::vector<std::string> unchecked;
    if (!ConditionsHold(p->conditions, facts, unchecked)) continue;
    hits.push_back({p, std::move(unchecked)});
  }
  const bool specific = std::any_of(hits.begin(), hits.end(), [](const Hit& h) { return !h.p->fallback; });
  if (specific) {
    hits.erase(std::remove_if(hits.begin(), hits.end(), [](const Hit& h) { return h.p->fallback; }), hits.end());
  }
  auto key = [](const Hit& h) {
    return std::make_tuple(!h.unchecked.empty(), h.p->any_complaint, h.unchecked.size(), std::string_view(h.p->id));
  };
  std::sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) { return key(a) < key(b); });
  std::vector<Proposal> out;
  out.reserve(hits.size());
  for (Hit& h : hits) {
    out.push_back({h.p->id, h.p->version, h.p->name, h.p->actions, std::move(h.unchecked), h.p->fallback, h.p->source,
                   h.p->rationale});
  }
  return out;
}

}  // namespace ozcc
