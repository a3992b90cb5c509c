// The worklist: cases, their triage history, timeline, handovers and sealed
// patient, contacts, case events, the patient access log and break-glass
// grants (store/case_store.h).
#include <algorithm>
#include <initializer_list>
#include <limits>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

// "a, b,c" → {"a", "b", "c"}; "" → {}.
std::vector<std::string_view> Split(std::string_view list) {
  std::vector<std::string_view> out;
  for (size_t at = 0; at < list.size();) {
    const size_t end = std::min(list.find(',', at), list.size());
    out.push_back(list.substr(at, end - at));
    at = list.find_first_not_of(' ', end + 1);
  }
  return out;
}

// A table's columns, in the order its Params builder binds them and its row
// reader reads them: every statement over the table is built from this one
// list. A generated id is selected first and returned by the insert.
struct Table {
  Table(std::string_view name, std::string_view alias, std::string_view columns, bool id = false)
      : cols(id ? std::string(alias) + ".id" : ""), update("UPDATE " + std::string(name) + " SET ") {
    std::string marks;
    for (std::string_view col : Split(columns)) {
      const char* sep = marks.empty() ? "" : ", ";
      marks += sep + std::string("?");
      cols += (cols.empty() ? "" : ", ") + std::string(alias) + "." + std::string(col);
      update += sep + std::string(col) + " = ?";
    }
    insert = "INSERT INTO " + std::string(name) + " (" + std::string(columns) + ") VALUES (" + marks + ")" +
             (id ? " RETURNING id" : "");
  }
  std::string cols;    // "a.x, a.y": the select list
  std::string update;  // "UPDATE t SET x = ?, y = ?" (then WHERE …)
  std::string insert;  // "INSERT INTO t (x, y) VALUES (?, ?)"
};

const Table kCases("cases", "c",
                   "id, region_id, subregion_id, channel, requesting_organization_id, caller_name, caller_role, "
                   "caller_phone, received_at, summary, urgency, complaint, age_years, living, known_care, state, "
                   "outcome, legal_basis, has_patient, repeat_contact, pathway_id, pathway_version, pathway_action, "
                   "pathway_deviation, created_by, created_at, updated_at, triaged_at, closed_at, version, band, open");
constexpr int kCaseCols = 32;  // ReadCase reads the first 30 (band and open are derived)
const Table kHandovers("handovers", "h",
                       "id, case_id, to_organization_id, to_unit_id, situation, background, assessment, "
                       "recommendation, state, reason, requested_by, answered_by, requested_at, due_at, escalations, "
                       "answered_at, ended_at, version");
const Table kTriages("case_triages", "t", "case_id, at, by_user, urgency, complaint, note");
const Table kTimeline("case_timeline", "t", "case_id, at, actor, kind, detail");
const Table kAccess("patient_access", "a",
                    "at, actor, role, organization_id, bsn_hash, case_id, action, purpose, outcome, break_glass, "
                    "request_id",
                    true);
const Table kContacts("contacts", "k", "bsn_hash, at, organization_id, kind, urgency, sealed, key_id, reported_at",
                      true);
const Table kGrants("break_glass", "b", "username, case_id, reason, granted_at, expires_at, reviewed_by, reviewed_at",
                    true);

Status NoNul(const PatientAccess& a) {
  return sql::NoNul(
      {a.actor, a.role, a.organization_id, a.bsn_hash, a.case_id, a.action, a.purpose, a.outcome, a.request_id});
}

std::optional<std::int64_t> Millis(const std::optional<Time>& t) {
  return t ? std::optional<std::int64_t>(ToUnixMillis(*t)) : std::nullopt;
}
std::optional<Time> TimeAt(const Row& r, int col) {
  return r.IsNull(col) ? std::nullopt : std::optional<Time>(FromUnixMillis(r.Int(col)));
}
template <class E>
Params& AddName(Params& p, const std::optional<E>& e) {
  return e ? p.Add(ToString(*e)) : p.AddNull();
}
template <class Parse>
auto Named(const Row& r, int col, Parse parse) -> decltype(parse(std::string_view())) {
  return r.IsNull(col) ? std::nullopt : parse(r.Text(col));
}

