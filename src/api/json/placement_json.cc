#include "api/json/placement_json.h"

#include <cmath>
#include <string>
#include <utility>

#include "api/json/capacity_json.h"  // ParseJsonObject
#include "api/json/case_json.h"      // ReadPatient
#include "api/json/data_file.h"

namespace ozcc::api {

using nlohmann::json;

namespace {

json OptTime(const std::optional<Time>& t) { return t ? json(FormatRfc3339(*t)) : json(nullptr); }
json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json OptInt(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }
json OptDouble(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
double Round(double v, double step) { return std::round(v / step) * step; }

}  // namespace

Result<NewPlacementBody> ParseNewPlacement(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  NewPlacementBody out;
  NewPlacement& in = out.placement;
  r.Object(d, "",
           {"region_id", "from_organization_id", "from_unit_id", "care_type", "profile", "needs", "preferred_place",
            "preferred_lat", "preferred_lon", "earliest_date", "patient"});
  r.String(d, "", "region_id", false, in.region_id);
  r.String(d, "", "from_organization_id", true, in.from_organization_id);
  r.String(d, "", "from_unit_id", true, in.from_unit_id);
  r.String(d, "", "care_type", true, in.care_type);
  if (const json* p = r.Member(d, "", "profile", false)) {
    const std::string pp = "profile";
    if (r.Object(*p, pp, {"dementia", "isolation", "oxygen", "weight_kg", "mobility", "age"})) {
      r.Bool(*p, pp, "dementia", false, in.profile.dementia);
      r.Bool(*p, pp, "isolation", false, in.profile.isolation);
      r.Bool(*p, pp, "oxygen", false, in.profile.oxygen);
      std::int64_t n = 0;
      if (r.Integer(*p, pp, "weight_kg", false, n)) in.profile.weight_kg = n;
      if (r.Integer(*p, pp, "age", false, n)) in.profile.age = n;
      static const std::string kMobility = EnumNames(kAllMobility, [](Mobility m) { return ToString(m); });
      if (auto m = ReadEnum<Mobility>(r, *p, pp, "mobility", false, ParseMobility, "mobility", kMobility)) {
        in.profile.mobility = *m;
      }
    }
  }
  r.String(d, "", "needs", false, in.needs);
  r.String(d, "", "preferred_place", false, in.preferred_place);
  double v = 0;
  if (r.Number(d, "", "preferred_lat", false, v)) in.preferred_lat = v;
  if (r.Number(d, "", "preferred_lon", false, v)) in.preferred_lon = v;
  std::string date;
  if (r.String(d, "", "earliest_date", false, date)) {
    if (auto day = ParseIsoDate(date)) {
      in.earliest_at = std::chrono::sys_days(*day);
    } else {
      r.Error("earliest_date", "must be a date as 2026-12-05");
    }
  }
  ReadPatient(r, d, out.patient);
  if (!r.errors().empty()) return Status::Invalid("the placement has invalid fields; nothing was stored", r.errors());
  return out;
}

Result<std::vector<service::OfferTarget>> ParseOffers(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  std::vector<service::OfferTarget> out;
  r.Object(d, "", {"offers"});
  if (const json* offers = r.Array(d, "", "offers")) {
    for (size_t i = 0; i < offers->size(); ++i) {
      const std::string p = IndexPath("offers", i);
      service::OfferTarget t;
      if (!r.Object((*offers)[i], p, {"organization_id", "unit_id"})) continue;
      r.String((*offers)[i], p, "organization_id", true, t.organization_id);
      r.String((*offers)[i], p, "unit_id", true, t.unit_id);
      out.push_back(std::move(t));
    }
  }
  if (!r.errors().empty()) return Status::Invalid("the offers have invalid fields; nothing was stored", r.errors());
  return out;
}

Result<service::OfferAnswer> ParseOfferAnswer(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  service::OfferAnswer out;
  r.Object(d, "", {"accept", "reason", "text", "reservation_hours"});
  r.Bool(d, "", "accept", true, out.accept);
  r.String(d, "", "reason", false, out.reason);
  r.String(d, "", "text", false, out.text);
  std::int64_t hours = 0;
  if (r.Integer(d, "", "reservation_hours", false, hours)) out.reservation_hours = hours;
  if (!r.errors().empty()) return Status::Invalid("the answer has invalid fields; nothing was stored", r.errors());
  return out;
}

Result<std::string> ParseCancelPlacement(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  std::string reason;
  r.Object(d, "", {"reason"});
  r.String(d, "", "reason", true, reason);
  if (!r.errors().empty())
    return Status::Invalid("the cancellation has invalid fields; nothing was stored", r.errors());
  return reason;
}

json ToJson(const Offer& o) {
  return {{"id", o.id},
          {"placement_id", o.placement_id},
          {"organization_id", o.organization_id},
          {"unit_id", o.unit_id},
          {"state", ToString(o.state)},
          {"decline_reason", o.decline_reason ? json(ToString(*o.decline_reason)) : json(nullptr)},
          {"decline_text", OrNull(o.decline_text)},
          {"created_by", o.created_by},
          {"created_at", FormatRfc3339(o.created_at)},
          {"answered_by", OrNull(o.answered_by)},
          {"answered_at", OptTime(o.answered_at)},
          {"reserved_until", OptTime(o.reserved_until)},
          {"reservation_ended_at", OptTime(o.reservation_ended_at)}};
}

json ToJson(const service::PlacementView& v) {
  const Placement& p = v.placement;
  json offers = json::array();
  for (const Offer& o : v.offers) offers.push_back(ToJson(o));
  return {{"id", p.id},
          {"region_id", p.region_id},
          {"from_organization_id", p.from_organization_id},
          {"from_unit_id", p.from_unit_id},
          {"care_type", ToString(p.care_type)},
          {"profile",
           {{"dementia", p.profile.dementia},
            {"isolation", p.profile.isolation},
            {"oxygen", p.profile.oxygen},
            {"weight_kg", OptInt(p.profile.weight_kg)},
            {"mobility", ToString(p.profile.mobility)},
            {"age", OptInt(p.profile.age)}}},
          {"needs", p.needs},
          {"preferred_place", OrNull(p.preferred_place)},
          {"preferred_lat", OptDouble(p.preferred_lat)},
          {"preferred_lon", OptDouble(p.preferred_lon)},
          {"earliest_date",
           FormatIsoDate(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(p.earliest_at)))},
          {"state", ToString(p.state)},
          {"has_patient", p.has_patient},
          {"created_by", p.created_by},
          {"created_at", FormatRfc3339(p.created_at)},
          {"updated_at", FormatRfc3339(p.updated_at)},
          {"ended_at", OptTime(p.ended_at)},
          {"transfer_id", OrNull(p.transfer_id)},
          {"cancel_reason", OrNull(p.cancel_reason)},
          {"waiting_hours", Round(v.waiting_hours, 0.01)},
          {"wrong_bed_days", Round(v.wrong_bed_days, 0.01)},
          {"offers", std::move(offers)},
          {"version", p.version}};
}

json ToJson(const CriterionCheck& c) {
  auto value = [](const CriterionValue& v) -> json {
    return std::visit(
        [](const auto& x) -> json {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            return nullptr;
          } else {
            return x;
          }
        },
        v);
  };
  return {{"criterion", c.criterion}, {"ok", c.ok}, {"need", value(c.need)}, {"limit", value(c.limit)}};
}

