#include "service/pathway_service.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <utility>

#include "core/stale.h"

namespace ozcc::service {

namespace {

constexpr const char* kShipped = "shipped";

Status Stale(const std::string& id, int current) {
  return Status::PreconditionFailed("pathway " + id + " was changed by someone else (now version " +
                                    std::to_string(current) + "): reload it and try again");
}

}  // namespace

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * 6371.0 * std::asin(std::min(1.0, std::sqrt(a)));
}

PathwayService::PathwayService(PathwayStore& pathways, CaseStore& cases, RegionStore& regions, CapacityStore& capacity,
                               AuditStore& audit, CaseService& case_service, std::vector<Complaint> complaints,
                               PathwayCodec codec)
    : pathways_(pathways),
      cases_(cases),
      regions_(regions),
      capacity_(capacity),
      audit_(audit),
      case_service_(case_service),
      complaints_(std::move(complaints)),
      codec_(std::move(codec)) {}

Result<PathwayVersion> PathwayService::Decode(const StoredPathway& s) const {
  auto p = codec_.decode(s.document);
  if (!p.ok()) {
    return Status::Internal("stored pathway " + s.id + " version " + std::to_string(s.version) +
                            " does not read back: " + p.status().message());
  }
  PathwayVersion v{std::move(p).value(), s.created_by, s.created_at};
  v.pathway.id = s.id;
  v.pathway.version = s.version;
  return v;
}

Result<size_t> PathwayService::SeedShipped(const std::vector<Pathway>& shipped) {
  auto errors = ValidatePathwaySet(shipped, &complaints_);
  if (!errors.empty()) {
    return Status::Invalid(
        "the shipped pathways are not valid: " + errors.front().field + ": " + errors.front().message, errors);
  }
  auto current = pathways_.CurrentPathways();
  if (!current.ok()) return current.status();
  size_t stored = 0;
  for (Pathway p : shipped) {
    const bool held =
        std::any_of(current->begin(), current->end(), [&](const StoredPathway& s) { return s.id == p.id; });
    if (held) continue;
    p.version = 1;
    StoredPathway s{p.id, 1, codec_.encode(p), kShipped, Time{}};
    AuditRecord a = AuditOf(ToolCaller(kShipped, "start"), "pathway.seed", p.id, "ok");
    auto r = pathways_.PutPathway(std::move(s), 0, a);
    if (r.ok()) {
      ++stored;
    } else if (r.status().code() != Code::kPreconditionFailed) {  // another instance seeded it meanwhile
      return r.status();
    }
  }
  return stored;
}

Status PathwayService::CanRead(const Caller& caller) {
  return Require(audit_, caller, Action::kReadRegion, {caller.who.region_id, ""}, "pathway.read", "");
}

Result<std::vector<PathwayVersion>> PathwayService::List(const Caller& caller) {
  OZCC_RETURN_IF_ERROR(CanRead(caller));
  auto stored = pathways_.CurrentPathways();
  if (!stored.ok()) return stored.status();
  std::vector<PathwayVersion> out;
  out.reserve(stored->size());
  for (const auto& s : *stored) {
    auto v = Decode(s);
    if (!v.ok()) return v.status();
    out.push_back(std::move(v).value());
  }
  return out;
}

Result<PathwayVersion> PathwayService::Get(const Caller& caller, const std::string& id, std::optional<int> version) {
  OZCC_RETURN_IF_ERROR(CanRead(caller));
  if (version) {
    auto s = pathways_.GetPathway(id, *version);
    if (!s.ok()) return s.status();
    return Decode(*s);
  }
  auto all = pathways_.PathwayVersions(id);
  if (!all.ok()) return all.status();
  if (all->empty()) return Status::NotFound("no pathway " + id);
  return Decode(all->back());
}

Result<std::vector<PathwayVersion>> PathwayService::Versions(const Caller& caller, const std::string& id) {
  OZCC_RETURN_IF_ERROR(CanRead(caller));
  auto all = pathways_.PathwayVersions(id);
  if (!all.ok()) return all.status();
  if (all->empty()) return Status::NotFound("no pathway " + id);
  std::vector<PathwayVersion> out;
  for (const auto& s : *all) {
    auto v = Decode(s);
    if (!v.ok()) return v.status();
    out.push_back(std::move(v).value());
  }
  return out;
}

