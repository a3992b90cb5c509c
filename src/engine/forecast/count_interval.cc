#include "engine/forecast/count_interval.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ozcc::engine::forecast {

double NormalQuantile(double p) {
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  double x = 0;
  if (p < kLow) {
    double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - kLow) {
    double q = p - 0.5;
    double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step on erfc.
  double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double JitteredCountQuantile(double mean, double inv_size, double p) {
  mean = std::max(mean, 0.0);
  inv_size = std::max(inv_size, 0.0);
  if (mean <= 0) return 0;
  if (mean > 1e4) {
    double sd = std::sqrt(mean + inv_size * mean * mean + 1.0 / 12);
    return std::max(0.0, mean + sd * NormalQuantile(p));
  }
  // pmf by recurrence, in logs for the first term so that large means do not underflow.
  double pj = 0;
  double ratio_base = 0;
  double size = 0;
  const bool poisson = inv_size < 1e-9;
  if (poisson) {
    pj = std::exp(-mean);
  } else {
    size = 1 / inv_size;
    pj = std::exp(size * std::log(size / (size + mean)));
    ratio_base = mean / (size + mean);
  }
  if (pj <= 0) {  // too far in the tail to start at 0: a normal approximation is exact enough there
    double var = mean + inv_size * mean * mean + 1.0 / 12;
    return std::max(0.0, mean + std::sqrt(var) * NormalQuantile(p));
  }
  double below = 0;  // P(Y < j)
  for (int j = 0; j < 10'000'000; ++j) {
    if (p < below + pj) return std::max(0.0, j - 0.5 + (p - below) / pj);
    below += pj;
    pj *= poisson ? mean / (j + 1) : (j + size) / (j + 1) * ratio_base;
    if (pj <= 0 && below < p) break;
  }
  return std::max(0.0, static_cast<double>(mean));
}

}  // namespace ozcc::engine::forecast
