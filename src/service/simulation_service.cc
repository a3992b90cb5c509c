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
// service stops or the run was cancelled (the engine then stops starting
// replications).
struct Stopping : std::runtime_error {
  Stopping() : std::runtime_error("stopping") {}
};

bool Active(const StoredSimulation& run) { return run.state == "queued" || run.state == "running"; }

// ---- The region's scenario: documented defaults (docs/simulation.md). ----
constexpr double kScenarioHorizonHours = 72;  // "tonight" and the two days after
constexpr int kEdHistoryWeeks = 8;
constexpr int kBedHistoryDays = 28;
constexpr int kCaseHistoryDays = 28;
constexpr double kEdAdmittedShare = 0.25;         // of ED patients admitted to a ward or IC
constexpr double kAmbulanceMinutes = 75;          // a deployment: drive out, on scene, convey, hand over
constexpr double kAmbulanceConveyedShare = 0.70;  // of ambulance patients conveyed to an ED
constexpr double kFollowUpShare = 0.03;           // of ward patients who continue in ELV or VVT crisis beds
constexpr double kChannelProfileMinCases = 240;   // cases of a channel before its hour-of-day profile is used
constexpr int kZccDefaultServers = 2;             // coordinators on the worklist
constexpr double kZccMinutes = 20;                // handling time of a care request (exponential)
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

// A queue that reports in the ED fields (an ED, a GP post): where its
// servers, service time and their bounds come from.
struct QueueDefaults {
  int default_servers;
  double default_minutes, min_minutes, max_minutes;
  double sd_factor;           // sd = sd_factor × mean (lognormal)
  bool servers_from_staffed;  // an ED: its staffed beds (treatment places); a GP post: the most in consultation
  const char* time_name;
};
constexpr QueueDefaults kEdQueue{20, 150, 30, 720, 0.6, true, "treatment time"};
constexpr QueueDefaults kHapQueue{4, 15, 5, 120, 0.6, false, "consultation time"};

// A station's estimated flow, for routing between stations.
struct Flow {
  size_t station = 0;  // its index in the scenario's stations
  std::string organization_id;
  double per_hour = 0;  // estimated arrivals per hour from every source
  int stream = -1;      // its own arrival stream (index in the arrivals), -1: none
};

bool IsFollowUp(UnitType t) {
  return t == UnitType::kElvLow || t == UnitType::kElvHigh || t == UnitType::kElvPalliative ||
         t == UnitType::kVvtCrisis;
}

