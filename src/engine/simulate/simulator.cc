#include "engine/simulate/simulator.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "core/complaints.h"
#include "engine/simulate/random.h"

namespace ozcc::engine::simulate {

namespace {

constexpr double kMinutesPerHour = 60.0;
constexpr double kHoursPerWeek = 168.0;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::string Path(const std::string& base, size_t i) { return base + "[" + std::to_string(i) + "]"; }

// A pending event: a service completion at station `code` (0 <= code <
// stations), a change of the servers of station code − stations (code >=
// stations), or the next arrival of stream ~code (code < 0).
struct Event {
  double time;
  std::int32_t code;
  std::int32_t cls = -1;  // a completion: the class of the customer served (with a mix; -1: none)
};

// Binary min-heap on time. The vector only grows (to the most events pending
// at once: the busy servers plus one per stream), so after the first
// replication hours the loop allocates nothing.
class EventHeap {
 public:
  void Clear() { v_.clear(); }
  bool Empty() const { return v_.empty(); }
  const Event& Top() const { return v_.front(); }
  void Push(Event e) {
    v_.push_back(e);
    size_t i = v_.size() - 1;
    while (i > 0) {
      size_t parent = (i - 1) / 2;
      if (!(e.time < v_[parent].time)) break;
      v_[i] = v_[parent];
      i = parent;
    }
    v_[i] = e;
  }
  // Removes the top and pushes `e` in one sift (the common case: a
  // completion that schedules the next one, an arrival the next arrival).
  void ReplaceTop(Event e) {
    const size_t n = v_.size();
    size_t i = 0;
    for (;;) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n) child += static_cast<size_t>(v_[child + 1].time < v_[child].time);  // no branch to mispredict
      if (!(v_[child].time < e.time)) break;
      v_[i] = v_[child];
      i = child;
    }
    v_[i] = e;
  }
  void Pop() {
    Event last = v_.back();
    v_.pop_back();
    if (!v_.empty()) ReplaceTop(last);
  }

 private:
  std::vector<Event> v_;
};

// FIFO (a ring buffer that doubles when full) of arrival times in minutes,
// or of waiting customers with their class.
template <typename T>
class Ring {
 public:
  Ring() : buf_(16), mask_(15) {}
  bool Empty() const { return size_ == 0; }
  size_t Size() const { return size_; }
  void Push(T t) {
    if (size_ == buf_.size()) Grow();
    buf_[(head_ + size_) & mask_] = t;
    ++size_;
  }
  T Pop() {
    T t = buf_[head_];
    head_ = (head_ + 1) & mask_;
    --size_;
    return t;
  }

 private:
  void Grow() {
    std::vector<T> next(buf_.size() * 2);
    for (size_t i = 0; i < size_; ++i) next[i] = buf_[(head_ + i) & mask_];
    buf_ = std::move(next);
    head_ = 0;
    mask_ = buf_.size() - 1;
  }
  std::vector<T> buf_;
  size_t head_ = 0;
  size_t size_ = 0;
  size_t mask_;
};

using TimeQueue = Ring<double>;

// A waiting customer of a scenario with classes.
struct Waiting {
  double arrived;  // minutes
  std::int32_t cls;
};

// The measured figures of one urgency at one station.
struct UrgencyCounts {
  std::uint64_t arrivals = 0;
  std::uint64_t waited = 0;
  std::uint64_t started = 0;
  double wait_sum = 0;
};

struct StationState {
  int busy = 0;
  int servers = 0;          // now (changes with a schedule)
  double last_change = 0;   // minutes
  double busy_area = 0;     // busy server-minutes after the warm-up
  double present_area = 0;  // server-minutes present after the warm-up: max(servers, busy)
  std::uint64_t arrivals = 0;
  std::uint64_t waited = 0;
  std::uint64_t started = 0;
  double wait_sum = 0;  // minutes
  TimeQueue queue;
  // With classes instead of `queue`: one lane (FIFO), or seven (by urgency:
  // those without a class, then U0..U5); `waiting` over all lanes.
  std::vector<Ring<Waiting>> lanes;
  size_t waiting = 0;
  std::array<UrgencyCounts, 6> by_urgency{};
};

bool Finite(double x) { return std::isfinite(x); }

void CheckService(const ServiceTime& s, const std::string& p, std::vector<FieldError>& errors) {
  if (!Finite(s.mean_minutes) || s.mean_minutes <= 0) {
    errors.push_back({p + ".mean_minutes", "must be a number > 0"});
  }
  if (s.dist == Dist::kLognormal || s.dist == Dist::kGamma) {
    if (!Finite(s.sd_minutes) || s.sd_minutes <= 0) errors.push_back({p + ".sd_minutes", "must be a number > 0"});
  }
  if (s.dist == Dist::kErlang && (s.k < 1 || s.k > 1000)) {
    errors.push_back({p + ".k", "must be an integer 1 to 1000"});
  }
}

}  // namespace

