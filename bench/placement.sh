#!/usr/bin/env bash
# 12. Follow-up placement matching at scale: GET /api/v1/placements/{id}/matches
# (docs/placement.md) over a region with BENCH_FOLLOW_UP_UNITS follow-up units,
# next to the floor of reading the same rows through the engine's C API on the
# same database, measured in the same run (ozcc_bench_query_baseline
# placement). Goal (issue 15): p99 < 20 ms at 2,000 units.
#
#   bench/placement.sh BUILD_DIR [--smoke] [sqlite]
#   scripts/with-postgres.sh bench/placement.sh BUILD_DIR [--smoke] postgres
#
# Data (bench/placement_setup.py, fixed seeds): a region file PBN with the
# follow-up units (elv-low/high/palliative, vvt-crisis, ggz-crisis; four a
# provider, providers spread around 50 Dutch towns) with varied admission
# criteria (one in twenty without), and five hospitals; imported with
# `openzcc region import`, as an operator does. Through the API as the region's
# ROAZ coordinator: two capacity reports for every follow-up unit
# (POST /api/v1/capacity:batch; one a day old, then a fresh one for all but
# every eighth unit, which stays stale), BENCH_RESERVATIONS placements offered
# to their best match and accepted (held beds the matching subtracts) and
# BENCH_PLACEMENTS waiting placements with varied care types and profiles,
# whose matches are the timed reads (in turn).
#
# Load: wrk (bench/query.lua) with 1 connection (one request after another,
# as the baseline) for the figure and goal, then 8 connections (-t2) for the
# figure under concurrency; BENCH_SECONDS each (10; smoke 2) after a warm-up.
# Baseline: the placement, the region tree with every unit and the criteria,
# the units' latest reports and the held reservations (the statements the
# store runs to match a placement from nothing), one read after another, in
# one read transaction, doing nothing with the rows. The server keeps the
# region's follow-up units between requests (service/follow_up_units.h) and
# reads only what changed, so a ratio below 1 is what that copy saves over
# a server that reads the rows each time and ranks nothing. Ratio: server
# p99 / baseline p99.
#
# Scale (env): BENCH_FOLLOW_UP_UNITS (2000; smoke 200), BENCH_PLACEMENTS (8),
# BENCH_RESERVATIONS (40; smoke 5). Everything runs on 127.0.0.1 in a temp dir
# under BUILD_DIR that is removed at the end (PostgreSQL: the database
# with-postgres.sh made).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [--smoke] [sqlite|postgres]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
mode=${2:-full}
store=${3:-sqlite}
repo=$(cd "$(dirname "$0")/.." && pwd)
openzcc=$build/openzcc
base_bin=$build/bench/ozcc_bench_query_baseline
[[ -x $base_bin ]] || { echo "placement: $base_bin not built (configure with -DOZCC_BENCH=ON)" >&2; exit 2; }
if [[ $mode == --smoke ]]; then
  n_units=${BENCH_FOLLOW_UP_UNITS:-200} n_res=${BENCH_RESERVATIONS:-5} secs=${BENCH_SECONDS:-2} warm=1
else
  n_units=${BENCH_FOLLOW_UP_UNITS:-2000} n_res=${BENCH_RESERVATIONS:-40} secs=${BENCH_SECONDS:-10} warm=3
fi
n_placements=${BENCH_PLACEMENTS:-8}

tmp=$(mktemp -d "$build/bench-placement.XXXXXX")
chmod 755 "$tmp"
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

case $store in
  sqlite) db=$tmp/bench.db label=SQLite base_db=(--sqlite "$db") ;;
  postgres)
    [[ -n ${OZCC_TEST_PG:-} ]] || { echo "usage: scripts/with-postgres.sh $0 BUILD_DIR [--smoke] postgres" >&2; exit 2; }
    db=$OZCC_TEST_PG label=PostgreSQL base_db=(--pg "$db")
    ;;
  *) echo "placement: unknown store $store" >&2; exit 2 ;;
esac

