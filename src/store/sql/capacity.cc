// Capacity reports, data versions and idempotency entries (store/capacity_store.h).
#include <algorithm>
#include <map>
#include <unordered_map>

#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

constexpr const char* kReportCols =
    "SELECT r.unit_id, r.as_of, r.received_at, r.source, r.beds_total, r.beds_staffed, r.beds_occupied, "
    "r.beds_available, r.ed_status, r.ed_waiting, r.ed_in_treatment, r.ed_boarding, r.ed_crowding, r.note, "
    "r.reported_by, r.version, r.ed_arrivals ";

CapacityReport ReadReport(const Row& s) {
  CapacityReport r;
  r.unit_id = s.Text(0);
  r.as_of = FromUnixMillis(s.Int(1));
  r.received_at = FromUnixMillis(s.Int(2));
  r.source = ParseReportSource(s.Text(3)).value_or(ReportSource::kManual);
  if (!s.IsNull(4)) r.beds = Beds{s.Int(4), s.Int(5), s.Int(6), s.Int(7)};
  if (!s.IsNull(8)) {
    r.ed = EdState{ParseEdStatus(s.Text(8)).value_or(EdStatus::kOpen), s.Int(9), s.Int(10), s.Int(11), s.Int(12)};
    if (!s.IsNull(16)) r.ed->arrivals = s.Int(16);
  }
  r.note = s.Text(13);
  r.reported_by = s.Text(14);
  r.version = s.Int(15);
  return r;
}

Params ReportParams(const CapacityReport& r, const std::string& region_id) {
  Params p;
  p.Add(r.unit_id)
      .Add(region_id)
      .Add(r.version)
      .Add(ToUnixMillis(r.as_of))
      .Add(ToUnixMillis(r.received_at))
      .Add(ToString(r.source));
  if (r.beds) {
    p.Add(r.beds->total).Add(r.beds->staffed).Add(r.beds->occupied).Add(r.beds->available);
  } else {
    for (int k = 0; k < 4; ++k) p.AddNull();
  }
  if (r.ed) {
    p.Add(ToString(r.ed->status)).Add(r.ed->waiting).Add(r.ed->in_treatment).Add(r.ed->boarding).Add(r.ed->crowding);
  } else {
    for (int k = 0; k < 5; ++k) p.AddNull();
  }
  p.Add(r.note).Add(r.reported_by);
  p.Add(r.ed ? r.ed->arrivals : std::nullopt);
  return p;
}

}  // namespace

Status InsertReport(Conn& c, const CapacityReport& r, const std::string& region_id) {
  auto id = c.First<std::int64_t>(
      "INSERT INTO capacity_reports (unit_id, region_id, version, as_of, received_at, source, beds_total, "
      "beds_staffed, beds_occupied, beds_available, ed_status, ed_waiting, ed_in_treatment, ed_boarding, "
      "ed_crowding, note, reported_by, ed_arrivals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?) "
      "RETURNING id",
      ReportParams(r, region_id), [](const Row& row) { return row.Int(0); });
  if (!id.ok()) return id.status();
  // The unit's latest report: the newest as_of, then the highest version.
  return c.Run(
      "INSERT INTO unit_latest (unit_id, region_id, report_id, as_of, version) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (unit_id) DO UPDATE SET region_id = excluded.region_id, "
      "report_id = excluded.report_id, as_of = excluded.as_of, version = excluded.version "
      "WHERE excluded.as_of > unit_latest.as_of OR "
      "(excluded.as_of = unit_latest.as_of AND excluded.version > unit_latest.version)",
      Params().Add(r.unit_id).Add(region_id).Add(id->value_or(0)).Add(ToUnixMillis(r.as_of)).Add(r.version));
}

Result<std::optional<CapacityReport>> LatestReportOf(Conn& c, const std::string& unit_id) {
  return c.First<CapacityReport>(std::string(kReportCols) +
                                     "FROM unit_latest l JOIN capacity_reports r ON r.id = l.report_id "
                                     "WHERE l.unit_id = ?",
                                 Params().Add(unit_id), ReadReport);
}