Result<Simulator> Simulator::Build(Scenario scenario) {
  std::vector<FieldError> errors;
  const Scenario& sc = scenario;
  const bool horizon_ok = Finite(sc.horizon_hours) && sc.horizon_hours > 0 && sc.horizon_hours <= kMaxHorizonHours;
  if (!horizon_ok) {
    errors.push_back({"horizon_hours", "must be a number > 0 and <= " + std::to_string(int(kMaxHorizonHours))});
  }
  if (!Finite(sc.warmup_hours) || sc.warmup_hours < 0) {
    errors.push_back({"warmup_hours", "must be a number >= 0"});
  } else if (horizon_ok && sc.warmup_hours >= sc.horizon_hours) {
    errors.push_back({"warmup_hours", "must be less than horizon_hours"});
  }
  if (!Finite(sc.start_hour_of_week) || sc.start_hour_of_week < 0 || sc.start_hour_of_week >= kHoursPerWeek) {
    errors.push_back({"start_hour_of_week", "must be a number >= 0 and < 168 (0 = Monday 00:00)"});
  }
  if (sc.stations.empty()) errors.push_back({"stations", "must list at least one station"});
  if (sc.arrivals.empty()) errors.push_back({"arrivals", "must list at least one arrival stream"});

  std::map<std::string, int> index;
  for (size_t i = 0; i < sc.stations.size(); ++i) {
    const Station& s = sc.stations[i];
    const std::string p = Path("stations", i);
    if (s.name.empty()) {
      errors.push_back({p + ".name", "must not be empty"});
    } else if (!index.emplace(s.name, int(i)).second) {
      errors.push_back({p + ".name", "\"" + s.name + "\" is the name of an earlier station"});
    }
    if (s.servers_by_hour.empty()) {
      if (s.servers < 1 || s.servers > 100000) errors.push_back({p + ".servers", "must be an integer 1 to 100000"});
    } else if (s.servers_by_hour.size() != 24 && s.servers_by_hour.size() != 168) {
      errors.push_back(
          {p + ".servers_by_hour", "must have 24 (hours of the day) or 168 (hours of the week) counts, not " +
                                       std::to_string(s.servers_by_hour.size())});
    } else {
      bool any = false;
      for (size_t h = 0; h < s.servers_by_hour.size(); ++h) {
        if (s.servers_by_hour[h] < 0 || s.servers_by_hour[h] > 100000) {
          errors.push_back({Path(p + ".servers_by_hour", h), "must be an integer 0 to 100000"});
        }
        any = any || s.servers_by_hour[h] > 0;
      }
      if (!any) errors.push_back({p + ".servers_by_hour", "has no hour with a server: nobody would ever be served"});
    }
    CheckService(s.service, p + ".service", errors);
    // The servers at time 0: of the start hour with a schedule.
    int servers0 = s.servers;
    if (s.servers_by_hour.size() == 24 || s.servers_by_hour.size() == 168) {
      const bool start_ok =
          Finite(sc.start_hour_of_week) && sc.start_hour_of_week >= 0 && sc.start_hour_of_week < kHoursPerWeek;
      const auto h = start_ok ? static_cast<size_t>(std::floor(sc.start_hour_of_week)) : 0;
      servers0 = s.servers_by_hour[h % s.servers_by_hour.size()];
    }
    if (s.initial_in_service < 0 || s.initial_in_service > std::max(servers0, 0)) {
      errors.push_back({p + ".initial_in_service", "must be an integer 0 to the servers at the start (" +
                                                       std::to_string(std::max(servers0, 0)) +
                                                       "); put the rest in initial_waiting"});
    }
    if (s.initial_waiting < 0 || s.initial_waiting > std::int64_t(kMaxQueue)) {
      errors.push_back({p + ".initial_waiting", "must be an integer 0 to " + std::to_string(kMaxQueue)});
    }
  }
  auto station_of = [&](const std::string& name, const std::string& field) -> int {
    auto it = index.find(name);
    if (it != index.end()) return it->second;
    errors.push_back({field, "no station is named \"" + name + "\""});
    return -1;
  };

  Simulator sim(std::move(scenario));
  const Scenario& s = sim.scenario_;
  // The classes: every distinct (urgency, complaint) of the mixes.
  std::map<std::string, int> complaint_ids;
  std::map<std::pair<int, int>, int> class_ids;
  for (size_t i = 0; i < s.arrivals.size(); ++i) {
    for (size_t j = 0; j < s.arrivals[i].mix.size(); ++j) {
      const TriageClass& c = s.arrivals[i].mix[j];
      int complaint = -1;
      if (!c.complaint.empty()) {
        if (!ValidComplaintCode(c.complaint)) {
          errors.push_back({Path(Path("arrivals", i) + ".mix", j) + ".complaint",
                            "must be an entry complaint code (a-z, 0-9 and '-', starting with a letter)"});
        }
        complaint = complaint_ids.emplace(c.complaint, int(complaint_ids.size())).first->second;
      }
      const int u = static_cast<int>(c.urgency);
      if (u < 0 || u > 5) {
        errors.push_back({Path(Path("arrivals", i) + ".mix", j) + ".urgency", "must be U0 to U5"});
        continue;
      }
      if (class_ids.emplace(std::pair{u, complaint}, int(sim.classes_.size())).second) {
        sim.classes_.push_back({u, complaint});
      }
    }
  }
  const size_t n_classes = sim.classes_.size();
  for (size_t i = 0; i < s.stations.size(); ++i) {
    const Station& st = s.stations[i];
    const std::string p = Path("stations", i);
    CompiledStation cs{};
    cs.servers = st.servers;
    cs.schedule_offset = -1;
    if (st.servers_by_hour.size() == 24 || st.servers_by_hour.size() == 168) {
      cs.schedule_offset = int(sim.schedules_.size());
      cs.schedule_hours = int(st.servers_by_hour.size());
      sim.schedules_.insert(sim.schedules_.end(), st.servers_by_hour.begin(), st.servers_by_hour.end());
    }
    cs.service = st.service;
    if (st.service.dist == Dist::kLognormal && st.service.mean_minutes > 0 && st.service.sd_minutes > 0) {
      const double cv = st.service.sd_minutes / st.service.mean_minutes;
      const double var = std::log1p(cv * cv);
      cs.log_sigma = std::sqrt(var);
      cs.log_mu = std::log(st.service.mean_minutes) - var / 2;
    }
    if (st.service.dist == Dist::kGamma && st.service.mean_minutes > 0 && st.service.sd_minutes > 0) {
      cs.shape = (st.service.mean_minutes / st.service.sd_minutes) * (st.service.mean_minutes / st.service.sd_minutes);
      cs.scale = st.service.sd_minutes * st.service.sd_minutes / st.service.mean_minutes;
    }
    cs.first_route = int(sim.routes_.size());
    double total = 0;
    for (size_t j = 0; j < st.next.size(); ++j) {
      const Route& r = st.next[j];
      const std::string rp = Path(p + ".next", j);
      const int to = station_of(r.station, rp + ".station");
      if (!Finite(r.probability) || r.probability < 0 || r.probability > 1) {
        errors.push_back({rp + ".probability", "must be a number 0 to 1"});
        continue;
      }
      total += r.probability;
      if (to >= 0 && r.probability > 0) sim.routes_.push_back({total, to});
    }
    if (total > 1 + 1e-9) {
      errors.push_back({p + ".next", "the probabilities add up to " + std::to_string(total) + ", more than 1"});
    }
    cs.route_count = int(sim.routes_.size()) - cs.first_route;
    cs.priority = st.discipline == Discipline::kUrgency;
    if (st.discipline != Discipline::kFifo && st.discipline != Discipline::kUrgency) {
      errors.push_back({p + ".discipline", "must be fifo or urgency"});
    }
    cs.first_rule = int(sim.rules_.size());
    for (size_t k = 0; k < st.routing.size(); ++k) {
      const RoutingRule& rule = st.routing[k];
      const std::string kp = Path(p + ".routing", k);
      CompiledRule cr{};
      cr.hours_from = rule.hours_from;
      cr.hours_to = rule.hours_to;
      if (rule.hours_from < 0 || rule.hours_from > 24 || rule.hours_to < 0 || rule.hours_to > 24) {
        errors.push_back({kp + ".when.hours", "must be [from, to) with hours of the day 0 to 24"});
      } else if (rule.hours_from == rule.hours_to && rule.hours_from != 0) {
        errors.push_back({kp + ".when.hours", "is empty (from equals to); leave it out for every hour"});
      } else if (rule.hours_from == 24 && rule.hours_to == 0) {
        errors.push_back({kp + ".when.hours", "is empty (24 to 0); leave it out for every hour"});
      }
      for (size_t u = 0; u < rule.urgencies.size(); ++u) {
        const int v = static_cast<int>(rule.urgencies[u]);
        if (v < 0 || v > 5) errors.push_back({Path(kp + ".when.urgency", u), "must be U0 to U5"});
      }
      for (size_t c = 0; c < rule.complaints.size(); ++c) {
        if (!ValidComplaintCode(rule.complaints[c])) {
          errors.push_back({Path(kp + ".when.complaint", c),
                            "must be an entry complaint code (a-z, 0-9 and '-', starting with a letter)"});
        }
      }
      // Which classes the rule's class condition admits; the last flag is
      // for customers without a class, admitted only without a condition.
      cr.match_offset = int(sim.rule_match_.size());
      for (size_t c = 0; c < n_classes; ++c) {
        const CompiledClass& cl = sim.classes_[c];
        bool ok = rule.urgencies.empty();
        for (Urgency u : rule.urgencies) ok = ok || static_cast<int>(u) == cl.urgency;
        bool complaint_ok = rule.complaints.empty();
        for (const std::string& code : rule.complaints) {
          auto it = complaint_ids.find(code);
          complaint_ok = complaint_ok || (it != complaint_ids.end() && it->second == cl.complaint);
        }
        sim.rule_match_.push_back(char(ok && complaint_ok));
      }
      sim.rule_match_.push_back(char(rule.urgencies.empty() && rule.complaints.empty()));
      cr.first_route = int(sim.routes_.size());
      double rule_total = 0;
      for (size_t j = 0; j < rule.next.size(); ++j) {
        const Route& r = rule.next[j];
        const std::string rp = Path(kp + ".next", j);
        const int to = station_of(r.station, rp + ".station");
        if (!Finite(r.probability) || r.probability < 0 || r.probability > 1) {
          errors.push_back({rp + ".probability", "must be a number 0 to 1"});
          continue;
        }
        rule_total += r.probability;
        if (to >= 0 && r.probability > 0) sim.routes_.push_back({rule_total, to});
      }
      if (rule_total > 1 + 1e-9) {
        errors.push_back({kp + ".next", "the probabilities add up to " + std::to_string(rule_total) + ", more than 1"});
      }
      cr.route_count = int(sim.routes_.size()) - cr.first_route;
      sim.rules_.push_back(cr);
    }
    cs.rule_count = int(sim.rules_.size()) - cs.first_rule;
    sim.stations_.push_back(cs);
  }

  std::map<std::string, size_t> stream_names;
  for (size_t i = 0; i < s.arrivals.size(); ++i) {
    const ArrivalStream& a = s.arrivals[i];
    const std::string p = Path("arrivals", i);
    if (a.name.empty()) {
      errors.push_back({p + ".name", "must not be empty"});
    } else if (!stream_names.emplace(a.name, i).second) {
      errors.push_back({p + ".name", "\"" + a.name + "\" is the name of an earlier arrival stream"});
    }
    const int to = station_of(a.to, p + ".to");
    bool ok = to >= 0;
    if (!Finite(a.rate_per_hour) || a.rate_per_hour < 0 || a.rate_per_hour > kMaxRatePerHour) {
      errors.push_back({p + ".rate_per_hour", "must be a number 0 to " + std::to_string(int(kMaxRatePerHour))});
      ok = false;
    }
    CompiledStream cs{a.rate_per_hour / kMinutesPerHour, to, -1, 0, -1, 0};
    if (!a.mix.empty()) {
      double total = 0;
      bool mix_ok = true;
      const int first = int(sim.shares_.size());
      for (size_t j = 0; j < a.mix.size(); ++j) {
        const TriageClass& c = a.mix[j];
        if (!Finite(c.share) || c.share < 0 || c.share > 1) {
          errors.push_back({Path(p + ".mix", j) + ".share", "must be a number 0 to 1"});
          mix_ok = false;
          continue;
        }
        total += c.share;
        const int u = static_cast<int>(c.urgency);
        auto it = complaint_ids.find(c.complaint);
        const int complaint = c.complaint.empty() || it == complaint_ids.end() ? -1 : it->second;
        auto cl = class_ids.find({u, complaint});
        if (cl == class_ids.end()) {
          mix_ok = false;
          continue;
        }
        if (c.share > 0) sim.shares_.push_back({total, cl->second});
      }
      if (mix_ok && std::abs(total - 1) > 1e-9) {
        errors.push_back({p + ".mix", "the shares add up to " + std::to_string(total) + ", not 1"});
        mix_ok = false;
      }
      if (mix_ok && sim.shares_.size() > size_t(first)) {
        sim.shares_.back().first = 2;  // past any uniform draw: rounding never leaves a customer without a class
        cs.first_share = first;
        cs.share_count = int(sim.shares_.size()) - first;
      }
      ok = ok && mix_ok;
    }
    if (!a.profile.empty()) {
      if (a.profile.size() != 24 && a.profile.size() != 168) {
        errors.push_back({p + ".profile", "must have 24 (hours of the day) or 168 (hours of the week) factors, not " +
                                              std::to_string(a.profile.size())});
        ok = false;
      } else {
        bool any = false;
        for (size_t h = 0; h < a.profile.size(); ++h) {
          if (!Finite(a.profile[h]) || a.profile[h] < 0) {
            errors.push_back({Path(p + ".profile", h), "must be a number >= 0"});
            ok = false;
          }
          any = any || a.profile[h] > 0;
        }
        if (ok && !any && a.rate_per_hour > 0) {
          errors.push_back({p + ".profile", "has no factor > 0: the stream would never arrive"});
          ok = false;
        }
        if (ok) {
          cs.profile_offset = int(sim.profiles_.size());
          cs.profile_hours = int(a.profile.size());
          for (double f : a.profile) sim.profiles_.push_back(f * cs.rate_per_minute);
        }
      }
    }
    if (ok && cs.rate_per_minute > 0) sim.streams_.push_back(cs);
  }
  if (!errors.empty()) {
    const size_t n = errors.size();
    return Status::Invalid("scenario has " + std::to_string(n) + (n == 1 ? " error" : " errors"), std::move(errors));
  }
  return sim;
}

