#include "service/simulation_service.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>

#include "core/kpis.h"      // NetherlandsDate
#include "core/pathways.h"  // NetherlandsHourOfWeek, NetherlandsMinuteOfDay
#include "core/stale.h"

namespace ozcc::service {

namespace {

namespace sim = engine::simulate;
using std::chrono::hours;

std::string NewRunId() {
  unsigned char b[8];
  randombytes_buf(b, sizeof b);
  char hex[2 * sizeof b + 1];
  sodium_bin2hex(hex, sizeof hex, b, sizeof b);
  return std::string("sim-") + hex;
}

// Thrown out of the engine's progress callback to stop a run when the
// service stops (the engine then stops starting replications).
struct Stopping : std::runtime_error {
  Stopping() : std::runtime_error("stopping") {}
};

// ---- The region's scenario: documented defaults (docs/simulation.md). ----
constexpr double kScenarioHorizonHours = 72;  // "tonight" and the two days after
constexpr int kEdHistoryWeeks = 8;
constexpr int kBedHistoryDays = 28;
constexpr int kCaseHistoryDays = 28;
constexpr int kEdDefaultServers = 20;      // treatment places when the ED reports no staffed beds
constexpr double kEdDefaultMinutes = 150;  // treatment time when Little's law has no data
constexpr double kEdMinMinutes = 30, kEdMaxMinutes = 720;
constexpr double kEdAdmittedShare = 0.25;  // of ED patients admitted to a ward or IC
constexpr int kZccDefaultServers = 2;      // coordinators on the worklist
constexpr double kZccMinutes = 20;         // handling time of a care request (exponential)
constexpr double kMinStayDays = 0.5, kMaxStayDays = 60;

// Mean length of stay (days) when the history gives no estimate.
double DefaultStayDays(UnitType t) {
  switch (t) {
    case UnitType::kIc: return 3;
    case UnitType::kWard: return 4;
    case UnitType::kElvLow:
    case UnitType::kElvHigh: return 21;
    case UnitType::kElvPalliative: return 14;
    case UnitType::kGgzCrisis: return 7;
    case UnitType::kVvtCrisis: return 14;
    default: return 4;
  }
}

bool IsHospitalBed(UnitType t) { return t == UnitType::kIc || t == UnitType::kWard; }

// Characters (code points) of UTF-8 text: its bytes that do not continue one.
size_t Characters(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Fixed(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

SimulationService::SimulationService(RegionStore& regions, CapacityStore& capacity, CaseStore& cases,
                                     SimulationStore& runs, AuditStore& audit, SimulationCodec codec,
                                     SimulationServiceOptions options)
    : regions_(regions),
      capacity_(capacity),
      cases_(cases),
      runs_(runs),
      audit_(audit),
      codec_(std::move(codec)),
      options_(options) {
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { Work(); });
}

SimulationService::~SimulationService() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

StoredSimulation SimulationService::AsRead(StoredSimulation run, Time now) {
  if ((run.state == "queued" || run.state == "running") && now - run.heartbeat_at > kStoppedAfter) {
    run.state = "failed";
    run.error = kStoppedError;
  }
  return run;
}

Result<StoredSimulation> SimulationService::Start(const Caller& caller, SimulationStart start) {
  std::vector<FieldError> errors;
  if (start.region_id.empty()) errors.push_back({"region_id", "is required"});
  if (start.replications < 1 || start.replications > kMaxReplications) {
    errors.push_back({"replications", "must be an integer 1 to " + std::to_string(kMaxReplications)});
  }
  if (start.seed < 0 || start.seed > kMaxSeed) {
    errors.push_back({"seed", "must be an integer 0 to " + std::to_string(kMaxSeed)});
  }
  if (Characters(start.name) > kMaxName) errors.push_back({"name", "must be at most 200 characters"});
  if (start.scenario_json.empty()) errors.push_back({"scenario", "is required"});
  if (errors.empty()) {
    const double budget = start.scenario.horizon_hours * start.replications;
    if (!(budget <= options_.max_replication_hours)) {
      const std::string limit = Fixed(options_.max_replication_hours, 0);
      errors.push_back(
          {"scenario.horizon_hours", "horizon_hours × replications is " + Fixed(budget, 0) + ", more than the " +
                                         limit + " a run may take: shorten the horizon or run fewer replications"});
      errors.push_back({"replications", "horizon_hours × replications must be at most " + limit});
    }
  }
  if (!errors.empty()) return Status::Invalid("bad simulation request", std::move(errors));
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kSimulate, {start.region_id, ""}, "simulation.start", start.region_id));
  auto region = regions_.GetRegion(start.region_id);
  if (!region.ok()) {
    if (region.status().code() == Code::kNotFound) {
      return Status::Invalid("unknown region", {{"region_id", "no region \"" + start.region_id + "\""}});
    }
    return region.status();
  }
  {
    std::lock_guard lock(mu_);
    if (stopping_ || options_.workers < 1 || queue_.size() + reserved_ >= options_.max_queue) {
      return Status::Unavailable("the simulation queue of this instance is full: try again in a minute");
    }
    ++reserved_;
  }
  const Time now = Now();
  StoredSimulation run;
  run.id = NewRunId();
  run.region_id = start.region_id;
  run.name = start.name;
  run.state = "queued";
  run.replications = start.replications;
  run.seed = start.seed;
  run.created_by = caller.who.name;
  run.created_at = now;
  run.heartbeat_at = now;
  run.scenario = std::move(start.scenario_json);
  Status st = runs_.CreateSimulation(
      run, AuditOf(caller, "simulation.start", run.id, "ok",
                   "region " + run.region_id + ", " + std::to_string(run.replications) + " replications"));
  {
    std::lock_guard lock(mu_);
    --reserved_;
    if (st.ok()) queue_.push_back(run);
  }
  if (!st.ok()) return st;
  cv_.notify_one();
  return run;
}

Result<StoredSimulation> SimulationService::Get(const Caller& caller, const std::string& id, Time now) {
  auto run = runs_.GetSimulation(id);
  if (!run.ok()) return run.status();
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kSimulate, {run->region_id, ""}, "simulation.read", id));
  return AsRead(std::move(*run), now);
}