Result<PathwayService::PutResult> PathwayService::Put(const Caller& caller, const std::string& id,
                                                      std::optional<std::int64_t> if_match, Pathway p) {
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kManagePathways, {"", ""}, "pathway.put", id));
  std::vector<FieldError> errors;
  if (p.id != id) errors.push_back({"id", "must be the id in the path (" + id.substr(0, 64) + ")"});
  auto all = pathways_.PathwayVersions(id);
  if (!all.ok()) return all.status();
  const int current = all->empty() ? 0 : all->back().version;
  p.version = current + 1;
  auto rules = ValidatePathway(p, &complaints_);
  errors.insert(errors.end(), rules.begin(), rules.end());
  if (!errors.empty()) return Status::Invalid("the pathway is not valid; nothing was stored", errors);
  if (current > 0 && !if_match) {
    return Status(Code::kPreconditionRequired,
                  "send If-Match with the pathway's current ETag: a change names the version it changes");
  }
  if (if_match && *if_match != current) {
    if (current == 0) return Status::PreconditionFailed("there is no pathway " + id + " to match: leave out If-Match");
    return Stale(id, current);
  }
  StoredPathway s{id, p.version, codec_.encode(p), caller.who.name, Time{}};
  auto stored = pathways_.PutPathway(std::move(s), current,
                                     AuditOf(caller, "pathway.put", id, "ok", "version " + std::to_string(p.version)));
  if (!stored.ok()) {
    if (stored.status().code() == Code::kPreconditionFailed) return Stale(id, current + 1);
    return stored.status();
  }
  return PutResult{PathwayVersion{std::move(p), stored->created_by, stored->created_at}, current == 0};
}

Result<std::vector<CapacityRow>> PathwayService::CapacityFor(const PathwayAction& action, const RegionData& region,
                                                             const std::vector<CapacityReport>& latest,
                                                             const std::optional<std::pair<double, double>>& origin,
                                                             Time now) {
  std::vector<CapacityRow> rows;
  if (!action.partner) return rows;
  std::map<std::string, const Location*> places;
  for (const auto& l : region.locations) places.emplace(l.id, &l);
  std::map<std::string, const CapacityReport*> reports;
  for (const auto& r : latest) reports[r.unit_id] = &r;
  auto distance = [&](const Location* l) -> std::optional<double> {
    if (!origin || !l) return std::nullopt;
    return DistanceKm(origin->first, origin->second, l->lat, l->lon);
  };
  for (const Organization& o : region.organizations) {
    if (o.type != *action.partner) continue;
    const Location* org_place = nullptr;
    for (const auto& l : region.locations) {
      if (l.organization_id == o.id) {
        org_place = &l;
        break;
      }
    }
    size_t before = rows.size();
    for (const Unit& u : region.units) {
      if (u.organization_id != o.id || (action.unit && u.type != *action.unit)) continue;
      CapacityRow row;
      row.organization_id = o.id;
      row.organization_name = o.name;
      row.unit_id = u.id;
      row.unit_name = u.name;
      row.unit_type = u.type;
      std::optional<Time> as_of;
      if (auto it = reports.find(u.id); it != reports.end()) {
        row.beds = it->second->beds;
        as_of = it->second->as_of;
        row.reported_at = as_of;
        row.age_s = AgeSeconds(*as_of, now);
      }
      row.stale = IsStale(as_of, u.expected_interval_s, now);
      auto place = places.find(u.location_id);
      row.distance_km = distance(place != places.end() ? place->second : org_place);
      rows.push_back(std::move(row));
    }
    // A partner of the type without units to show still appears (it may be
    // called); not when the action names a unit type it does not run.
    if (rows.size() == before && !action.unit) {
      CapacityRow row;
      row.organization_id = o.id;
      row.organization_name = o.name;
      row.distance_km = distance(org_place);
      rows.push_back(std::move(row));
    }
  }
  auto available = [](const CapacityRow& r) -> std::int64_t { return r.beds ? r.beds->available : -1; };
  std::stable_sort(rows.begin(), rows.end(), [&](const CapacityRow& a, const CapacityRow& b) {
    if (a.distance_km.has_value() != b.distance_km.has_value()) return a.distance_km.has_value();
    if (a.distance_km && *a.distance_km != *b.distance_km) return *a.distance_km < *b.distance_km;
    if (a.stale != b.stale) return !a.stale;
    if (available(a) != available(b)) return available(a) > available(b);
    if (a.organization_name != b.organization_name) return a.organization_name < b.organization_name;
    return a.unit_name < b.unit_name;
  });
  return rows;
}