ReplicationResult Simulator::RunReplication(std::uint64_t seed, std::uint64_t replication,
                                            std::size_t max_queue) const {
  // A scenario without classes, rules and priorities runs the plain loop
  // (FIFO queues of times, no class per customer): as fast as before them.
  bool rich = !classes_.empty() || !rules_.empty();
  for (const CompiledStation& st : stations_) rich = rich || st.priority;
  return rich ? Replicate<true>(seed, replication, max_queue) : Replicate<false>(seed, replication, max_queue);
}

template <bool kClasses>
ReplicationResult Simulator::Replicate(std::uint64_t seed, std::uint64_t replication, std::size_t max_queue) const {
  Rng rng(seed, replication);
  // The clock runs in minutes of the week: it starts at start_hour_of_week,
  // so the profiles and schedules need no offset.
  const double start = scenario_.start_hour_of_week * kMinutesPerHour;
  const double horizon = start + scenario_.horizon_hours * kMinutesPerHour;
  const double warmup = start + scenario_.warmup_hours * kMinutesPerHour;
  std::vector<StationState> state(stations_.size());
  EventHeap heap;
  std::uint64_t events = 0;
  int overflow = -1;  // a station whose queue passed max_queue, and when
  double overflow_at = 0;

  // The time of the arrival after `now` of stream `s`, or +inf after the horizon.
  auto next_arrival = [&](const CompiledStream& s, double now) -> double {
    if (s.profile_offset < 0) {
      const double t = now + rng.Exponential(1.0 / s.rate_per_minute);
      if (t > horizon) return kInfinity;
      return t;
    }
    // Inversion of the piecewise-constant cumulative rate: spend a unit
    // exponential's worth of expected arrivals hour by hour.
    double e = rng.Exponential(1.0);
    const double* rate = profiles_.data() + s.profile_offset;
    auto hour = static_cast<std::int64_t>(std::floor(now / kMinutesPerHour));
    for (;;) {
      const double r = rate[hour % s.profile_hours];
      const double end = double(hour + 1) * kMinutesPerHour;
      const double expected = r * (end - now);
      if (e < expected) {
        const double t = now + e / r;
        if (t > horizon) return kInfinity;
        return t;
      }
      e -= expected;
      now = end;
      ++hour;
      if (now > horizon) return kInfinity;
    }
  };
  auto service_time = [&](const CompiledStation& st) -> double {
    switch (st.service.dist) {
      case Dist::kExponential: return rng.Exponential(st.service.mean_minutes);
      case Dist::kDeterministic: return st.service.mean_minutes;
      case Dist::kLognormal: return std::exp(st.log_mu + st.log_sigma * rng.Normal());
      case Dist::kGamma: return st.scale * rng.Gamma(st.shape);
      case Dist::kErlang: {
        double sum = 0;
        for (int k = 0; k < st.service.k; ++k) sum -= std::log(rng.UniformOpen0());
        return sum * st.service.mean_minutes / st.service.k;
      }
    }
    return st.service.mean_minutes;
  };
  // What remains of a service in progress seen at a random moment (the
  // equilibrium residual, density (1 − F(x)) / mean): U × a length-biased
  // service time, whose density is x f(x) / mean. Length-biased, each
  // distribution stays in its family: the exponential becomes Erlang-2 (so the
  // residual is exponential again, memoryless), a lognormal's log location
  // grows by sigma², a gamma's shape and an Erlang's phases by one, and a
  // deterministic time stays itself.
  auto residual_time = [&](const CompiledStation& st) -> double {
    switch (st.service.dist) {
      case Dist::kExponential: return rng.Exponential(st.service.mean_minutes);
      case Dist::kDeterministic: return rng.UniformOpen0() * st.service.mean_minutes;
      case Dist::kLognormal: {
        const double biased = std::exp(st.log_mu + st.log_sigma * st.log_sigma + st.log_sigma * rng.Normal());
        return rng.UniformOpen0() * biased;
      }
      case Dist::kGamma: {
        const double biased = st.scale * rng.Gamma(st.shape + 1);
        return rng.UniformOpen0() * biased;
      }
      case Dist::kErlang: {
        double sum = 0;
        for (int k = 0; k <= st.service.k; ++k) sum -= std::log(rng.UniformOpen0());
        const double biased = sum * st.service.mean_minutes / st.service.k;
        return rng.UniformOpen0() * biased;
      }
    }
    return st.service.mean_minutes;
  };
  // Busy and present server-minutes after the warm-up, up to `now`; called
  // before every change of busy or servers.
  auto account = [&](StationState& ss, double now) {
    if (now > warmup) {
      const double dt = now - std::max(ss.last_change, warmup);
      ss.busy_area += ss.busy * dt;
      ss.present_area += std::max(ss.busy, ss.servers) * dt;
    }
    ss.last_change = now;
  };
  const auto n_stations = static_cast<std::int32_t>(stations_.size());
  // The first hour after `hour` at which station `st`'s schedule changes
  // its number of servers, or -1 when it never does.
  auto next_change = [&](const CompiledStation& st, std::int64_t hour) -> std::int64_t {
    const int* servers = schedules_.data() + st.schedule_offset;
    const int now = servers[hour % st.schedule_hours];
    for (std::int64_t h = hour + 1; h <= hour + st.schedule_hours; ++h) {
      if (servers[h % st.schedule_hours] != now) return h;
    }
    return -1;
  };
  // The waiting customers of a station, and putting one in its queue.
  auto queued = [&](const StationState& ss) -> size_t {
    if constexpr (kClasses) {
      return ss.waiting;
    } else {
      return ss.queue.Size();
    }
  };
  auto enqueue = [&](StationState& ss, const CompiledStation& st, double t, std::int32_t cls) {
    if constexpr (kClasses) {
      const size_t lane = st.priority && cls >= 0 ? size_t(classes_[cls].urgency) + 1 : 0;
      ss.lanes[lane].Push({t, cls});
      ++ss.waiting;
    } else {
      ss.queue.Push(t);
    }
  };
  // The urgency (0..5) of class `cls`, -1 without a class.
  auto urgency_of = [&](std::int32_t cls) -> int { return cls >= 0 ? classes_[cls].urgency : -1; };
  // Takes the next waiting customer into service (the head of the queue, or
  // of the most urgent lane), recording its wait; returns its class.
  auto start_from_queue = [&](StationState& ss, double now) -> std::int32_t {
    double arrived = 0;
    std::int32_t cls = -1;
    if constexpr (kClasses) {
      for (auto& lane : ss.lanes) {
        if (lane.Empty()) continue;
        const Waiting w = lane.Pop();
        arrived = w.arrived;
        cls = w.cls;
        break;
      }
      --ss.waiting;
    } else {
      arrived = ss.queue.Pop();
    }
    if (arrived >= warmup) {
      ++ss.started;
      ss.wait_sum += now - arrived;
      if constexpr (kClasses) {
        if (const int u = urgency_of(cls); u >= 0) {
          ++ss.by_urgency[u].started;
          ss.by_urgency[u].wait_sum += now - arrived;
        }
      }
    }
    return cls;
  };
  // A customer of class `cls` arrives at station `s` at `now`: served at
  // once (its completion is scheduled) or queued.
  auto arrive = [&](int s, double now, std::int32_t cls) {
    ++events;
    StationState& ss = state[s];
    const CompiledStation& st = stations_[s];
    const bool measured = now >= warmup;
    ss.arrivals += measured;
    UrgencyCounts* uc = nullptr;
    if constexpr (kClasses) {
      if (const int u = urgency_of(cls); u >= 0) {
        uc = &ss.by_urgency[u];
        uc->arrivals += measured;
      }
    }
    if (ss.busy < ss.servers) {
      account(ss, now);
      ++ss.busy;
      ss.started += measured;
      if (uc != nullptr) uc->started += measured;
      heap.Push({now + service_time(st), s, cls});
      return;
    }
    ss.waited += measured;
    if (uc != nullptr) uc->waited += measured;
    enqueue(ss, st, now, cls);
    if (queued(ss) > max_queue && overflow < 0) {
      overflow = s;
      overflow_at = now;
    }
  };

  const auto start_hour = static_cast<std::int64_t>(std::floor(scenario_.start_hour_of_week));
  for (size_t i = 0; i < stations_.size(); ++i) {
    const CompiledStation& st = stations_[i];
    state[i].last_change = start;
    if constexpr (kClasses) state[i].lanes.resize(st.priority ? 7 : 1);
    if (st.schedule_offset < 0) {
      state[i].servers = st.servers;
      continue;
    }
    state[i].servers = schedules_[st.schedule_offset + start_hour % st.schedule_hours];
    const std::int64_t h = next_change(st, start_hour);
    if (h >= 0 && double(h) * kMinutesPerHour <= horizon) {
      heap.Push({double(h) * kMinutesPerHour, n_stations + std::int32_t(i)});
    }
  }
  // The initial state: those in service finish their residual service; those
  // waiting queue ahead of every arrival, marked as arrived at -inf so that
  // no wait of theirs is measured; free servers take them at once.
  for (size_t i = 0; i < stations_.size(); ++i) {
    const Station& spec = scenario_.stations[i];
    const CompiledStation& st = stations_[i];
    StationState& ss = state[i];
    for (int k = 0; k < spec.initial_in_service; ++k) {
      ++events;
      ++ss.busy;
      heap.Push({start + residual_time(st), std::int32_t(i)});
    }
    for (std::int64_t k = 0; k < spec.initial_waiting; ++k) {
      ++events;
      enqueue(ss, st, -kInfinity, -1);
    }
    while (ss.busy < ss.servers && queued(ss) > 0) {
      start_from_queue(ss, start);  // arrived at -inf: no wait is measured
      ++ss.busy;
      heap.Push({start + service_time(st), std::int32_t(i)});
    }
    if (queued(ss) > max_queue && overflow < 0) {
      overflow = int(i);
      overflow_at = start;
    }
  }
  for (size_t i = 0; i < streams_.size(); ++i) {
    const double t = next_arrival(streams_[i], start);
    if (t != kInfinity) heap.Push({t, ~std::int32_t(i)});
  }
  while (!heap.Empty() && overflow < 0) {
    const Event ev = heap.Top();
    if (ev.time > horizon) break;
    const double now = ev.time;
    if (ev.code < 0) {
      // A stream's arrival: schedule its next one in place of this event,
      // then let the customer in.
      const CompiledStream& cs = streams_[~ev.code];
      const double t = next_arrival(cs, now);
      if (t != kInfinity) {
        heap.ReplaceTop({t, ev.code});
      } else {
        heap.Pop();
      }
      std::int32_t cls = -1;
      if constexpr (kClasses) {
        if (cs.first_share >= 0) {
          const double u = rng.UniformOpen0();
          const auto* share = shares_.data() + cs.first_share;
          int k = 0;
          while (k + 1 < cs.share_count && u > share[k].first) ++k;
          cls = share[k].second;
        }
      }
      arrive(cs.to, now, cls);
      continue;
    }
    if (ev.code >= n_stations) {
      // A station's servers change on the hour: the next change takes this
      // event's place, and waiting customers start when servers came.
      const int s = ev.code - n_stations;
      StationState& ss = state[s];
      const CompiledStation& st = stations_[s];
      const auto hour = static_cast<std::int64_t>(std::llround(now / kMinutesPerHour));
      account(ss, now);
      ss.servers = schedules_[st.schedule_offset + hour % st.schedule_hours];
      const std::int64_t next = next_change(st, hour);
      if (next >= 0 && double(next) * kMinutesPerHour <= horizon) {
        heap.ReplaceTop({double(next) * kMinutesPerHour, ev.code});
      } else {
        heap.Pop();
      }
      while (ss.busy < ss.servers && queued(ss) > 0) {
        const std::int32_t cls = start_from_queue(ss, now);
        ++ss.busy;
        heap.Push({now + service_time(st), s, cls});
      }
      continue;
    }
    // A service completion at station s: the server takes the next in the
    // queue unless its shift is over (more busy than scheduled).
    ++events;
    const int s = ev.code;
    StationState& ss = state[s];
    const CompiledStation& st = stations_[s];
    const std::int32_t served = ev.cls;
    if (queued(ss) > 0 && ss.busy <= ss.servers) {
      const std::int32_t cls = start_from_queue(ss, now);
      heap.ReplaceTop({now + service_time(st), s, cls});
    } else {
      account(ss, now);
      --ss.busy;
      heap.Pop();
    }
    int first_route = st.first_route;
    int route_count = st.route_count;
    if constexpr (kClasses) {
      if (st.rule_count > 0) {
        // The first rule whose class condition and hours hold.
        const int hour = static_cast<int>(static_cast<std::int64_t>(std::floor(now / kMinutesPerHour)) % 24);
        const size_t slot = served >= 0 ? size_t(served) : classes_.size();
        for (int k = 0; k < st.rule_count; ++k) {
          const CompiledRule& rule = rules_[st.first_rule + k];
          if (rule_match_[rule.match_offset + slot] == 0) continue;
          const bool all_day = rule.hours_from == rule.hours_to;
          const bool in_hours = rule.hours_from < rule.hours_to ? hour >= rule.hours_from && hour < rule.hours_to
                                                                : hour >= rule.hours_from || hour < rule.hours_to;
          if (!all_day && !in_hours) continue;
          first_route = rule.first_route;
          route_count = rule.route_count;
          break;
        }
      }
    }
    if (route_count > 0) {
      const double u = rng.UniformOpen0();
      const CompiledRoute* r = routes_.data() + first_route;
      for (int k = 0; k < route_count; ++k) {
        if (u <= r[k].cumulative) {
          arrive(r[k].station, now, served);
          break;
        }
      }
    }
  }

  ReplicationResult out;
  out.events = events;
  if (overflow >= 0) {
    out.overflow_station = overflow;
    out.overflow_hour = (overflow_at - start) / kMinutesPerHour;
    return out;
  }
  const double measured_minutes = horizon - warmup;
  for (size_t i = 0; i < state.size(); ++i) {
    StationState& ss = state[i];
    account(ss, horizon);
    ReplicationResult::PerStation ps;
    if (ss.arrivals > 0) ps.wait_probability = double(ss.waited) / double(ss.arrivals);
    if (ss.started > 0) ps.mean_wait_minutes = ss.wait_sum / double(ss.started);
    if (ss.present_area > 0) ps.utilisation = ss.busy_area / ss.present_area;
    ps.arrival_rate_per_hour = double(ss.arrivals) / (measured_minutes / kMinutesPerHour);
    if (!classes_.empty()) {
      ps.by_urgency.resize(6);
      for (size_t u = 0; u < 6; ++u) {
        const UrgencyCounts& c = ss.by_urgency[u];
        auto& pu = ps.by_urgency[u];
        pu.arrivals = c.arrivals;
        if (c.arrivals > 0) pu.wait_probability = double(c.waited) / double(c.arrivals);
        if (c.started > 0) pu.mean_wait_minutes = c.wait_sum / double(c.started);
        pu.arrival_rate_per_hour = double(c.arrivals) / (measured_minutes / kMinutesPerHour);
      }
    }
    out.stations.push_back(ps);
  }
  return out;
}

