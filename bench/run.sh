#!/usr/bin/env bash
# OpenZCC benchmarks. Each prints its figures and a ratio against a baseline
# measured in the same run; nothing here asserts on time.
#
#   bench/run.sh BUILD_DIR            # full run (make bench): ~2 min, and the
#                                     # fills of 6-7 (minutes per store at full scale)
#   bench/run.sh BUILD_DIR --smoke    # a few seconds each (make test)
#   bench/run.sh BUILD_DIR --snapshot # only 1., full length (~2.5 min)
#
# BUILD_DIR holds a Release openzcc and the helpers of bench/CMakeLists.txt
# (-DOZCC_BENCH=ON). Needs wrk, nginx (nginx-light), curl, python3.
#   1. snapshot: GET /api/v1/capacity/snapshot?region=ZWN, plain (66 KB, no
#      Accept-Encoding) and gzip (4 KB), on openzcc vs nginx serving the same
#      bytes and headers as static files. Both write their access log as they
#      do by default (openzcc: one line per request on stdout, here a file;
#      nginx: access_log combined to a file); the script checks that every
#      request was logged by both. wrk -c64 -t2, alternating rounds (openzcc,
#      nginx, per encoding), best of each; ratio openzcc / nginx per encoding
#      (goal >= 1.0), and the ratio of the medians. Also the server's CPU time
#      per request (user + system of all its threads or workers, from /proc),
#      median of the rounds: on a box shared with wrk and other work it varies
#      far less than req/s. NGINX_EXTRA adds directives to nginx's http block
#      (e.g. "sendfile on; tcp_nopush on;", as Debian's nginx.conf has).
#      `--snapshot` runs only this one, at full length.
#   2. durable updates: PUT /api/v1/units/{id}/capacity round-robin over the
#      172 ZWN units, 64 connections (wrk + put_capacity.lua), SQLite store;
#      baseline: fsync'd single-row SQLite inserts/s without group commit on
#      the same disk; ratio server / baseline (goal >= 5000 updates/s).
#   3. SSE: write acknowledged -> event received at 1000 connected clients,
#      p50/p99 (goal p99 < 50 ms); baseline: the same loop with 1 client.
#   4. across instances (bench/cross_instance.sh, on a throwaway PostgreSQL):
#      write acknowledged on instance 1 -> event on instance 2 (goal p99 <
#      200 ms); baseline: the clients on instance 1.
#   5. reliability (bench/reliability.sh): SIGKILL mid-load on SQLite and
#      PostgreSQL, PostgreSQL restarted under load, overload; prints writes
#      acknowledged, kills, lost=0, duplicates=0, recovery time, peak RSS.
#   6, 7. (bench/worklist.sh, on SQLite and then on a throwaway PostgreSQL)
#      72-hour contact history lookup with 10 M contacts stored (goal p99 <
#      5 ms) and the open worklist of a region with 200 open and 1 M closed
#      cases (goal p99 < 20 ms); baseline: the same queries through the C API
#      on the same database. Scale: BENCH_CONTACTS, BENCH_CLOSED_CASES, ….
#   8. (bench/cross_instance.sh handover) a handover accepted on instance 1
#      -> its event on the coordinator's stream on instance 2 (goal p99 <
#      200 ms); baseline: the streams on instance 1.
#   9. (bench/forecast.sh) forecasts: rolling-origin backtests of ED arrivals
#      (1, 2 h) and occupancy (7, 14 days) on ../shared/external, MAE, MASE
#      and 80% interval coverage next to seasonal naive, a Poisson GLM and
#      statsmodels ETS (goal: better than each; coverage 78-82%).
#  10. (bench/simulate.sh) simulation events/s on one core, openzcc simulate
#      vs SimPy 4 on the same M/M/c model and horizon (goal ratio >= 100),
#      and (full) the issue's scenario against Erlang C.
#  11. (bench/spreading.sh) spreading: openzcc spread's solve time on 2,000
#      patients x 80 hospitals and 20,000 x 300 (goals < 20 ms, < 0.3 s)
#      against HiGHS on the same instance (same optimum, goal >= 100x).
#  12. (bench/placement.sh, on SQLite and then on a throwaway PostgreSQL)
#      follow-up placement matching:
#      GET /api/v1/placements/{id}/matches over a generated region with 2,000
#      follow-up units with admission criteria and capacity (some stale) and
#      held reservations, 1 then 8 connections (goal p99 < 20 ms); baseline:
#      the same rows read through the engine's C API on the same database.
# Everything runs on 127.0.0.1 in a temp dir under BUILD_DIR (same disk as a
# real store) that is removed at the end; every load is bounded in time.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [--smoke|--snapshot]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
mode=${2:-full}
repo=$(cd "$(dirname "$0")/.." && pwd)
openzcc=$build/openzcc
sse_bin=$build/bench/ozcc_bench_sse
base_bin=$build/bench/ozcc_bench_sqlite_baseline
for f in "$openzcc" "$sse_bin" "$base_bin" "$build/bench/ozcc_bench_query_baseline"; do
  [[ -x $f ]] || { echo "bench: $f not built (configure with -DOZCC_BENCH=ON)" >&2; exit 2; }
