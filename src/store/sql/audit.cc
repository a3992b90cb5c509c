// The audit log (store/audit_store.h).
#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

Status InsertAudit(Conn& c, const AuditRecord& record, Time now) {
  // Every record reaches the log here: bound its fields once, for every writer.
  const AuditRecord a = BoundedAudit(record);
  return c.Run(
      "INSERT INTO audit (at, actor, role, organization_id, action, object, outcome, request_id, detail) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      Params()
          .Add(ToUnixMillis(a.at == Time{} ? now : a.at))
          .Add(a.actor)
          .Add(a.role)
          .Add(a.organization_id)
          .Add(a.action)
          .Add(a.object)
          .Add(a.outcome)
          .Add(a.request_id)
          .Add(a.detail));
}

Status SqlStore::AppendAudit(const AuditRecord& record) {
  return Write([&](Conn& c) { return InsertAudit(c, record, Now()); });
}

Result<std::vector<AuditRecord>> SqlStore::ListAudit(std::int64_t before_id, size_t limit) {
  return ReadValue<std::vector<AuditRecord>>([&](Conn& c) {
    static const std::string kCols =
        "SELECT id, at, actor, role, organization_id, action, object, outcome, request_id, detail FROM audit ";
    // Two statements, so that both walk the primary key directly.
    Params p;
    if (before_id > 0) p.Add(before_id);
    p.Add(Limit(limit));
    return c.All<AuditRecord>(
        before_id > 0 ? kCols + "WHERE id < ? ORDER BY id DESC LIMIT ?" : kCols + "ORDER BY id DESC LIMIT ?", p,
        [](const Row& r) {
          AuditRecord a;
          a.id = r.Int(0);
          a.at = FromUnixMillis(r.Int(1));
          a.actor = r.Text(2);
          a.role = r.Text(3);
          a.organization_id = r.Text(4);
          a.action = r.Text(5);
          a.object = r.Text(6);
          a.outcome = r.Text(7);
          a.request_id = r.Text(8);
          a.detail = r.Text(9);
          return a;
        });
  });
}

}  // namespace ozcc::sql