Result<std::vector<StoredSimulation>> SimulationService::List(const Caller& caller, const std::string& region_id,
                                                              Time now) {
  if (region_id.empty()) return Status::BadRequest("name the region", {{"region", "is required"}});
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kSimulate, {region_id, ""}, "simulation.read", region_id));
  auto runs = runs_.ListSimulations(region_id, kListLimit);
  if (!runs.ok()) return runs.status();
  for (auto& r : *runs) r = AsRead(std::move(r), now);
  return runs;
}

void SimulationService::Work() {
  for (;;) {
    std::string id;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front().id;
      queue_.pop_front();
    }
    Execute(id);
  }
}

// With one worker (the default) only that worker writes the rows of its
// queue; with more, a touch may briefly write "queued" over a run another
// worker has just started, until that run's next progress write.
void SimulationService::TouchQueued(Time now) {
  std::vector<StoredSimulation> waiting;
  {
    std::lock_guard lock(mu_);
    if (now - last_touch_ < kHeartbeatEvery) return;
    last_touch_ = now;
    for (auto& r : queue_) {
      r.heartbeat_at = now;
      waiting.push_back(r);
    }
  }
  for (const auto& r : waiting) {
    if (Status st = runs_.UpdateSimulation(r); !st.ok()) {
      spdlog::warn("simulation {}: heartbeat not written: {}", r.id, st.message());
    }
  }
}

