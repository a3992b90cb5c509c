// The region tree (store/region_store.h).
#include <map>
#include <set>

#include "core/validate.h"
#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

constexpr const char* kUnitCols =
    "u.id, u.organization_id, COALESCE(u.location_id, ''), u.type, u.specialism, u.name, u.expected_interval_s";

Unit ReadUnit(const Row& r) {
  Unit u;
  u.id = r.Text(0);
  u.organization_id = r.Text(1);
  u.location_id = r.Text(2);
  u.type = ParseUnitType(r.Text(3)).value_or(UnitType::kWard);
  u.specialism = r.Text(4);
  u.name = r.Text(5);
  u.expected_interval_s = r.Int(6);
  return u;
}

const std::string kUnitViewSelect = std::string("SELECT ") + kUnitCols +
                                    ", u.region_id, COALESCE(o.subregion_id, ''), o.name, COALESCE(l.lat, 0), "
                                    "COALESCE(l.lon, 0) FROM units u JOIN organizations o ON o.id = u.organization_id "
                                    "LEFT JOIN locations l ON l.id = u.location_id ";

UnitView ReadUnitView(const Row& r) {
  UnitView v;
  v.unit = ReadUnit(r);
  v.region_id = r.Text(7);
  v.subregion_id = r.Text(8);
  v.organization_name = r.Text(9);
  v.lat = r.Double(10);
  v.lon = r.Double(11);
  return v;
}

template <class Item>
TextList IdsOf(const std::vector<Item>& items) {
  TextList out;
  out.items.reserve(items.size());
  for (const auto& i : items) out.items.push_back(i.id);
  return out;
}

// Checks that none of `ids` is owned by another region. `select` yields (id,
// owner region) and ends where the id condition goes.
Status CheckOwners(Conn& c, const std::string& select, const std::string& id_column, const std::string& kind,
                   const TextList& ids, const std::string& region_id) {
  if (ids.items.empty()) return Status::Ok();
  std::map<std::string, std::string> owner;
  auto r = c.Query(select + c.AnyOf(id_column), Params().Add(ids),
                   [&](const Row& row) { owner[row.Text(0)] = row.Text(1); });
  if (!r.ok()) return r.status();
  for (const auto& id : ids.items) {  // in the order given, so the message names the first
    auto it = owner.find(id);
    if (it != owner.end() && it->second != region_id) {
      return Status::Conflict(kind + " " + id + " belongs to region " + it->second);
    }
  }
  return Status::Ok();
}

// The ids the region holds now, less those in `keep`.
Result<TextList> Dropped(Conn& c, const std::string& sql, const std::string& region_id, const TextList& keep) {
  std::set<std::string> ids;
  auto r = c.Query(sql, Params().Add(region_id), [&](const Row& row) { ids.insert(row.Text(0)); });
  if (!r.ok()) return r.status();
  for (const auto& id : keep.items) ids.erase(id);
  return TextList{{ids.begin(), ids.end()}};
}

// Admission criteria of follow-up units (table unit_criteria, migration 0009).
constexpr const char* kCriteriaCols =
    "c.unit_id, c.care_types, c.dementia, c.isolation, c.oxygen, c.max_weight_kg, c.mobility, c.age_min, c.age_max";

std::string JoinCareTypes(const std::vector<CareType>& types) {
  std::string s;
  for (CareType t : types) s += (s.empty() ? "" : ",") + std::string(ToString(t));
  return s;
}

AdmissionCriteria ReadCriteria(const Row& r) {
  AdmissionCriteria c;
  const std::string types = r.Text(1);
  for (size_t start = 0; start < types.size();) {
    size_t end = types.find(',', start);
    if (end == std::string::npos) end = types.size();
    if (auto t = ParseCareType(std::string_view(types).substr(start, end - start))) c.care_types.push_back(*t);
    start = end + 1;
  }
  auto opt_bool = [&](int col) { return r.IsNull(col) ? std::nullopt : std::optional<bool>(r.Bool(col)); };
  auto opt_int = [&](int col) { return r.IsNull(col) ? std::nullopt : std::optional<std::int64_t>(r.Int(col)); };
  c.dementia = opt_bool(2);
  c.isolation = opt_bool(3);
  c.oxygen = opt_bool(4);
  c.max_weight_kg = opt_int(5);
  if (!r.IsNull(6)) c.mobility = ParseMobility(r.Text(6));
  c.age_min = opt_int(7);
  c.age_max = opt_int(8);
  return c;
}