json ToJson(const service::MatchesView& v) {
  json matches = json::array();
  for (const PlacementMatch& m : v.matches) {
    json criteria = json::array();
    for (const CriterionCheck& c : m.checks) criteria.push_back(ToJson(c));
    matches.push_back({{"unit_id", m.unit_id},
                       {"organization_id", m.organization_id},
                       {"organization_name", m.organization_name},
                       {"unit_name", m.unit_name},
                       {"unit_type", ToString(m.unit_type)},
                       {"fits", m.fits},
                       {"free_beds", m.free_beds},
                       {"reported_available", OptInt(m.reported_available)},
                       {"reserved", m.reserved},
                       {"stale", m.stale},
                       {"distance_km", m.distance_km ? json(Round(*m.distance_km, 0.1)) : json(nullptr)},
                       {"criteria", std::move(criteria)}});
  }
  return {{"placement_id", v.placement.id}, {"care_type", ToString(v.placement.care_type)},
          {"at", FormatRfc3339(v.at)},      {"total", v.total},
          {"fitting", v.fitting},           {"matches", std::move(matches)}};
}

json PlacementEventJson(const PlacementChange& c) {
  return {{"id", c.placement_id},
          {"version", c.placement_version},
          {"state", ToString(c.state)},
          {"region_id", c.region_id},
          {"at", FormatRfc3339(c.at)}};
}

}  // namespace ozcc::api