setup=$repo/bench/placement_setup.py
python3 "$setup" region "$n_units" "$tmp/region.json" >"$tmp/region.txt"
pw=bench-password-1
"$openzcc" migrate --db "$db" >/dev/null
"$openzcc" region import "$tmp/region.json" --db "$db" >/dev/null
echo "$pw" | "$openzcc" user add --username coordinator --role roaz-coordinator --region PBN --password-stdin \
  --db "$db" >/dev/null
"$openzcc" patient-key generate "$tmp/patient.key" >/dev/null
port=$(free_port)
base=http://127.0.0.1:$port
"$openzcc" serve --db "$db" --listen "127.0.0.1:$port" --patient-key "$tmp/patient.key" >>"$tmp/server.log" 2>&1 &
server_pid=$!
wait_http "$base/readyz" -f

session=$(python3 "$repo/bench/worklist_setup.py" login "$base" coordinator "$pw")
filled=$(cd "$repo/bench" && python3 "$setup" fill "$base" "$session" "$tmp/region.json" "$n_placements" "$n_res" "$tmp")
bytes=$(curl -sf -H "Authorization: Bearer $session" "$base$(head -n1 "$tmp/paths.txt")" | wc -c)
echo "== 12. [$label] GET /api/v1/placements/{id}/matches, $(cat "$tmp/region.txt");" \
  "$filled; response $((bytes / 1024)) KB; 1 then 8 connections, ${secs}s each"

export OZCC_BENCH_TOKEN=$session OZCC_BENCH_PATH="" OZCC_BENCH_PATHS=$tmp/paths.txt OZCC_BENCH_BODIES=""
# wrk leaves a request it gave up on (--timeout) out of its percentiles: 60 s, so that a slow (sanitizer) build
# still gives whole figures, and a timeout makes the run fail. wrk counts only requests that end within the
# run: on a slow build some runs may finish none (then the figure is n/a, not 0).
OZCC_BENCH_NAME=warm wrk -c4 -t2 -d"${warm}s" --timeout 60s -s "$repo/bench/query.lua" "$base" >/dev/null
out=$(OZCC_BENCH_NAME=matches wrk -c1 -t1 -d"${secs}s" --timeout 60s -s "$repo/bench/query.lua" "$base" |
  grep "^matches_"
  OZCC_BENCH_NAME=matches_c8 wrk -c8 -t2 -d"${secs}s" --timeout 60s -s "$repo/bench/query.lua" "$base" |
  grep "^matches_c8_")
echo "$out"
if grep -o '_non200=[0-9]*' <<<"$out" | grep -qv '=0$'; then echo "placement: matches failed" >&2; exit 1; fi
if grep -o '_timeouts=[0-9]*' <<<"$out" | grep -qv '=0$'; then echo "placement: requests timed out" >&2; exit 1; fi

kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=""
bl=$("$base_bin" "${base_db[@]}" --seconds "$((secs / 2 > 0 ? secs / 2 : 1))" placement --region PBN \
  --placement "$(head -n1 "$tmp/placements.txt")")
echo "baseline (C API reads): $bl"
# The p99 of a wrk run (NAME), or n/a when no request finished in it.
p99_of() {
  if grep -q "^$1_requests=0 " <<<"$out"; then echo n/a; else grep -o "$1_p99_ms=[0-9.]*" <<<"$out" | cut -d= -f2; fi
}
p99=$(p99_of matches)
p99_c8=$(p99_of matches_c8)
b99=$(field p99_ms <<<" $bl")
if [[ $p99 == n/a ]]; then
  verdict="n/a: no request finished in ${secs}s (BENCH_SECONDS)" r=n/a
else
  verdict=$(python3 -c "print('met' if float('$p99') < 20 else 'not met')") r=$(ratio "$p99" "$b99")
fi
echo "matches p99: ${p99} ms (8 connections: ${p99_c8} ms) over $n_units follow-up units; baseline p99 $b99 ms," \
  "ratio $r (goal p99 < 20 ms: $verdict)"