done
for t in wrk nginx curl python3 sqlite3 psql; do
  command -v "$t" >/dev/null || { echo "bench: $t is not installed" >&2; exit 2; }
done

if [[ $mode == --smoke ]]; then
  dur=2 base_secs=2 sse_clients=50 sse_updates=20 rounds=1 snap_rounds=1
else
  dur=10 base_secs=5 sse_clients=1000 sse_updates=200 rounds=2 snap_rounds=${SNAP_ROUNDS:-3}
fi

tmp=$(mktemp -d "$build/bench-run.XXXXXX")
server_pid="" nginx_pid=""
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
raise_file_limit
wrk_rps() { grep -o 'Requests/sec: *[0-9.]*' | awk '{print $2}'; }

# --- server -------------------------------------------------------------------
db=$tmp/bench.db
pw=bench-password-1
"$openzcc" region import "$repo/data/regions/zwn.json" --db "$db" >/dev/null
echo "$pw" | "$openzcc" user add --username bench --role admin --password-stdin --db "$db" >/dev/null
# Units and their types; the SSE writer's unit is the first SEH, its feed token is for that organisation.
python3 - "$repo/data/regions/zwn.json" "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
with open(sys.argv[2] + "/units.txt", "w") as f:
    for u in d["units"]:
        f.write(f"{u['id']} {u['type']}\n")
seh = next(u for u in d["units"] if u["type"] == "seh")
open(sys.argv[2] + "/sse_unit", "w").write(seh["id"])
open(sys.argv[2] + "/sse_org", "w").write(seh["organization_id"])
PY
sse_unit=$(cat "$tmp/sse_unit")
feed=$("$openzcc" token create --org "$(cat "$tmp/sse_org")" --name bench --db "$db" | tail -n1)
port=$(free_port)
# As shipped: the access log is on (one line per request on stdout). Appended
# (O_APPEND) so that the snapshot benchmark can count and truncate it.
# The SSE benchmark's streams are all one user's, from one address: the per-user (default 8) and
# per-address (32) stream limits are lifted.
"$openzcc" serve --db "$db" --listen "127.0.0.1:$port" --streams-per-user 10000 --streams-per-address 10000 \
  >>"$tmp/server.log" 2>&1 &
server_pid=$!
base=http://127.0.0.1:$port
wait_http "$base/healthz"
session=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
echo "openzcc $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo "?") on 127.0.0.1:$port, $(nproc) cores, mode ${mode#--}"

# --- 1. snapshot vs nginx -------------------------------------------------------
echo
echo "== 1. GET /api/v1/capacity/snapshot?region=ZWN, plain and gzip: openzcc vs nginx static files," \
  "both access logs on, wrk -c64 -t2 -d${dur}s"