Params CaseParams(const Case& c) {
  Params p;
  p.Add(c.id).Add(c.region_id).Add(c.subregion_id).Add(ToString(c.channel)).Add(c.requesting_organization_id);
  p.Add(c.caller.name).Add(c.caller.role).Add(c.caller.phone).Add(ToUnixMillis(c.received_at)).Add(c.summary);
  AddName(p, c.urgency).Add(c.complaint);
  p.Add(c.context.age_years ? std::optional<std::int64_t>(*c.context.age_years) : std::nullopt);
  AddName(p, c.context.living);
  if (c.context.known_care) {
    std::string list;
    for (KnownCare k : *c.context.known_care) list += (list.empty() ? "" : ",") + std::string(ToString(k));
    p.Add(list);
  } else {
    p.AddNull();
  }
  p.Add(ToString(c.state));
  AddName(p, c.outcome);
  AddName(p, c.legal_basis).Add(c.has_patient).Add(c.repeat_contact);
  if (const auto& pw = c.pathway) {
    p.Add(pw->pathway_id).Add(pw->pathway_version).Add(pw->action_code).Add(pw->deviation_reason);
  } else {
    for (int k = 0; k < 4; ++k) p.AddNull();
  }
  p.Add(c.created_by).Add(ToUnixMillis(c.created_at)).Add(ToUnixMillis(c.updated_at)).Add(Millis(c.triaged_at));
  return p.Add(Millis(c.closed_at)).Add(c.version).Add(WorklistBand(c)).Add(c.state != CaseState::kClosed);
}

Case ReadCase(const Row& r, int o = 0) {
  Case c;
  c.id = r.Text(o);
  c.region_id = r.Text(o + 1);
  c.subregion_id = r.Text(o + 2);
  c.channel = ParseChannel(r.Text(o + 3)).value_or(Channel::kOther);
  c.requesting_organization_id = r.Text(o + 4);
  c.caller = Caller{r.Text(o + 5), r.Text(o + 6), r.Text(o + 7)};
  c.received_at = FromUnixMillis(r.Int(o + 8));
  c.summary = r.Text(o + 9);
  c.urgency = Named(r, o + 10, ParseUrgency);
  c.complaint = r.Text(o + 11);
  if (!r.IsNull(o + 12)) c.context.age_years = static_cast<int>(r.Int(o + 12));
  c.context.living = Named(r, o + 13, ParseLivingSituation);
  if (!r.IsNull(o + 14)) {
    c.context.known_care.emplace();
    const std::string list = r.Text(o + 14);
    for (std::string_view name : Split(list)) {
      if (auto k = ParseKnownCare(name)) c.context.known_care->push_back(*k);
    }
  }
  c.state = ParseCaseState(r.Text(o + 15)).value_or(CaseState::kNew);
  c.outcome = Named(r, o + 16, ParseOutcome);
  c.legal_basis = Named(r, o + 17, ParseLegalBasis);
  c.has_patient = r.Bool(o + 18);
  c.repeat_contact = r.Bool(o + 19);
  if (!r.IsNull(o + 20)) {
    c.pathway = PathwayUse{r.Text(o + 20), static_cast<int>(r.Int(o + 21)), r.Text(o + 22), r.Text(o + 23)};
  }
  c.created_by = r.Text(o + 24);
  c.created_at = FromUnixMillis(r.Int(o + 25));
  c.updated_at = FromUnixMillis(r.Int(o + 26));
  c.triaged_at = TimeAt(r, o + 27);
  c.closed_at = TimeAt(r, o + 28);
  c.version = r.Int(o + 29);
  return c;
}

Params HandoverParams(const Handover& h) {
  Params p;
  p.Add(h.id).Add(h.case_id).Add(h.to_organization_id).Add(h.to_unit_id);
  p.Add(h.sbar.situation).Add(h.sbar.background).Add(h.sbar.assessment).Add(h.sbar.recommendation);
  p.Add(ToString(h.state)).Add(h.reason).Add(h.requested_by).Add(h.answered_by);
  p.Add(ToUnixMillis(h.requested_at)).Add(ToUnixMillis(h.due_at)).Add(h.escalations);
  return p.Add(Millis(h.answered_at)).Add(Millis(h.ended_at)).Add(h.version);
}

Handover ReadHandover(const Row& r, int o = 0) {
  Handover h;
  h.id = r.Text(o);
  h.case_id = r.Text(o + 1);
  h.to_organization_id = r.Text(o + 2);
  h.to_unit_id = r.Text(o + 3);
  h.sbar = Sbar{r.Text(o + 4), r.Text(o + 5), r.Text(o + 6), r.Text(o + 7)};
  h.state = ParseHandoverState(r.Text(o + 8)).value_or(HandoverState::kRequested);
  h.reason = r.Text(o + 9);
  h.requested_by = r.Text(o + 10);
  h.answered_by = r.Text(o + 11);
  h.requested_at = FromUnixMillis(r.Int(o + 12));
  h.due_at = FromUnixMillis(r.Int(o + 13));
  h.escalations = static_cast<int>(r.Int(o + 14));
  h.answered_at = TimeAt(r, o + 15);
  h.ended_at = TimeAt(r, o + 16);
  h.version = r.Int(o + 17);
  return h;
}

