// Care pathways as routing: turns the worklist's pathways (core/pathways.h)
// into routing rules of a simulation scenario.
//
// For each class of the scenario's mixes (urgency × entry complaint), the
// pathway that Propose() puts first for that complaint and urgency gives its
// first proposed action; `routes` maps the action's code, or else its
// partner type ("vvt", "hap", …), to a station, and the class then goes from
// station `from` to that station (probability 1) by a generated rule,
// tried after the station's own rules. A class with no matching pathway, no
// complaint, or an action that `routes` does not map keeps the station's
// plain `next`. Only complaint and urgency are known of a simulated
// customer: conditions on age, living situation, time of day or known care
// are not checked (Propose lists them as unchecked), so such a pathway is
// taken as it would be proposed to a coordinator who has not asked yet.
//
// Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "core/pathways.h"
#include "engine/simulate/simulator.h"

namespace ozcc::engine::simulate {

struct PathwayRouting {
  std::string from;  // a station's name
  // Action code or partner type → station name, in the scenario's order.
  std::vector<std::pair<std::string, std::string>> routes;
};

// What the expansion decided for one class.
struct PathwayRoute {
  Urgency urgency = Urgency::kU0;
  std::string complaint;   // empty: the class has none
  std::string pathway_id;  // empty: no pathway matched
  int pathway_version = 0;
  std::string action;   // the pathway's first action's code
  std::string matched;  // the key of `routes` that matched: the action code or the partner type; empty: none
  std::string station;  // where the class goes; empty: the plain next
};

// Adds the generated rules to station `routing.from` of `scenario` and
// returns one PathwayRoute per class, in the order the mixes first name
// them. kInvalid naming "pathway_routing.from" (no such station),
// "pathway_routing.routes.KEY" (no such station, or an empty key) or
// "pathway_routing" (no stream has a mix with a complaint: nothing to route).
Result<std::vector<PathwayRoute>> ExpandPathwayRouting(Scenario& scenario, const PathwayRouting& routing,
                                                       const std::vector<Pathway>& pathways);

}  // namespace ozcc::engine::simulate