mkdir -p "$tmp/nginx/www"
snap_url="$base/api/v1/capacity/snapshot?region=ZWN"
curl -sf -D "$tmp/snap-gzip.headers" -o "$tmp/nginx/www/snapshot.gz" -H "Authorization: Bearer $session" \
  -H 'Accept-Encoding: gzip' "$snap_url"
curl -sf -D "$tmp/snap-plain.headers" -o "$tmp/nginx/www/snapshot.json" -H "Authorization: Bearer $session" "$snap_url"
grep -qi '^content-encoding: gzip' "$tmp/snap-gzip.headers" || { echo "bench: snapshot was not gzip" >&2; exit 1; }
grep -qi '^content-encoding' "$tmp/snap-plain.headers" && { echo "bench: plain snapshot was encoded" >&2; exit 1; }
etag=$(grep -i '^etag:' "$tmp/snap-gzip.headers" | cut -d' ' -f2- | tr -d '\r')
nport=$(free_port)
chmod 755 "$tmp" "$tmp/nginx" "$tmp/nginx/www"
chmod 644 "$tmp/nginx/www/snapshot.gz" "$tmp/nginx/www/snapshot.json"
# openzcc's headers on the snapshot, so nginx sends as many bytes of head.
nginx_headers="
      add_header ETag '$etag';
      add_header Cache-Control \"private, no-cache\";
      add_header Vary Accept-Encoding;
      add_header Content-Security-Policy \"default-src 'none'; frame-ancestors 'none'\";
      add_header X-Content-Type-Options nosniff;
      add_header X-Frame-Options DENY;
      add_header Referrer-Policy no-referrer;
      add_header X-Request-Id \$request_id;"
{
  [[ $EUID -eq 0 ]] && echo "user root;"
  cat <<NGINX
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
  # nginx's default access log (format "combined", one write per request),
  # named explicitly so that the script can count its lines.
  access_log $tmp/nginx/access.log combined;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 1000000;
  ${NGINX_EXTRA:-}
  server {
    listen 127.0.0.1:$nport;
    types { }
    default_type application/json;
    etag off;
    location = /plain/api/v1/capacity/snapshot {$nginx_headers
      alias $tmp/nginx/www/snapshot.json;
    }
    location = /gzip/api/v1/capacity/snapshot {$nginx_headers
      add_header Content-Encoding gzip;
      alias $tmp/nginx/www/snapshot.gz;
    }
  }
}
NGINX
} >"$tmp/nginx/nginx.conf"
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' 2>"$tmp/nginx/stderr.log" &
nginx_pid=$!
nginx_base="http://127.0.0.1:$nport"
wait_http "$nginx_base/gzip/api/v1/capacity/snapshot?region=ZWN"
for enc in plain gzip; do
  ext=$([[ $enc == gzip ]] && echo gz || echo json)
  curl -sf -o "$tmp/nginx.body" -H 'Accept-Encoding: gzip' "$nginx_base/$enc/api/v1/capacity/snapshot?region=ZWN"
  cmp -s "$tmp/nginx.body" "$tmp/nginx/www/snapshot.$ext" || { echo "bench: nginx serves other $enc bytes" >&2; exit 1; }
  echo "same bytes ($enc): $(stat -c %s "$tmp/nginx.body") bytes, ETag $etag"
