// Transfers of patients between units: the transfer, its timeline, its
// sealed patient, its events in the region's change sequence and, on
// arrival, the two capacity reports it causes (store/transfer_store.h).
#include "core/transfers.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

constexpr const char* kTransferCols =
    "t.id, t.region_id, t.from_organization_id, t.from_unit_id, t.to_organization_id, t.to_unit_id, t.care_type, "
    "t.reason, t.case_id, t.has_patient, t.state, t.planned_at, t.created_by, t.requested_at, t.updated_at, "
    "t.answered_at, t.departed_at, t.ended_at, t.version, t.approval, t.approved_by, t.approved_at";

std::optional<std::int64_t> Millis(const std::optional<Time>& t) {
  return t ? std::optional<std::int64_t>(ToUnixMillis(*t)) : std::nullopt;
}
std::optional<Time> TimeAt(const Row& r, int col) {
  return r.IsNull(col) ? std::nullopt : std::optional<Time>(FromUnixMillis(r.Int(col)));
}

// The columns after id in kTransferCols' order, then open.
Params TransferParams(const Transfer& t) {
  Params p;
  p.Add(t.region_id).Add(t.from_organization_id).Add(t.from_unit_id).Add(t.to_organization_id).Add(t.to_unit_id);
  p.Add(ToString(t.care_type)).Add(t.reason).Add(t.case_id).Add(t.has_patient).Add(ToString(t.state));
  p.Add(Millis(t.planned_at)).Add(t.created_by).Add(ToUnixMillis(t.requested_at)).Add(ToUnixMillis(t.updated_at));
  p.Add(Millis(t.answered_at)).Add(Millis(t.departed_at)).Add(Millis(t.ended_at)).Add(t.version);
  p.Add(ToString(t.approval)).Add(t.approved_by).Add(Millis(t.approved_at));
  return p.Add(!IsFinal(t.state));
}

Transfer ReadTransfer(const Row& r, int o = 0) {
  Transfer t;
  t.id = r.Text(o);
  t.region_id = r.Text(o + 1);
  t.from_organization_id = r.Text(o + 2);
  t.from_unit_id = r.Text(o + 3);
  t.to_organization_id = r.Text(o + 4);
  t.to_unit_id = r.Text(o + 5);
  t.care_type = ParseUnitType(r.Text(o + 6)).value_or(UnitType::kWard);
  t.reason = r.Text(o + 7);
  t.case_id = r.Text(o + 8);
  t.has_patient = r.Bool(o + 9);
  t.state = ParseTransferState(r.Text(o + 10)).value_or(TransferState::kRequested);
  t.planned_at = TimeAt(r, o + 11);
  t.created_by = r.Text(o + 12);
  t.requested_at = FromUnixMillis(r.Int(o + 13));
  t.updated_at = FromUnixMillis(r.Int(o + 14));
  t.answered_at = TimeAt(r, o + 15);
  t.departed_at = TimeAt(r, o + 16);
  t.ended_at = TimeAt(r, o + 17);
  t.version = r.Int(o + 18);
  t.approval = ParseTransferApproval(r.Text(o + 19)).value_or(TransferApproval::kNotRequired);
  t.approved_by = r.Text(o + 20);
  t.approved_at = TimeAt(r, o + 21);
  return t;
}

}  // namespace

