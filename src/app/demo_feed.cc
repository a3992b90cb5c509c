#include "app/demo_feed.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/audit.h"
#include "core/pathways.h"

namespace ozcc::app {

namespace {

std::uint64_t Hash(std::string_view s, std::uint64_t salt) {
  std::uint64_t h = 1469598103934665603ULL ^ salt;  // FNV-1a
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// Uniform in [0, 1) from a hash.
double Unit01(std::uint64_t h) { return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0); }

// Plausible size ranges per unit type (demo values).
std::pair<int, int> SizeRange(UnitType t) {
  switch (t) {
    case UnitType::kSeh: return {15, 40};
    case UnitType::kIc: return {8, 36};
    case UnitType::kWard: return {20, 42};
    case UnitType::kElvLow: return {6, 20};
    case UnitType::kElvHigh: return {6, 18};
    case UnitType::kElvPalliative: return {4, 10};
    case UnitType::kGgzCrisis: return {6, 16};
    case UnitType::kVvtCrisis: return {4, 12};
    case UnitType::kAmbulance: return {8, 30};
    case UnitType::kHap: return {0, 0};
  }
  return {10, 20};
}

}  // namespace

DemoFeed::DemoFeed(Store& store, api::Api& api, DemoFeedOptions options)
    : store_(store), api_(api), options_(options) {}

DemoFeed::~DemoFeed() { Stop(); }

bool DemoFeed::IsSilent(const std::string& unit_id) { return Hash(unit_id, 7) % 12 == 0; }

namespace {

// Bed occupancy by local day of the week (Monday first): full from Monday to
// Thursday, emptier at the weekend when planned admissions stop.
constexpr double kBedsByDay[7] = {0.02, 0.04, 0.04, 0.03, 0.0, -0.05, -0.06};
// ED arrivals by local hour of the day, relative to the day's mean hour:
// quiet at night, rising from 08:00, highest late morning to early evening.
constexpr double kArrivalsByHour[24] = {0.55, 0.45, 0.38, 0.33, 0.30, 0.32, 0.42, 0.65, 0.95, 1.25, 1.45, 1.50,
                                        1.45, 1.40, 1.38, 1.35, 1.35, 1.38, 1.40, 1.30, 1.15, 0.95, 0.80, 0.65};
// ED arrivals by local day of the week (Monday busiest).
constexpr double kArrivalsByDay[7] = {1.15, 1.02, 0.98, 0.97, 1.0, 0.93, 0.95};

// Poisson draw with mean `mean` (small) from the hash `h` (Knuth's method
// on a SplitMix64 stream: the same on every platform).
std::int64_t Poisson(double mean, std::uint64_t h) {
  const double limit = std::exp(-mean);
  double p = 1;
  std::int64_t k = -1;
  do {
    h += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = h;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    p *= Unit01(z);
    ++k;
  } while (p > limit && k < 1000);
  return k;
}

}  // namespace

double DemoFeed::ExpectedArrivals(const UnitView& unit, int hour_of_week, std::uint32_t seed) {
  if (!UnitHasEd(unit.unit.type)) return 0;
  const std::uint64_t h = Hash(unit.unit.id, seed ^ 0x5eedU);
  // Daily arrivals: an ED 45–110 patients, a GP post 25–60.
  const bool hap = unit.unit.type == UnitType::kHap;
  const double per_day = hap ? 25 + 35 * Unit01(h) : 45 + 65 * Unit01(h);
  const int day = ((hour_of_week / 24) % 7 + 7) % 7, hour = ((hour_of_week % 24) + 24) % 24;
  return per_day / 24.0 * kArrivalsByHour[hour] * kArrivalsByDay[day];
}

std::int64_t DemoFeed::Arrivals(const UnitView& unit, Time hour_start, std::uint32_t seed) {
  const std::int64_t hour_index = ToUnixMillis(hour_start) / 3600000;
  const double mean = ExpectedArrivals(unit, NetherlandsHourOfWeek(hour_start), seed);
  return Poisson(mean, Hash(unit.unit.id, seed ^ static_cast<std::uint64_t>(hour_index) * 0x9E3779B1ULL));
}

CapacityInput DemoFeed::Simulate(const UnitView& unit, Time now, std::uint32_t seed) {
  const std::uint64_t h = Hash(unit.unit.id, seed);
  const int how = NetherlandsHourOfWeek(now);
  const double hours = NetherlandsMinuteOfDay(now) / 60.0;  // local hour of day
  // Busiest mid-afternoon (about 15:00), quietest early morning.
  const double rhythm = std::sin(2 * std::numbers::pi * (hours - 9.0) / 24.0);
  const double noise = Unit01(Hash(unit.unit.id, seed ^ static_cast<std::uint64_t>(ToUnixMillis(now) / 1000))) - 0.5;
  CapacityInput in;
  in.unit_id = unit.unit.id;
  in.as_of = now;
  in.note = "demo";
  if (UnitHasBeds(unit.unit.type)) {
    auto [lo, hi] = SizeRange(unit.unit.type);
    Beds b;
    b.total = lo + static_cast<std::int64_t>(Unit01(h) * (hi - lo + 1));
    b.staffed = std::max<std::int64_t>(
        1, b.total - static_cast<std::int64_t>(Unit01(h >> 7) * 0.2 * static_cast<double>(b.total)));
    const double base = 0.72 + 0.18 * Unit01(h >> 13);  // each unit its own typical occupancy
    const double occ = std::clamp(base + 0.08 * rhythm + kBedsByDay[how / 24] + 0.08 * noise, 0.2, 1.0);
    b.occupied = std::min(b.total, static_cast<std::int64_t>(std::lround(occ * static_cast<double>(b.staffed))));
    b.available = std::max<std::int64_t>(0, b.staffed - b.occupied);
    in.beds = b;
  }
  if (UnitHasEd(unit.unit.type)) {
    EdState e;
    // Mostly open, some threatened at the afternoon peak, rarely closed; the
    // load follows the expected arrivals of the hour.
    const double busy = (kArrivalsByHour[how % 24] * kArrivalsByDay[how / 24] - 1.0) / 0.55;  // about -1.3 … 1
    const double load = std::clamp(0.48 + 0.22 * busy + 0.25 * noise + 0.3 * (Unit01(h >> 17) - 0.5), 0.0, 1.0);
    const bool hap = unit.unit.type == UnitType::kHap;
    e.waiting = std::lround(load * (hap ? 25 : 18));
    e.in_treatment = std::lround(load * (hap ? 8 : 22));
    e.boarding = hap ? 0 : std::lround(std::max(0.0, load - 0.5) * 10);
    e.crowding = std::clamp<std::int64_t>(std::lround(load * 170 + 10 * noise), 0, 200);
    // NEDOCS-like bands: ≥ 100 overcrowded (threatened), ≥ 150 severely (closed to ambulances).
    e.status = e.crowding >= 150 ? EdStatus::kClosed : e.crowding >= 100 ? EdStatus::kThreatened : EdStatus::kOpen;
    e.arrivals = Arrivals(unit, ArrivalsHourStart(now), seed);
    in.ed = e;
  }
  return in;
}

Result<std::size_t> DemoFeed::SeedHistory(Store& store, const std::vector<UnitView>& units, Time now,
                                          const DemoFeedOptions& options) {
  using std::chrono::hours;
  if (units.empty() || options.history_weeks <= 0) return std::size_t{0};
  // Only a store without history: the oldest report of any unit must be less than a day old.
  const Time from = std::chrono::floor<hours>(now) - hours(24 * 7 * options.history_weeks);
  Time until = now;
  for (const auto& u : units) {
    auto first = store.CapacityHistory(u.unit.id, from - hours(24 * 400), now, 1);
    if (!first.ok()) return first.status();
    if (!first->empty()) until = std::min(until, first->front().as_of);
  }
  if (until < now - hours(24)) return std::size_t{0};
  std::size_t written = 0;
  std::vector<CapacityReport> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    CapacityWrite w;
    w.reports = std::move(batch);
    batch.clear();
    w.audit.push_back(ToolAudit("demo-feed", "capacity.demo-history", std::to_string(w.reports.size()) + " reports"));
    written += w.reports.size();
    auto r = store.WriteCapacity(std::move(w));
    return r.ok() ? Status::Ok() : r.status();
  };
  // Hour by hour, so each batch spans all units and every unit's reports stay in time order.
  for (Time hour = from + hours(1); hour < until; hour += hours(1)) {
    for (const auto& u : units) {
      // Bed units report every 3 hours, EDs and GP posts every hour.
      const bool ed = UnitHasEd(u.unit.type);
      const std::int64_t index = ToUnixMillis(hour) / 3600000;
      if (!ed && (index + static_cast<std::int64_t>(Hash(u.unit.id, 3) % 3)) % 3 != 0) continue;
      const Time at = hour + std::chrono::seconds(Hash(u.unit.id, static_cast<std::uint64_t>(index)) % 60);
      CapacityInput in = Simulate(u, at, options.seed);
      CapacityReport r;
      r.unit_id = u.unit.id;
      r.as_of = at;
      r.source = ReportSource::kDemo;
      r.beds = in.beds;
      r.ed = in.ed;
      r.note = "demo history";
      r.reported_by = "demo-feed";
      batch.push_back(std::move(r));
    }
    if (batch.size() >= 4000) {
      if (auto st = flush(); !st.ok()) return st;
    }
  }
  if (auto st = flush(); !st.ok()) return st;
  return written;
}

