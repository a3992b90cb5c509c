#!/usr/bin/env bash
# Cross-instance event latency on PostgreSQL: two `openzcc serve` on one
# database; a writer PUTs capacity on instance 1, SSE clients listen on
# instance 2, and we take the time from "PUT acknowledged" to "event
# received" (bench/sse_latency.cc). Baseline, same run: the clients on
# instance 1 itself. Goal (issue 4): p99 < 200 ms across instances.
#
#   scripts/with-postgres.sh bench/cross_instance.sh BUILD_DIR [--smoke]
#
# Needs OZCC_TEST_PG (a database it may fill; with-postgres.sh provides a
# throwaway one). bench/run.sh calls it that way.
set -euo pipefail

if [[ $# -lt 1 || -z ${OZCC_TEST_PG:-} ]]; then
  echo "usage: scripts/with-postgres.sh $0 BUILD_DIR [--smoke]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
mode=${2:-full}
repo=$(cd "$(dirname "$0")/.." && pwd)
openzcc=$build/openzcc
sse_bin=$build/bench/ozcc_bench_sse
db=$OZCC_TEST_PG
if [[ $mode == --smoke ]]; then
  clients=20 updates=20
else
  clients=500 updates=300
fi

pids=()
tmp=$(mktemp -d "$build/bench-cross.XXXXXX")
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
raise_file_limit

pw=bench-password-1
"$openzcc" migrate --db "$db" >/dev/null
"$openzcc" region import "$repo/data/regions/zwn.json" --db "$db" >/dev/null
echo "$pw" | "$openzcc" user add --username bench --role admin --password-stdin --db "$db" >/dev/null
read -r unit org < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
u = next(u for u in d["units"] if u["type"] == "seh")
print(u["id"], u["organization_id"])' "$repo/data/regions/zwn.json")
feed=$("$openzcc" token create --org "$org" --name bench --db "$db" | tail -n1)
ports=()
for i in 1 2; do
  p=$(free_port)
  "$openzcc" serve --db "$db" --listen "127.0.0.1:$p" --no-access-log >"$tmp/server$i.log" 2>&1 &
  pids+=($!)
  ports+=("$p")
done
for p in "${ports[@]}"; do wait_http "http://127.0.0.1:$p/readyz" -f; done
session=$(curl -sf -X POST "http://127.0.0.1:${ports[0]}/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

echo "== 4. Cross-instance events on PostgreSQL: PUT acknowledged on instance 1 -> event on instance 2," \
  "$clients clients, $updates updates 20 ms apart"
run() {  # CLIENT_PORT
  "$sse_bin" --port "$1" --write-port "${ports[0]}" --session "$session" --feed-token "$feed" --unit "$unit" \
    --clients "$clients" --updates "$updates" --timeout-s 120
}
cross=$(run "${ports[1]}")
same=$(run "${ports[0]}")
echo "other instance: $cross"
echo "same instance:  $same"
p99_cross=$(field p99_ms <<<"$cross")
p99_same=$(field p99_ms <<<"$same")
lost=$(field missing <<<"$cross")
echo "ack->event p99: ${p99_cross} ms across instances, ${p99_same} ms on the writing instance," \
  "ratio $(ratio "$p99_cross" "$p99_same")" \
  "(goal p99 < 200 ms: $(python3 -c "print('met' if $p99_cross < 200 else 'not met')"))"
if [[ ${lost:-0} != 0 ]]; then
  echo "bench: $lost events never reached instance 2" >&2
  exit 1
fi
