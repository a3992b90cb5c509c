// The phase a region declares itself in (store/phase_store.h): one row per
// declaration in region_phases, numbered per region, each taking the
// region's next data version.
#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

constexpr const char* kPhaseCols =
    "region_id, version, phase, transfer_approval, rationale, declared_by, declared_at, region_version";

PhaseChange ReadPhase(const Row& r) {
  PhaseChange c;
  PhaseDeclaration& d = c.declaration;
  d.region_id = r.Text(0);
  d.version = r.Int(1);
  d.phase = ParseRegionPhase(r.Text(2)).value_or(RegionPhase::kRegular);
  d.transfer_approval = r.Bool(3);
  d.rationale = r.Text(4);
  d.declared_by = r.Text(5);
  d.declared_at = FromUnixMillis(r.Int(6));
  c.region_version = r.Int(7);
  return c;
}

}  // namespace

Result<std::vector<PhaseDeclaration>> SqlStore::PhaseHistory(const std::string& region_id, size_t limit) {
  return ReadValue<std::vector<PhaseDeclaration>>(
      [&](Conn& c) -> Result<std::vector<PhaseDeclaration>> {
        auto region = c.First<bool>("SELECT TRUE FROM regions WHERE id = ?", Params().Add(region_id),
                                    [](const Row&) { return true; });
        if (!region.ok()) return region.status();
        if (!*region) return Status::NotFound("unknown region: " + region_id);
        auto rows = c.All<PhaseChange>(std::string("SELECT ") + kPhaseCols +
                                           " FROM region_phases WHERE region_id = ? ORDER BY version DESC LIMIT ?",
                                       Params().Add(region_id).Add(Limit(limit)), ReadPhase);
        if (!rows.ok()) return rows.status();
        std::vector<PhaseDeclaration> out;
        out.reserve(rows->size());
        for (PhaseChange& r : *rows) out.push_back(std::move(r.declaration));
        return out;
      },
      true);
}

Result<PhaseChange> SqlStore::DeclarePhase(PhaseDeclaration d, std::int64_t expected_version,
                                           std::vector<AuditRecord> audit) {
  if (d.region_id.empty() || !d.declared_at) return Status::Invalid("a declaration needs a region and a time");
  if (expected_version < 0) return Status::Invalid("expected_version must not be negative");
  OZCC_RETURN_IF_ERROR(NoNul({d.region_id, d.rationale, d.declared_by}));
  PhaseChange out;
  Status st = Write(
      [&](Conn& c) -> Status {
        const Time now = Now();
        auto latest =
            c.First<std::int64_t>("SELECT MAX(version) FROM region_phases WHERE region_id = ?",
                                  Params().Add(d.region_id), [](const Row& r) { return r.IsNull(0) ? 0 : r.Int(0); });
        if (!latest.ok()) return latest.status();
        const std::int64_t current = latest->value_or(0);
        // The region's version first: it locks the region and says whether it exists.
        auto version = TakeRegionVersions(c, d.region_id);
        if (!version.ok()) return version.status();
        if (current != expected_version) {
          return Status::PreconditionFailed("the phase of " + d.region_id + " was declared meanwhile (now version " +
                                            std::to_string(current) + ")");
        }
        out = PhaseChange{*version, d};
        out.declaration.version = current + 1;
        OZCC_RETURN_IF_ERROR(
            c.Run(std::string("INSERT INTO region_phases (") + kPhaseCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  Params()
                      .Add(d.region_id)
                      .Add(out.declaration.version)
                      .Add(ToString(d.phase))
                      .Add(d.transfer_approval)
                      .Add(d.rationale)
                      .Add(d.declared_by)
                      .Add(ToUnixMillis(*d.declared_at))
                      .Add(*version)));
        for (const auto& a : audit) OZCC_RETURN_IF_ERROR(InsertAudit(c, a, now));
        return Status::Ok();
      },
      {}, std::vector<std::string>{d.region_id});
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<PhaseChange>> SqlStore::PhaseEventsSince(const std::string& region_id, std::int64_t after_version,
                                                            size_t limit) {
  return ReadValue<std::vector<PhaseChange>>([&](Conn& c) {
    return c.All<PhaseChange>(std::string("SELECT ") + kPhaseCols +
                                  " FROM region_phases WHERE region_id = ? AND region_version > ? "
                                  "ORDER BY region_version LIMIT ?",
                              Params().Add(region_id).Add(after_version).Add(Limit(limit)), ReadPhase);
  });
}

}  // namespace ozcc::sql
