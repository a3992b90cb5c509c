// Spreading plans: the plan row, its events in the owner region's change
// sequence and the transfers an approval makes (store/spreading_store.h).
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

constexpr const char* kPlanCols =
    "p.id, p.owner_region, p.regions, p.state, p.version, p.created_by, p.created_at, p.updated_at, p.patients, "
    "p.placed, p.total_cost";

std::string JoinRegions(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ',';
    out += id;
  }
  return out;
}

std::vector<std::string> SplitRegions(const std::string& s) {
  std::vector<std::string> out;
  for (size_t start = 0; start < s.size();) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

SpreadingPlanRecord ReadPlan(const Row& r) {
  SpreadingPlanRecord p;
  p.id = r.Text(0);
  p.owner_region = r.Text(1);
  p.regions = SplitRegions(r.Text(2));
  p.state = r.Text(3);
  p.version = r.Int(4);
  p.created_by = r.Text(5);
  p.created_at = FromUnixMillis(r.Int(6));
  p.updated_at = FromUnixMillis(r.Int(7));
  p.patients = r.Int(8);
  p.placed = r.Int(9);
  p.total_cost = r.Double(10);
  return p;
}

Status CheckWrite(const SpreadingWrite& w) {
  const SpreadingPlanRecord& in = w.plan;
  if (in.id.empty() || in.owner_region.empty() || in.state.empty()) {
    return Status::Invalid("a spreading plan needs an id, an owner region and a state");
  }
  if (w.expected_version < 0) return Status::Invalid("expected_version must not be negative");
  std::vector<std::string_view> texts{in.id, in.owner_region, in.state, in.created_by, in.document};
  for (const auto& r : in.regions) {
    if (r.empty() || r.find(',') != std::string::npos) return Status::Invalid("a region id is empty or has a comma");
    texts.push_back(r);
  }
  for (const auto& t : w.transfers) {
    const Transfer& tr = t.transfer;
    if (tr.id.empty() || tr.region_id != in.owner_region) {
      return Status::Invalid("a transfer of plan " + in.id + " must have an id and be of its owner region");
    }
    if (t.patient && t.expected_version != 0) return Status::Invalid("only a new transfer stores a patient");
    texts.insert(texts.end(), {tr.id, tr.from_organization_id, tr.from_unit_id, tr.to_organization_id, tr.to_unit_id,
                               tr.reason, tr.case_id, tr.created_by, t.reported_by});
    for (const auto& e : t.timeline) texts.insert(texts.end(), {e.actor, e.organization_id, e.reason});
  }
  return NoNul(texts);
}

}  // namespace

