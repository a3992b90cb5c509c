#include "api/snapshot.h"

#include <zlib.h>

#include <map>

#include "api/json/capacity_json.h"
#include "core/placement.h"
#include "core/stale.h"

namespace ozcc::api {

using nlohmann::json;

json UnitRow(const UnitView& v, const CapacityReport* latest, Time now) {
  const Unit& u = v.unit;
  json row = {{"unit_id", u.id},
              {"organization_id", u.organization_id},
              {"organization_name", v.organization_name},
              {"subregion", v.subregion_id},
              {"type", ToString(u.type)},
              {"specialism", u.specialism},
              {"name", u.name},
              {"location", {{"lat", v.lat}, {"lon", v.lon}}},
              {"expected_interval_s", u.expected_interval_s}};
  if (latest) {
    row["beds"] = latest->beds ? ToJson(*latest->beds) : json(nullptr);
    row["ed"] = latest->ed ? ToJson(*latest->ed) : json(nullptr);
    row["as_of"] = FormatRfc3339(latest->as_of);
    row["age_seconds"] = AgeSeconds(latest->as_of, now);
    row["stale"] = IsStale(latest->as_of, u.expected_interval_s, now);
    row["note"] = latest->note;
    row["source"] = ToString(latest->source);
    row["version"] = latest->version;
  } else {
    row["beds"] = nullptr;
    row["ed"] = nullptr;
    row["as_of"] = nullptr;
    row["age_seconds"] = nullptr;
    row["stale"] = true;
    row["note"] = "";
    row["source"] = nullptr;
    row["version"] = nullptr;
  }
  return row;
}

std::string Gzip(std::string_view data, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string{};
}

SnapshotCache::SnapshotCache(service::RegionService& regions, std::chrono::milliseconds max_age, ReservedBeds reserved)
    : regions_(regions), max_age_(max_age), reserved_(std::move(reserved)) {}

void SnapshotCache::NoteVersion(const std::string& region_id, std::int64_t version) {
  std::lock_guard lock(mu_);
  auto& v = versions_[region_id];
  if (version > v) v = version;
}

void SnapshotCache::Invalidate(const std::string& region_id) {
  std::lock_guard lock(mu_);
  if (region_id.empty()) {
    snapshots_.clear();
  } else {
    snapshots_.erase(region_id);
  }
}

Result<std::shared_ptr<const Snapshot>> SnapshotCache::Get(const std::string& region_id) {
  auto fresh = [&](const std::shared_ptr<const Snapshot>& s) {
    if (!s) return false;
    auto it = versions_.find(region_id);
    std::int64_t known = it == versions_.end() ? 0 : it->second;
    return s->version >= known && Now() - s->generated_at < max_age_;
  };
  {
    std::lock_guard lock(mu_);
    auto it = snapshots_.find(region_id);
    if (it != snapshots_.end() && fresh(it->second)) return it->second;
  }
  std::lock_guard build_lock(build_mu_);
  {
    std::lock_guard lock(mu_);  // another thread may have built it meanwhile
    auto it = snapshots_.find(region_id);
    if (it != snapshots_.end() && fresh(it->second)) return it->second;
  }
  return Build(region_id);
}

Result<std::shared_ptr<const Snapshot>> SnapshotCache::Build(const std::string& region_id) {
  auto picture = regions_.PictureForCache(region_id);
  if (!picture.ok()) return picture.status();
  const std::vector<UnitView>& units = picture->units;
  std::unordered_map<std::string, const CapacityReport*> by_unit;
  std::int64_t max_version = picture->version;
  for (const auto& r : picture->latest) {
    by_unit[r.unit_id] = &r;
    max_version = std::max(max_version, r.version);
  }

  std::map<std::string, std::int64_t> reserved;
  if (reserved_) {
    auto held = reserved_(region_id);
    if (!held.ok()) return held.status();
    reserved = std::move(held).value();
  }

  const Time now = Now();
  json rows = json::array();
  struct Sum {
    std::int64_t units = 0, total = 0, staffed = 0, occupied = 0, available = 0;
  };
  std::map<std::string, Sum> by_type;
  std::map<std::string, std::map<std::string, Sum>> by_subregion;
  for (const auto& v : units) {
    auto it = by_unit.find(v.unit.id);
    const CapacityReport* rep = it == by_unit.end() ? nullptr : it->second;
    json row = UnitRow(v, rep, now);
    if (reserved_ && FollowUpUnitType(v.unit.type)) {
      auto held = reserved.find(v.unit.id);
      const std::int64_t n = held == reserved.end() ? 0 : held->second;
      row["reserved"] = n;
      row["available_net"] =
          rep && rep->beds ? json(std::max<std::int64_t>(0, rep->beds->available - n)) : json(nullptr);
    }
    rows.push_back(std::move(row));
    std::string type(ToString(v.unit.type));
    for (Sum* s : {&by_type[type], &by_subregion[v.subregion_id][type]}) {
      s->units++;
      if (rep && rep->beds) {
        s->total += rep->beds->total;
        s->staffed += rep->beds->staffed;
        s->occupied += rep->beds->occupied;
        s->available += rep->beds->available;
      }
    }
  }
  auto sum_json = [](const Sum& s) {
    return json{{"units", s.units},
                {"total", s.total},
                {"staffed", s.staffed},
                {"occupied", s.occupied},
                {"available", s.available}};
  };
  json totals = {{"by_type", json::object()}, {"by_subregion", json::object()}};
  for (const auto& [type, s] : by_type) totals["by_type"][type] = sum_json(s);
  for (const auto& [sub, types] : by_subregion) {
    for (const auto& [type, s] : types) totals["by_subregion"][sub][type] = sum_json(s);
  }
  json doc = {{"region", region_id},
              {"version", max_version},
              {"generated_at", FormatRfc3339(now)},
              {"units", std::move(rows)},
              {"totals", std::move(totals)}};

  auto snap = std::make_shared<Snapshot>();
  snap->region_id = region_id;
  snap->version = max_version;
  snap->generated_at = now;
  snap->etag = "\"" + region_id + "-" + std::to_string(max_version) + "-" + std::to_string(ToUnixMillis(now)) + "\"";
  auto body = std::make_shared<std::string>(doc.dump());
  snap->gzip = std::make_shared<const std::string>(Gzip(*body));
  snap->json = std::move(body);
  builds_++;
  std::lock_guard lock(mu_);
  snapshots_[region_id] = snap;
  auto& known = versions_[region_id];
  if (max_version > known) known = max_version;
  return std::shared_ptr<const Snapshot>(snap);
}

}  // namespace ozcc::api
