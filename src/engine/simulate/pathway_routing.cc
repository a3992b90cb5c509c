#include "engine/simulate/pathway_routing.h"

#include <algorithm>
#include <set>

namespace ozcc::engine::simulate {

Result<std::vector<PathwayRoute>> ExpandPathwayRouting(Scenario& scenario, const PathwayRouting& routing,
                                                       const std::vector<Pathway>& pathways) {
  std::vector<FieldError> errors;
  std::set<std::string> stations;
  for (const Station& st : scenario.stations) stations.insert(st.name);
  auto from = std::find_if(scenario.stations.begin(), scenario.stations.end(),
                           [&](const Station& st) { return st.name == routing.from; });
  if (from == scenario.stations.end()) {
    errors.push_back({"pathway_routing.from", "no station is named \"" + routing.from + "\""});
  }
  for (const auto& [key, station] : routing.routes) {
    const std::string p = "pathway_routing.routes." + key;
    if (key.empty()) {
      errors.push_back({"pathway_routing.routes", "an action code or partner type must not be empty"});
    } else if (stations.count(station) == 0) {
      errors.push_back({p, "no station is named \"" + station + "\""});
    }
  }
  // The classes, in the order the mixes first name them.
  std::vector<std::pair<Urgency, std::string>> classes;
  bool any_complaint = false;
  for (const ArrivalStream& a : scenario.arrivals) {
    for (const TriageClass& c : a.mix) {
      std::pair<Urgency, std::string> cl{c.urgency, c.complaint};
      if (std::find(classes.begin(), classes.end(), cl) == classes.end()) classes.push_back(cl);
      any_complaint = any_complaint || !c.complaint.empty();
    }
  }
  if (!any_complaint) {
    errors.push_back({"pathway_routing",
                      "needs an arrival stream with a mix whose classes name entry complaints (pathways match on "
                      "the complaint)"});
  }
  if (!errors.empty()) return Status::Invalid("pathway_routing is not valid", std::move(errors));

  auto lookup = [&](const std::string& key) -> const std::string* {
    for (const auto& [k, station] : routing.routes) {
      if (k == key) return &station;
    }
    return nullptr;
  };
  std::vector<PathwayRoute> out;
  std::vector<RoutingRule> generated;
  for (const auto& [urgency, complaint] : classes) {
    PathwayRoute pr;
    pr.urgency = urgency;
    pr.complaint = complaint;
    if (!complaint.empty()) {
      CaseFacts facts;
      facts.complaint = complaint;
      facts.urgency = urgency;
      const std::vector<Proposal> proposals = Propose(pathways, facts);
      if (!proposals.empty() && !proposals.front().actions.empty()) {
        const Proposal& p = proposals.front();
        const PathwayAction& action = p.actions.front();
        pr.pathway_id = p.pathway_id;
        pr.pathway_version = p.pathway_version;
        pr.action = action.code;
        const std::string* station = lookup(action.code);
        if (station != nullptr) {
          pr.matched = action.code;
        } else if (action.partner) {
          const std::string partner(ToString(*action.partner));
          station = lookup(partner);
          if (station != nullptr) pr.matched = partner;
        }
        if (station != nullptr) {
          pr.station = *station;
          RoutingRule rule;
          rule.urgencies = {urgency};
          rule.complaints = {complaint};
          rule.next = {{*station, 1.0}};
          generated.push_back(std::move(rule));
        }
      }
    }
    out.push_back(std::move(pr));
  }
  from->routing.insert(from->routing.end(), generated.begin(), generated.end());
  return out;
}

}  // namespace ozcc::engine::simulate