Result<CapacityWriteResult> SqlStore::WriteCapacity(CapacityWrite write) {
  if (write.reports.empty()) return Status::Invalid("no capacity reports to write");
  TextList unit_ids;
  unit_ids.items.reserve(write.reports.size());
  for (const auto& r : write.reports) {
    OZCC_RETURN_IF_ERROR(NoNul({r.unit_id, r.note, r.reported_by}));
    unit_ids.items.push_back(r.unit_id);
  }
  CapacityWriteResult out;
  Status st = Write(
      [&](Conn& c) -> Status {
        out = CapacityWriteResult{};  // the job may run more than once
        const bool keyed = !write.idempotency_key.empty();
        if (keyed) {
          auto seen = c.First<bool>("SELECT 1 FROM idempotency WHERE scope = ? AND key = ?",
                                    Params().Add(write.idempotency_scope).Add(write.idempotency_key),
                                    [](const Row&) { return true; });
          if (!seen.ok()) return seen.status();
          if (*seen) return Status::Conflict("idempotency key already used: " + write.idempotency_key);
        }
        // Every unit must exist before anything is written.
        std::unordered_map<std::string, std::string> region_of;
        auto found = c.Query("SELECT id, region_id FROM units WHERE " + c.AnyOf("id"), Params().Add(unit_ids),
                             [&](const Row& r) { region_of[r.Text(0)] = r.Text(1); });
        if (!found.ok()) return found.status();
        std::vector<const std::string*> regions;
        regions.reserve(write.reports.size());
        std::map<std::string, std::int64_t> count;  // per region, in id order (the lock order)
        for (const auto& r : write.reports) {
          auto it = region_of.find(r.unit_id);
          if (it == region_of.end()) return Status::NotFound("unknown unit: " + r.unit_id);
          regions.push_back(&it->second);
          ++count[it->second];
        }
        // Take each region's next versions (and its row lock, until COMMIT). The
        // units' regions were read above: one gone now is the store's fault.
        std::unordered_map<std::string, std::int64_t> next;
        for (const auto& [rid, n] : count) {
          auto last = TakeRegionVersions(c, rid, n);
          if (last.status().code() == Code::kNotFound) return Status::Internal("region vanished: " + rid);
          if (!last.ok()) return last.status();
          next[rid] = *last - n + 1;
        }
        const Time now = Now();
        out.reports.reserve(write.reports.size());
        for (size_t i = 0; i < write.reports.size(); ++i) {
          CapacityReport r = write.reports[i];
          const std::string& rid = *regions[i];
          r.version = next[rid]++;
          r.received_at = now;
          OZCC_RETURN_IF_ERROR(InsertReport(c, r, rid));
          out.version = std::max(out.version, r.version);
          out.reports.push_back(std::move(r));
        }
        for (const auto& a : write.audit) OZCC_RETURN_IF_ERROR(InsertAudit(c, a, now));
        if (keyed) {
          std::string body = write.response_for_key ? write.response_for_key(out.reports) : std::string();
          Status ins = c.Run(
              "INSERT INTO idempotency (scope, key, request_hash, status, body, created_at) VALUES (?, ?, ?, 200, ?, "
              "?)",
              Params()
                  .Add(write.idempotency_scope)
                  .Add(write.idempotency_key)
                  .Add(write.request_hash)
                  .Add(body)
                  .Add(ToUnixMillis(now)));
          // Another instance committed the same key meanwhile.
          if (ins.code() == Code::kConflict) {
            return Status::Conflict("idempotency key already used: " + write.idempotency_key);
          }
          OZCC_RETURN_IF_ERROR(ins);
          if (++keyed_writes_ % 256 == 0) {
            OZCC_RETURN_IF_ERROR(c.Run("DELETE FROM idempotency WHERE created_at < ?",
                                       Params().Add(ToUnixMillis(now) - idempotency_retention_s_ * 1000)));
          }
        }
        return Status::Ok();
      },
      unit_ids.items);
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<CapacityReport>> SqlStore::LatestCapacity(const std::string& region_id) {
  return ReadValue<std::vector<CapacityReport>>([&](Conn& c) {
    return c.All<CapacityReport>(std::string(kReportCols) +
                                     "FROM unit_latest l JOIN capacity_reports r ON r.id = l.report_id "
                                     "WHERE l.region_id = ? ORDER BY l.unit_id",
                                 Params().Add(region_id), ReadReport);
  });
}

Result<std::vector<CapacityReport>> SqlStore::CapacityHistory(const std::string& unit_id, Time from, Time to,
                                                              size_t limit) {
  return ReadValue<std::vector<CapacityReport>>([&](Conn& c) {
    return c.All<CapacityReport>(
        std::string(kReportCols) +
            "FROM capacity_reports r WHERE r.unit_id = ? AND r.as_of >= ? AND r.as_of <= ? ORDER BY r.as_of, r.version "
            "LIMIT ?",
        Params().Add(unit_id).Add(ToUnixMillis(from)).Add(ToUnixMillis(to)).Add(Limit(limit)), ReadReport);
  });
}

Result<std::optional<CapacityReport>> SqlStore::CapacityReportAt(const std::string& region_id,
                                                                 const std::string& unit_id, std::int64_t version) {
  return ReadValue<std::optional<CapacityReport>>([&](Conn& c) {
    return c.First<CapacityReport>(
        std::string(kReportCols) + "FROM capacity_reports r WHERE r.region_id = ? AND r.version = ? AND r.unit_id = ?",
        Params().Add(region_id).Add(version).Add(unit_id), ReadReport);
  });
}

Result<std::vector<CapacityReport>> SqlStore::CapacitySince(const std::string& region_id, std::int64_t after_version,
                                                            size_t limit) {
  return ReadValue<std::vector<CapacityReport>>([&](Conn& c) {
    return c.All<CapacityReport>(
        std::string(kReportCols) +
            "FROM capacity_reports r WHERE r.region_id = ? AND r.version > ? ORDER BY r.version LIMIT ?",
        Params().Add(region_id).Add(after_version).Add(Limit(limit)), ReadReport);
  });
}

Result<std::int64_t> SqlStore::DataVersion(const std::string& region_id) {
  return ReadValue<std::int64_t>([&](Conn& c) -> Result<std::int64_t> {
    auto v = c.First<std::int64_t>("SELECT data_version FROM regions WHERE id = ?", Params().Add(region_id),
                                   [](const Row& r) { return r.Int(0); });
    if (!v.ok()) return v.status();
    return v->value_or(0);
  });
}

Result<std::optional<IdempotentResponse>> SqlStore::GetIdempotent(const std::string& scope, const std::string& key) {
  return ReadValue<std::optional<IdempotentResponse>>([&](Conn& c) {
    return c.First<IdempotentResponse>("SELECT request_hash, status, body FROM idempotency WHERE scope = ? AND key = ?",
                                       Params().Add(scope).Add(key), [](const Row& r) {
                                         return IdempotentResponse{r.Text(0), static_cast<int>(r.Int(1)), r.Text(2)};
                                       });
  });
}

}  // namespace ozcc::sql
