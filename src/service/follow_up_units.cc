#include "service/follow_up_units.h"

#include <algorithm>
#include <map>
#include <utility>

namespace ozcc::service {

namespace {

// Reports read one page at a time when catching up; more than this since the
// previous Get, and the latest reports are read afresh.
constexpr size_t kMaxFold = 1000;

// Whether `r` is newer than the latest report `cur` as LatestCapacity orders
// them: newest as_of, then highest version.
bool Newer(const CapacityReport& r, const std::optional<FollowUpUnits::Stamp>& cur) {
  return !cur || r.as_of > cur->as_of || (r.as_of == cur->as_of && r.version > cur->version);
}

void Fold(FollowUpUnits::Picture& p, size_t i, const CapacityReport& r) {
  p.units[i].beds = r.beds;
  p.latest[i] = FollowUpUnits::Stamp{r.as_of, r.version};
}

}  // namespace

Result<std::shared_ptr<const FollowUpUnits::Picture>> FollowUpUnits::Get(const std::string& region_id) {
  std::lock_guard lock(mu_);
  auto tree_version = regions_.TreeVersion(region_id);
  if (!tree_version.ok()) return tree_version.status();
  auto it = entries_.find(region_id);
  if (it != entries_.end() && it->second.picture->tree_version == *tree_version) {
    auto caught_up = CatchUp(region_id, it->second);
    if (!caught_up.ok()) return caught_up.status();
    if (*caught_up) return it->second.picture;
  }
  auto loaded = Load(region_id, *tree_version);
  if (!loaded.ok()) return loaded.status();
  auto& e = entries_[region_id];
  e = std::move(loaded).value();
  return e.picture;
}

Result<FollowUpUnits::Entry> FollowUpUnits::Load(const std::string& region_id, std::int64_t tree_version) {
  // The version first: a report committed after it is read again by the
  // next CatchUp, and folding it twice changes nothing.
  auto through = capacity_.DataVersion(region_id);
  if (!through.ok()) return through.status();
  auto tree = regions_.GetRegion(region_id);
  if (!tree.ok()) return tree.status();
  auto latest = capacity_.LatestCapacity(region_id);
  if (!latest.ok()) return latest.status();

  std::map<std::string, const Location*> location_of;
  for (const Location& l : tree->locations) location_of[l.id] = &l;
  std::map<std::string, std::string> org_name;
  for (const Organization& o : tree->organizations) org_name[o.id] = o.name;

  Entry e;
  e.reports_through = *through;
  auto p = std::make_shared<Picture>();
  p->tree_version = tree_version;
  for (Unit& u : tree->units) {
    if (!FollowUpUnitType(u.type)) continue;
    MatchCandidate c;
    c.organization_name = org_name[u.organization_id];
    if (auto l = location_of.find(u.location_id); l != location_of.end()) {
      c.lat = l->second->lat;
      c.lon = l->second->lon;
    }
    c.unit = std::move(u);
    e.index.emplace(c.unit.id, p->units.size());
    p->units.push_back(std::move(c));
  }
  p->latest.resize(p->units.size());
  for (const CapacityReport& r : *latest) {
    if (auto i = e.index.find(r.unit_id); i != e.index.end()) Fold(*p, i->second, r);
  }
  e.picture = std::move(p);
  return e;
}

Result<bool> FollowUpUnits::CatchUp(const std::string& region_id, Entry& e) {
  auto since = capacity_.CapacitySince(region_id, e.reports_through, kMaxFold);
  if (!since.ok()) return since.status();
  if (since->size() >= kMaxFold) return false;
  std::shared_ptr<Picture> next;  // made on the first report that changes a unit
  for (const CapacityReport& r : *since) {
    e.reports_through = std::max(e.reports_through, r.version);
    auto i = e.index.find(r.unit_id);
    if (i == e.index.end()) continue;  // not a follow-up unit
    const Picture& cur = next ? *next : *e.picture;
    if (!Newer(r, cur.latest[i->second])) continue;
    if (!next) next = std::make_shared<Picture>(*e.picture);
    Fold(*next, i->second, r);
  }
  if (next) e.picture = std::move(next);
  return true;
}

}  // namespace ozcc::service