Result<SimulationResult> Simulator::Run(const SimulationOptions& options) const {
  std::vector<FieldError> errors;
  if (options.replications < 1 || options.replications > 10000) {
    errors.push_back({"replications", "must be an integer 1 to 10000"});
  }
  if (options.threads < 0) errors.push_back({"threads", "must be >= 0"});
  if (!errors.empty()) return Status::Invalid("bad simulation options", std::move(errors));

  const int n = options.replications;
  int threads = options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, n);
  std::vector<ReplicationResult> reps(n);
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex progress_mu;  // serialises the progress calls, so `done` only rises
  int done = 0;
  auto work = [&] {
    try {
      for (int r = next++; r < n && !failed; r = next++) {
        reps[r] = RunReplication(options.seed, std::uint64_t(r), options.max_queue);
        if (options.progress) {
          std::lock_guard lock(progress_mu);
          options.progress(++done, n);
        }
      }
    } catch (const std::exception&) {
      failed = true;
    }
  };
  if (threads == 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    try {
      for (int t = 0; t < threads; ++t) pool.emplace_back(work);
    } catch (const std::exception&) {
      failed = true;
    }
    for (auto& t : pool) t.join();
  }
  if (failed) return Status::Internal("a simulation replication could not run (out of memory?)");
  for (const auto& r : reps) {
    if (r.overflow_station < 0) continue;
    const int s = r.overflow_station;
    char hour[32];
    std::snprintf(hour, sizeof hour, "%.0f", r.overflow_hour);
    return Status::Invalid("station \"" + scenario_.stations[s].name + "\" cannot keep up: more than " +
                               std::to_string(options.max_queue) + " customers waiting at hour " + hour,
                           {{Path("stations", size_t(s)) + ".servers",
                             "too few for the arrivals: the queue passed " + std::to_string(options.max_queue) +
                                 " customers at hour " + hour + " (add servers, shorten the service or the horizon)"}});
  }

  SimulationResult result;
  result.replications = n;
  result.seed = options.seed;
  for (const auto& r : reps) result.events += r.events;
  std::vector<double> v(n);
  auto estimate = [&](size_t station, double ReplicationResult::PerStation::*field) {
    for (int r = 0; r < n; ++r) v[r] = reps[r].stations[station].*field;
    return EstimateOf(v);
  };
  for (size_t i = 0; i < stations_.size(); ++i) {
    StationResult sr;
    sr.name = scenario_.stations[i].name;
    sr.wait_probability = estimate(i, &ReplicationResult::PerStation::wait_probability);
    sr.mean_wait_minutes = estimate(i, &ReplicationResult::PerStation::mean_wait_minutes);
    sr.utilisation = estimate(i, &ReplicationResult::PerStation::utilisation);
    sr.arrival_rate_per_hour = estimate(i, &ReplicationResult::PerStation::arrival_rate_per_hour);
    if (!classes_.empty()) {
      for (size_t u = 0; u < 6; ++u) {
        bool reached = false;
        for (const auto& rep : reps) reached = reached || rep.stations[i].by_urgency[u].arrivals > 0;
        if (!reached) continue;
        auto per_urgency = [&](double ReplicationResult::PerStation::PerUrgency::*field) {
          for (int r = 0; r < n; ++r) v[r] = reps[r].stations[i].by_urgency[u].*field;
          return EstimateOf(v);
        };
        UrgencyResult ur;
        ur.urgency = static_cast<Urgency>(u);
        ur.wait_probability = per_urgency(&ReplicationResult::PerStation::PerUrgency::wait_probability);
        ur.mean_wait_minutes = per_urgency(&ReplicationResult::PerStation::PerUrgency::mean_wait_minutes);
        ur.arrival_rate_per_hour = per_urgency(&ReplicationResult::PerStation::PerUrgency::arrival_rate_per_hour);
        sr.by_urgency.push_back(ur);
      }
    }
    result.stations.push_back(std::move(sr));
  }
  return result;
}

