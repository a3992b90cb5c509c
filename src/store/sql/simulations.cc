// What-if simulation runs (store/simulation_store.h).
#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

constexpr const char* kColumns =
    "id, region_id, name, state, replications, replications_done, seed, created_by, created_at, started_at, "
    "finished_at, heartbeat_at, error";

std::optional<Time> OptionalTime(const Row& r, int col) {
  if (r.IsNull(col)) return std::nullopt;
  return FromUnixMillis(r.Int(col));
}

std::optional<std::int64_t> OptionalMillis(const std::optional<Time>& t) {
  if (!t) return std::nullopt;
  return ToUnixMillis(*t);
}

StoredSimulation ReadRun(const Row& r) {
  StoredSimulation s;
  s.id = r.Text(0);
  s.region_id = r.Text(1);
  s.name = r.Text(2);
  s.state = r.Text(3);
  s.replications = static_cast<int>(r.Int(4));
  s.replications_done = static_cast<int>(r.Int(5));
  s.seed = r.Int(6);
  s.created_by = r.Text(7);
  s.created_at = FromUnixMillis(r.Int(8));
  s.started_at = OptionalTime(r, 9);
  s.finished_at = OptionalTime(r, 10);
  s.heartbeat_at = FromUnixMillis(r.Int(11));
  if (!r.IsNull(12)) s.error = r.Text(12);
  return s;
}

// A run may change only while it has not ended.
constexpr const char* kActive = "state IN ('queued', 'running')";

// Why an update of an active run changed nothing: no such run, or it has ended.
Status Unchanged(Conn& c, const std::string& id) {
  auto state = c.First<std::string>("SELECT state FROM simulations WHERE id = ?", Params().Add(id),
                                    [](const Row& r) { return r.Text(0); });
  if (!state.ok()) return state.status();
  if (!*state) return Status::NotFound("no simulation " + id);
  return Status::Conflict("simulation " + id + " has ended (" + **state + ")");
}

}  // namespace

Status SqlStore::CreateSimulation(const StoredSimulation& run, const AuditRecord& audit) {
  if (run.id.empty() || run.region_id.empty() || run.state.empty() || run.created_by.empty() || run.scenario.empty()) {
    return Status::Invalid("a simulation run needs an id, a region, a state, who created it and a scenario");
  }
  OZCC_RETURN_IF_ERROR(
      NoNul({run.id, run.region_id, run.name, run.state, run.created_by, run.scenario, run.result, run.error}));
  return Write([run, audit](Conn& c) -> Status {
    auto added = c.Changes(
        std::string("INSERT INTO simulations (") + kColumns +
            ", scenario, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        Params()
            .Add(run.id)
            .Add(run.region_id)
            .Add(run.name)
            .Add(run.state)
            .Add(run.replications)
            .Add(run.replications_done)
            .Add(run.seed)
            .Add(run.created_by)
            .Add(ToUnixMillis(run.created_at))
            .Add(OptionalMillis(run.started_at))
            .Add(OptionalMillis(run.finished_at))
            .Add(ToUnixMillis(run.heartbeat_at))
            .AddTextOrNull(run.error)
            .Add(run.scenario)
            .AddTextOrNull(run.result));
    if (!added.ok()) return added.status();
    if (*added == 0) return Status::Conflict("simulation " + run.id + " exists");
    return InsertAudit(c, audit, Now());
  });
}

Result<StoredSimulation> SqlStore::GetSimulation(const std::string& id) {
  return ReadValue<StoredSimulation>([&](Conn& c) -> Result<StoredSimulation> {
    auto run = c.First<StoredSimulation>(
        std::string("SELECT ") + kColumns + ", scenario, result FROM simulations WHERE id = ?", Params().Add(id),
        [](const Row& r) {
          StoredSimulation s = ReadRun(r);
          s.scenario = r.Text(13);
          if (!r.IsNull(14)) s.result = r.Text(14);
          return s;
        });
    if (!run.ok()) return run.status();
    if (!*run) return Status::NotFound("no simulation " + id);
    return std::move(**run);
  });
}

Result<std::vector<StoredSimulation>> SqlStore::ListSimulations(const std::string& region_id, size_t limit) {
  return ReadValue<std::vector<StoredSimulation>>([&](Conn& c) {
    return c.All<StoredSimulation>(
        std::string("SELECT ") + kColumns +
            " FROM simulations WHERE region_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        Params().Add(region_id).Add(static_cast<std::int64_t>(limit)), ReadRun);
  });
}

Status SqlStore::UpdateSimulation(const StoredSimulation& run) {
  OZCC_RETURN_IF_ERROR(NoNul({run.state, run.error, run.result}));
  return Write([run](Conn& c) -> Status {
    auto changed = c.Changes(
        "UPDATE simulations SET state = ?, replications_done = ?, started_at = ?, finished_at = ?, heartbeat_at = ?, "
        "error = ?, result = ? WHERE id = ? AND " +
            std::string(kActive),
        Params()
            .Add(run.state)
            .Add(run.replications_done)
            .Add(OptionalMillis(run.started_at))
            .Add(OptionalMillis(run.finished_at))
            .Add(ToUnixMillis(run.heartbeat_at))
            .AddTextOrNull(run.error)
            .AddTextOrNull(run.result)
            .Add(run.id));
    if (!changed.ok()) return changed.status();
    if (*changed == 0) return Unchanged(c, run.id);
    return Status::Ok();
  });
}

Status SqlStore::CancelSimulation(const std::string& id, Time at, const AuditRecord& audit) {
  return Write([id, at, audit](Conn& c) -> Status {
    auto changed =
        c.Changes("UPDATE simulations SET state = 'cancelled', finished_at = ?, heartbeat_at = ? WHERE id = ? AND " +
                      std::string(kActive),
                  Params().Add(ToUnixMillis(at)).Add(ToUnixMillis(at)).Add(id));
    if (!changed.ok()) return changed.status();
    if (*changed == 0) return Unchanged(c, id);
    return InsertAudit(c, audit, Now());
  });
}

}  // namespace ozcc::sql
