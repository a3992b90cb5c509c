#include "api/json/case_json.h"

#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "api/json/capacity_json.h"  // ParseJsonObject, WholeNumber
#include "api/json/csv_write.h"
#include "api/json/data_file.h"

namespace ozcc::api {

using nlohmann::json;

namespace {

// A request body: syntax first (ParseJsonObject: clear errors, UTF-8, depth),
// then the members through a DataReader that knows the lines.
struct Body {
  json doc;
  PathLines lines;
  DataReader reader;
  explicit Body(std::string_view text, json parsed) : doc(std::move(parsed)), lines(text), reader(lines) {}
};

Result<std::unique_ptr<Body>> Open(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  return std::make_unique<Body>(text, std::move(parsed).value());
}

Status Invalid(DataReader& r, const char* what) {
  return Status::Invalid(std::string(what) + " has invalid fields; nothing was stored", r.errors());
}

const std::string& Names(int which) {
  static const std::string kChannels = EnumNames(kAllChannels, [](Channel c) { return ToString(c); });
  static const std::string kUrgencies = EnumNames(kAllUrgencies, [](Urgency u) { return ToString(u); });
  static const std::string kOutcomes = EnumNames(kAllOutcomes, [](Outcome o) { return ToString(o); });
  static const std::string kBases = EnumNames(kAllLegalBases, [](LegalBasis b) { return ToString(b); });
  static const std::string kLiving = EnumNames(kAllLivingSituations, [](LivingSituation l) { return ToString(l); });
  static const std::string kCare = EnumNames(kAllKnownCare, [](KnownCare k) { return ToString(k); });
  const std::string* all[] = {&kChannels, &kUrgencies, &kOutcomes, &kBases, &kLiving, &kCare};
  return *all[which];
}
enum NameList { kChannelNames, kUrgencyNames, kOutcomeNames, kBasisNames, kLivingNames, kCareNames };

void ReadContext(DataReader& r, const json& obj, const std::string& path, CaseContext& out) {
  const json* v = r.Member(obj, path, "context", false);
  if (!v) return;
  const std::string p = JoinPath(path, "context");
  if (!r.Object(*v, p, {"age_years", "living", "known_care"})) return;
  if (auto it = v->find("age_years"); it != v->end() && !it->is_null()) {
    std::string why;
    if (auto n = WholeNumber(*it, &why)) {
      out.age_years = static_cast<int>(std::clamp<std::int64_t>(*n, -1, 1000));
    } else {
      r.Error(JoinPath(p, "age_years"), why);
    }
  }
  out.living = ReadEnum<LivingSituation>(r, *v, p, "living", false, ParseLivingSituation, "living situation",
                                         Names(kLivingNames));
  if (v->contains("known_care")) {
    std::vector<std::string> codes;
    if (r.StringArray(*v, p, "known_care", false, codes)) {
      out.known_care.emplace();
      for (size_t i = 0; i < codes.size(); ++i) {
        if (auto k = ParseKnownCare(codes[i])) {
          out.known_care->push_back(*k);
        } else {
          r.Error(IndexPath(JoinPath(p, "known_care"), i),
                  "unknown known care \"" + codes[i] + "\" (one of " + Names(kCareNames) + ")");
        }
      }
    }
  }
}

json OptTime(const std::optional<Time>& t) { return t ? json(FormatRfc3339(*t)) : json(nullptr); }
template <class E>
json OptEnum(const std::optional<E>& e) {
  return e ? json(std::string(ToString(*e))) : json(nullptr);
}
json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

void ReadPatient(DataReader& r, const json& obj, std::optional<Patient>& out) {
  const json* v = r.Member(obj, "", "patient", false);
  if (!v || v->is_null()) return;
  if (!r.Object(*v, "patient", {"bsn", "name", "birth_date", "address", "gp", "summary", "medication", "allergies"})) {
    return;
  }
  Patient p;
  r.String(*v, "patient", "bsn", false, p.bsn);
  r.String(*v, "patient", "name", false, p.name);
  std::string birth;
  if (r.String(*v, "patient", "birth_date", false, birth)) {
    p.birth_date = ParseIsoDate(birth);
    if (!p.birth_date) r.Error("patient.birth_date", "must be a date YYYY-MM-DD");
  }
  r.String(*v, "patient", "address", false, p.address);
  r.String(*v, "patient", "gp", false, p.gp);
  r.String(*v, "patient", "summary", false, p.summary);
  r.String(*v, "patient", "medication", false, p.medication);
  r.String(*v, "patient", "allergies", false, p.allergies);
  out = std::move(p);
}

Result<NewCase> ParseNewCase(std::string_view text) {
  auto body = Open(text);
  if (!body.ok()) return body.status();
  DataReader& r = (*body)->reader;
  const json& d = (*body)->doc;
  NewCase in;
  r.Object(d, "",
           {"region_id", "subregion_id", "channel", "requesting_organization_id", "caller", "received_at", "summary",
            "patient", "legal_basis", "urgency", "complaint", "context"});
  r.String(d, "", "region_id", false, in.region_id);
  r.String(d, "", "subregion_id", false, in.subregion_id);
  if (auto c = ReadEnum<Channel>(r, d, "", "channel", true, ParseChannel, "channel", Names(kChannelNames))) {
    in.channel = *c;
  }
  r.String(d, "", "requesting_organization_id", false, in.requesting_organization_id);
  if (const json* c = r.Member(d, "", "caller", false)) {
    if (r.Object(*c, "caller", {"name", "role", "phone"})) {
      r.String(*c, "caller", "name", false, in.caller.name);
      r.String(*c, "caller", "role", false, in.caller.role);
      r.String(*c, "caller", "phone", false, in.caller.phone);
    }
  }
  std::string received;
  if (r.String(d, "", "received_at", false, received)) {
    in.received_at = ParseRfc3339(received);
    if (!in.received_at) r.Error("received_at", "must be an RFC 3339 time with a zone (2026-12-05T03:12:00Z)");
  }
  r.String(d, "", "summary", true, in.summary);
  ReadPatient(r, d, in.patient);
  in.legal_basis =
      ReadEnum<LegalBasis>(r, d, "", "legal_basis", false, ParseLegalBasis, "legal basis", Names(kBasisNames));
  in.urgency = ReadEnum<Urgency>(r, d, "", "urgency", false, ParseUrgency, "urgency", Names(kUrgencyNames));
  r.String(d, "", "complaint", false, in.complaint);
  ReadContext(r, d, "", in.context);
  if (!r.errors().empty()) return Invalid(r, "the care request");
  return in;
}

Result<TriageInput> ParseTriageInput(std::string_view text) {
  auto body = Open(text);
  if (!body.ok()) return body.status();
  DataReader& r = (*body)->reader;
  const json& d = (*body)->doc;
  TriageInput in;
  r.Object(d, "", {"urgency", "complaint", "note", "context"});
  in.urgency = ReadEnum<Urgency>(r, d, "", "urgency", true, ParseUrgency, "urgency", Names(kUrgencyNames));
  r.String(d, "", "complaint", true, in.complaint);
  r.String(d, "", "note", false, in.note);
  if (d.contains("context")) {
    in.context.emplace();
    ReadContext(r, d, "", *in.context);
  }
  if (!r.errors().empty()) return Invalid(r, "the triage");
  return in;
}

Result<service::ConsultInput> ParseConsultInput(std::string_view text) {
  auto body = Open(text);
  if (!body.ok()) return body.status();
  DataReader& r = (*body)->reader;
  const json& d = (*body)->doc;
  service::ConsultInput in;
  r.Object(d, "", {"consultant", "organization_id", "question"});
  r.String(d, "", "consultant", true, in.consultant);
  r.String(d, "", "organization_id", false, in.organization_id);
  r.String(d, "", "question", true, in.question);
  if (!r.errors().empty()) return Invalid(r, "the consultation");
  return in;
}

Result<HandoverRequest> ParseHandoverRequest(std::string_view text) {
  auto body = Open(text);
  if (!body.ok()) return body.status();
  DataReader& r = (*body)->reader;
  const json& d = (*body)->doc;
  HandoverRequest in;
  r.Object(d, "", {"to_organization_id", "to_unit_id", "sbar"});
  r.String(d, "", "to_organization_id", true, in.to_organization_id);
  r.String(d, "", "to_unit_id", false, in.to_unit_id);
  if (const json* s = r.Member(d, "", "sbar", true)) {
    if (r.Object(*s, "sbar", {"situation", "background", "assessment", "recommendation"})) {
      r.String(*s, "sbar", "situation", true, in.sbar.situation);
      r.String(*s, "sbar", "background", false, in.sbar.background);
      r.String(*s, "sbar", "assessment", false, in.sbar.assessment);
      r.String(*s, "sbar", "recommendation", true, in.sbar.recommendation);
    }
  }
  if (!r.errors().empty()) return Invalid(r, "the handover");
  return in;
}

Result<CloseInput> ParseCloseInput(std::string_view text) {
  auto body = Open(text);
  if (!body.ok()) return body.status();
  DataReader& r = (*body)->reader;
  const json& d = (*body)->doc;
  CloseInput in;
  r.Object(d, "", {"outcome", "note"});
  in.outcome = ReadEnum<Outcome>(r, d, "", "outcome", true, ParseOutcome, "outcome", Names(kOutcomeNames));
  r.String(d, "", "note", false, in.note);
  if (!r.errors().empty()) return Invalid(r, "the closing");
  return in;
}

Result<std::string> ParseTextBody(std::string_view text, const char* key, bool required) {
  if (!required && text.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string();
  auto body = Open(text);
  if (!body.ok()) return body.status();
  DataReader& r = (*body)->reader;
  const json& d = (*body)->doc;
  std::string out;
  r.Object(d, "", {key});
  r.String(d, "", key, required, out);
  if (!r.errors().empty()) return Invalid(r, "the request");
  return out;
}

json ToJson(const Case& c) {
  json context = {{"age_years", c.context.age_years ? json(*c.context.age_years) : json(nullptr)},
                  {"living", OptEnum(c.context.living)},
                  {"known_care", nullptr}};
  if (c.context.known_care) {
    context["known_care"] = json::array();
    for (KnownCare k : *c.context.known_care) context["known_care"].push_back(ToString(k));
  }
  json pathway = nullptr;
  if (c.pathway) {
    pathway = {{"id", c.pathway->pathway_id},
               {"version", c.pathway->pathway_version},
               {"action", OrNull(c.pathway->action_code)},
               {"deviation_reason", OrNull(c.pathway->deviation_reason)}};
  }
  return {{"id", c.id},
          {"region_id", c.region_id},
          {"subregion_id", OrNull(c.subregion_id)},
          {"channel", ToString(c.channel)},
          {"requesting_organization_id", OrNull(c.requesting_organization_id)},
          {"caller", {{"name", c.caller.name}, {"role", c.caller.role}, {"phone", c.caller.phone}}},
          {"received_at", FormatRfc3339(c.received_at)},
          {"summary", c.summary},
          {"urgency", OptEnum(c.urgency)},
          {"complaint", OrNull(c.complaint)},
          {"context", std::move(context)},
          {"state", ToString(c.state)},
          {"outcome", OptEnum(c.outcome)},
          {"legal_basis", OptEnum(c.legal_basis)},
          {"has_patient", c.has_patient},
          {"repeat_contact", c.repeat_contact},
          {"pathway", std::move(pathway)},
          {"created_by", c.created_by},
          {"created_at", FormatRfc3339(c.created_at)},
          {"updated_at", FormatRfc3339(c.updated_at)},
          {"triaged_at", OptTime(c.triaged_at)},
          {"closed_at", OptTime(c.closed_at)},
          {"version", c.version}};
}

json ToJson(const Handover& h) {
  return {{"id", h.id},
          {"case_id", h.case_id},
          {"to_organization_id", h.to_organization_id},
          {"to_unit_id", OrNull(h.to_unit_id)},
          {"sbar",
           {{"situation", h.sbar.situation},
            {"background", h.sbar.background},
            {"assessment", h.sbar.assessment},
            {"recommendation", h.sbar.recommendation}}},
          {"state", ToString(h.state)},
          {"reason", OrNull(h.reason)},
          {"requested_by", h.requested_by},
          {"answered_by", OrNull(h.answered_by)},
          {"requested_at", FormatRfc3339(h.requested_at)},
          {"due_at", FormatRfc3339(h.due_at)},
          {"escalations", h.escalations},
          {"answered_at", OptTime(h.answered_at)},
          {"ended_at", OptTime(h.ended_at)},
          {"version", h.version}};
}

json ToJson(const TriageRecord& t) {
  return {{"at", FormatRfc3339(t.at)},
          {"by", t.by},
          {"urgency", ToString(t.urgency)},
          {"complaint", t.complaint},
          {"note", t.note}};
}

json ToJson(const TimelineEntry& e) {
  return {{"at", FormatRfc3339(e.at)}, {"actor", e.actor}, {"kind", ToString(e.kind)}, {"detail", e.detail}};
}

json ToJson(const service::CaseView& v) {
  json j = ToJson(v.the_case);
  j["due_at"] = OptTime(v.due_at);
  j["overdue"] = v.overdue;
  auto list = [](const auto& items) {
    json a = json::array();
    for (const auto& x : items) a.push_back(ToJson(x));
    return a;
  };
  j["triages"] = list(v.triages);
  j["timeline"] = list(v.timeline);
  j["handovers"] = list(v.handovers);
  if (v.linked) j["linked"] = true;
  return j;
}

json ToJson(const service::WorklistItem& item) {
  json j = ToJson(item.the_case);
  j["due_at"] = OptTime(item.due_at);
  j["overdue"] = item.overdue;
  return j;
}

json ToJson(const service::HandoverView& v) {
  json j = ToJson(v.handover);
  json c = ToJson(v.the_case);
  j["case"] = std::move(c);
  return j;
}

json ToJson(const Patient& p) {
  return {{"bsn", OrNull(p.bsn)},
          {"name", p.name},
          {"birth_date", p.birth_date ? json(FormatIsoDate(*p.birth_date)) : json(nullptr)},
          {"address", p.address},
          {"gp", p.gp},
          {"summary", p.summary},
          {"medication", p.medication},
          {"allergies", p.allergies}};
}

json ToJson(const BreakGlassGrant& g) {
  return {{"id", g.id},
          {"username", g.username},
          {"case_id", g.case_id},
          {"reason", g.reason},
          {"granted_at", FormatRfc3339(g.granted_at)},
          {"expires_at", FormatRfc3339(g.expires_at)},
          {"reviewed_by", OrNull(g.reviewed_by)},
          {"reviewed_at", OptTime(g.reviewed_at)}};
}

json ToJson(const PatientAccess& a) {
  return {{"id", a.id},
          {"at", FormatRfc3339(a.at)},
          {"actor", a.actor},
          {"role", a.role},
          {"organization_id", OrNull(a.organization_id)},
          {"case_id", OrNull(a.case_id)},
          {"action", a.action},
          {"purpose", a.purpose},
          {"outcome", a.outcome},
          {"break_glass", a.break_glass},
          {"request_id", a.request_id}};
}

Result<NewContact> ParseNewContact(std::string_view text) {
  auto body = Open(text);
  if (!body.ok()) return body.status();
  DataReader& r = (*body)->reader;
  const json& d = (*body)->doc;
  NewContact in;
  r.Object(d, "", {"bsn", "at", "kind", "urgency", "advice"});
  r.String(d, "", "bsn", true, in.bsn);
  std::string at;
  if (r.String(d, "", "at", true, at)) {
    in.at = ParseRfc3339(at);
    if (!in.at) r.Error("at", "must be an RFC 3339 time with a zone (2026-12-05T03:12:00Z)");
  }
  r.String(d, "", "kind", true, in.kind);
  in.urgency = ReadEnum<Urgency>(r, d, "", "urgency", false, ParseUrgency, "urgency", Names(kUrgencyNames));
  r.String(d, "", "advice", false, in.advice);
  if (!r.errors().empty()) return Invalid(r, "the contact");
  return in;
}

Result<ContactSearch> ParseContactSearch(std::string_view text) {
  auto body = Open(text);
  if (!body.ok()) return body.status();
  DataReader& r = (*body)->reader;
  const json& d = (*body)->doc;
  ContactSearch in;
  r.Object(d, "", {"bsn", "purpose"});
  r.String(d, "", "bsn", true, in.bsn);
  r.String(d, "", "purpose", false, in.purpose);
  if (!r.errors().empty()) return Status::Invalid("the search has invalid fields", r.errors());
  return in;
}

Result<service::AccessQuery> ParseAccessQuery(std::string_view text) {
  auto body = Open(text);
  if (!body.ok()) return body.status();
  DataReader& r = (*body)->reader;
  const json& d = (*body)->doc;
  service::AccessQuery q;
  r.Object(d, "", {"bsn", "case_id", "before_id", "limit"});
  r.String(d, "", "bsn", false, q.bsn);
  r.String(d, "", "case_id", false, q.case_id);
  auto whole = [&](const char* key, auto& out, std::int64_t lo, std::int64_t hi) {
    auto it = d.find(key);
    if (it == d.end() || it->is_null()) return;
    std::string why;
    auto n = WholeNumber(*it, &why);
    if (!n) {
      r.Error(key, why);
    } else if (*n < lo || *n > hi) {
      r.Error(key, "must be " + std::to_string(lo) + "…" + std::to_string(hi));
    } else {
      out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
    }
  };
  if (d.is_object()) {
    whole("before_id", q.before_id, 0, std::numeric_limits<std::int64_t>::max());
    whole("limit", q.limit, 1, static_cast<std::int64_t>(service::PrivacyService::kMaxPage));
  }
  if (!r.errors().empty()) return Status::Invalid("the search has invalid fields", r.errors());
  return q;
}

json ToJson(const Contact& c) {
  return {{"id", c.id},     {"at", FormatRfc3339(c.at)},     {"organization_id", c.organization_id},
          {"kind", c.kind}, {"urgency", OptEnum(c.urgency)}, {"reported_at", FormatRfc3339(c.reported_at)}};
}

json ToJson(const service::ContactHistory& h) {
  json items = json::array();
  for (const auto& i : h.items) {
    const bool is_case = i.source == service::HistoryItem::Source::kCase;
    json item = {{"source", is_case ? "case" : "contact"},
                 {"at", FormatRfc3339(i.at)},
                 {"organization_id", OrNull(i.organization_id)},
                 {"kind", i.kind},
                 {"urgency", OptEnum(i.urgency)}};
    if (is_case) {
      item["case_id"] = i.case_id;
      item["region_id"] = i.region_id;
      item["state"] = OptEnum(i.state);
      item["complaint"] = OrNull(i.complaint);
      item["outcome"] = OptEnum(i.outcome);
    } else {
      item["advice"] = OrNull(i.advice);
    }
    items.push_back(std::move(item));
  }
  return {{"since", FormatRfc3339(h.since)}, {"items", std::move(items)}};
}

json ToJson(const service::GrantView& g) {
  json out = ToJson(g.grant);
  out["region_id"] = g.region_id;
  return out;
}

std::string AccessCsv(const std::vector<PatientAccess>& entries) {
  std::string out;
  AppendCsvRow(out, {"id", "at", "actor", "role", "organization_id", "case_id", "action", "purpose", "outcome",
                     "break_glass", "request_id"});
  for (const auto& a : entries) {
    AppendCsvRow(out, {std::to_string(a.id), FormatRfc3339(a.at), a.actor, a.role, a.organization_id, a.case_id,
                       a.action, a.purpose, a.outcome, a.break_glass ? "true" : "false", a.request_id});
  }
  return out;
}

const char* CaseEventType(const CaseEvent& e) { return e.handover ? "handover" : "case"; }

json CaseEventJson(const CaseEvent& e, const TimeTargets& targets, Time now) {
  const Case& c = e.case_now;
  json j = {{"case_id", c.id},
            {"kind", ToString(e.kind)},
            {"at", FormatRfc3339(e.at)},
            {"state", ToString(c.state)},
            {"urgency", OptEnum(c.urgency)},
            {"channel", ToString(c.channel)},
            {"subregion_id", OrNull(c.subregion_id)},
            {"received_at", FormatRfc3339(c.received_at)},
            {"due_at", OptTime(DueAt(c, targets))},
            {"overdue", Overdue(c, now, targets)},
            {"repeat_contact", c.repeat_contact},
            {"version", c.version}};
  if (e.handover) {
    const Handover& h = *e.handover;
    j["handover"] = {{"id", h.id},
                     {"state", ToString(h.state)},
                     {"to_organization_id", h.to_organization_id},
                     {"to_unit_id", OrNull(h.to_unit_id)},
                     {"due_at", FormatRfc3339(h.due_at)},
                     {"escalations", h.escalations},
                     {"version", h.version}};
  }
  return j;
}

}  // namespace ozcc::api
