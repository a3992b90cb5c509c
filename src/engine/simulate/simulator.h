// Discrete-event simulation of a network of queues: the regional chain as
// arrival streams feeding stations (a triage desk, a GP post, an ED), each
// with a number of servers, one FIFO queue and a service-time distribution,
// and probabilistic routing from one station to the next.
//
// Units: the scenario's horizon, warm-up and rates are in hours (rates per
// hour); service times and waits are in minutes. Simulated time 0 is hour
// `start_hour_of_week` of the week (0 = Monday 00:00 local, the default),
// so hour-of-week (and hour-of-day) profiles and schedules line up with "now".
//
// Model, per replication:
// - each arrival stream is a Poisson process of `rate_per_hour`, multiplied
//   by the profile's factor for the current hour when a profile is given (a
//   piecewise-constant rate; arrivals drawn exactly by inversion of its
//   integral, no thinning). Its arrivals join station `to`;
// - a station serves with `servers` identical servers in first-come,
//   first-served order; a customer who finds every server busy waits. With
//   `servers_by_hour` the number changes on the hour (shifts, a post open
//   only at night): when it rises, waiting customers start at once; when it
//   falls, a server busy at the end of its shift finishes that service
//   (nobody is interrupted) and then leaves;
// - after service a customer moves to `next[i].station` with probability
//   `next[i].probability` (at once, no travel time) or leaves the system with
//   the remaining probability;
// - triage classes (optional): a stream with a `mix` gives each arrival a
//   class (urgency U0–U5, optionally × entry complaint) drawn from the mix's
//   shares; the customer keeps it through the network. A station's
//   `routing` rules (first match by urgency, complaint and hour of the day
//   of the completion) replace `next` for the customers they match, and a
//   station with Discipline::kUrgency takes waiting customers by urgency (U0
//   first, non-preemptive, FIFO within an urgency) instead of FIFO. A
//   scenario without mix, rules and priorities runs the plain loop exactly
//   as before (same numbers, same speed);
// - the run ends at `horizon_hours`; arrivals before `warmup_hours` are not
//   measured (the system fills up from empty first);
// - a station may start with a state instead of empty ("what-if from now"):
//   `initial_in_service` customers in service at time 0 (at most the servers
//   of the start hour) and `initial_waiting` queued at time 0, ahead of any
//   arrival (waiting customers start at once while servers are free). The
//   remaining service of one in service is the equilibrium residual of the
//   service time (what is left of a service in progress seen at a random
//   moment): exact for every distribution, drawn as U x (a length-biased
//   service time), which for the exponential is the exponential itself
//   (memoryless). Those initial customers count in utilisation and events
//   (each as one arrival event at time 0 and one completion) and route
//   onward after service like any other, but not in the arrival-based
//   figures: wait_probability, mean_wait_minutes and arrival_rate_per_hour
//   count arrivals from the streams and routing only.
// Measured per station, after the warm-up:
// - wait_probability: the fraction of arrivals in [warm-up, horizon) that
//   found every server busy;
// - mean_wait_minutes: the mean wait in queue (0 for those served at once) of
//   those arrivals that started service before the horizon (those still
//   queued at the horizon are left out);
// - utilisation: busy server-time in [warm-up, horizon] / the server-time
//   present (servers × (horizon − warm-up) with a fixed number; with a
//   schedule the scheduled servers, plus those finishing past their shift),
//   0–1;
// - arrival_rate_per_hour: arrivals in [warm-up, horizon) / (horizon −
//   warm-up), the station's throughput.
// A station that no customer reaches reports 0 for all of them. With a mix,
// the same figures but utilisation per urgency (by_urgency), over the
// customers of that urgency; customers without a class (streams without a
// mix, the initial state) count only in the station's figures.
// Events: one per arrival at a station (from a stream or routed) and one per
// service completion, counted over the whole run (warm-up included) and
// summed over the replications (a schedule's change of servers is not one).
//
// Replications are independent: replication r draws from random stream r of
// the seed (random.h), so the results depend on (scenario, replications,
// seed) only, not on the number of threads. Across replications each figure
// is given as its mean and a 95% confidence interval (Student t with
// replications − 1 degrees of freedom; with one replication the interval is
// not defined and is reported as [mean, mean] with `has_ci` false).
//
// Pure computation: no I/O, no clock. Build() validates; Run() is const and
// may be called from several threads at once. The hot loop allocates nothing
// per event (the event heap and the queues grow by doubling only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "core/cases.h"