Result<ProposalView> PathwayService::Proposal(const Caller& caller, const std::string& case_id) {
  auto c = cases_.GetCase(case_id);
  if (!c.ok()) return c.status();
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWorkCases, {c->region_id, ""}, "case.proposal", case_id));
  const Time now = Now();
  ProposalView view;
  view.case_id = c->id;
  view.case_version = c->version;
  view.now = now;
  view.facts = FactsOf(*c, now);  // the context's age: the sealed patient is not opened for this
  view.decided = c->pathway;

  auto stored = pathways_.CurrentPathways();
  if (!stored.ok()) return stored.status();
  std::vector<Pathway> current;
  current.reserve(stored->size());
  for (const auto& s : *stored) {
    auto v = Decode(s);
    if (!v.ok()) return v.status();
    current.push_back(std::move(v->pathway));
  }
  std::vector<ozcc::Proposal> proposals = Propose(current, view.facts);
  if (proposals.empty()) return view;

  auto region = regions_.GetRegion(c->region_id);
  if (!region.ok()) return region.status();
  auto latest = capacity_.LatestCapacity(c->region_id);
  if (!latest.ok()) return latest.status();
  std::optional<std::pair<double, double>> origin;
  if (!c->requesting_organization_id.empty()) {
    for (const auto& l : region->locations) {
      if (l.organization_id == c->requesting_organization_id) {
        origin = std::pair{l.lat, l.lon};
        view.origin_organization_id = c->requesting_organization_id;
        break;
      }
    }
  }
  for (auto& p : proposals) {
    ProposedPathway pp;
    for (const auto& a : p.actions) {
      auto rows = CapacityFor(a, *region, *latest, origin, now);
      if (!rows.ok()) return rows.status();
      pp.actions.push_back({a, std::move(rows).value()});
    }
    pp.proposal = std::move(p);
    view.pathways.push_back(std::move(pp));
  }
  return view;
}

Result<CaseView> PathwayService::Decide(const Caller& caller, const std::string& case_id,
                                        std::optional<std::int64_t> if_match, PathwayChoice choice) {
  auto c = cases_.GetCase(case_id);
  if (!c.ok()) return c.status();
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWorkCases, {c->region_id, ""}, "case.pathway", case_id));
  auto versions = pathways_.PathwayVersions(choice.pathway_id);
  if (!versions.ok()) return versions.status();
  if (versions->empty()) {
    return Status::BadRequest("no such pathway", {{"pathway_id", "not a pathway: " + choice.pathway_id.substr(0, 64)}});
  }
  auto named = std::find_if(versions->begin(), versions->end(),
                            [&](const StoredPathway& s) { return s.version == choice.pathway_version; });
  if (named == versions->end()) {
    return Status::BadRequest("no such pathway version",
                              {{"pathway_version", "pathway " + choice.pathway_id + " has versions 1 to " +
                                                       std::to_string(versions->back().version)}});
  }
  auto pathway = Decode(*named);
  if (!pathway.ok()) return pathway.status();
  PathwayUse use{choice.pathway_id, choice.pathway_version, std::move(choice.action),
                 std::move(choice.deviation_reason)};
  return case_service_.RecordPathway(caller, case_id, if_match, std::move(use), pathway->pathway);
}

}  // namespace ozcc::service
