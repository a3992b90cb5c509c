#!/usr/bin/env bash
# Simulation speed: events per second of `openzcc simulate` on one core (one
# replication, one thread) against SimPy 4 (bench/simulate_simpy.py: the same
# M/M/c model, idiomatic SimPy, counting the same events: one per arrival and
# one per departure) on the same model and horizon in the same run. Goal: a
# ratio >= 100. Both rates are of the simulation loop alone (openzcc's
# wall_seconds, SimPy's env.run), best of the rounds.
#
# Then (full mode) a validation line: the issue's scenario as the command line
# runs it by default (10 replications, all cores) against Erlang C.
#
#   bench/simulate.sh BUILD_DIR            # the issue's M/M/c: 9/h, 60 min, 10 servers, 100 000 h (~1.8 M events)
#   bench/simulate.sh BUILD_DIR --smoke    # the same model, 5 000 h
#
# SimPy is read where it lies: $OZCC_EXTERNAL (or $OZCC_EXTERNAL_DIR, default
# <repo>/../shared/external)/simpy-4.1.2; when absent the baseline is skipped.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [--smoke]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
mode=${2:-full}
repo=$(cd "$(dirname "$0")/.." && pwd)
openzcc=$build/openzcc
[[ -x $openzcc ]] || { echo "bench: $openzcc not built" >&2; exit 2; }
external=${OZCC_EXTERNAL:-${OZCC_EXTERNAL_DIR:-$repo/../shared/external}}
simpy=$external/simpy-4.1.2

if [[ $mode == --smoke ]]; then
  horizon=5000 warmup=100 rounds=2 simpy_rounds=1
else
  horizon=100000 warmup=1000 rounds=5 simpy_rounds=2
fi
rate=9 mean=60 servers=10

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ozcc-bench-sim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/scenario.json" <<JSON
{"horizon_hours": $horizon, "warmup_hours": $warmup,
 "arrivals": [{"name": "calls", "rate_per_hour": $rate, "to": "triage"}],
 "stations": [{"name": "triage", "servers": $servers, "service": {"dist": "exponential", "mean_minutes": $mean}}]}
JSON

echo "== 10. simulation: events/s on one core, openzcc simulate vs SimPy 4, M/M/c lambda=${rate}/h," \
  "mean service ${mean} min, c=${servers}, horizon ${horizon} h (warm-up ${warmup} h)"
# Rounds alternate; each prints "events events_per_s wait_probability mean_wait utilisation".
ozcc_round() {
  local seed=$1
  "$openzcc" simulate --scenario "$tmp/scenario.json" --replications 1 --threads 1 --seed "$seed" \
    --output "$tmp/out.json" 2>/dev/null
  python3 - "$tmp/out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["stations"]["triage"]
print(r["events"], f'{r["events"] / r["wall_seconds"]:.0f}', f'{t["wait_probability"]["mean"]:.4f}',
      f'{t["mean_wait_minutes"]["mean"]:.3f}', f'{t["utilisation"]["mean"]:.4f}')
PY
}
best_ozcc=0 best_simpy=0 ozcc_line="" simpy_line=""
ozcc_rates="" simpy_rates=""
have_simpy=0
[[ -f $simpy/simpy/__init__.py ]] && have_simpy=1
for i in $(seq "$rounds"); do
  read -r ev rps wp mw ut <<<"$(ozcc_round "$i")"
  ozcc_rates+="$rps "
  if (( rps > best_ozcc )); then
    best_ozcc=$rps
    ozcc_line="openzcc_events=$ev openzcc_events_per_s=$rps wait_probability=$wp mean_wait_minutes=$mw utilisation=$ut"
  fi
  if (( have_simpy && i <= simpy_rounds )); then
    out=$(PYTHONPATH=$simpy python3 "$repo/bench/simulate_simpy.py" --rate-per-hour "$rate" --mean-minutes "$mean" \
      --servers "$servers" --horizon-hours "$horizon" --warmup-hours "$warmup" --seed "$i")
    srps=$(grep -o 'simpy_events_per_s=[0-9]*' <<<"$out" | cut -d= -f2)
    simpy_rates+="$srps "
    if (( srps > best_simpy )); then
      best_simpy=$srps
      simpy_line=$out
    fi
  fi
done
echo "openzcc rounds: ${ozcc_rates}events/s"
echo "best: $ozcc_line"
if (( have_simpy )); then
  echo "simpy rounds: ${simpy_rates}events/s"
  echo "best: $simpy_line"
  ratio=$(python3 -c "import sys; print(f'{int(sys.argv[1]) / int(sys.argv[2]):.0f}')" "$best_ozcc" "$best_simpy")
  echo "simulate: openzcc_events_per_s=$best_ozcc simpy_events_per_s=$best_simpy ratio=$ratio" \
    "(goal >= 100: $(python3 -c "print('met' if $ratio >= 100 else 'not met')"))"
else
  echo "simulate: openzcc_events_per_s=$best_ozcc; SimPy baseline skipped: $simpy not found (set OZCC_EXTERNAL)"
fi

[[ $mode == --smoke ]] && exit 0
# Validation: the default run of the issue's scenario against Erlang C.
"$openzcc" simulate --scenario "$tmp/scenario.json" --output "$tmp/val.json" 2>"$tmp/val.err"
python3 - "$tmp/val.json" "$rate" "$mean" "$servers" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lam, mean, c = float(sys.argv[2]) / 60, float(sys.argv[3]), int(sys.argv[4])
a = lam * mean
b = 1.0
for k in range(1, c + 1):
    b = a * b / (k + a * b)
pw = b / (1 - a / c * (1 - b))
want = {"wait_probability": pw, "mean_wait_minutes": pw * mean / (c - a), "utilisation": a / c}
t = r["stations"]["triage"]
print(f"validation: {r['replications']} replications, seed {r['seed']}, {r['events']} events in {r['wall_seconds']:.2f} s")
for k, w in want.items():
    m, (lo, hi) = t[k]["mean"], t[k]["ci95"]
    print(f"  {k}: {m:.4f} [{lo:.4f}, {hi:.4f}] Erlang C {w:.4f} error {100 * (m - w) / w:+.2f}%"
          f" half-width {100 * (hi - lo) / 2 / w:.2f}% {'in' if lo <= w <= hi else 'OUTSIDE'} the interval")
PY