done
# CPU ticks (user + system) used so far by the given processes.
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# One wrk run: URL, encoding, the server's access log, its pids. Prints
# "req_per_s requests logged_lines cpu_us_per_request" and empties the log
# (both servers open theirs with O_APPEND).
snap_wrk() {
  local url=$1 enc=$2 log=$3 out lines t0 t1
  shift 3
  : >"$log"
  t0=$(cpu_ticks "$@")
  if [[ $enc == gzip ]]; then
    out=$(wrk -c64 -t2 -d"${dur}s" -H "Authorization: Bearer $session" -H 'Accept-Encoding: gzip' "$url")
  else
    out=$(wrk -c64 -t2 -d"${dur}s" -H "Authorization: Bearer $session" "$url")
  fi
  sleep 1  # lets an asynchronous access log catch up before counting
  t1=$(cpu_ticks "$@")
  lines=$(wc -l <"$log")
  : >"$log"
  local reqs
  reqs=$(grep -o '[0-9]* requests in' <<<"$out" | awk '{print $1}')
  echo "$(wrk_rps <<<"$out") $reqs $lines $(us_per_request "$((t1 - t0))" "$reqs")"
}
us_per_request() {  # TICKS REQUESTS
  python3 -c 'import sys; t, hz, r = map(int, sys.argv[1:]); print(f"{t * 1e6 / hz / r:.1f}")' "$1" "$(getconf CLK_TCK)" "$2"
}
best() { python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" "$@"; }
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
nginx_workers=$(pgrep -P "$nginx_pid" | tr '\n' ' ')
declare -A ozcc_runs=() nginx_runs=() ozcc_cpu=() nginx_cpu=() unlogged=()
for _ in $(seq "$snap_rounds"); do
  for enc in plain gzip; do
    # openzcc's stdout also holds the application log: count access lines only
    # by what the run added (the application logs nothing per request).
    read -r rps reqs lines cpu <<<"$(snap_wrk "$snap_url" "$enc" "$tmp/server.log" "$server_pid")"
    ozcc_runs[$enc]+="$rps " ozcc_cpu[$enc]+="$cpu "
    (( lines < reqs )) && unlogged[$enc]+="openzcc:$((reqs - lines)) "
    # shellcheck disable=SC2086
    read -r rps reqs lines cpu <<<"$(snap_wrk "$nginx_base/$enc/api/v1/capacity/snapshot?region=ZWN" "$enc" \
      "$tmp/nginx/access.log" $nginx_workers)"
    nginx_runs[$enc]+="$rps " nginx_cpu[$enc]+="$cpu "
    (( lines < reqs )) && unlogged[$enc]+="nginx:$((reqs - lines)) "
  done
done
kill "$nginx_pid" && wait "$nginx_pid" 2>/dev/null || true
nginx_pid=""
for enc in plain gzip; do
  # shellcheck disable=SC2086
  o=$(best ${ozcc_runs[$enc]}) n=$(best ${nginx_runs[$enc]})
  echo "$enc rounds: openzcc ${ozcc_runs[$enc]}req/s; nginx ${nginx_runs[$enc]}req/s;" \
    "requests not in the access log: ${unlogged[$enc]:-none}"
  echo "$enc best: openzcc_req_per_s=$o nginx_req_per_s=$n ratio=$(ratio "$o" "$n") (goal >= 1.0)"
  # shellcheck disable=SC2086
  om=$(median ${ozcc_runs[$enc]}) nm=$(median ${nginx_runs[$enc]})
  echo "$enc median: openzcc_req_per_s=$om nginx_req_per_s=$nm ratio=$(ratio "$om" "$nm")"
  # shellcheck disable=SC2086
  oc=$(median ${ozcc_cpu[$enc]}) nc=$(median ${nginx_cpu[$enc]})
  echo "$enc cpu per request (rounds: openzcc ${ozcc_cpu[$enc]}us; nginx ${nginx_cpu[$enc]}us):" \
    "openzcc_cpu_us=$oc nginx_cpu_us=$nc nginx/openzcc=$(ratio "$nc" "$oc")"
done
[[ $mode == --snapshot ]] && exit 0

# --- 2. durable updates ---------------------------------------------------------
echo
echo "== 2. PUT /api/v1/units/{id}/capacity over $(wc -l <"$tmp/units.txt") units, wrk -c64 -t2 -d${dur}s, SQLite synchronous=FULL"
put_out=$(OZCC_BENCH_UNITS="$tmp/units.txt" OZCC_BENCH_TOKEN="$session" \
  wrk -c64 -t2 -d"${dur}s" -s "$repo/bench/put_capacity.lua" "$base" 2>"$tmp/put.err")
put_line=$(grep '^put_requests=' <<<"$put_out")
put_rps=$(grep -o 'put_req_per_s=[0-9.]*' <<<"$put_line" | cut -d= -f2)
[[ -s $tmp/put.err ]] && head -n3 "$tmp/put.err"
base_out=$("$base_bin" "$tmp" "$base_secs")
base_rps=$(awk '/^inserts_per_s/ {print $2}' <<<"$base_out")
echo "$put_line"
echo "baseline_sqlite_fsync_inserts_per_s=$base_rps (one transaction per row, WAL, synchronous=FULL, same disk)"
echo "ratio=$(ratio "$put_rps" "$base_rps") (goal >= 5000 updates/s: $(python3 -c "print('met' if float('$put_rps') >= 5000 else 'not met')"))"

# --- 3. SSE latency --------------------------------------------------------------
echo
echo "== 3. SSE: PUT acknowledged -> event received, $sse_clients clients vs 1 client, $sse_updates updates 20 ms apart"
sse_many=$("$sse_bin" --port "$port" --session "$session" --feed-token "$feed" --unit "$sse_unit" \
  --clients "$sse_clients" --updates "$sse_updates" --timeout-s 60)
sse_one=$("$sse_bin" --port "$port" --session "$session" --feed-token "$feed" --unit "$sse_unit" \
  --clients 1 --updates "$sse_updates" --timeout-s 30)
echo "many: $sse_many"
echo "one:  $sse_one"
p99_many=$(field p99_ms <<<"$sse_many")
p99_one=$(field p99_ms <<<"$sse_one")
s99_many=$(field send_to_event_p99_ms <<<"$sse_many")
s99_one=$(field send_to_event_p99_ms <<<"$sse_one")
echo "ack->event p99: ${p99_many} ms at $sse_clients clients, ${p99_one} ms at 1 client, ratio $(ratio "$p99_many" "$p99_one")" \
  "(goal p99 < 50 ms: $(python3 -c "print('met' if float('$p99_many') < 50 else 'not met')"))"
echo "send->event p99: ${s99_many} ms at $sse_clients clients, ${s99_one} ms at 1 client, ratio $(ratio "$s99_many" "$s99_one")"

# --- 4. events across instances (PostgreSQL) -------------------------------------
echo
"$repo/scripts/with-postgres.sh" "$repo/bench/cross_instance.sh" "$build" "$mode" capacity

# --- 5. reliability ---------------------------------------------------------------
echo
echo "== 5. reliability: SIGKILL mid-load, PostgreSQL restart under load, overload (bench/reliability.sh)"
kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=""
"$repo/bench/reliability.sh" "$build" "$mode"

# --- 6, 7. contact history and worklist at scale; 8. handover across instances -----
echo
"$repo/bench/worklist.sh" "$build" "$mode" sqlite
echo
"$repo/scripts/with-postgres.sh" "$repo/bench/worklist.sh" "$build" "$mode" postgres
echo
"$repo/scripts/with-postgres.sh" "$repo/bench/cross_instance.sh" "$build" "$mode" handover
echo
"$repo/bench/forecast.sh" "$build" "$mode"

# --- 10. simulation vs SimPy ---------------------------------------------------------
echo
"$repo/bench/simulate.sh" "$build" "$mode"

# --- 11. spreading vs HiGHS ------------------------------------------------------------
echo
"$repo/bench/spreading.sh" "$build" "$mode"

# --- 12. placement matching ----------------------------------------------------------
echo
"$repo/bench/placement.sh" "$build" "$mode" sqlite
echo
"$repo/scripts/with-postgres.sh" "$repo/bench/placement.sh" "$build" "$mode" postgres