void SimulationService::Execute(const std::string& id) {
  auto loaded = runs_.GetSimulation(id);
  if (!loaded.ok()) {
    spdlog::error("simulation {}: cannot be read: {}", id, loaded.status().message());
    return;
  }
  StoredSimulation run = std::move(*loaded);
  run.state = "running";
  run.started_at = Now();
  run.heartbeat_at = *run.started_at;
  auto finish = [&](const std::string& state, const std::string& error, std::string result) {
    run.state = state;
    run.error = error;
    run.result = std::move(result);
    run.finished_at = Now();
    run.heartbeat_at = *run.finished_at;
    if (Status st = runs_.UpdateSimulation(run); !st.ok()) {
      spdlog::error("simulation {}: its end not written: {}", id, st.message());
    }
  };
  if (Status st = runs_.UpdateSimulation(run); !st.ok()) {
    spdlog::error("simulation {}: its start not written: {}", id, st.message());
    return;
  }
  auto scenario = codec_.decode_scenario(run.scenario);
  if (!scenario.ok()) return finish("failed", "the stored scenario cannot be read: " + scenario.status().message(), "");
  auto simulator = sim::Simulator::Build(std::move(*scenario));
  if (!simulator.ok()) return finish("failed", "the scenario is invalid: " + simulator.status().message(), "");
  sim::SimulationOptions o;
  o.replications = run.replications;
  o.seed = static_cast<std::uint64_t>(run.seed);
  o.threads = 1;
  o.max_queue = options_.max_waiting;
  o.progress = [&](int done, int) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) throw Stopping();
    }
    const Time now = Now();
    run.replications_done = done;
    run.heartbeat_at = now;
    if (Status st = runs_.UpdateSimulation(run); !st.ok()) {
      spdlog::warn("simulation {}: progress not written: {}", id, st.message());
    }
    TouchQueued(now);
  };
  const auto t0 = std::chrono::steady_clock::now();
  auto result = simulator->Run(o);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  bool stopped = false;
  {
    std::lock_guard lock(mu_);
    stopped = stopping_;
  }
  if (!result.ok()) {
    if (stopped) return finish("failed", kStoppedError, "");
    std::string error = result.status().message();
    const Status st = result.status();
    for (const auto& e : st.errors()) error += "; " + e.field + ": " + e.message;
    return finish("failed", error, "");
  }
  finish("done", "", codec_.encode_result(*result, wall));
}

// ---- The region's scenario from its live state. ----

