// Closed forms of the M/M/c queue (Poisson arrivals, exponential service, c
// servers, FIFO, unlimited queue), for validating the simulation and for
// quick estimates. Erlang C is computed through the Erlang B recursion, which
// is stable for any number of servers.
//
// Units as in simulator.h: arrivals per hour, service and waits in minutes.
// Pure; thread-safe.
#pragma once

#include "base/status.h"

namespace ozcc::engine::simulate {

struct MmcFigures {
  double wait_probability = 0;   // Erlang C: P(an arrival waits)
  double mean_wait_minutes = 0;  // mean wait in queue over all arrivals
  double utilisation = 0;        // λ / (c μ)
};

// kInvalid unless rate_per_hour > 0, mean_service_minutes > 0, servers >= 1
// and the queue is stable (utilisation < 1).
Result<MmcFigures> ErlangC(double rate_per_hour, double mean_service_minutes, int servers);

}  // namespace ozcc::engine::simulate
