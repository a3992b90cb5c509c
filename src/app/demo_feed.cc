#include "app/demo_feed.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <numbers>

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

CapacityInput DemoFeed::Simulate(const UnitView& unit, Time now, std::uint32_t seed) {
  const std::uint64_t h = Hash(unit.unit.id, seed);
  const double hours = static_cast<double>(ToUnixMillis(now) % 86400000) / 3600000.0;  // UTC hour of day
  // Busiest mid-afternoon (about 15:00 local, 14:00 UTC), quietest early morning.
  const double rhythm = std::sin(2 * std::numbers::pi * (hours - 8.0) / 24.0);
  const double noise = Unit01(Hash(unit.unit.id, seed ^ static_cast<std::uint64_t>(ToUnixMillis(now) / 1000))) - 0.5;
  CapacityInput in;
  in.unit_id = unit.unit.id;
  in.as_of = now;
  in.note = "demo";
  if (UnitHasBeds(unit.unit.type)) {
    auto [lo, hi] = SizeRange(unit.unit.type);
    Beds b;
    b.total = lo + static_cast<std::int64_t>(Unit01(h) * (hi - lo + 1));
    b.staffed = std::max<std::int64_t>(1, b.total - static_cast<std::int64_t>(Unit01(h >> 7) * 0.2 * b.total));
    const double base = 0.72 + 0.18 * Unit01(h >> 13);  // each unit its own typical occupancy
    const double occ = std::clamp(base + 0.12 * rhythm + 0.1 * noise, 0.2, 1.0);
    b.occupied = std::min(b.total, static_cast<std::int64_t>(std::lround(occ * b.staffed)));
    b.available = std::max<std::int64_t>(0, b.staffed - b.occupied);
    in.beds = b;
  }
  if (UnitHasEd(unit.unit.type)) {
    EdState e;
    // Mostly open, some threatened at the afternoon peak, rarely closed.
    const double load = std::clamp(0.48 + 0.22 * rhythm + 0.25 * noise + 0.3 * (Unit01(h >> 17) - 0.5), 0.0, 1.0);
    const bool hap = unit.unit.type == UnitType::kHap;
    e.waiting = std::lround(load * (hap ? 25 : 18));
    e.in_treatment = std::lround(load * (hap ? 8 : 22));
    e.boarding = hap ? 0 : std::lround(std::max(0.0, load - 0.5) * 10);
    e.crowding = std::clamp<std::int64_t>(std::lround(load * 170 + 10 * noise), 0, 200);
    // NEDOCS-like bands: ≥ 100 overcrowded (threatened), ≥ 150 severely (closed to ambulances).
    e.status = e.crowding >= 150 ? EdStatus::kClosed : e.crowding >= 100 ? EdStatus::kThreatened : EdStatus::kOpen;
    in.ed = e;
  }
  return in;
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
  if (auto st = Tick(true); !st.ok()) return st;
  thread_ = std::thread([this] { Run(); });
  spdlog::info("demo feed: {} units report every ~{} ms, silent units are left stale", units_.size(),
               static_cast<long long>(options_.tick.count() / std::max(0.01, options_.share_per_tick)));
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