PatientAccess ReadAccess(const Row& r) {
  PatientAccess a{r.Int(0), FromUnixMillis(r.Int(1)), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6)};
  a.action = r.Text(7);
  a.purpose = r.Text(8);
  a.outcome = r.Text(9);
  a.break_glass = r.Bool(10);
  a.request_id = r.Text(11);
  return a;
}

Contact ReadContact(const Row& r) {
  Contact k{r.Int(0), r.Text(1), FromUnixMillis(r.Int(2)), r.Text(3), r.Text(4), Named(r, 5, ParseUrgency)};
  k.sealed = r.Text(6);
  k.key_id = r.Text(7);
  k.reported_at = FromUnixMillis(r.Int(8));
  return k;
}

BreakGlassGrant ReadGrant(const Row& r) {
  BreakGlassGrant g{r.Int(0), r.Text(1), r.Text(2), r.Text(3), FromUnixMillis(r.Int(4)), FromUnixMillis(r.Int(5))};
  g.reviewed_by = r.Text(6);
  g.reviewed_at = TimeAt(r, 7);
  return g;
}

// Why a conditional UPDATE of a case or handover (WHERE id AND version)
// changed nothing: there is none (kNotFound), it is of another case
// (kInvalid), or its version moved on (kPreconditionFailed).
Status Unchanged(Conn& c, const char* table, const std::string& id, const std::string& case_id) {
  const bool handover = !case_id.empty();
  auto found = c.First<std::pair<std::string, std::int64_t>>(
      std::string("SELECT ") + (handover ? "case_id" : "id") + ", version FROM " + table + " WHERE id = ?",
      Params().Add(id), [](const Row& r) { return std::pair(r.Text(0), r.Int(1)); });
  if (!found.ok()) return found.status();
  const std::string what = handover ? "handover " : "case ";
  if (!*found) return Status::NotFound("no such " + what + id);
  if (handover && (*found)->first != case_id) return Status::Invalid(what + id + " is of another case");
  return Status::PreconditionFailed(what + id + " was changed meanwhile (now version " +
                                    std::to_string((*found)->second) + ")");
}

}  // namespace

Status InsertAccess(Conn& c, const PatientAccess& a, Time now) {
  Params p;
  p.Add(ToUnixMillis(a.at == Time{} ? now : a.at)).Add(a.actor).Add(a.role).Add(a.organization_id).Add(a.bsn_hash);
  p.Add(a.case_id).Add(a.action).Add(a.purpose).Add(a.outcome).Add(a.break_glass).Add(a.request_id);
  return c.Run(kAccess.insert, p);
}

