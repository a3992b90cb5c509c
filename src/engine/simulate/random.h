// Random numbers for the simulation: xoshiro256++ (Blackman and Vigna), seeded
// through SplitMix64, and the few variates the model needs. Header-only so
// that the hot loop inlines them.
//
// A generator is a small value (32 bytes); it is not thread-safe, each
// replication owns one. Reproducible: the same (seed, stream) gives the same
// sequence on every platform (only integer arithmetic and IEEE doubles).
#pragma once

#include <cmath>
#include <cstdint>

namespace ozcc::engine::simulate {

// SplitMix64 finaliser: a bijective mix of 64 bits.
constexpr std::uint64_t Mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  // Stream `stream` of `seed`: replication r of a run uses stream r, so each
  // replication's numbers depend on (seed, r) only, never on the thread that
  // runs it.
  Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = Mix64(seed) ^ Mix64(Mix64(stream) + 0x632BE59BD9B4E019ULL);
    for (auto& w : s_) {
      x += 0x9E3779B97F4A7C15ULL;
      w = Mix64(x);
    }
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform on (0, 1]: never 0, so log() of it is finite.
  double UniformOpen0() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }

  // Exponential with the given mean (ziggurat: one 64-bit draw and a table
  // look-up for 98.9% of the values, no logarithm).
  double Exponential(double mean) { return mean * StandardExponential(); }
  double StandardExponential();

  // Standard normal (Box-Muller; one value per call, the second is dropped:
  // used only by the lognormal and gamma service times, not by arrivals).
  double Normal() {
    const double r = std::sqrt(-2.0 * std::log(UniformOpen0()));
    const double u = UniformOpen0();
    return r * std::cos(2.0 * 3.14159265358979323846 * u);
  }

  // Gamma with shape k > 0 and scale 1 (Marsaglia and Tsang 2000; for k < 1
  // the boost U^(1/k)).
  double Gamma(double k) {
    if (k < 1.0) return Gamma(k + 1.0) * std::pow(UniformOpen0(), 1.0 / k);
    const double d = k - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x = 0;
      double v = 0;
      do {
        x = Normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = UniformOpen0();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// The ziggurat of exp(-x), x >= 0 (Marsaglia and Tsang 2000), 256 layers
// of equal area v: layer i is the rectangle [0, x[i]) × [f[i], f[i+1]], layer
// 0 the base strip under f(r) with the tail beyond r folded in.
struct ExpZiggurat {
  static constexpr double kR = 7.69711747013104972;   // x[1], where the tail starts
  static constexpr double kV = 3.949659822581572e-3;  // the area of each layer
  double x[257];
  double f[257];
  ExpZiggurat() {
    x[0] = kV / std::exp(-kR);
    x[1] = kR;
    for (int i = 1; i < 255; ++i) x[i + 1] = -std::log(kV / x[i] + std::exp(-x[i]));
    x[256] = 0;
    for (int i = 0; i < 257; ++i) f[i] = std::exp(-x[i]);
  }
  static const ExpZiggurat& Get() {
    static const ExpZiggurat kTables;
    return kTables;
  }
};

inline double Rng::StandardExponential() {
  const ExpZiggurat& z = ExpZiggurat::Get();
  for (;;) {
    const std::uint64_t bits = Next();
    const int i = static_cast<int>(bits & 0xFF);
    const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.x[i];
    if (x < z.x[i + 1]) return x;                                   // inside the part of the layer under the curve
    if (i == 0) return ExpZiggurat::kR - std::log(UniformOpen0());  // the tail, memoryless
    if (z.f[i] + (z.f[i + 1] - z.f[i]) * UniformOpen0() < std::exp(-x)) return x;
  }
}

}  // namespace ozcc::engine::simulate