// An ED or a GP post: servers, patients in treatment and waiting, hourly
// arrivals with their profile, service time from Little's law. Returns the
// arrivals per hour (0 without a stream).
Result<double> QueueStation(CapacityStore& capacity, const UnitView& u, const CapacityReport& r, Time now,
                            const QueueDefaults& d, sim::Station& st, RegionScenario& out) {
  auto history = capacity.CapacityHistory(u.unit.id, now - hours(24 * 7 * kEdHistoryWeeks), now, 200000);
  if (!history.ok()) return history.status();
  std::map<std::int64_t, double> by_hour;  // hour (UTC epoch hours) → arrivals of its last report
  double treatment_sum = 0;
  int treatment_n = 0;
  std::int64_t most_in_treatment = 0;
  for (const auto& h : *history) {
    if (!h.ed) continue;
    treatment_sum += static_cast<double>(h.ed->in_treatment);
    ++treatment_n;
    most_in_treatment = std::max(most_in_treatment, h.ed->in_treatment);
    if (!h.ed->arrivals) continue;
    by_hour[ToUnixMillis(ArrivalsHourStart(h.as_of)) / 3600000] = static_cast<double>(*h.ed->arrivals);
  }
  if (d.servers_from_staffed) {
    const bool has_places = r.beds && r.beds->staffed > 0;
    st.servers = has_places ? static_cast<int>(std::min<std::int64_t>(r.beds->staffed, 100000)) : d.default_servers;
    if (!has_places) {
      out.notes.push_back(st.name + ": no treatment places (staffed beds) reported; simulated with " +
                          std::to_string(d.default_servers));
    }
  } else {
    st.servers =
        most_in_treatment > 0 ? static_cast<int>(std::min<std::int64_t>(most_in_treatment, 100000)) : d.default_servers;
    if (most_in_treatment <= 0) {
      out.notes.push_back(st.name + ": nobody in consultation reported; simulated with " +
                          std::to_string(d.default_servers) + " doctors");
    }
  }
  const std::int64_t in_treatment = r.ed ? std::max<std::int64_t>(0, r.ed->in_treatment) : 0;
  const std::int64_t waiting = r.ed ? std::max<std::int64_t>(0, r.ed->waiting) : 0;
  st.initial_in_service = static_cast<int>(std::min<std::int64_t>(in_treatment, st.servers));
  st.initial_waiting = waiting + std::max<std::int64_t>(0, in_treatment - st.servers);

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
        out.notes.push_back(st.name + (profile.empty() ? ": arrivals without a profile (not every hour of the day "
                                                         "reported)"
                                                       : ": arrivals with a 24-hour profile (not every hour of "
                                                         "the week reported)"));
      }
    }
    out.scenario.arrivals.push_back({st.name + " arrivals", rate, std::move(profile), st.name});
  } else {
    out.notes.push_back(st.name + ": no hourly arrivals (ed.arrivals) reported; no arrival stream");
  }
  double minutes = d.default_minutes;
  if (rate > 0 && treatment_n > 0) {
    const double little = treatment_sum / treatment_n / rate * 60;  // Little: L / lambda
    if (little >= d.min_minutes && little <= d.max_minutes) {
      minutes = little;
    } else {
      out.notes.push_back(st.name + ": " + d.time_name + " " + Fixed(d.default_minutes, 0) +
                          " minutes (the default; Little's law gave " + Fixed(little, 0) + ")");
    }
  } else {
    out.notes.push_back(st.name + ": " + d.time_name + " " + Fixed(d.default_minutes, 0) +
                        " minutes (the default; too little history)");
  }
  st.service.dist = sim::Dist::kLognormal;
  st.service.mean_minutes = minutes;
  st.service.sd_minutes = minutes * d.sd_factor;
  return rate;
}

// Servers = the staffed places (beds, vehicles) of the report, at least 1;
// those occupied start in service, the excess over the servers waiting.
void PlacesFromReport(const Beds& b, const std::string& places, sim::Station& st, RegionScenario& out) {
  st.servers = static_cast<int>(std::clamp<std::int64_t>(b.staffed, 1, 100000));
  if (b.staffed < 1) out.notes.push_back(st.name + ": no staffed " + places + " reported; simulated with 1");
  const std::int64_t occupied = std::max<std::int64_t>(0, b.occupied);
  st.initial_in_service = static_cast<int>(std::min<std::int64_t>(occupied, st.servers));
  st.initial_waiting = std::max<std::int64_t>(0, occupied - st.servers);
}

// A unit with beds: staffed beds, occupied in service, length of stay from
// Little's law. Returns its admissions per hour.
Result<double> BedStation(CapacityStore& capacity, const UnitView& u, const CapacityReport& r, Time now,
                          sim::Station& st, RegionScenario& out) {
  PlacesFromReport(*r.beds, "beds", st, out);
  const std::int64_t occupied = std::max<std::int64_t>(0, r.beds->occupied);
  // Daily mean occupancy over the last weeks, local days; today left out.
  auto history = capacity.CapacityHistory(u.unit.id, now - hours(24 * kBedHistoryDays), now, 200000);
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
  double stay_days = DefaultStayDays(u.unit.type);
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
    out.notes.push_back(st.name + ": length of stay " + Fixed(stay_days) +
                        " days (the default for its unit type; the history gave no estimate within " +
                        Fixed(kMinStayDays) + "-" + Fixed(kMaxStayDays, 0) + " days)");
  }
  st.service.dist = sim::Dist::kLognormal;
  st.service.mean_minutes = stay_days * 24 * 60;
  st.service.sd_minutes = st.service.mean_minutes;
  // Little's law the other way round: the admissions that keep the mean
  // occupancy with this length of stay.
  const double admissions_per_hour = mean_occupancy / stay_days / 24;
  out.scenario.arrivals.push_back({st.name + " admissions", admissions_per_hour, {}, st.name});
  return admissions_per_hour;
}

