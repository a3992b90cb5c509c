#include "store/sql/migrate.h"

#include "base/time.h"

namespace ozcc::sql {

Status ApplyMigrations(Conn& c, const std::vector<Migration>& all, const std::string& begin) {
  const int known = all.empty() ? 0 : all.back().version;
  auto current = c.First<std::int64_t>("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", Params(),
                                       [](const Row& r) { return r.Int(0); });
  if (!current.ok()) return current.status();
  if (current->value_or(0) > known) {
    return Status::Internal("database schema version " + std::to_string(current->value_or(0)) +
                            " is newer than this build knows (" + std::to_string(known) + ")");
  }
  for (const auto& m : all) {
    if (Status st = c.Exec(begin); !st.ok()) return st;
    auto fail = [&](const Status& st) {
      (void)c.Exec("ROLLBACK");
      return Status(st.code() == Code::kUnavailable ? Code::kUnavailable : Code::kInternal,
                    "migration " + std::string(m.name) + " failed: " + st.message());
    };
    auto applied = c.First<bool>("SELECT 1 FROM schema_migrations WHERE version = ?", Params().Add(m.version),
                                 [](const Row&) { return true; });
    if (!applied.ok()) return fail(applied.status());
    if (!*applied) {
      if (Status st = c.Exec(m.sql); !st.ok()) return fail(st);
      Status st = c.Run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        Params().Add(m.version).Add(m.name).Add(ToUnixMillis(Now())));
      if (!st.ok()) return fail(st);
    }
    if (Status st = c.Exec("COMMIT"); !st.ok()) return fail(st);
  }
  return Status::Ok();
}

Status CheckMigrated(Conn& c) {
  auto n =
      c.First<std::int64_t>("SELECT COUNT(*) FROM schema_migrations", Params(), [](const Row& r) { return r.Int(0); });
  if (!n.ok()) return n.status();
  if (n->value_or(0) == 0) return Status::Unavailable("database not migrated");
  return Status::Ok();
}

}  // namespace ozcc::sql