Result<CaseWriteResult> SqlStore::WriteCase(CaseWrite write) {
  const Case& in = write.the_case;
  if (in.id.empty() || in.region_id.empty()) return Status::Invalid("a case needs an id and a region");
  if (write.expected_version < 0) return Status::Invalid("expected_version must not be negative");
  std::vector<std::string_view> texts{
      in.id,          in.region_id,   in.subregion_id,        in.requesting_organization_id,
      in.caller.name, in.caller.role, in.caller.phone,        in.summary,
      in.complaint,   in.created_by,  write.event_handover_id};
  if (const auto& pw = in.pathway) texts.insert(texts.end(), {pw->pathway_id, pw->action_code, pw->deviation_reason});
  if (const auto& t = write.triage) texts.insert(texts.end(), {t->by, t->complaint, t->note});
  for (const auto& t : write.timeline) texts.insert(texts.end(), {t.actor, t.detail});
  if (const auto& p = write.patient) texts.insert(texts.end(), {p->bsn_hash, p->sealed, p->key_id});
  for (const auto& h : write.handovers) {
    if (h.id.empty() || h.case_id != in.id) return Status::Invalid("handover " + h.id + " is not of case " + in.id);
    texts.insert(texts.end(), {h.id, h.to_organization_id, h.to_unit_id, h.sbar.situation, h.sbar.background,
                               h.sbar.assessment, h.sbar.recommendation, h.reason, h.requested_by, h.answered_by});
  }
  OZCC_RETURN_IF_ERROR(NoNul(texts));
  for (const auto& a : write.access) OZCC_RETURN_IF_ERROR(NoNul(a));

  CaseWriteResult out;
  Status st = Write(
      [&](Conn& c) -> Status {
        out = CaseWriteResult{};  // the job may run more than once
        const Time now = Now();
        // The region's next data version, as capacity writes take theirs (capacity.cc).
        auto version = TakeRegionVersions(c, in.region_id);
        if (!version.ok()) return version.status();
        out.region_version = *version;
        out.the_case = in;
        out.the_case.version = write.expected_version + 1;
        if (write.expected_version == 0) {
          auto added = c.Changes(kCases.insert + " ON CONFLICT (id) DO NOTHING", CaseParams(out.the_case));
          if (!added.ok()) return added.status();
          if (*added == 0) return Status::Conflict("case already exists: " + in.id);
        } else {
          auto changed = c.Changes(kCases.update + " WHERE id = ? AND version = ?",
                                   CaseParams(out.the_case).Add(in.id).Add(write.expected_version));
          if (!changed.ok()) return changed.status();
          if (*changed == 0) return Unchanged(c, "cases", in.id, "");
        }
        for (Handover h : write.handovers) {
          const std::int64_t expected = h.version;
          h.version = expected + 1;
          auto changed = c.Changes(kHandovers.update + " WHERE id = ? AND case_id = ? AND version = ?",
                                   HandoverParams(h).Add(h.id).Add(in.id).Add(expected));
          if (!changed.ok()) return changed.status();
          if (*changed == 0) {
            Status why = Unchanged(c, "handovers", h.id, in.id);
            if (why.code() != Code::kNotFound) return why;
            h.version = 1;  // a new one
            OZCC_RETURN_IF_ERROR(c.Run(kHandovers.insert, HandoverParams(h)));
          }
          out.handovers.push_back(std::move(h));
        }
        if (!write.event_handover_id.empty()) {
          auto of_case =
              c.First<bool>("SELECT 1 FROM handovers WHERE id = ? AND case_id = ?",
                            Params().Add(write.event_handover_id).Add(in.id), [](const Row&) { return true; });
          if (!of_case.ok()) return of_case.status();
          if (!*of_case)
            return Status::Invalid("event handover " + write.event_handover_id + " is not of case " + in.id);
        }
        if (const auto& t = write.triage) {
          Params p;
          p.Add(in.id).Add(ToUnixMillis(t->at)).Add(t->by).Add(ToString(t->urgency)).Add(t->complaint).Add(t->note);
          OZCC_RETURN_IF_ERROR(c.Run(kTriages.insert, p));
        }
        for (const auto& t : write.timeline) {
          Params p;
          p.Add(in.id).Add(ToUnixMillis(t.at == Time{} ? now : t.at)).Add(t.actor).Add(ToString(t.kind)).Add(t.detail);
          OZCC_RETURN_IF_ERROR(c.Run(kTimeline.insert, p));
        }
        if (const auto& p = write.patient) {
          OZCC_RETURN_IF_ERROR(c.Run(
              "INSERT INTO case_patients (case_id, bsn_hash, sealed, key_id) VALUES (?, ?, ?, ?) ON CONFLICT (case_id) "
              "DO UPDATE SET bsn_hash = excluded.bsn_hash, sealed = excluded.sealed, key_id = excluded.key_id",
              Params().Add(in.id).Add(p->bsn_hash).Add(p->sealed).Add(p->key_id)));
        }
        for (const auto& a : write.audit) OZCC_RETURN_IF_ERROR(InsertAudit(c, a, now));
        for (const auto& a : write.access) OZCC_RETURN_IF_ERROR(InsertAccess(c, a, now));
        Params e;
        e.Add(in.region_id).Add(out.region_version).Add(in.id).AddTextOrNull(write.event_handover_id);
        e.Add(ToString(write.event_kind)).Add(ToUnixMillis(now));
        return c.Run(
            "INSERT INTO case_events (region_id, version, case_id, handover_id, kind, at) VALUES (?, ?, ?, ?, ?, ?)",
            e);
      },
      {}, {in.region_id});
  if (!st.ok()) return st;
  return out;
}

Result<Case> SqlStore::GetCase(const std::string& case_id) {
  return ReadValue<Case>([&](Conn& c) -> Result<Case> {
    auto found = c.First<Case>("SELECT " + kCases.cols + " FROM cases c WHERE c.id = ?", Params().Add(case_id),
                               [](const Row& r) { return ReadCase(r); });
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound("no such case: " + case_id);
    return std::move(**found);
  });
}

