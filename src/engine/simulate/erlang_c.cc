#include "engine/simulate/erlang_c.h"

#include <cmath>

namespace ozcc::engine::simulate {

Result<MmcFigures> ErlangC(double rate_per_hour, double mean_service_minutes, int servers) {
  if (!(rate_per_hour > 0) || !std::isfinite(rate_per_hour)) {
    return Status::Invalid("bad M/M/c", {{"rate_per_hour", "must be > 0"}});
  }
  if (!(mean_service_minutes > 0) || !std::isfinite(mean_service_minutes)) {
    return Status::Invalid("bad M/M/c", {{"mean_service_minutes", "must be > 0"}});
  }
  if (servers < 1) return Status::Invalid("bad M/M/c", {{"servers", "must be >= 1"}});
  const double lambda = rate_per_hour / 60.0;      // per minute
  const double a = lambda * mean_service_minutes;  // offered load in Erlangs
  const double rho = a / servers;
  if (rho >= 1) return Status::Invalid("M/M/c is not stable", {{"servers", "offered load must be below the servers"}});
  double b = 1;  // Erlang B with 0 servers
  for (int k = 1; k <= servers; ++k) b = a * b / (k + a * b);
  MmcFigures f;
  f.wait_probability = b / (1 - rho * (1 - b));
  f.mean_wait_minutes = f.wait_probability * mean_service_minutes / (servers - a);
  f.utilisation = rho;
  return f;
}

}  // namespace ozcc::engine::simulate