// An ambulance service: staffed vehicles, those deployed in service,
// deployments per hour from Little's law over the last weeks.
Result<double> AmbulanceStation(CapacityStore& capacity, const UnitView& u, const CapacityReport& r, Time now,
                                sim::Station& st, RegionScenario& out) {
  PlacesFromReport(*r.beds, "vehicles", st, out);
  const std::int64_t deployed = std::max<std::int64_t>(0, r.beds->occupied);
  auto history = capacity.CapacityHistory(u.unit.id, now - hours(24 * kBedHistoryDays), now, 200000);
  if (!history.ok()) return history.status();
  double sum = 0;
  int n = 0;
  for (const auto& h : *history) {
    if (!h.beds) continue;
    sum += static_cast<double>(std::max<std::int64_t>(0, h.beds->occupied));
    ++n;
  }
  const double mean_deployed = n > 0 ? sum / n : static_cast<double>(deployed);
  if (n == 0) out.notes.push_back(st.name + ": no history; deployments estimated from the vehicles deployed now");
  st.service.dist = sim::Dist::kLognormal;
  st.service.mean_minutes = kAmbulanceMinutes;
  st.service.sd_minutes = kAmbulanceMinutes * 0.4;
  const double per_hour = mean_deployed / (kAmbulanceMinutes / 60);
  out.scenario.arrivals.push_back({st.name + " calls", per_hour, {}, st.name});
  return per_hour;
}

// Sends `share` of the patients of `from` on to `pool` (to those of the same
// organisation when `same_org_first` and there are any), split by their
// flows; each receiver's own arrival stream is reduced by what it receives,
// so that it keeps its estimated total.
void Route(sim::Scenario& sc, const Flow& from, const std::vector<Flow>& pool, double share, bool same_org_first) {
  std::vector<const Flow*> targets;
  if (same_org_first) {
    for (const Flow& t : pool) {
      if (t.organization_id == from.organization_id) targets.push_back(&t);
    }
  }
  if (targets.empty()) {
    for (const Flow& t : pool) targets.push_back(&t);
  }
  if (targets.empty()) return;
  double total = 0;
  for (const Flow* t : targets) total += t->per_hour;
  auto& next = sc.stations[from.station].next;
  for (const Flow* t : targets) {
    const double weight = total > 0 ? t->per_hour / total : 1.0 / static_cast<double>(targets.size());
    if (weight <= 0) continue;
    next.push_back({sc.stations[t->station].name, share * weight});
    if (t->stream >= 0) {
      auto& own = sc.arrivals[static_cast<size_t>(t->stream)];
      own.rate_per_hour = std::max(0.0, own.rate_per_hour - from.per_hour * share * weight);
    }
  }
  // Keep the shares' sum at or below `share` after rounding.
  double sum = 0;
  for (const auto& n : next) sum += n.probability;
  if (sum > share && !next.empty()) next.back().probability -= sum - share;
}

}  // namespace