Status DemoFeed::Start() {
  auto regions = store_.ListRegions();
  if (!regions.ok()) return regions.status();
  for (const auto& r : *regions) {
    auto units = store_.ListUnits(r.id);
    if (!units.ok()) return units.status();
    for (auto& u : *units) {
      if (!IsSilent(u.unit.id)) units_.push_back(std::move(u));
    }
  }
  const auto started = std::chrono::steady_clock::now();
  auto seeded = SeedHistory(store_, units_, Now(), options_);
  if (!seeded.ok()) return seeded.status();
  if (*seeded > 0) {
    spdlog::info(
        "demo feed: seeded {} weeks of simulated history ({} reports, {} ms)", options_.history_weeks, *seeded,
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  }
  if (auto st = Tick(true); !st.ok()) return st;
  thread_ = std::thread([this] { Run(); });
  spdlog::info(
      "demo feed: {} units report every ~{} ms, silent units are left stale", units_.size(),
      static_cast<long long>(static_cast<double>(options_.tick.count()) / std::max(0.01, options_.share_per_tick)));
  return Status::Ok();
}

void DemoFeed::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DemoFeed::Run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, options_.tick, [this] { return stop_; })) {
    lock.unlock();
    if (auto st = Tick(false); !st.ok()) spdlog::warn("demo feed: {}", st.message());
    lock.lock();
  }
}

Status DemoFeed::Tick(bool all) {
  ++ticks_;
  const Time now = Now();
  std::vector<CapacityInput> inputs;
  for (const auto& u : units_) {
    if (all || Unit01(Hash(u.unit.id, options_.seed + ticks_)) < options_.share_per_tick) {
      inputs.push_back(Simulate(u, now, options_.seed));
    }
  }
  if (inputs.empty()) return Status::Ok();
  Principal demo{PrincipalKind::kUser, "demo-feed", Role::kAdmin, "", ""};
  auto r = api_.Ingest(demo, std::move(inputs), ReportSource::kDemo);
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace ozcc::app