Result<SpreadingWriteResult> SqlStore::WriteSpreadingPlan(SpreadingWrite write) {
  OZCC_RETURN_IF_ERROR(CheckWrite(write));
  const SpreadingPlanRecord& in = write.plan;
  SpreadingWriteResult out;
  Status st = Write(
      [&](Conn& c) -> Status {
        out = SpreadingWriteResult{};  // the job may run more than once
        const Time now = Now();
        if (write.expected_version == 0) {
          auto region = c.First<bool>("SELECT TRUE FROM regions WHERE id = ?", Params().Add(in.owner_region),
                                      [](const Row&) { return true; });
          if (!region.ok()) return region.status();
          if (!*region) return Status::NotFound("unknown region: " + in.owner_region);
        }
        out.plan = in;
        out.plan.version = write.expected_version + 1;
        Params p;
        p.Add(in.owner_region).Add(JoinRegions(in.regions)).Add(in.state).Add(out.plan.version).Add(in.created_by);
        p.Add(ToUnixMillis(in.created_at)).Add(ToUnixMillis(in.updated_at)).Add(in.patients).Add(in.placed);
        p.Add(in.total_cost).Add(in.document).Add(in.id);
        if (write.expected_version == 0) {
          auto added = c.Changes(
              "INSERT INTO spreading_plans (owner_region, regions, state, version, created_by, created_at, "
              "updated_at, patients, placed, total_cost, document, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (id) DO NOTHING",
              p);
          if (!added.ok()) return added.status();
          if (*added == 0) return Status::Conflict("spreading plan already exists: " + in.id);
        } else {
          auto changed = c.Changes(
              "UPDATE spreading_plans SET owner_region = ?, regions = ?, state = ?, version = ?, created_by = ?, "
              "created_at = ?, updated_at = ?, patients = ?, placed = ?, total_cost = ?, document = ? "
              "WHERE id = ? AND version = ? AND owner_region = ?",
              p.Add(write.expected_version).Add(in.owner_region));
          if (!changed.ok()) return changed.status();
          if (*changed == 0) {
            auto found = c.First<std::pair<std::string, std::int64_t>>(
                "SELECT owner_region, version FROM spreading_plans WHERE id = ?", Params().Add(in.id),
                [](const Row& r) { return std::pair(r.Text(0), r.Int(1)); });
            if (!found.ok()) return found.status();
            if (!*found) return Status::NotFound("no such spreading plan: " + in.id);
            if ((*found)->first != in.owner_region) {
              return Status::Invalid("spreading plan " + in.id + " is of another region");
            }
            return Status::PreconditionFailed("spreading plan " + in.id + " was changed meanwhile (now version " +
                                              std::to_string((*found)->second) + ")");
          }
        }
        // The transfers after the plan (a stale version fails first), before its event.
        for (const TransferWrite& t : write.transfers) {
          TransferWriteResult r;
          OZCC_RETURN_IF_ERROR(WriteTransferRows(c, t, r));
          out.transfers.push_back(std::move(r));
        }
        auto version = TakeRegionVersions(c, in.owner_region);
        if (!version.ok()) return version.status();
        out.change = SpreadingChange{in.owner_region, *version, now, in.id, out.plan.version, in.state};
        OZCC_RETURN_IF_ERROR(
            c.Run("INSERT INTO spreading_events (region_id, version, at, plan_id, plan_version, state) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
                  Params()
                      .Add(in.owner_region)
                      .Add(*version)
                      .Add(ToUnixMillis(now))
                      .Add(in.id)
                      .Add(out.plan.version)
                      .Add(in.state)));
        for (const auto& a : write.audit) OZCC_RETURN_IF_ERROR(InsertAudit(c, a, now));
        return Status::Ok();
      },
      {}, std::vector<std::string>{in.owner_region});
  if (!st.ok()) return st;
  return out;
}

Result<SpreadingPlanRecord> SqlStore::GetSpreadingPlan(const std::string& id) {
  return ReadValue<SpreadingPlanRecord>([&](Conn& c) -> Result<SpreadingPlanRecord> {
    auto found = c.First<SpreadingPlanRecord>(
        std::string("SELECT ") + kPlanCols + ", p.document FROM spreading_plans p WHERE p.id = ?", Params().Add(id),
        [](const Row& r) {
          SpreadingPlanRecord p = ReadPlan(r);
          p.document = r.Text(11);
          return p;
        });
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound("no such spreading plan: " + id);
    return std::move(**found);
  });
}

Result<std::vector<SpreadingPlanRecord>> SqlStore::ListSpreadingPlans(const SpreadingQuery& q) {
  return ReadValue<std::vector<SpreadingPlanRecord>>([&](Conn& c) {
    std::string sql = std::string("SELECT ") + kPlanCols + " FROM spreading_plans p WHERE p.owner_region = ?";
    Params p;
    p.Add(q.region_id);
    if (!q.states.empty()) {
      TextList states;
      states.items = q.states;
      sql += " AND " + c.AnyOf("p.state");
      p.Add(std::move(states));
    }
    sql += " ORDER BY p.created_at DESC, p.id DESC LIMIT ?";
    p.Add(Limit(q.limit));
    return c.All<SpreadingPlanRecord>(sql, p, ReadPlan);
  });
}

Result<std::vector<SpreadingChange>> SqlStore::SpreadingEventsSince(const std::string& region_id,
                                                                    std::int64_t after_version, size_t limit) {
  return ReadValue<std::vector<SpreadingChange>>([&](Conn& c) {
    return c.All<SpreadingChange>(
        "SELECT region_id, version, at, plan_id, plan_version, state FROM spreading_events "
        "WHERE region_id = ? AND version > ? ORDER BY version LIMIT ?",
        Params().Add(region_id).Add(after_version).Add(Limit(limit)), [](const Row& r) {
          return SpreadingChange{r.Text(0), r.Int(1), FromUnixMillis(r.Int(2)), r.Text(3), r.Int(4), r.Text(5)};
        });
  });
}

}  // namespace ozcc::sql