Result<std::vector<TriageRecord>> SqlStore::CaseTriages(const std::string& case_id) {
  return ReadValue<std::vector<TriageRecord>>([&](Conn& c) {
    return c.All<TriageRecord>(
        "SELECT " + kTriages.cols + " FROM case_triages t WHERE t.case_id = ? ORDER BY t.at, t.id",
        Params().Add(case_id), [](const Row& r) {
          return TriageRecord{FromUnixMillis(r.Int(1)), r.Text(2), ParseUrgency(r.Text(3)).value_or(Urgency::kU5),
                              r.Text(4), r.Text(5)};
        });
  });
}

Result<std::vector<TimelineEntry>> SqlStore::CaseTimeline(const std::string& case_id) {
  return ReadValue<std::vector<TimelineEntry>>([&](Conn& c) {
    return c.All<TimelineEntry>(
        "SELECT " + kTimeline.cols + " FROM case_timeline t WHERE t.case_id = ? ORDER BY t.at, t.id",
        Params().Add(case_id), [](const Row& r) {
          return TimelineEntry{FromUnixMillis(r.Int(1)), r.Text(2),
                               ParseTimelineKind(r.Text(3)).value_or(TimelineKind::kNote), r.Text(4)};
        });
  });
}

Result<std::vector<Handover>> SqlStore::CaseHandovers(const std::string& case_id) {
  return ReadValue<std::vector<Handover>>([&](Conn& c) {
    return c.All<Handover>(
        "SELECT " + kHandovers.cols + " FROM handovers h WHERE h.case_id = ? ORDER BY h.requested_at, h.id",
        Params().Add(case_id), [](const Row& r) { return ReadHandover(r); });
  });
}

Result<Handover> SqlStore::GetHandover(const std::string& handover_id) {
  return ReadValue<Handover>([&](Conn& c) -> Result<Handover> {
    auto found = c.First<Handover>("SELECT " + kHandovers.cols + " FROM handovers h WHERE h.id = ?",
                                   Params().Add(handover_id), [](const Row& r) { return ReadHandover(r); });
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound("no such handover: " + handover_id);
    return std::move(**found);
  });
}

Result<std::vector<Handover>> SqlStore::HandoversTo(const std::string& organization_id,
                                                    const std::vector<HandoverState>& states, size_t limit) {
  TextList names;
  for (HandoverState s : states) names.items.emplace_back(ToString(s));
  return ReadValue<std::vector<Handover>>([&](Conn& c) {
    Params p;
    p.Add(organization_id);
    if (!states.empty()) p.Add(names);
    return c.All<Handover>("SELECT " + kHandovers.cols + " FROM handovers h WHERE h.to_organization_id = ? " +
                               (states.empty() ? "" : "AND " + c.AnyOf("h.state")) +
                               " ORDER BY h.requested_at DESC, h.id DESC LIMIT ?",
                           p.Add(Limit(limit)), [](const Row& r) { return ReadHandover(r); });
  });
}

Result<std::vector<Handover>> SqlStore::HandoversDue(Time now, size_t limit) {
  return ReadValue<std::vector<Handover>>([&](Conn& c) {
    return c.All<Handover>("SELECT " + kHandovers.cols +
                               " FROM handovers h WHERE h.state = ? AND h.due_at <= ? ORDER BY h.due_at, h.id LIMIT ?",
                           Params().Add(ToString(HandoverState::kRequested)).Add(ToUnixMillis(now)).Add(Limit(limit)),
                           [](const Row& r) { return ReadHandover(r); });
  });
}

Result<std::vector<Case>> SqlStore::ListCases(const CaseQuery& q) {
  if (q.region_id.empty()) return Status::Invalid("a case query needs a region");
  // One statement per combination of filters, each walking an index.
  std::string sql = "SELECT " + kCases.cols + " FROM cases c WHERE c.region_id = ?";
  Params p;
  p.Add(q.region_id);
  const std::int64_t before =
      q.closed_before ? ToUnixMillis(*q.closed_before) : std::numeric_limits<std::int64_t>::max();
  using S = CaseQuery::States;
  if (q.states == S::kOpen) sql += " AND c.open = TRUE";
  if (q.states == S::kClosed) sql += " AND c.open = FALSE AND c.closed_at < ?";
  if (q.states == S::kAll) sql += " AND (c.open = TRUE OR c.closed_at < ?)";
  if (q.states != S::kOpen) p.Add(before);
  if (q.channel) {
    sql += " AND c.channel = ?";
    p.Add(ToString(*q.channel));
  }
  if (!q.subregion_id.empty()) {
    sql += " AND c.subregion_id = ?";
    p.Add(q.subregion_id);
  }
  if (!q.handed_to_organization_id.empty()) {
    sql += " AND EXISTS (SELECT 1 FROM handovers h WHERE h.case_id = c.id AND h.to_organization_id = ?)";
    p.Add(q.handed_to_organization_id);
  }
  // Open ones in worklist band order, so that a limit cuts the least urgent; closed ones newest closed first.
  sql += q.states == S::kOpen     ? " ORDER BY c.band, c.received_at, c.id"
         : q.states == S::kClosed ? " ORDER BY c.closed_at DESC, c.id DESC"
                                  : " ORDER BY c.open DESC, c.closed_at DESC, c.band, c.received_at, c.id DESC";
  p.Add(Limit(q.limit));
  return ReadValue<std::vector<Case>>(
      [&](Conn& c) { return c.All<Case>(sql + " LIMIT ?", p, [](const Row& r) { return ReadCase(r); }); });
}