Result<RegionScenario> SimulationService::ForRegion(const Caller& caller, const std::string& region_id, Time now) {
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kSimulate, {region_id, ""}, "simulation.read", region_id));
  auto region = regions_.GetRegion(region_id);
  if (!region.ok()) return region.status();
  auto units = regions_.ListUnits(region_id);
  if (!units.ok()) return units.status();
  auto latest = capacity_.LatestCapacity(region_id);
  if (!latest.ok()) return latest.status();
  std::map<std::string, const CapacityReport*> latest_of;
  for (const auto& r : *latest) latest_of[r.unit_id] = &r;

  RegionScenario out;
  out.region_id = region_id;
  out.as_of = now;
  out.name = region->region.name + " from now";
  sim::Scenario& sc = out.scenario;
  sc.horizon_hours = kScenarioHorizonHours;
  sc.start_hour_of_week = NetherlandsHourOfWeek(now) + (NetherlandsMinuteOfDay(now) % 60) / 60.0;
  if (sc.start_hour_of_week >= 168) sc.start_hour_of_week = 167.999;
  out.description = "The region's state at " + FormatRfc3339(now) +
                    " (occupied beds in service, the excess and the ED queues waiting, open cases waiting), with "
                    "arrivals and lengths of stay estimated from the last weeks' reports.";
  std::set<std::string> names;
  auto unique_name = [&](const std::string& name) {
    std::string candidate = name;
    for (int i = 2; !names.insert(candidate).second; ++i) candidate = name + " (" + std::to_string(i) + ")";
    return candidate;
  };
  int skipped_no_report = 0, skipped_other = 0;

  struct Bedded {
    size_t station;
    std::string organization_id;
    double admissions_per_hour;
  };
  std::vector<Bedded> bedded;
  struct Ed {
    size_t station;
    std::string organization_id;
    double arrivals_per_hour;
  };
  std::vector<Ed> eds;
  std::vector<std::pair<size_t, std::vector<double>>> ed_profiles;

  for (const auto& u : *units) {
    const UnitType type = u.unit.type;
    const bool ed = type == UnitType::kSeh;
    const bool beds = UnitHasBeds(type) && !ed && type != UnitType::kAmbulance;
    if (!ed && !beds) {
      ++skipped_other;
      continue;
    }
    auto rep = latest_of.find(u.unit.id);
    if (rep == latest_of.end() || (beds && !rep->second->beds) || (ed && !rep->second->ed && !rep->second->beds)) {
      ++skipped_no_report;
      continue;
    }
    const CapacityReport& r = *rep->second;
    RegionScenarioStation meta;
    meta.name = unique_name(u.organization_name.empty() ? u.unit.name : u.organization_name + " " + u.unit.name);
    meta.unit_id = u.unit.id;
    meta.kind = ed ? "ed" : "beds";
    meta.stale = IsStale(r.as_of, u.unit.expected_interval_s, now);
    sim::Station st;
    st.name = meta.name;

    if (beds) {
      const std::int64_t staffed = r.beds->staffed;
      st.servers = static_cast<int>(std::clamp<std::int64_t>(staffed, 1, 100000));
      if (staffed < 1) out.notes.push_back(meta.name + ": no staffed beds reported; simulated with 1");
      const std::int64_t occupied = std::max<std::int64_t>(0, r.beds->occupied);
      st.initial_in_service = static_cast<int>(std::min<std::int64_t>(occupied, st.servers));
      st.initial_waiting = std::max<std::int64_t>(0, occupied - st.servers);
      // Daily mean occupancy over the last weeks, local days; today left out.
      auto history = capacity_.CapacityHistory(u.unit.id, now - hours(24 * kBedHistoryDays), now, 200000);
      if (!history.ok()) return history.status();
      const auto today = std::chrono::sys_days{NetherlandsDate(now)};
      std::map<std::int64_t, std::pair<double, int>> by_day;
      for (const auto& h : *history) {
        if (!h.beds) continue;
        const auto day = std::chrono::sys_days{NetherlandsDate(h.as_of)};
        if (day >= today) continue;
        auto& [sum, n] = by_day[day.time_since_epoch().count()];
        sum += static_cast<double>(h.beds->occupied);
        ++n;
      }
      double mean_occupancy = static_cast<double>(occupied);
      double stay_days = DefaultStayDays(type);
      bool estimated = false;
      if (by_day.size() >= 3) {
        double sum_occ = 0, increases = 0;
        double prev = -1;
        std::int64_t prev_day = 0;
        int pairs = 0;
        for (const auto& [d, v] : by_day) {
          const double mean = v.first / v.second;
          sum_occ += mean;
          if (prev >= 0 && d == prev_day + 1) {
            increases += std::max(0.0, mean - prev);
            ++pairs;
          }
          prev = mean;
          prev_day = d;
        }
        mean_occupancy = sum_occ / static_cast<double>(by_day.size());
        const double admissions_per_day = pairs > 0 ? increases / pairs : 0;
        if (admissions_per_day > 0 && mean_occupancy > 0) {
          const double little = mean_occupancy / admissions_per_day;
          if (little >= kMinStayDays && little <= kMaxStayDays) {
            stay_days = little;
            estimated = true;
          }
        }
      }
      if (!estimated) {
        out.notes.push_back(meta.name + ": length of stay " + Fixed(stay_days) +
                            " days (the default for its unit type; the history gave no estimate within " +
                            Fixed(kMinStayDays) + "-" + Fixed(kMaxStayDays, 0) + " days)");
      }
      st.service.dist = sim::Dist::kLognormal;
      st.service.mean_minutes = stay_days * 24 * 60;
      st.service.sd_minutes = st.service.mean_minutes;
      // Little's law the other way round: the admissions that keep the mean
      // occupancy with this length of stay.
      const double admissions_per_hour = mean_occupancy / stay_days / 24;
      bedded.push_back({sc.stations.size(), u.unit.organization_id, IsHospitalBed(type) ? admissions_per_hour : -1});
      sc.arrivals.push_back({meta.name + " admissions", admissions_per_hour, {}, meta.name});
    } else {
      // An ED: treatment places, patients in treatment and waiting, hourly arrivals.
      const bool has_places = r.beds && r.beds->staffed > 0;
      st.servers = has_places ? static_cast<int>(std::min<std::int64_t>(r.beds->staffed, 100000)) : kEdDefaultServers;
      if (!has_places) {
        out.notes.push_back(meta.name + ": no treatment places (staffed beds) reported; simulated with " +
                            std::to_string(kEdDefaultServers));
      }
      const std::int64_t in_treatment = r.ed ? std::max<std::int64_t>(0, r.ed->in_treatment) : 0;
      const std::int64_t waiting = r.ed ? std::max<std::int64_t>(0, r.ed->waiting) : 0;
      st.initial_in_service = static_cast<int>(std::min<std::int64_t>(in_treatment, st.servers));
      st.initial_waiting = waiting + std::max<std::int64_t>(0, in_treatment - st.servers);
      auto history = capacity_.CapacityHistory(u.unit.id, now - hours(24 * 7 * kEdHistoryWeeks), now, 200000);
      if (!history.ok()) return history.status();
      std::map<std::int64_t, double> by_hour;  // hour (UTC epoch hours) → arrivals of its last report
      double treatment_sum = 0;
      int treatment_n = 0;
      for (const auto& h : *history) {
        if (!h.ed) continue;
        treatment_sum += static_cast<double>(h.ed->in_treatment);
        ++treatment_n;
        if (!h.ed->arrivals) continue;
        by_hour[ToUnixMillis(ArrivalsHourStart(h.as_of)) / 3600000] = static_cast<double>(*h.ed->arrivals);
      }
      double rate = 0;
      if (!by_hour.empty()) {
        double sum = 0;
        std::vector<double> week_sum(168, 0), day_sum(24, 0);
        std::vector<int> week_n(168, 0), day_n(24, 0);
        for (const auto& [h, v] : by_hour) {
          sum += v;
          const int how = NetherlandsHourOfWeek(FromUnixMillis(h * 3600000));
          week_sum[how] += v;
          ++week_n[how];
          day_sum[how % 24] += v;
          ++day_n[how % 24];
        }
        rate = sum / static_cast<double>(by_hour.size());
        auto profile_of = [&](const std::vector<double>& s, const std::vector<int>& n) -> std::vector<double> {
          std::vector<double> p(s.size());
          for (size_t i = 0; i < s.size(); ++i) {
            if (n[i] == 0) return {};
            p[i] = s[i] / n[i] / rate;
          }
          return p;
        };
        std::vector<double> profile;
        if (rate > 0) {
          profile = profile_of(week_sum, week_n);
          if (profile.empty()) {
            profile = profile_of(day_sum, day_n);
            out.notes.push_back(meta.name + (profile.empty()
                                                 ? ": arrivals without a profile (not every hour of the day "
                                                   "reported)"
                                                 : ": arrivals with a 24-hour profile (not every hour of "
                                                   "the week reported)"));
          }
        }
        sc.arrivals.push_back({meta.name + " arrivals", rate, std::move(profile), meta.name});
      } else {
        out.notes.push_back(meta.name + ": no hourly arrivals (ed.arrivals) reported; no arrival stream");
      }
      double minutes = kEdDefaultMinutes;
      if (rate > 0 && treatment_n > 0) {
        const double little = treatment_sum / treatment_n / rate * 60;  // Little: L / lambda
        if (little >= kEdMinMinutes && little <= kEdMaxMinutes) {
          minutes = little;
        } else {
          out.notes.push_back(meta.name + ": treatment time " + Fixed(kEdDefaultMinutes, 0) +
                              " minutes (the default; Little's law gave " + Fixed(little, 0) + ")");
        }
      } else {
        out.notes.push_back(meta.name + ": treatment time " + Fixed(kEdDefaultMinutes, 0) +
                            " minutes (the default; too little history)");
      }
      st.service.dist = sim::Dist::kLognormal;
      st.service.mean_minutes = minutes;
      st.service.sd_minutes = minutes * 0.6;
      eds.push_back({sc.stations.size(), u.unit.organization_id, rate});
    }
    sc.stations.push_back(std::move(st));
    out.stations.push_back(std::move(meta));
  }

  // Each ED sends kEdAdmittedShare of its patients to the wards and IC of
  // its own hospital (else of the region), split by their admissions; those
  // wards' own arrival streams are reduced by what the EDs send, so each
  // keeps its estimated admissions in all.
  std::vector<double> routed(sc.stations.size(), 0.0);
  for (const Ed& e : eds) {
    std::vector<const Bedded*> targets;
    for (const Bedded& b : bedded) {
      if (b.admissions_per_hour >= 0 && b.organization_id == e.organization_id) targets.push_back(&b);
    }
    if (targets.empty()) {
      for (const Bedded& b : bedded) {
        if (b.admissions_per_hour >= 0) targets.push_back(&b);
      }
    }
    if (targets.empty()) continue;
    double total = 0;
    for (const Bedded* b : targets) total += b->admissions_per_hour;
    auto& next = sc.stations[e.station].next;
    for (const Bedded* b : targets) {
      const double weight = total > 0 ? b->admissions_per_hour / total : 1.0 / static_cast<double>(targets.size());
      if (weight <= 0) continue;
      next.push_back({sc.stations[b->station].name, kEdAdmittedShare * weight});
      routed[b->station] += e.arrivals_per_hour * kEdAdmittedShare * weight;
    }
    // Keep the shares' sum at or below 1 after rounding.
    double sum = 0;
    for (const auto& n : next) sum += n.probability;
    if (sum > kEdAdmittedShare && !next.empty()) next.back().probability -= sum - kEdAdmittedShare;
  }
  for (auto& a : sc.arrivals) {
    for (size_t i = 0; i < sc.stations.size(); ++i) {
      if (routed[i] > 0 && a.to == sc.stations[i].name && a.name == sc.stations[i].name + " admissions") {
        a.rate_per_hour = std::max(0.0, a.rate_per_hour - routed[i]);
      }
    }
  }

  // The ZCC worklist: open cases wait, new ones arrive at the last weeks' rate.
  {
    CaseQuery q;
    q.region_id = region_id;
    q.states = CaseQuery::States::kOpen;
    q.limit = 100000;
    auto open = cases_.ListCases(q);
    if (!open.ok()) return open.status();
    auto recent = cases_.KpiCases(region_id, now - hours(24 * kCaseHistoryDays), now, 1000000);
    if (!recent.ok()) return recent.status();
    sim::Station zcc;
    zcc.name = unique_name("ZCC worklist");
    zcc.servers = kZccDefaultServers;
    zcc.service.dist = sim::Dist::kExponential;
    zcc.service.mean_minutes = kZccMinutes;
    zcc.initial_in_service = static_cast<int>(std::min<size_t>(open->size(), kZccDefaultServers));
    zcc.initial_waiting = static_cast<std::int64_t>(open->size()) - zcc.initial_in_service;
    const double rate = static_cast<double>(recent->size()) / (24.0 * kCaseHistoryDays);
    sc.arrivals.push_back({zcc.name + " requests", rate, {}, zcc.name});
    out.stations.push_back({zcc.name, "", "zcc", false});
    sc.stations.push_back(std::move(zcc));
  }

  out.notes.push_back("Start: simulated time 0 is now, hour " + Fixed(sc.start_hour_of_week, 2) +
                      " of the week (Netherlands local time); horizon " + Fixed(kScenarioHorizonHours, 0) + " hours.");
  out.notes.push_back(
      "Beds: one station per unit with beds; servers = staffed beds of its latest report; occupied beds start in "
      "service (the excess over staffed as waiting); length of stay lognormal (sd = mean) with the mean from "
      "Little's law (mean daily occupancy / mean daily admissions over the last " +
      std::to_string(kBedHistoryDays) +
      " days, admissions approximated by the daily increase of the mean occupancy, as the occupancy forecast "
      "does); admissions then = mean occupancy / length of stay, without an hour-of-week profile.");
  out.notes.push_back("EDs: servers = staffed beds (treatment places) of the latest report, else " +
                      std::to_string(kEdDefaultServers) +
                      "; patients in treatment start in service, those waiting queue; arrivals from the hourly "
                      "ed.arrivals of the last " +
                      std::to_string(kEdHistoryWeeks) +
                      " weeks with an hour-of-week profile; treatment time lognormal (sd = 0.6 × mean) from "
                      "Little's law (mean in treatment / arrivals), else " +
                      Fixed(kEdDefaultMinutes, 0) + " minutes; " + Fixed(kEdAdmittedShare * 100, 0) +
                      "% of ED patients are admitted to the wards and IC of the same hospital (else of the region), "
                      "split by their admissions, and those wards' own arrivals are reduced by as much.");
  out.notes.push_back("ZCC worklist: open cases wait (up to " + std::to_string(kZccDefaultServers) +
                      " in service); requests arrive at the mean rate of the last " + std::to_string(kCaseHistoryDays) +
                      " days without a profile; " + std::to_string(kZccDefaultServers) +
                      " coordinators (a default) at " + Fixed(kZccMinutes, 0) +
                      " minutes a request (exponential); nothing is routed onward from it.");
  if (skipped_no_report > 0) {
    out.notes.push_back(std::to_string(skipped_no_report) + " unit(s) without a capacity report are left out.");
  }
  if (skipped_other > 0) {
    out.notes.push_back(std::to_string(skipped_other) +
                        " unit(s) without beds to simulate (GP posts, ambulance services) are left out.");
  }
  if (auto built = sim::Simulator::Build(sc); !built.ok()) {
    return Status::Internal("the region's scenario is not valid: " + built.status().message());
  }
  return out;
}

}  // namespace ozcc::service
