// The care pathways as versioned data (store/pathway_store.h).
#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

constexpr const char* kSelect = "SELECT id, version, document, created_by, created_at FROM pathways ";

StoredPathway ReadPathway(const Row& r) {
  return {r.Text(0), static_cast<int>(r.Int(1)), r.Text(2), r.Text(3), FromUnixMillis(r.Int(4))};
}

}  // namespace

Result<std::vector<StoredPathway>> SqlStore::CurrentPathways() {
  return ReadValue<std::vector<StoredPathway>>([&](Conn& c) {
    return c.All<StoredPathway>(std::string(kSelect) +
                                    "p WHERE version = (SELECT MAX(version) FROM pathways q WHERE q.id = p.id) "
                                    "ORDER BY id",
                                Params(), ReadPathway);
  });
}

Result<std::vector<StoredPathway>> SqlStore::PathwayVersions(const std::string& id) {
  return ReadValue<std::vector<StoredPathway>>([&](Conn& c) {
    return c.All<StoredPathway>(std::string(kSelect) + "WHERE id = ? ORDER BY version", Params().Add(id), ReadPathway);
  });
}

Result<StoredPathway> SqlStore::GetPathway(const std::string& id, int version) {
  return ReadValue<StoredPathway>([&](Conn& c) -> Result<StoredPathway> {
    auto p = c.First<StoredPathway>(std::string(kSelect) + "WHERE id = ? AND version = ?",
                                    Params().Add(id).Add(version), ReadPathway);
    if (!p.ok()) return p.status();
    if (!*p) return Status::NotFound("no pathway " + id + " version " + std::to_string(version));
    return std::move(**p);
  });
}

Result<StoredPathway> SqlStore::PutPathway(StoredPathway p, int expected_current_version, const AuditRecord& audit) {
  if (p.id.empty() || p.document.empty() || p.created_by.empty()) {
    return Status::Invalid("a pathway needs an id, a document and who created it");
  }
  if (expected_current_version < 0) return Status::Invalid("expected_current_version must not be negative");
  OZCC_RETURN_IF_ERROR(NoNul({p.id, p.document, p.created_by}));
  StoredPathway out;
  Status st = Write([&](Conn& c) -> Status {
    const Time now = Now();
    out = p;  // the job may run more than once
    out.version = expected_current_version + 1;
    if (out.created_at == Time{}) out.created_at = now;
    auto current = c.First<std::int64_t>("SELECT MAX(version) FROM pathways WHERE id = ?", Params().Add(p.id),
                                         [](const Row& r) { return r.IsNull(0) ? std::int64_t{0} : r.Int(0); });
    if (!current.ok()) return current.status();
    const std::int64_t now_version = current->value_or(0);
    auto stale = [&](std::int64_t v) {
      return Status::PreconditionFailed("pathway " + p.id + " is at version " + std::to_string(v) + ", not " +
                                        std::to_string(expected_current_version));
    };
    if (now_version != expected_current_version) return stale(now_version);
    // A writer on another instance that read the same base and commits first
    // makes this insert a duplicate key: that writer won.
    auto added = c.Changes(
        "INSERT INTO pathways (id, version, document, created_by, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (id, version) DO NOTHING",
        Params().Add(out.id).Add(out.version).Add(out.document).Add(out.created_by).Add(ToUnixMillis(out.created_at)));
    if (!added.ok()) return added.status();
    if (*added == 0) return stale(out.version);
    return InsertAudit(c, audit, now);
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace ozcc::sql