Params& AddOptBool(Params& p, const std::optional<bool>& v) { return v ? p.Add(*v) : p.AddNull(); }

}  // namespace

Status SqlStore::ImportRegion(const RegionData& data, const AuditRecord& audit) {
  if (auto errors = ValidateRegion(data); !errors.empty()) {
    return Status::Invalid("invalid region " + data.region.id, std::move(errors));
  }
  const std::string& rid = data.region.id;
  const TextList subregions = IdsOf(data.region.subregions), orgs = IdsOf(data.organizations),
                 locations = IdsOf(data.locations), units = IdsOf(data.units);
  return Write([&](Conn& c) -> Status {
    // Ids are global: none may belong to another region.
    OZCC_RETURN_IF_ERROR(
        CheckOwners(c, "SELECT id, region_id FROM subregions WHERE ", "id", "subregion", subregions, rid));
    OZCC_RETURN_IF_ERROR(
        CheckOwners(c, "SELECT id, region_id FROM organizations WHERE ", "id", "organization", orgs, rid));
    OZCC_RETURN_IF_ERROR(CheckOwners(c,
                                     "SELECT l.id, o.region_id FROM locations l JOIN organizations o "
                                     "ON o.id = l.organization_id WHERE ",
                                     "l.id", "location", locations, rid));
    OZCC_RETURN_IF_ERROR(CheckOwners(c, "SELECT id, region_id FROM units WHERE ", "id", "unit", units, rid));

    // What the region holds now and the data no longer has.
    auto old_units = Dropped(c, "SELECT id FROM units WHERE region_id = ?", rid, units);
    auto old_locations = Dropped(c,
                                 "SELECT l.id FROM locations l JOIN organizations o ON o.id = l.organization_id "
                                 "WHERE o.region_id = ?",
                                 rid, locations);
    auto old_orgs = Dropped(c, "SELECT id FROM organizations WHERE region_id = ?", rid, orgs);
    auto old_subregions = Dropped(c, "SELECT id FROM subregions WHERE region_id = ?", rid, subregions);
    for (const auto* r : {&old_units, &old_locations, &old_orgs, &old_subregions}) OZCC_RETURN_IF_ERROR(r->status());

    if (!old_units->items.empty()) {
      auto reported = c.All<std::string>(
          "SELECT DISTINCT unit_id FROM capacity_reports WHERE " + c.AnyOf("unit_id") + " ORDER BY unit_id",
          Params().Add(*old_units), [](const Row& r) { return r.Text(0); });
      if (!reported.ok()) return reported.status();
      if (!reported->empty()) {
        return Status::Conflict("units missing from the region file still have capacity reports: " +
                                JoinIds(*reported));
      }
    }

    OZCC_RETURN_IF_ERROR(
        c.Run("INSERT INTO regions (id, name, demo_values, tree_version) VALUES (?, ?, ?, 1) "
              "ON CONFLICT (id) DO UPDATE SET name = excluded.name, demo_values = excluded.demo_values, "
              "tree_version = regions.tree_version + 1",
              Params().Add(rid).Add(data.region.name).Add(data.demo_values)));
    for (size_t i = 0; i < data.region.subregions.size(); ++i) {
      const auto& sr = data.region.subregions[i];
      OZCC_RETURN_IF_ERROR(
          c.Run("INSERT INTO subregions (id, region_id, name, ord) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, ord = excluded.ord",
                Params().Add(sr.id).Add(rid).Add(sr.name).Add(static_cast<std::int64_t>(i))));
    }
    for (size_t i = 0; i < data.organizations.size(); ++i) {
      const auto& o = data.organizations[i];
      OZCC_RETURN_IF_ERROR(
          c.Run("INSERT INTO organizations (id, region_id, subregion_id, name, type, source, ord, "
                "regional_function) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "subregion_id = excluded.subregion_id, name = excluded.name, type = excluded.type, "
                "source = excluded.source, ord = excluded.ord, regional_function = excluded.regional_function",
                Params()
                    .Add(o.id)
                    .Add(rid)
                    .AddTextOrNull(o.subregion_id)
                    .Add(o.name)
                    .Add(ToString(o.type))
                    .Add(o.source)
                    .Add(static_cast<std::int64_t>(i))
                    .Add(o.regional_function)));
    }
    for (size_t i = 0; i < data.locations.size(); ++i) {
      const auto& l = data.locations[i];
      OZCC_RETURN_IF_ERROR(
          c.Run("INSERT INTO locations (id, organization_id, name, address, city, lat, lon, ord) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "organization_id = excluded.organization_id, name = excluded.name, address = excluded.address, "
                "city = excluded.city, lat = excluded.lat, lon = excluded.lon, ord = excluded.ord",
                Params()
                    .Add(l.id)
                    .Add(l.organization_id)
                    .Add(l.name)
                    .Add(l.address)
                    .Add(l.city)
                    .Add(l.lat)
                    .Add(l.lon)
                    .Add(static_cast<std::int64_t>(i))));
    }
    for (size_t i = 0; i < data.units.size(); ++i) {
      const auto& u = data.units[i];
      OZCC_RETURN_IF_ERROR(
          c.Run("INSERT INTO units (id, region_id, organization_id, location_id, type, specialism, name, "
                "expected_interval_s, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
                "SET organization_id = excluded.organization_id, location_id = excluded.location_id, "
                "type = excluded.type, specialism = excluded.specialism, name = excluded.name, "
                "expected_interval_s = excluded.expected_interval_s, ord = excluded.ord",
                Params()
                    .Add(u.id)
                    .Add(rid)
                    .Add(u.organization_id)
                    .AddTextOrNull(u.location_id)
                    .Add(ToString(u.type))
                    .Add(u.specialism)
                    .Add(u.name)
                    .Add(u.expected_interval_s)
                    .Add(static_cast<std::int64_t>(i))));
    }

    // The follow-up units' admission criteria: replaced as a whole.
    OZCC_RETURN_IF_ERROR(c.Run("DELETE FROM unit_criteria WHERE region_id = ?", Params().Add(rid)));
    for (const auto& u : data.units) {
      if (!u.criteria) continue;
      const AdmissionCriteria& k = *u.criteria;
      Params p;
      p.Add(u.id).Add(rid).Add(JoinCareTypes(k.care_types));
      AddOptBool(p, k.dementia);
      AddOptBool(p, k.isolation);
      AddOptBool(p, k.oxygen);
      p.Add(k.max_weight_kg);
      if (k.mobility) {
        p.Add(ToString(*k.mobility));
      } else {
        p.AddNull();
      }
      p.Add(k.age_min).Add(k.age_max);
      OZCC_RETURN_IF_ERROR(
          c.Run("INSERT INTO unit_criteria (unit_id, region_id, care_types, dementia, isolation, oxygen, "
                "max_weight_kg, mobility, age_min, age_max) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                p));
    }

    // Remove what the data dropped, children first.
    auto remove = [&](const std::string& table, const TextList& gone) -> Status {
      if (gone.items.empty()) return Status::Ok();
      return c.Run("DELETE FROM " + table + " WHERE " + c.AnyOf("id"), Params().Add(gone));
    };
    OZCC_RETURN_IF_ERROR(remove("units", *old_units));
    OZCC_RETURN_IF_ERROR(remove("locations", *old_locations));
    OZCC_RETURN_IF_ERROR(remove("organizations", *old_orgs));
    OZCC_RETURN_IF_ERROR(remove("subregions", *old_subregions));
    return InsertAudit(c, audit, Now());
  });
}

Result<std::vector<Region>> SqlStore::ListRegions() {
  return ReadValue<std::vector<Region>>(
      [](Conn& c) -> Result<std::vector<Region>> {
        auto regions = c.All<Region>("SELECT id, name FROM regions ORDER BY id", Params(), [](const Row& r) {
          return Region{r.Text(0), r.Text(1), {}};
        });
        if (!regions.ok()) return regions.status();
        std::map<std::string, size_t> index;
        for (size_t i = 0; i < regions->size(); ++i) index[(*regions)[i].id] = i;
        auto sub = c.Query("SELECT region_id, id, name FROM subregions ORDER BY region_id, ord, id", Params(),
                           [&](const Row& r) {
                             auto it = index.find(r.Text(0));
                             if (it != index.end()) {
                               (*regions)[it->second].subregions.push_back(Subregion{r.Text(1), r.Text(2)});
                             }
                           });
        if (!sub.ok()) return sub.status();
        return regions;
      },
      /*snapshot=*/true);
}

Result<RegionData> SqlStore::GetRegion(const std::string& region_id) {
  return ReadValue<RegionData>(
      [&](Conn& c) -> Result<RegionData> {
        RegionData d;
        const Params p = Params().Add(region_id);
        auto head = c.First<Region>("SELECT id, name, demo_values FROM regions WHERE id = ?", p, [&](const Row& r) {
          d.demo_values = r.Bool(2);
          return Region{r.Text(0), r.Text(1), {}};
        });
        if (!head.ok()) return head.status();
        if (!*head) return Status::NotFound("unknown region: " + region_id);
        d.region = std::move(**head);
        auto subregions = c.All<Subregion>("SELECT id, name FROM subregions WHERE region_id = ? ORDER BY ord, id", p,
                                           [](const Row& r) {
                                             return Subregion{r.Text(0), r.Text(1)};
                                           });
        auto orgs = c.All<Organization>(
            "SELECT id, region_id, COALESCE(subregion_id, ''), name, type, source, regional_function FROM "
            "organizations "
            "WHERE region_id = ? ORDER BY ord, id",
            p, [](const Row& r) {
              Organization o;
              o.id = r.Text(0);
              o.region_id = r.Text(1);
              o.subregion_id = r.Text(2);
              o.name = r.Text(3);
              o.type = ParseOrgType(r.Text(4)).value_or(OrgType::kHospital);
              o.source = r.Text(5);
              o.regional_function = r.Bool(6);
              return o;
            });
        auto locations = c.All<Location>(
            "SELECT l.id, l.organization_id, l.name, l.address, l.city, l.lat, l.lon FROM locations l "
            "JOIN organizations o ON o.id = l.organization_id WHERE o.region_id = ? ORDER BY l.ord, l.id",
            p, [](const Row& r) {
              return Location{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Double(5), r.Double(6)};
            });
        auto units =
            c.All<Unit>(std::string("SELECT ") + kUnitCols + " FROM units u WHERE u.region_id = ? ORDER BY u.ord, u.id",
                        p, ReadUnit);
        if (!subregions.ok()) return subregions.status();
        if (!orgs.ok()) return orgs.status();
        if (!locations.ok()) return locations.status();
        if (!units.ok()) return units.status();
        std::map<std::string, AdmissionCriteria> criteria;
        auto crit = c.Query(std::string("SELECT ") + kCriteriaCols + " FROM unit_criteria c WHERE c.region_id = ?", p,
                            [&](const Row& r) { criteria[r.Text(0)] = ReadCriteria(r); });
        if (!crit.ok()) return crit.status();
        for (Unit& u : *units) {
          if (auto it = criteria.find(u.id); it != criteria.end()) u.criteria = it->second;
        }
        d.region.subregions = std::move(*subregions);
        d.organizations = std::move(*orgs);
        d.locations = std::move(*locations);
        d.units = std::move(*units);
        return d;
      },
      /*snapshot=*/true);
}

Result<UnitView> SqlStore::GetUnit(const std::string& unit_id) {
  return ReadValue<UnitView>([&](Conn& c) -> Result<UnitView> {
    auto v = c.First<UnitView>(kUnitViewSelect + "WHERE u.id = ?", Params().Add(unit_id), ReadUnitView);
    if (!v.ok()) return v.status();
    if (!*v) return Status::NotFound("unknown unit: " + unit_id);
    return std::move(**v);
  });
}

Result<std::vector<UnitView>> SqlStore::ListUnits(const std::string& region_id) {
  return ReadValue<std::vector<UnitView>>([&](Conn& c) {
    return c.All<UnitView>(kUnitViewSelect + "WHERE u.region_id = ? ORDER BY u.ord, u.id", Params().Add(region_id),
                           ReadUnitView);
  });
}

Result<std::int64_t> SqlStore::TreeVersion(const std::string& region_id) {
  return ReadValue<std::int64_t>([&](Conn& c) -> Result<std::int64_t> {
    auto v = c.First<std::int64_t>("SELECT tree_version FROM regions WHERE id = ?", Params().Add(region_id),
                                   [](const Row& r) { return r.Int(0); });
    if (!v.ok()) return v.status();
    if (!*v) return Status::NotFound("unknown region: " + region_id);
    return **v;
  });
}

}  // namespace ozcc::sql