namespace ozcc::engine::simulate {

enum class Dist {
  kExponential,    // mean_minutes
  kDeterministic,  // mean_minutes (every service takes exactly that long)
  kLognormal,      // mean_minutes, sd_minutes (of the service time itself, not of its log)
  kGamma,          // mean_minutes, sd_minutes
  kErlang,         // mean_minutes, k >= 1 phases (sum of k exponentials; sd = mean / sqrt(k))
};

struct ServiceTime {
  Dist dist = Dist::kExponential;
  double mean_minutes = 0;  // > 0
  double sd_minutes = 0;    // lognormal, gamma: > 0
  int k = 1;                // erlang: phases, 1–1000
};

// One class of the triage mix: an urgency and, optionally, an entry complaint
// code (core/complaints.h), with its share of the stream's arrivals.
struct TriageClass {
  Urgency urgency = Urgency::kU3;
  std::string complaint;  // empty: any complaint (the class is the urgency alone)
  double share = 0;       // 0–1; the shares of one stream sum to 1 (within 1e-9)
  bool operator==(const TriageClass&) const = default;
};

struct ArrivalStream {
  std::string name;
  double rate_per_hour = 0;  // >= 0
  // Empty, 24 factors (per hour of the day, every day alike) or 168 (per hour
  // of the week, from Monday 00:00). Each >= 0, and at least one > 0 when
  // the rate is.
  std::vector<double> profile;
  std::string to;  // a station's name
  // Empty (customers without a class), or the triage mix: each arrival draws
  // its class from it and keeps it through the network.
  std::vector<TriageClass> mix;
};

struct Route {
  std::string station;
  double probability = 0;  // 0–1; the probabilities of one station sum to <= 1
};

// A routing rule of a station: when the customer's class and the hour of the
// day match, it goes on by `next` instead of the station's plain `next`.
struct RoutingRule {
  std::vector<Urgency> urgencies;       // empty: any urgency
  std::vector<std::string> complaints;  // empty: any complaint (a class without a complaint matches only this)
  // The hour of the day of the completion, [hours_from, hours_to), 0–24;
  // hours_from > hours_to wraps midnight (22 to 7). Both 0: every hour.
  int hours_from = 0;
  int hours_to = 0;
  std::vector<Route> next;  // as Station::next: the probabilities sum to <= 1, the rest leave
};

// The order in which a station takes waiting customers.
enum class Discipline {
  kFifo,     // first come, first served (the default)
  kUrgency,  // non-preemptive priority: U0 first, first come first served within an urgency; customers
             // without a class (initial_waiting, streams without a mix) before U0
};

struct Station {
  std::string name;  // unique, non-empty
  int servers = 1;   // 1–100000; not used with servers_by_hour
  // Empty, or 24 (per hour of the day) or 168 (per hour of the week, from
  // Monday 00:00) server counts, each 0–100000, at least one > 0.
  std::vector<int> servers_by_hour;
  ServiceTime service;
  std::vector<Route> next;  // empty: every customer leaves after service
  // Tried in order after each service; the first that matches routes the
  // customer, none: `next`.
  std::vector<RoutingRule> routing;
  Discipline discipline = Discipline::kFifo;
  // The state at time 0 (default: empty). initial_in_service: 0 to the
  // servers of the start hour; initial_waiting: 0 to kMaxQueue.
  int initial_in_service = 0;
  std::int64_t initial_waiting = 0;
};

struct Scenario {
  double horizon_hours = 0;  // > warmup_hours, <= kMaxHorizonHours
  double warmup_hours = 0;   // >= 0
  // The hour of the week at simulated time 0: 0 (Monday 00:00, the default)
  // to < 168; may have a fraction (Tuesday 14:30 is 24 + 14.5 = 38.5).
  double start_hour_of_week = 0;
  std::vector<ArrivalStream> arrivals;
  std::vector<Station> stations;
};

inline constexpr double kMaxHorizonHours = 10'000'000;  // about 1141 years
inline constexpr double kMaxRatePerHour = 1'000'000;
// Most customers one station may hold waiting (8 bytes each) by default: a
// station that cannot keep up over a long horizon would otherwise fill the
// memory.
inline constexpr std::size_t kMaxQueue = 10'000'000;

struct SimulationOptions {
  int replications = 10;  // 1–10000
  std::uint64_t seed = 0;
  int threads = 0;                    // 0: one per hardware thread; never more than replications
  std::size_t max_queue = kMaxQueue;  // most customers waiting at one station (below)
  // Called after each finished replication with (done, total), done rising
  // 1..total. Calls are serialised (never two at once, whatever the
  // threads) and made on the threads that run the replications, so it must
  // be quick and must not call Run(). It does not change the results.
  std::function<void(int done, int total)> progress;
};

// A figure over the replications: mean and 95% confidence interval.
struct Estimate {
  double mean = 0;
  double ci_low = 0;
  double ci_high = 0;
  bool has_ci = false;  // false with one replication
};

// The figures of one urgency at one station (as StationResult's, counted
// over the customers of that urgency only).
struct UrgencyResult {
  Urgency urgency = Urgency::kU0;
  Estimate wait_probability;
  Estimate mean_wait_minutes;
  Estimate arrival_rate_per_hour;
};

struct StationResult {
  std::string name;
  Estimate wait_probability;
  Estimate mean_wait_minutes;
  Estimate utilisation;
  Estimate arrival_rate_per_hour;
  // With a mix: per urgency that reached the station in some replication,
  // U0 first; empty without a mix.
  std::vector<UrgencyResult> by_urgency;
};

struct SimulationResult {
  std::vector<StationResult> stations;  // in the scenario's order
  std::uint64_t events = 0;             // summed over the replications
  int replications = 0;
  std::uint64_t seed = 0;
};

// One replication's raw figures (for tests and for callers that aggregate
// themselves); per station in the scenario's order.
struct ReplicationResult {
  struct PerStation {
    double wait_probability = 0;
    double mean_wait_minutes = 0;
    double utilisation = 0;
    double arrival_rate_per_hour = 0;
    // With a mix, per urgency (U0..U5): the same figures of its customers.
    struct PerUrgency {
      std::uint64_t arrivals = 0;  // measured
      double wait_probability = 0;
      double mean_wait_minutes = 0;
      double arrival_rate_per_hour = 0;
    };
    std::vector<PerUrgency> by_urgency;  // 6 entries with a mix, else empty
  };
  std::vector<PerStation> stations;
  std::uint64_t events = 0;
  // A station whose queue passed max_queue stops the replication (its
  // figures are then not computed): its index, and the hour it happened.
  int overflow_station = -1;
  double overflow_hour = 0;
};

class Simulator {
 public:
  // Validates the scenario and resolves station names. kInvalid lists every
  // problem, each naming its field as a path into the scenario
  // ("stations[1].next[0].station", "arrivals[0].rate_per_hour").
  static Result<Simulator> Build(Scenario scenario);