SimulationService::SimulationService(RegionStore& regions, CapacityStore& capacity, CaseStore& cases,
                                     TransferStore& transfers, SimulationStore& runs, AuditStore& audit,
                                     SimulationCodec codec, SimulationServiceOptions options)
    : regions_(regions),
      capacity_(capacity),
      cases_(cases),
      transfers_(transfers),
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
  if (Active(run) && now - run.heartbeat_at > kStoppedAfter) {
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

Result<StoredSimulation> SimulationService::Cancel(const Caller& caller, const std::string& id, Time now) {
  auto run = runs_.GetSimulation(id);
  if (!run.ok()) return run.status();
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kSimulate, {run->region_id, ""}, "simulation.cancel", id));
  if (caller.who.role == Role::kViewer && run->created_by != caller.who.name) {
    AuditBestEffort(audit_, AuditOf(caller, "simulation.cancel", id, "denied", "a viewer stops only its own runs"));
    return Status::Forbidden("a viewer may stop only the runs it started");
  }
  StoredSimulation read = AsRead(*run, now);
  if (!Active(read))
    return Status::Conflict("the run has ended (" + read.state + "); only a queued or running run can be stopped");
  OZCC_RETURN_IF_ERROR(runs_.CancelSimulation(id, now, AuditOf(caller, "simulation.cancel", id, "ok")));
  {
    std::lock_guard lock(mu_);
    std::erase_if(queue_, [&](const StoredSimulation& r) { return r.id == id; });
  }
  return runs_.GetSimulation(id);
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
    if (Status st = runs_.UpdateSimulation(r); !st.ok() && st.code() != Code::kConflict) {
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
    if (Status st = runs_.UpdateSimulation(run); !st.ok() && st.code() != Code::kConflict) {
      spdlog::error("simulation {}: its end not written: {}", id, st.message());
    }
  };
  bool cancelled = false;
  if (Status st = runs_.UpdateSimulation(run); !st.ok()) {
    if (st.code() != Code::kConflict) spdlog::error("simulation {}: its start not written: {}", id, st.message());
    return;  // kConflict: cancelled while it waited
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
      if (st.code() == Code::kConflict) {
        cancelled = true;
        throw Stopping();
      }
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
  if (cancelled) {
    spdlog::info("simulation {}: cancelled after {} of {} replications", id, run.replications_done, run.replications);
    return;  // the row already says so
  }
  if (!result.ok()) {
    if (stopped) return finish("failed", kStoppedError, "");
    std::string error = result.status().message();
    const Status st = result.status();
    for (const auto& e : st.errors()) error += "; " + e.field + ": " + e.message;
    return finish("failed", error, "");
  }
  finish("done", "", codec_.encode_result(*result, wall, run.scenario));
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
                    " (occupied beds and deployed ambulances in service, the ED and GP-post queues and the open cases "
                    "waiting), with "
                    "arrivals and lengths of stay estimated from the last weeks' reports.";
  std::set<std::string> names;
  auto unique_name = [&](const std::string& name) {
    std::string candidate = name;
    for (int i = 2; !names.insert(candidate).second; ++i) candidate = name + " (" + std::to_string(i) + ")";
    return candidate;
  };
  int skipped_no_report = 0;

  // Every station's estimated flow (arrivals per hour, all sources), its
  // organisation and its own arrival stream, for the routing below.
  std::vector<Flow> hospital_beds, follow_up, wards, ed_flows, ambulances;

  for (const auto& u : *units) {
    const UnitType type = u.unit.type;
    auto rep = latest_of.find(u.unit.id);
    const bool queue = UnitHasEd(type);  // SEH and HAP report their queue in the ED fields
    if (rep == latest_of.end() || (queue && !rep->second->ed && !rep->second->beds) || (!queue && !rep->second->beds)) {
      ++skipped_no_report;
      continue;
    }
    const CapacityReport& r = *rep->second;
    RegionScenarioStation meta;
    meta.name = unique_name(u.organization_name.empty() ? u.unit.name : u.organization_name + " " + u.unit.name);
    meta.unit_id = u.unit.id;
    meta.kind = type == UnitType::kSeh         ? "ed"
                : type == UnitType::kHap       ? "hap"
                : type == UnitType::kAmbulance ? "ambulance"
                                               : "beds";
    meta.unit_type = std::string(ToString(type));
    meta.stale = IsStale(r.as_of, u.unit.expected_interval_s, now);
    const size_t index = sc.stations.size();
    sim::Station st;
    st.name = meta.name;
    const size_t streams_before = sc.arrivals.size();
    Result<double> rate = 0.0;
    if (type == UnitType::kSeh) {
      rate = QueueStation(capacity_, u, r, now, kEdQueue, st, out);
    } else if (type == UnitType::kHap) {
      rate = QueueStation(capacity_, u, r, now, kHapQueue, st, out);
    } else if (type == UnitType::kAmbulance) {
      rate = AmbulanceStation(capacity_, u, r, now, st, out);
    } else {
      rate = BedStation(capacity_, u, r, now, st, out);
    }
    if (!rate.ok()) return rate.status();
    Flow flow{index, u.unit.organization_id, *rate, -1};
    if (sc.arrivals.size() > streams_before) flow.stream = static_cast<int>(streams_before);
    if (type == UnitType::kSeh) {
      ed_flows.push_back(flow);
    } else if (type == UnitType::kAmbulance) {
      ambulances.push_back(flow);
    } else if (IsHospitalBed(type)) {
      hospital_beds.push_back(flow);
      if (type == UnitType::kWard) wards.push_back(flow);
    } else if (IsFollowUp(type)) {
      follow_up.push_back(flow);
    }
    sc.stations.push_back(std::move(st));
    out.stations.push_back(std::move(meta));
  }

  // The flows between partners: each sends a share of its patients on and
  // the receivers' own streams are reduced by as much, so every station keeps
  // its estimated total arrivals.
  for (const Flow& a : ambulances) Route(sc, a, ed_flows, kAmbulanceConveyedShare, false);
  for (const Flow& e : ed_flows) Route(sc, e, hospital_beds, kEdAdmittedShare, true);
  for (const Flow& w : wards) Route(sc, w, follow_up, kFollowUpShare, false);

  // Transfers under way: each patient accepted, planned or en route waits
  // for a bed at the receiving unit from time 0.
  int under_way = 0, elsewhere = 0;
  {
    TransferQuery q;
    q.region_id = region_id;
    q.states = TransferQuery::States::kOpen;
    q.limit = 100000;
    auto open = transfers_.ListTransfers(q);
    if (!open.ok()) return open.status();
    std::map<std::string, size_t> station_of_unit;
    for (size_t i = 0; i < out.stations.size(); ++i) station_of_unit[out.stations[i].unit_id] = i;
    for (const Transfer& t : *open) {
      if (t.state != TransferState::kAccepted && t.state != TransferState::kPlanned &&
          t.state != TransferState::kEnRoute) {
        continue;
      }
      auto at = station_of_unit.find(t.to_unit_id);
      if (at == station_of_unit.end()) {
        ++elsewhere;
        continue;
      }
      ++sc.stations[at->second].initial_waiting;
      ++under_way;
    }
  }

  // The ZCC worklist: open cases wait, new ones arrive per channel at the last weeks' rate.
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
    std::map<std::string, std::vector<double>> by_channel;  // channel → cases per local hour of day
    // channel → triaged cases per class (urgency × entry complaint), in a stable order
    std::map<std::string, std::map<std::pair<Urgency, std::string>, double>> classes_of;
    for (const auto& k : *recent) {
      const std::string channel(ToString(k.the_case.channel));
      auto& hours_of_day = by_channel[channel];
      hours_of_day.resize(24, 0);
      hours_of_day[NetherlandsMinuteOfDay(k.the_case.received_at) / 60] += 1;
      if (k.the_case.urgency) classes_of[channel][{*k.the_case.urgency, k.the_case.complaint}] += 1;
    }
    for (const auto& [channel, per_hour] : by_channel) {
      double n = 0;
      for (double v : per_hour) n += v;
      std::vector<double> profile;
      if (n >= kChannelProfileMinCases) {
        for (double v : per_hour) profile.push_back(v / (n / 24));
      }
      sim::ArrivalStream stream{
          zcc.name + " requests (" + channel + ")", n / (24.0 * kCaseHistoryDays), std::move(profile), zcc.name, {}};
      if (auto classes = classes_of.find(channel); classes != classes_of.end()) {
        double triaged = 0;
        for (const auto& [cls, count] : classes->second) triaged += count;
        for (const auto& [cls, count] : classes->second) {
          stream.mix.push_back({cls.first, cls.second, count / triaged});
        }
        zcc.discipline = sim::Discipline::kUrgency;  // a coordinator takes the most urgent request first
      }
      sc.arrivals.push_back(std::move(stream));
    }
    out.stations.push_back({zcc.name, "", "zcc", "", false});
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
                      std::to_string(kEdQueue.default_servers) +
                      "; patients in treatment start in service, those waiting queue; arrivals from the hourly "
                      "ed.arrivals of the last " +
                      std::to_string(kEdHistoryWeeks) +
                      " weeks with an hour-of-week profile; treatment time lognormal (sd = 0.6 × mean) from "
                      "Little's law (mean in treatment / arrivals), else " +
                      Fixed(kEdQueue.default_minutes, 0) + " minutes; " + Fixed(kEdAdmittedShare * 100, 0) +
                      "% of ED patients are admitted to the wards and IC of the same hospital (else of the region), "
                      "split by their admissions.");
  out.notes.push_back("GP posts (HAP): servers = the most patients in consultation at once in the last " +
                      std::to_string(kEdHistoryWeeks) + " weeks, else " + std::to_string(kHapQueue.default_servers) +
                      "; arrivals as for EDs; consultation time from Little's law within " +
                      Fixed(kHapQueue.min_minutes, 0) + "-" + Fixed(kHapQueue.max_minutes, 0) + " minutes, else " +
                      Fixed(kHapQueue.default_minutes, 0) + "; nobody is routed on (referrals are not reported).");
  out.notes.push_back(
      "Ambulances: servers = staffed vehicles, those deployed start in service; a deployment "
      "takes " +
      Fixed(kAmbulanceMinutes, 0) +
      " minutes (lognormal, sd = 0.4 × mean); deployments per hour from Little's law (mean "
      "vehicles deployed / deployment time); " +
      Fixed(kAmbulanceConveyedShare * 100, 0) +
      "% of patients are conveyed to the region's EDs, split by their arrivals.");
  out.notes.push_back("Follow-up care: " + Fixed(kFollowUpShare * 100, 0) +
                      "% of ward patients continue in the region's ELV and VVT crisis beds, split by their "
                      "admissions (a default; a region sets its own).");
  out.notes.push_back(
      "Every station keeps its estimated total arrivals: a stream that receives patients from "
      "another station (ambulance → ED → ward and IC → follow-up care) is reduced by as much.");
  out.notes.push_back("ZCC worklist: open cases wait (up to " + std::to_string(kZccDefaultServers) +
                      " in service); requests arrive per channel at the mean rate of the last " +
                      std::to_string(kCaseHistoryDays) + " days, with an hour-of-day profile for a channel with " +
                      std::to_string(static_cast<int>(kChannelProfileMinCases)) + " cases or more; " +
                      std::to_string(kZccDefaultServers) + " coordinators (a default) at " + Fixed(kZccMinutes, 0) +
                      " minutes a request (exponential); nothing is routed onward from it. A channel's triage "
                      "mix (urgency × entry complaint) is that of its triaged cases in those days (the untriaged "
                      "are assumed to be alike), and with a mix the most urgent request is taken first "
                      "(discipline urgency; the open cases waiting at time 0 go first).");
  out.notes.push_back("Transfers under way: " + std::to_string(under_way) +
                      " patient(s) accepted, planned or en route wait for a bed at their receiving unit from time "
                      "0; the sending unit's bed is freed when its simulated stay ends, not at departure." +
                      (elsewhere > 0 ? " " + std::to_string(elsewhere) +
                                           " more go to a unit that is not simulated (no report) and are left out."
                                     : std::string()));
  if (skipped_no_report > 0) {
    out.notes.push_back(std::to_string(skipped_no_report) + " unit(s) without a capacity report are left out.");
  }
  if (auto built = sim::Simulator::Build(sc); !built.ok()) {
    return Status::Internal("the region's scenario is not valid: " + built.status().message());
  }
  return out;
}

}  // namespace ozcc::service
