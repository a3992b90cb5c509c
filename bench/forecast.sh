#!/usr/bin/env bash
# 9. Forecasts: rolling-origin backtests on the external series, ours next to
# baselines measured in the same run (bench/forecast_baselines.py says how
# each baseline is made and scaled).
#   ED arrivals (UIHC hourly, ../shared/external/ed-arrivals): every origin
#   hour of 2017 Q4 (2017-10-01T00 .. 2017-12-31T21), horizons 1 and 2 h,
#   history from 2013-07-01; holidays (Christmas, New Year's Day,
#   Thanksgiving, Independence Day) from the file's flags.
#   Occupancy (LCPS national COVID occupancy, clinic + IC, and admissions,
#   ../shared/external/occupancy-nl): every origin day 2020-11-01 ..
#   2021-01-30 whose target lies in the data, horizons 7 and 14 days, input
#   from 2020-10-17 (admissions start there).
# Prints per horizon MAE, MASE and the coverage of the 80% interval for ours,
# seasonal naive, a Poisson GLM and statsmodels ETS, and whether the goals
# (better than every baseline; coverage 78-82%) are met. Also the time
# openzcc took per forecast.
#
#   bench/forecast.sh BUILD_DIR [--smoke]   # smoke: the last week of origins
#
# Needs python3 with numpy, scipy and statsmodels (Debian python3-statsmodels;
# /usr/bin/python3 is preferred). The data directory is OZCC_EXTERNAL
# (default <repo>/../shared/external); when it is absent this prints so and
# skips.
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
ext=${OZCC_EXTERNAL:-$repo/../shared/external}
echo "== 9. forecasts: rolling-origin backtests, ours vs seasonal naive, Poisson GLM, ETS (bench/forecast.sh)"
if [[ ! -f $ext/ed-arrivals/uihc_ed_arrivals_2013_2017.csv || ! -f $ext/occupancy-nl/lcps_by_day_2020-02-27_2021-01-31.csv ]]; then
  echo "forecast: external data not found under $ext (set OZCC_EXTERNAL); skipped"
  exit 0
fi
py=python3
[[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
if ! "$py" -c 'import numpy, scipy, statsmodels' 2>/dev/null; then
  echo "forecast: $py lacks numpy/scipy/statsmodels (scripts/install-deps.sh installs python3-statsmodels); skipped"
  exit 0
fi

tmp=$(mktemp -d "$build/bench-forecast.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$py" "$repo/bench/forecast_baselines.py" prepare "$ext" "$tmp"

if [[ $mode == --smoke ]]; then
  echo "(smoke: the last week of origins only; MAE and coverage of so few forecasts say little, the goals are judged on the full run)"
  ed_from=2017-12-24T00:00:00 occ_from=2021-01-10
else
  ed_from=2017-10-01T00:00:00 occ_from=2020-11-01
fi
ed_to=2017-12-31T21:00:00 occ_to=2021-01-30

# Seconds (wall) of a command, its output discarded.
timed() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); python3 -c "print(f'{$t1 - $t0:.2f}')"; }

echo
secs=$(timed "$openzcc" forecast ed-arrivals --input "$tmp/ed.csv" --holidays "$tmp/holidays.csv" \
  --origins "$ed_from..$ed_to" --horizons 1,2 --output "$tmp/ed_ours.csv")
n=$(($(wc -l <"$tmp/ed_ours.csv") - 1))
echo "openzcc forecast ed-arrivals: $n forecasts in ${secs}s ($(python3 -c "print(f'{$secs * 1e6 / $n:.0f}')") us each," \
  "history read afresh for every origin)"
"$py" "$repo/bench/forecast_baselines.py" ed "$tmp" "$tmp/ed_ours.csv" "$ed_from" "$ed_to" 1,2

echo
secs=$(timed "$openzcc" forecast occupancy --input "$tmp/occupancy.csv" --origins "$occ_from..$occ_to" \
  --horizons 7,14 --output "$tmp/occ_ours.csv")
n=$(($(wc -l <"$tmp/occ_ours.csv") - 1))
echo "openzcc forecast occupancy: $n forecasts in ${secs}s"
"$py" "$repo/bench/forecast_baselines.py" occupancy "$tmp" "$tmp/occ_ours.csv" "$occ_from" "$occ_to" 7,14