  // Runs options.replications replications. kInvalid when the options are
  // out of range, or naming "stations[i].servers" when a station's queue
  // passed options.max_queue (it cannot keep up; the run is stopped); kInternal when
  // a thread could not run (memory).
  Result<SimulationResult> Run(const SimulationOptions& options) const;

  // Runs replication `index` of `seed` alone (what Run() does for each).
  ReplicationResult RunReplication(std::uint64_t seed, std::uint64_t index, std::size_t max_queue = kMaxQueue) const;

  const Scenario& scenario() const { return scenario_; }
  // True when some stream has a mix (customers carry a class).
  bool has_mix() const { return !classes_.empty(); }

 private:
  template <bool kClasses>
  ReplicationResult Replicate(std::uint64_t seed, std::uint64_t index, std::size_t max_queue) const;

  struct CompiledRoute {
    double cumulative;  // probability of this route and those before it
    int station;
  };
  struct CompiledStation {
    int servers;          // without a schedule
    int schedule_offset;  // into schedules_, -1 without a schedule
    int schedule_hours;   // 24 or 168
    ServiceTime service;
    double log_mu;     // lognormal: location of the log
    double log_sigma;  // lognormal: scale of the log
    double shape;      // gamma: shape
    double scale;      // gamma: scale (minutes)
    int first_route;   // into routes_
    int route_count;
    int first_rule;  // into rules_
    int rule_count;
    bool priority;  // Discipline::kUrgency
  };
  struct CompiledRule {
    int first_route;  // into routes_
    int route_count;
    int hours_from;
    int hours_to;
    int match_offset;  // into rule_match_: one flag per class
  };
  struct CompiledClass {
    int urgency;    // 0..5
    int complaint;  // into the scenario's distinct complaints, -1 for none
  };
  struct CompiledStream {
    double rate_per_minute;
    int to;
    int profile_offset;  // into profiles_, -1 without a profile
    int profile_hours;   // 24 or 168
    int first_share;     // into shares_, -1 without a mix
    int share_count;
  };

  explicit Simulator(Scenario scenario) : scenario_(std::move(scenario)) {}

  Scenario scenario_;
  std::vector<CompiledStation> stations_;
  std::vector<CompiledRoute> routes_;
  std::vector<CompiledStream> streams_;
  std::vector<double> profiles_;  // per stream with a profile: its factors × rate, per minute
  std::vector<int> schedules_;    // per station with a schedule: its servers per hour
  std::vector<CompiledRule> rules_;
  std::vector<char> rule_match_;  // per rule, per class: whether the rule's class condition holds
  std::vector<CompiledClass> classes_;
  // Per stream with a mix: (cumulative share, class) in the mix's order.
  std::vector<std::pair<double, int>> shares_;
};

// The two-sided 95% quantile of Student's t with `df` >= 1 degrees of
// freedom (t such that P(|T| <= t) = 0.95); exact to 1e-6.
double StudentT975(int df);

// Mean and 95% confidence interval of `values` (one per replication).
Estimate EstimateOf(const std::vector<double>& values);

}  // namespace ozcc::engine::simulate