Status WriteTransferRows(Conn& c, const TransferWrite& write, TransferWriteResult& out) {
  const Transfer& in = write.transfer;
  out = TransferWriteResult{};  // the job may run more than once
  const Time now = Now();
  // The arrival's reports first: each takes a version before the
  // transfer event, so a client replaying the stream sees the beds
  // change, then the transfer arrive.
  std::vector<CapacityReport> reports;
  if (write.arrival) {
    for (const auto& [unit, arriving] : {std::pair{in.to_unit_id, true}, std::pair{in.from_unit_id, false}}) {
      auto latest = LatestReportOf(c, unit);
      if (!latest.ok()) return latest.status();
      if (!*latest || !(*latest)->beds) {
        out.no_report.push_back(unit);
        continue;
      }
      CapacityReport r;
      r.unit_id = unit;
      r.as_of = std::max(write.arrived_at, (*latest)->as_of);
      r.source = ReportSource::kTransfer;
      r.beds = BedsAfterTransfer(*(*latest)->beds, arriving);
      r.ed = (*latest)->ed;
      r.note = (arriving ? "transfer " + in.id + " arrived from " + in.from_unit_id
                         : "transfer " + in.id + " left for " + in.to_unit_id);
      r.reported_by = write.reported_by;
      reports.push_back(std::move(r));
    }
  }
  const auto n = static_cast<std::int64_t>(reports.size()) + 1;
  auto last = TakeRegionVersions(c, in.region_id, n);
  if (!last.ok()) return last.status();
  std::int64_t next = *last - n + 1;
  for (CapacityReport& r : reports) {
    r.version = next++;
    r.received_at = now;
    OZCC_RETURN_IF_ERROR(InsertReport(c, r, in.region_id));
  }
  out.reports = std::move(reports);
  out.region_version = next;

  out.transfer = in;
  out.transfer.version = write.expected_version + 1;
  const std::string cols =
      "region_id, from_organization_id, from_unit_id, to_organization_id, to_unit_id, care_type, reason, "
      "case_id, has_patient, state, planned_at, created_by, requested_at, updated_at, answered_at, "
      "departed_at, ended_at, version, approval, approved_by, approved_at, open";
  if (write.expected_version == 0) {
    auto added = c.Changes("INSERT INTO transfers (" + cols +
                               ", id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                               "ON CONFLICT (id) DO NOTHING",
                           TransferParams(out.transfer).Add(in.id));
    if (!added.ok()) return added.status();
    if (*added == 0) return Status::Conflict("transfer already exists: " + in.id);
  } else {
    auto changed = c.Changes(
        "UPDATE transfers SET region_id = ?, from_organization_id = ?, from_unit_id = ?, "
        "to_organization_id = ?, to_unit_id = ?, care_type = ?, reason = ?, case_id = ?, has_patient = ?, "
        "state = ?, planned_at = ?, created_by = ?, requested_at = ?, updated_at = ?, answered_at = ?, "
        "departed_at = ?, ended_at = ?, version = ?, approval = ?, approved_by = ?, approved_at = ?, open = ? "
        "WHERE id = ? AND version = ? AND region_id = ?",
        TransferParams(out.transfer).Add(in.id).Add(write.expected_version).Add(in.region_id));
    if (!changed.ok()) return changed.status();
    if (*changed == 0) {
      auto found = c.First<std::pair<std::string, std::int64_t>>(
          "SELECT region_id, version FROM transfers WHERE id = ?", Params().Add(in.id),
          [](const Row& r) { return std::pair(r.Text(0), r.Int(1)); });
      if (!found.ok()) return found.status();
      if (!*found) return Status::NotFound("no such transfer: " + in.id);
      if ((*found)->first != in.region_id) return Status::Invalid("transfer " + in.id + " is of another region");
      return Status::PreconditionFailed("transfer " + in.id + " was changed meanwhile (now version " +
                                        std::to_string((*found)->second) + ")");
    }
  }
  for (const auto& e : write.timeline) {
    OZCC_RETURN_IF_ERROR(
        c.Run("INSERT INTO transfer_timeline (transfer_id, at, state, actor, organization_id, reason) "
              "VALUES (?, ?, ?, ?, ?, ?)",
              Params()
                  .Add(in.id)
                  .Add(ToUnixMillis(e.at == Time{} ? now : e.at))
                  .Add(ToString(e.state))
                  .Add(e.actor)
                  .Add(e.organization_id)
                  .Add(e.reason)));
  }
  if (const auto& p = write.patient) {
    OZCC_RETURN_IF_ERROR(
        c.Run("INSERT INTO transfer_patients (transfer_id, bsn_hash, sealed, key_id) VALUES (?, ?, ?, ?)",
              Params().Add(in.id).Add(p->bsn_hash).Add(p->sealed).Add(p->key_id)));
  }
  for (const auto& a : write.audit) OZCC_RETURN_IF_ERROR(InsertAudit(c, a, now));
  for (const auto& a : write.access) OZCC_RETURN_IF_ERROR(InsertAccess(c, a, now));
  return c.Run(
      "INSERT INTO transfer_events (region_id, version, transfer_id, state, at) VALUES (?, ?, ?, ?, ?)",
      Params().Add(in.region_id).Add(out.region_version).Add(in.id).Add(ToString(in.state)).Add(ToUnixMillis(now)));
}