double StudentT975(int df) {
  static constexpr double kTable[] = {12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
                                      2.262157,  2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
                                      2.109816,  2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
                                      2.059539,  2.055529, 2.051831, 2.048407, 2.045230, 2.042272};
  if (df < 1) return kInfinity;
  if (df <= 30) return kTable[df - 1];
  // Cornish-Fisher expansion around the normal quantile (error < 1e-7 from 31 on).
  const double z = 1.959963984540054;
  const double z3 = z * z * z;
  const double z5 = z3 * z * z;
  const double z7 = z5 * z * z;
  const double z9 = z7 * z * z;
  const double d = df;
  return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d) +
         (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * d * d * d * d);
}

Estimate EstimateOf(const std::vector<double>& values) {
  Estimate e;
  if (values.empty()) return e;
  double sum = 0;
  for (double x : values) sum += x;
  const double n = double(values.size());
  e.mean = sum / n;
  e.ci_low = e.ci_high = e.mean;
  if (values.size() < 2) return e;
  double ss = 0;
  for (double x : values) ss += (x - e.mean) * (x - e.mean);
  const double half = StudentT975(int(values.size()) - 1) * std::sqrt(ss / (n - 1) / n);
  e.ci_low = e.mean - half;
  e.ci_high = e.mean + half;
  e.has_ci = true;
  return e;
}

}  // namespace ozcc::engine::simulate