namespace {

// A select list with the named columns replaced by '' (still read by position).
std::string Blanked(const std::string& cols, std::initializer_list<std::string_view> blank) {
  std::string out;
  for (std::string_view col : Split(cols)) {
    const bool drop = std::find(blank.begin(), blank.end(), col) != blank.end();
    out += (out.empty() ? "" : ", ") + (drop ? std::string("''") : std::string(col));
  }
  return out;
}

}  // namespace

Result<std::vector<KpiCase>> SqlStore::KpiCases(const std::string& region_id, Time from, Time to, size_t limit) {
  // Both walk cases_region_received (0005); the handovers then handovers_case.
  static const std::string kCaseSql =
      "SELECT " + Blanked(kCases.cols, {"c.caller_name", "c.caller_role", "c.caller_phone", "c.summary"}) +
      " FROM cases c WHERE c.region_id = ? AND c.received_at >= ? AND c.received_at < ?"
      " ORDER BY c.received_at, c.id LIMIT ?";
  static const std::string kHandoverSql =
      "SELECT " +
      Blanked(kHandovers.cols, {"h.situation", "h.background", "h.assessment", "h.recommendation", "h.reason"}) +
      " FROM handovers h JOIN cases c ON c.id = h.case_id"
      " WHERE c.region_id = ? AND c.received_at >= ? AND c.received_at < ? ORDER BY h.requested_at, h.id";
  return ReadValue<std::vector<KpiCase>>(
      [&](Conn& c) -> Result<std::vector<KpiCase>> {
        Params range;
        range.Add(region_id).Add(ToUnixMillis(from)).Add(ToUnixMillis(to));
        Params with_limit = range;
        auto cases = c.All<KpiCase>(kCaseSql, with_limit.Add(Limit(limit)), [](const Row& r) {
          return KpiCase{ReadCase(r), {}};
        });
        if (!cases.ok()) return cases.status();
        std::map<std::string_view, KpiCase*> by_id;
        for (KpiCase& k : *cases) by_id[k.the_case.id] = &k;
        auto handovers = c.All<Handover>(kHandoverSql, range, [](const Row& r) { return ReadHandover(r); });
        if (!handovers.ok()) return handovers.status();
        for (Handover& h : *handovers) {
          // A case the limit cut off is not in the map.
          if (auto it = by_id.find(h.case_id); it != by_id.end()) it->second->handovers.push_back(std::move(h));
        }
        return std::move(*cases);
      },
      true);
}

Result<std::optional<SealedPatient>> SqlStore::CasePatient(const std::string& case_id) {
  return ReadValue<std::optional<SealedPatient>>([&](Conn& c) {
    return c.First<SealedPatient>("SELECT bsn_hash, sealed, key_id FROM case_patients WHERE case_id = ?",
                                  Params().Add(case_id), [](const Row& r) {
                                    return SealedPatient{r.Text(0), r.Text(1), r.Text(2)};
                                  });
  });
}

Result<std::vector<std::string>> SqlStore::CasesOfPatient(const std::string& bsn_hash, Time since, size_t limit) {
  if (bsn_hash.empty()) return std::vector<std::string>{};  // an unknown BSN links no cases
  return ReadValue<std::vector<std::string>>([&](Conn& c) {
    return c.All<std::string>(
        "SELECT p.case_id FROM case_patients p JOIN cases c ON c.id = p.case_id WHERE p.bsn_hash = ? AND "
        "c.received_at >= ? ORDER BY c.received_at DESC, c.id DESC LIMIT ?",
        Params().Add(bsn_hash).Add(ToUnixMillis(since)).Add(Limit(limit)), [](const Row& r) { return r.Text(0); });
  });
}