Result<TransferWriteResult> SqlStore::WriteTransfer(TransferWrite write) {
  const Transfer& in = write.transfer;
  if (in.id.empty() || in.region_id.empty()) return Status::Invalid("a transfer needs an id and a region");
  if (write.expected_version < 0) return Status::Invalid("expected_version must not be negative");
  if (write.patient && write.expected_version != 0) return Status::Invalid("only a new transfer stores a patient");
  std::vector<std::string_view> texts{
      in.id,     in.region_id, in.from_organization_id, in.from_unit_id,   in.to_organization_id, in.to_unit_id,
      in.reason, in.case_id,   in.created_by,           write.reported_by, in.approved_by};
  for (const auto& e : write.timeline) texts.insert(texts.end(), {e.actor, e.organization_id, e.reason});
  if (const auto& p = write.patient) texts.insert(texts.end(), {p->bsn_hash, p->sealed, p->key_id});
  for (const auto& a : write.access) {
    texts.insert(texts.end(), {a.actor, a.role, a.organization_id, a.bsn_hash, a.case_id, a.action, a.purpose,
                               a.outcome, a.request_id});
  }
  OZCC_RETURN_IF_ERROR(NoNul(texts));

  TransferWriteResult out;
  Status st = Write([&](Conn& c) -> Status { return WriteTransferRows(c, write, out); }, {}, {in.region_id});
  if (!st.ok()) return st;
  return out;
}

Result<Transfer> SqlStore::GetTransfer(const std::string& id) {
  return ReadValue<Transfer>([&](Conn& c) -> Result<Transfer> {
    auto found = c.First<Transfer>(std::string("SELECT ") + kTransferCols + " FROM transfers t WHERE t.id = ?",
                                   Params().Add(id), [](const Row& r) { return ReadTransfer(r); });
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound("no such transfer: " + id);
    return std::move(**found);
  });
}

Result<std::vector<TransferEvent>> SqlStore::TransferTimeline(const std::string& id) {
  return ReadValue<std::vector<TransferEvent>>([&](Conn& c) {
    return c.All<TransferEvent>(
        "SELECT at, state, actor, organization_id, reason FROM transfer_timeline WHERE transfer_id = ? "
        "ORDER BY at, id",
        Params().Add(id), [](const Row& r) {
          TransferEvent e;
          e.at = FromUnixMillis(r.Int(0));
          e.state = ParseTransferState(r.Text(1)).value_or(TransferState::kRequested);
          e.actor = r.Text(2);
          e.organization_id = r.Text(3);
          e.reason = r.Text(4);
          return e;
        });
  });
}

Result<std::vector<Transfer>> SqlStore::ListTransfers(const TransferQuery& q) {
  return ReadValue<std::vector<Transfer>>([&](Conn& c) {
    std::string sql = std::string("SELECT ") + kTransferCols + " FROM transfers t WHERE t.region_id = ?";
    Params p;
    p.Add(q.region_id);
    if (!q.organization_id.empty()) {
      sql += " AND (t.from_organization_id = ? OR t.to_organization_id = ?)";
      p.Add(q.organization_id).Add(q.organization_id);
    }
    if (q.states == TransferQuery::States::kOpen) sql += " AND t.open = TRUE";
    if (q.states == TransferQuery::States::kClosed) sql += " AND t.open = FALSE";
    sql += " ORDER BY t.requested_at DESC, t.id DESC LIMIT ?";
    p.Add(Limit(q.limit));
    return c.All<Transfer>(sql, p, [](const Row& r) { return ReadTransfer(r); });
  });
}

Result<std::optional<SealedPatient>> SqlStore::TransferPatient(const std::string& id) {
  return ReadValue<std::optional<SealedPatient>>([&](Conn& c) {
    return c.First<SealedPatient>("SELECT bsn_hash, sealed, key_id FROM transfer_patients WHERE transfer_id = ?",
                                  Params().Add(id), [](const Row& r) {
                                    return SealedPatient{r.Text(0), r.Text(1), r.Text(2)};
                                  });
  });
}

Result<std::vector<TransferChange>> SqlStore::TransferEventsSince(const std::string& region_id,
                                                                  std::int64_t after_version, size_t limit) {
  return ReadValue<std::vector<TransferChange>>(
      [&](Conn& c) {
        return c.All<TransferChange>(std::string("SELECT e.region_id, e.version, e.at, e.state, ") + kTransferCols +
                                         " FROM transfer_events e JOIN transfers t ON t.id = e.transfer_id "
                                         "WHERE e.region_id = ? AND e.version > ? ORDER BY e.version LIMIT ?",
                                     Params().Add(region_id).Add(after_version).Add(Limit(limit)), [](const Row& r) {
                                       TransferChange ch;
                                       ch.region_id = r.Text(0);
                                       ch.version = r.Int(1);
                                       ch.at = FromUnixMillis(r.Int(2));
                                       ch.state = ParseTransferState(r.Text(3)).value_or(TransferState::kRequested);
                                       ch.transfer = ReadTransfer(r, 4);
                                       return ch;
                                     });
      },
      true);
}

}  // namespace ozcc::sql
