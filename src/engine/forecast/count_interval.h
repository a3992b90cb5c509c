// Prediction intervals for counts. Pure functions, no state.
#pragma once

namespace ozcc::engine::forecast {

// The p-quantile (0 < p < 1) of Y + U, where Y is a count with mean `mean`
// (>= 0) and U is uniform on [-0.5, 0.5]: the count distribution with each
// count's mass spread over the unit interval around it. Its quantiles move
// continuously with the mean, so an interval [Q(0.1), Q(0.9)] covers an
// observed count 80% of the time on average instead of the 85-90% of the
// integer quantiles. Y is negative binomial with variance
// mean + inv_size * mean^2 (inv_size >= 0; 0 = Poisson). Results below 0
// are returned as 0. For a mean above 1e4 a normal approximation is used.
double JitteredCountQuantile(double mean, double inv_size, double p);

// The standard normal quantile (Acklam's rational approximation refined by
// one Halley step; absolute error < 1e-12 on 0 < p < 1).
double NormalQuantile(double p);

}  // namespace ozcc::engine::forecast