Result<std::vector<Contact>> SqlStore::AddContacts(std::vector<Contact> contacts, const std::vector<AuditRecord>& audit,
                                                   const std::vector<PatientAccess>& access) {
  if (contacts.empty()) return Status::Invalid("no contacts to add");
  for (const auto& k : contacts) {
    OZCC_RETURN_IF_ERROR(NoNul({k.bsn_hash, k.organization_id, k.kind, k.sealed, k.key_id}));
  }
  for (const auto& a : access) OZCC_RETURN_IF_ERROR(NoNul(a));
  std::vector<Contact> out;
  Status st = Write([&](Conn& c) -> Status {
    out = contacts;  // the job may run more than once
    const Time now = Now();
    for (Contact& k : out) {
      if (k.reported_at == Time{}) k.reported_at = now;
      Params p;
      p.Add(k.bsn_hash).Add(ToUnixMillis(k.at)).Add(k.organization_id).Add(k.kind);
      AddName(p, k.urgency).Add(k.sealed).Add(k.key_id).Add(ToUnixMillis(k.reported_at));
      auto id = c.First<std::int64_t>(kContacts.insert, p, [](const Row& r) { return r.Int(0); });
      if (!id.ok()) return id.status();
      k.id = id->value_or(0);
    }
    for (const auto& a : audit) OZCC_RETURN_IF_ERROR(InsertAudit(c, a, now));
    for (const auto& a : access) OZCC_RETURN_IF_ERROR(InsertAccess(c, a, now));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<Contact>> SqlStore::ContactsOf(const std::string& bsn_hash, Time since, size_t limit) {
  if (bsn_hash.empty()) return std::vector<Contact>{};
  return ReadValue<std::vector<Contact>>([&](Conn& c) {
    return c.All<Contact>(
        "SELECT " + kContacts.cols +
            " FROM contacts k WHERE k.bsn_hash = ? AND k.at >= ? ORDER BY k.at DESC, k.id DESC LIMIT ?",
        Params().Add(bsn_hash).Add(ToUnixMillis(since)).Add(Limit(limit)), ReadContact);
  });
}

Result<std::vector<CaseEvent>> SqlStore::CaseEventsSince(const std::string& region_id, std::int64_t after_version,
                                                         size_t limit) {
  static const std::string kSql =
      "SELECT e.region_id, e.version, e.at, e.kind, " + kCases.cols + ", " + kHandovers.cols +
      " FROM case_events e JOIN cases c ON c.id = e.case_id LEFT JOIN handovers h ON h.id = e.handover_id "
      "WHERE e.region_id = ? AND e.version > ? ORDER BY e.version LIMIT ?";
  return ReadValue<std::vector<CaseEvent>>([&](Conn& c) {
    return c.All<CaseEvent>(kSql, Params().Add(region_id).Add(after_version).Add(Limit(limit)), [](const Row& r) {
      CaseEvent e{r.Text(0),
                  r.Int(1),
                  FromUnixMillis(r.Int(2)),
                  ParseTimelineKind(r.Text(3)).value_or(TimelineKind::kNote),
                  ReadCase(r, 4),
                  std::nullopt};
      constexpr int kHandoverCol = 4 + kCaseCols;
      if (!r.IsNull(kHandoverCol)) {
        e.handover = ReadHandover(r, kHandoverCol);
        e.handover->sbar = Sbar{};  // events carry no patient data
      }
      return e;
    });
  });
}

std::future<Status> SqlStore::QueueAccess(std::vector<PatientAccess> records) {
  Status valid = Status::Ok();
  for (const auto& a : records) {
    if (valid = NoNul(a); !valid.ok()) break;
  }
  if (!valid.ok() || records.empty()) {
    std::promise<Status> done;
    done.set_value(valid);
    return done.get_future();
  }
  return Queue([records = std::move(records)](Conn& c) -> Status {
    const Time now = Now();
    for (const auto& a : records) OZCC_RETURN_IF_ERROR(InsertAccess(c, a, now));
    return Status::Ok();
  });
}

Result<std::vector<PatientAccess>> SqlStore::ListAccess(const std::string& bsn_hash, const std::string& case_id,
                                                        std::int64_t before_id, size_t limit) {
  if (bsn_hash.empty() && case_id.empty()) return Status::Invalid("the access log is read by patient or by case");
  // Only the conditions given, so that each statement walks its index.
  std::string sql = "SELECT " + kAccess.cols + " FROM patient_access a WHERE ";
  Params p;
  auto where = [&](const char* cond, auto value) {
    sql += (p.values().empty() ? "" : " AND ") + std::string(cond);
    p.Add(value);
  };
  if (!bsn_hash.empty()) where("a.bsn_hash = ?", bsn_hash);
  if (!case_id.empty()) where("a.case_id = ?", case_id);
  if (before_id > 0) where("a.id < ?", before_id);
  p.Add(Limit(limit));
  return ReadValue<std::vector<PatientAccess>>(
      [&](Conn& c) { return c.All<PatientAccess>(sql + " ORDER BY a.id DESC LIMIT ?", p, ReadAccess); });
}

Result<BreakGlassGrant> SqlStore::GrantBreakGlass(BreakGlassGrant grant, const PatientAccess& access,
                                                  const AuditRecord& audit) {
  OZCC_RETURN_IF_ERROR(NoNul({grant.username, grant.case_id, grant.reason, grant.reviewed_by}));
  OZCC_RETURN_IF_ERROR(NoNul(access));
  BreakGlassGrant out;
  Status st = Write([&](Conn& c) -> Status {
    out = grant;  // the job may run more than once
    const Time now = Now();
    auto found =
        c.First<bool>("SELECT 1 FROM cases WHERE id = ?", Params().Add(grant.case_id), [](const Row&) { return true; });
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound("no such case: " + grant.case_id);
    if (out.granted_at == Time{}) out.granted_at = now;
    Params p;
    p.Add(out.username).Add(out.case_id).Add(out.reason).Add(ToUnixMillis(out.granted_at));
    p.Add(ToUnixMillis(out.expires_at)).Add(out.reviewed_by).Add(Millis(out.reviewed_at));
    auto id = c.First<std::int64_t>(kGrants.insert, p, [](const Row& r) { return r.Int(0); });
    if (!id.ok()) return id.status();
    out.id = id->value_or(0);
    OZCC_RETURN_IF_ERROR(InsertAccess(c, access, now));
    return InsertAudit(c, audit, now);
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<BreakGlassGrant>> SqlStore::ActiveBreakGlass(const std::string& username,
                                                                  const std::string& case_id, Time now) {
  return ReadValue<std::optional<BreakGlassGrant>>([&](Conn& c) {
    return c.First<BreakGlassGrant>("SELECT " + kGrants.cols + " " +
                                        "FROM break_glass b WHERE b.username = ? AND b.case_id = ? AND "
                                        "b.granted_at <= ? AND b.expires_at > ? ORDER BY b.expires_at DESC, b.id DESC",
                                    Params().Add(username).Add(case_id).Add(ToUnixMillis(now)).Add(ToUnixMillis(now)),
                                    ReadGrant);
  });
}

Result<BreakGlassGrant> SqlStore::GetBreakGlass(std::int64_t grant_id) {
  auto g = ReadValue<std::optional<BreakGlassGrant>>([&](Conn& c) {
    return c.First<BreakGlassGrant>("SELECT " + kGrants.cols + " FROM break_glass b WHERE b.id = ?",
                                    Params().Add(grant_id), ReadGrant);
  });
  if (!g.ok()) return g.status();
  if (!*g) return Status::NotFound("no such break-glass grant: " + std::to_string(grant_id));
  return std::move(g)->value();
}

Result<std::vector<BreakGlassGrant>> SqlStore::UnreviewedBreakGlass(size_t limit) {
  return ReadValue<std::vector<BreakGlassGrant>>([&](Conn& c) {
    return c.All<BreakGlassGrant>(
        "SELECT " + kGrants.cols + " FROM break_glass b WHERE b.reviewed_at IS NULL ORDER BY b.id LIMIT ?",
        Params().Add(Limit(limit)), ReadGrant);
  });
}

Status SqlStore::ReviewBreakGlass(std::int64_t grant_id, const std::string& reviewer, Time at,
                                  const AuditRecord& audit) {
  OZCC_RETURN_IF_ERROR(NoNul({reviewer}));
  return Write([&](Conn& c) -> Status {
    auto changed =
        c.Changes("UPDATE break_glass SET reviewed_by = ?, reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL",
                  Params().Add(reviewer).Add(ToUnixMillis(at)).Add(grant_id));
    if (!changed.ok()) return changed.status();
    if (*changed == 0) {
      auto found = c.First<bool>("SELECT 1 FROM break_glass WHERE id = ?", Params().Add(grant_id),
                                 [](const Row&) { return true; });
      if (!found.ok()) return found.status();
      return *found ? Status::Conflict("break-glass grant " + std::to_string(grant_id) + " was already reviewed")
                    : Status::NotFound("no such break-glass grant: " + std::to_string(grant_id));
    }
    return InsertAudit(c, audit, Now());
  });
}

}  // namespace ozcc::sql
