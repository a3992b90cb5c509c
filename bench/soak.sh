#!/usr/bin/env bash
# OpenZCC soak test: a long run of steady mixed load against one release
# `openzcc serve` on SQLite with the demo regions (ZWN + DEMO2), sampling the
# server every window to see whether memory, open files or latency creep.
#
#   bench/soak.sh BUILD_DIR            # one hour, one-minute windows
#   bench/soak.sh BUILD_DIR --short    # 20 s, 5 s windows (make bench)
#
# Before the load, SOAK_PREFILL capacity reports per region are committed in
# batches of 100 (the same bodies as the load's), so the event replay rings
# (20 000 events per region, ~0.5 KiB each) are full before the first window:
# a bounded cache that is still filling is not a trend. The script waits until
# /metrics shows them kept (openzcc_event_replay_events).
#
# Load, all at once for the whole run (paced, not flat out; see bench/soak.lua):
#   - snapshot reads   wrk -t1 -c$SOAK_READ_CONNS, each connection pausing SOAK_READ_DELAY_MS
#   - capacity PUTs    wrk -t1 -c$SOAK_PUT_CONNS, pause SOAK_PUT_DELAY_MS
#   - capacity batches wrk -t1 -c$SOAK_BATCH_CONNS, pause SOAK_BATCH_DELAY_MS, SOAK_BATCH_ITEMS items
#   - SSE streams      ozcc_bench_soak_sse: SOAK_SSE_CLIENTS streams over both regions, held
#                      throughout; SOAK_SSE_CHURN of them closed and reopened (Last-Event-ID)
#                      every window
# wrk runs one window at a time (-d WINDOW), so each window has its own
# latency percentiles; its connections are new each window. In the middle of
# each window the script samples the server: VmRSS and Threads from
# /proc/PID/status, open files (ls /proc/PID/fd | wc -l), from /metrics
# openzcc_event_subscribers, the replay rings' events and bytes and glibc's
# heap in use and held free (openzcc_heap_*_bytes), the database size. Before the load starts and after it stops
# it samples the idle server too.
#
# Environment (defaults: full / --short): SOAK_SECONDS (3600 / 20), SOAK_PREFILL (20000 / 200),
# SOAK_WINDOW (60 / 5), SOAK_SSE_CLIENTS (300 / 50), SOAK_SSE_CHURN (10 / 5),
# SOAK_READ_CONNS (8), SOAK_READ_DELAY_MS (10), SOAK_PUT_CONNS (4),
# SOAK_PUT_DELAY_MS (50), SOAK_BATCH_CONNS (1), SOAK_BATCH_DELAY_MS (1000),
# SOAK_BATCH_ITEMS (10), SOAK_OUT (output folder; full: BUILD_DIR/soak-<UTC time>,
# kept; --short: a temp folder, removed unless SOAK_OUT is given).
#
# Output in SOAK_OUT: soak.csv (one row per window), summary.txt (the printed
# summary), server.log, sse.log. The summary compares the first and the last
# K windows (K = min(10, windows/3)) and judges "flat" by these rules:
#   rss      max VmRSS of the last K windows < 1.10 × VmRSS at the end of warm-up
#            (the K-th window; warm-up fills caches and the 20 000-event replay rings)
#   fd       max open files of the last K windows <= max of the first K + 5, and
#            the server's idle sockets after the load <= before it (files are the
#            pooled SQLite connections, opened lazily: reported, not judged)
#   p99      median of the per-window p99s of the last K windows <= 2 × the median
#            of the first K, for reads and for PUTs (batches: reported, not judged;
#            too few per window for a stable p99)
#   errors   no failed request, no SSE stream dropped by the server, all streams
#            connected at the end, server alive throughout
# Nothing asserts on time; the exit status is 1 only when the run itself broke
# (server died, a tool failed). Loopback only; every load is bounded in time.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [--short]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
mode=${2:-full}
repo=$(cd "$(dirname "$0")/.." && pwd)
openzcc=$build/openzcc
sse_bin=$build/bench/ozcc_bench_soak_sse
for f in "$openzcc" "$sse_bin"; do
  [[ -x $f ]] || { echo "soak: $f not built (configure with -DOZCC_BENCH=ON)" >&2; exit 2; }
done
for t in wrk curl python3; do
  command -v "$t" >/dev/null || { echo "soak: $t is not installed" >&2; exit 2; }
done

if [[ $mode == --short ]]; then
  d_seconds=20 d_window=5 d_clients=50 d_churn=5 d_prefill=200
else
  d_seconds=3600 d_window=60 d_clients=300 d_churn=10 d_prefill=20000
fi
prefill=${SOAK_PREFILL:-$d_prefill}
seconds=${SOAK_SECONDS:-$d_seconds}
window=${SOAK_WINDOW:-$d_window}
sse_clients=${SOAK_SSE_CLIENTS:-$d_clients}
sse_churn=${SOAK_SSE_CHURN:-$d_churn}
read_conns=${SOAK_READ_CONNS:-8} read_delay=${SOAK_READ_DELAY_MS:-10}
put_conns=${SOAK_PUT_CONNS:-4} put_delay=${SOAK_PUT_DELAY_MS:-50}
batch_conns=${SOAK_BATCH_CONNS:-1} batch_delay=${SOAK_BATCH_DELAY_MS:-1000} batch_items=${SOAK_BATCH_ITEMS:-10}
windows=$((seconds / window))
((windows >= 1)) || { echo "soak: SOAK_SECONDS must be at least SOAK_WINDOW" >&2; exit 2; }

keep_out=1
if [[ -n ${SOAK_OUT:-} ]]; then
  out=$SOAK_OUT
elif [[ $mode == --short ]]; then
  out=$(mktemp -d "$build/soak-short.XXXXXX") keep_out=0
else
  out=$build/soak-$(date -u +%Y%m%dT%H%M%SZ)
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "$build/soak-run.XXXXXX")
server_pid="" sse_pid="" wrk_pids=()
cleanup() {
  for p in "${wrk_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n $sse_pid ]] && kill "$sse_pid" 2>/dev/null && wait "$sse_pid" 2>/dev/null
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
  ((keep_out)) || rm -rf "$out"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
raise_file_limit
kv() { grep -o "$1=[0-9.]*" "$2" 2>/dev/null | tail -n1 | cut -d= -f2; }  # KEY FILE
status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$server_pid/status"; }
fds() { ls "/proc/$server_pid/fd" | wc -l; }
sockets() { find "/proc/$server_pid/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
metric_in() { awk -v m="$1" '$1 == m {print $2}'; }  # NAME: its value in the /metrics text on stdin
metric() { curl -sf "$base/metrics" | metric_in "$1"; }  # NAME: its value now
metrics_kb() {  # NAME...: each value / 1024 in the /metrics text on stdin, comma-separated (empty where absent)
  awk -v names="$*" 'BEGIN { n = split(names, want, " ") }
    { v[$1] = $2 } END { for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? "," : ""), (want[i] in v ? int(v[want[i]] / 1024) : "") }'
}
db_mb() { du -cm "$db"* 2>/dev/null | tail -n1 | cut -f1; }

# --- server -------------------------------------------------------------------
db=$tmp/soak.db
pw=soak-password-1
"$openzcc" region import "$repo/data/regions/zwn.json" --db "$db" >/dev/null
"$openzcc" region import "$repo/data/regions/demo-small.json" --db "$db" >/dev/null
echo "$pw" | "$openzcc" user add --username soak --role admin --password-stdin --db "$db" >/dev/null
python3 - "$tmp/units.txt" "$repo/data/regions/zwn.json" "$repo/data/regions/demo-small.json" <<'PY'
import json, random, sys
rows = []
for path in sys.argv[2:]:
    d = json.load(open(path))
    rows += [f"{u['id']} {u['type']} {d['region']['id']}\n" for u in d["units"]]
random.Random(4).shuffle(rows)  # both regions' units interleaved: each region sees a steady stream
open(sys.argv[1], "w").writelines(rows)
PY
regions=ZWN,$(awk '$3 != "ZWN" {print $3}' "$tmp/units.txt" | sort -u | paste -sd,)
port=$(free_port)
"$openzcc" serve --db "$db" --listen "127.0.0.1:$port" --no-access-log >"$out/server.log" 2>&1 &
server_pid=$!
base=http://127.0.0.1:$port
wait_http "$base/healthz"
session=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"soak\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo "?")
{
  echo "openzcc $commit soak: ${seconds}s in $windows windows of ${window}s, $(nproc) cores, nice $(ps -o ni= $$ | tr -d ' '),"
  echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg); started $(date -u +%FT%TZ)"
  echo "  reads ${read_conns}c/${read_delay}ms, PUTs ${put_conns}c/${put_delay}ms, batches ${batch_conns}c/${batch_delay}ms x $batch_items," \
    "$sse_clients SSE streams over $regions (churn $sse_churn per window); output $out"
} | tee "$out/header.txt"

# Idle figures before any load (after one snapshot of each region, so both are built once).
for r in ${regions//,/ }; do curl -sf -o /dev/null -H "Authorization: Bearer $session" "$base/api/v1/capacity/snapshot?region=$r"; done
idle_fd_before=$(fds) idle_sock_before=$(sockets) idle_rss_before=$(status_kb VmRSS)

# --- prefill: fill the replay rings ------------------------------------------------
if ((prefill > 0)); then
  prefill_start=$(date +%s)
  python3 - "$base" "$session" "$tmp/units.txt" "$prefill" <<'PY'
import json, sys, urllib.request
base, token, units_file, per_region = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
by_region = {}
for line in open(units_file):
    uid, typ, region = line.split()
    by_region.setdefault(region, []).append((uid, typ))
def report(uid, typ, n):  # the same bodies as bench/soak.lua's report_body
    occ = n % 18
    beds = {"total": 20, "staffed": 18, "occupied": occ, "available": 18 - occ}
    ed = {"status": "open", "waiting": n % 25, "in_treatment": 4, "boarding": 1, "crowding": n % 150}
    item = {"unit_id": uid}
    if typ != "hap": item["beds"] = beds
    if typ in ("hap", "seh"): item["ed"] = ed
    return item
for region, units in sorted(by_region.items()):
    for start in range(0, per_region, 100):
        items = [report(*units[(start + i) % len(units)], start + i) for i in range(min(100, per_region - start))]
        req = urllib.request.Request(base + "/api/v1/capacity:batch", data=json.dumps({"items": items}).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        urllib.request.urlopen(req).read()
PY
  n_regions=$(tr , '\n' <<<"$regions" | wc -l)
  kept_per_region=$((prefill < 20000 ? prefill : 20000))  # a ring keeps at most 20 000 (EventHub)
  for _ in $(seq 100); do  # the events are published as the writes commit
    (($(metric openzcc_event_replay_events || echo 0) >= kept_per_region * n_regions)) && break
    sleep 0.1
  done
  echo "  prefill: $prefill reports per region in $(($(date +%s) - prefill_start)) s; kept events" \
    "$(metric openzcc_event_replay_events), $(($(metric openzcc_event_replay_bytes) / 1024)) KiB of event text," \
    "rss $(($(status_kb VmRSS) / 1024)) MiB" | tee -a "$out/header.txt"
fi

# --- load -----------------------------------------------------------------------
"$sse_bin" --port "$port" --session "$session" --regions "$regions" --clients "$sse_clients" \
  --seconds $((seconds + 600)) --churn "$sse_churn" --churn-every-s "$window" --report-s 1 >"$out/sse.log" 2>&1 &
sse_pid=$!
for _ in $(seq 100); do  # streams up (at most 10 s)
  [[ $(kv connected "$out/sse.log") == "$sse_clients" ]] && break
  sleep 0.1
done

csv=$out/soak.csv
echo "window,t_s,rss_kb,fd,threads,subscribers,sse_connected,sse_events,sse_drops,sse_stalled,read_req,read_err,read_rps,read_p50_ms,read_p99_ms,read_max_ms,put_req,put_err,put_rps,put_p50_ms,put_p99_ms,put_max_ms,batch_req,batch_err,batch_p99_ms,batch_max_ms,db_mb,load1,rss_anon_kb,hwm_kb,replay_events,replay_kb,heap_in_use_kb,heap_free_kb" >"$csv"
load_wrk() {  # MODE CONNS DELAY_MS OUTFILE
  OZCC_SOAK_MODE=$1 OZCC_SOAK_DELAY_MS=$3 OZCC_SOAK_BATCH_ITEMS=$batch_items OZCC_SOAK_REGIONS=$regions \
    OZCC_BENCH_UNITS="$tmp/units.txt" OZCC_BENCH_TOKEN="$session" \
    wrk -t1 -c"$2" -d"${window}s" --timeout 30s -s "$repo/bench/soak.lua" "$base" >"$4" 2>>"$out/wrk.err"
}
start=$(date +%s)
prev_events=0 broken=""
for w in $(seq "$windows"); do
  load_wrk read "$read_conns" "$read_delay" "$tmp/read.out" &
  wrk_pids=($!)
  load_wrk put "$put_conns" "$put_delay" "$tmp/put.out" &
  wrk_pids+=($!)
  load_wrk batch "$batch_conns" "$batch_delay" "$tmp/batch.out" &
  wrk_pids+=($!)
  sleep $((window / 2))
  if ! kill -0 "$server_pid" 2>/dev/null; then broken="the server exited in window $w"; break; fi
  rss=$(status_kb VmRSS) anon=$(status_kb RssAnon) hwm=$(status_kb VmHWM) threads=$(status_kb Threads) fd=$(fds)
  scraped=$(curl -sf "$base/metrics" || true)  # one scrape per window
  replay_events=$(metric_in openzcc_event_replay_events <<<"$scraped")
  mem_kb=$(metrics_kb openzcc_event_replay_bytes openzcc_heap_in_use_bytes openzcc_heap_free_bytes <<<"$scraped")
  subs=$(metric_in openzcc_event_subscribers <<<"$scraped")
  sse_conn=$(kv connected "$out/sse.log") sse_drops=$(kv drops "$out/sse.log") sse_stalled=$(kv stalled "$out/sse.log")
  for p in "${wrk_pids[@]}"; do wait "$p" || true; done
  wrk_pids=()
  events=$(kv events "$out/sse.log")
  row=("$w" $(($(date +%s) - start)) "$rss" "$fd" "$threads" "$subs" "$sse_conn" $((events - prev_events)) "$sse_drops" "$sse_stalled")
  prev_events=$events
  for m in read put batch; do
    f=$tmp/$m.out
    [[ -s $f ]] || { broken="wrk ($m) printed nothing in window $w: $(tail -n2 "$out/wrk.err" 2>/dev/null)"; break 2; }
    case $m in
      read | put) row+=("$(kv ${m}_requests "$f")" "$(kv ${m}_errors "$f")" "$(kv ${m}_req_per_s "$f")" "$(kv ${m}_p50_ms "$f")" "$(kv ${m}_p99_ms "$f")" "$(kv ${m}_max_ms "$f")") ;;
      batch) row+=("$(kv batch_requests "$f")" "$(kv batch_errors "$f")" "$(kv batch_p99_ms "$f")" "$(kv batch_max_ms "$f")") ;;
    esac
  done
  row+=("$(db_mb)" "$(cut -d' ' -f1 /proc/loadavg)" "$anon" "$hwm" "$replay_events" "$mem_kb")
  (IFS=,; echo "${row[*]}") >>"$csv"
  printf 'window %3d/%d: rss %6.1f MiB  fd %4d  streams %s  read p99 %7s ms  put p99 %7s ms  batch p99 %7s ms  errors %s/%s/%s  load %s\n' \
    "$w" "$windows" "$(awk "BEGIN{print $rss/1024}")" "$fd" "$sse_conn" "${row[14]}" "${row[20]}" "${row[24]}" \
    "${row[11]}" "${row[17]}" "${row[23]}" "${row[27]}"
done

# --- idle again ------------------------------------------------------------------
kill -TERM "$sse_pid" 2>/dev/null || true
sse_rc=0
wait "$sse_pid" || sse_rc=$?
sse_pid=""
idle_fd_after="" idle_sock_after="" idle_rss_after="" subs_after="" settle_s=""
if [[ -z $broken ]] && kill -0 "$server_pid" 2>/dev/null; then
  # The server sees a closed stream when it next writes to it (an event, or the
  # heartbeat every 15 s); from then on openzcc_event_subscribers no longer
  # counts it. One PUT per region (an event to write), then wait for the sockets.
  for i in $(seq 40); do
    for r in ${regions//,/ }; do
      unit=$(awk -v r="$r" '$3 == r && $2 != "hap" {print $1; exit}' "$tmp/units.txt")
      curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $session" -H 'Content-Type: application/json' \
        -d '{"beds":{"total":20,"staffed":18,"occupied":9,"available":9}}' "$base/api/v1/units/$unit/capacity" || true
    done
    idle_fd_after=$(fds) idle_sock_after=$(sockets)
    subs_after=$(metric openzcc_event_subscribers || echo "")
    settle_s=$i
    ((idle_sock_after <= idle_sock_before)) && [[ $subs_after == 0 ]] && break
    sleep 1
  done
  idle_rss_after=$(status_kb VmRSS)
elif [[ -z $broken ]]; then
  broken="the server exited"
fi
{
  echo "  ended $(date -u +%FT%TZ); load average at end: $(cut -d' ' -f1-3 /proc/loadavg); database $(db_mb) MiB"
  echo "  idle before load: fd $idle_fd_before ($idle_sock_before sockets), rss $((idle_rss_before / 1024)) MiB;" \
    "after load: fd ${idle_fd_after:-?} (${idle_sock_after:-?} sockets), rss $((${idle_rss_after:-0} / 1024)) MiB," \
    "event subscribers ${subs_after:-?} (settled after ${settle_s:-?} s)"
  echo "  SSE client: $(grep 'final=1' "$out/sse.log" | tail -n1) (exit $sse_rc)"
} | tee -a "$out/header.txt"

python3 - "$csv" "$idle_sock_before" "${idle_sock_after:-}" "${subs_after:-}" "$sse_clients" "$out/sse.log" "$broken" <<'PY' | tee "$out/summary.txt"
import csv, re, statistics, sys
path, sock_before, sock_after, subs_after, clients, sse_log, broken = sys.argv[1:8]
rows = list(csv.DictReader(open(path)))
def num(r, k):
    try: return float(r[k])
    except (ValueError, TypeError): return float("nan")
n = len(rows)
print()
print(f"{'win':>4} {'t_s':>5} {'rss MiB':>8} {'fd':>5} {'thr':>4} {'subs':>5} {'events':>8} {'read/s':>7} {'read p99':>9} {'put/s':>6} {'put p99':>8} {'batch p99':>9} {'err':>4} {'db MiB':>6} {'load':>5}")
step = 1 if n <= 20 else 5
for i, r in enumerate(rows):
    if i % step and i != n - 1 and i >= 10 and i < n - 10: continue
    err = int(num(r, 'read_err') + num(r, 'put_err') + num(r, 'batch_err'))
    print(f"{r['window']:>4} {r['t_s']:>5} {num(r,'rss_kb')/1024:8.1f} {r['fd']:>5} {r['threads']:>4} {r['subscribers']:>5} {r['sse_events']:>8} "
          f"{num(r,'read_rps'):7.0f} {num(r,'read_p99_ms'):9.2f} {num(r,'put_rps'):6.0f} {num(r,'put_p99_ms'):8.2f} {num(r,'batch_p99_ms'):9.2f} {err:>4} {r['db_mb']:>6} {r['load1']:>5}")
if n == 0:
    print("verdict: no windows completed" + (f" ({broken})" if broken else ""))
    sys.exit(0)
k = max(1, min(10, n // 3))
first, last = rows[:k], rows[-k:]
med = lambda rs, key: statistics.median(num(r, key) for r in rs)
checks = []
rss_base = num(rows[k - 1], "rss_kb")
rss_last = max(num(r, "rss_kb") for r in last)
growth = rss_last / rss_base - 1 if rss_base else float("nan")
checks.append(("rss", growth < 0.10, f"VmRSS {rss_base/1024:.1f} MiB after warm-up (window {k}) -> max {rss_last/1024:.1f} MiB in the last {k}: {growth*100:+.1f} % (rule < +10 %)"))
def trend(rs, key):  # MiB per hour, least squares
    xs = [num(r, "t_s") for r in rs]
    ys = [num(r, key) / 1024 for r in rs]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx * 3600 if sxx else 0.0
if n > k + 2:
    print(f"\nVmRSS trend after warm-up (least squares): {trend(rows[k - 1:], 'rss_kb'):+.2f} MiB/hour")
if len(last) >= 3:
    # Growth that stops is warm-up (replay rings of 20 000 events per region fill at the
    # region's write rate; a quiet region takes long); growth that goes on to the end is a leak.
    line = f"VmRSS trend in the last {k} windows: {trend(last, 'rss_kb'):+.2f} MiB/hour"
    if all(r.get("rss_anon_kb") for r in last):
        line += f" (RssAnon {trend(last, 'rss_anon_kb'):+.2f})"
    if all(r.get("hwm_kb") for r in rows):
        line += f"; peak VmHWM {max(num(r, 'hwm_kb') for r in rows) / 1024:.1f} MiB"
    print(line + " (informational: growth that stops is warm-up, growth to the end is a leak)")
    parts = [f"{label} {num(rows[k - 1], key) / 1024:.1f} -> {num(rows[-1], key) / 1024:.1f} MiB ({trend(last, key):+.2f} MiB/hour in the last {k})"
             for key, label in (("heap_in_use_kb", "heap in use"), ("heap_free_kb", "heap held free"), ("replay_kb", "replay ring text"))
             if all(r.get(key) for r in last + [rows[k - 1]])]
    if parts:
        print("from /metrics, end of warm-up -> end: " + "; ".join(parts))
fd_first = max(int(num(r, "fd")) for r in first)
fd_last = max(int(num(r, "fd")) for r in last)
fd_ok = fd_last <= fd_first + 5
idle = ""
if sock_after:
    fd_ok = fd_ok and int(sock_after) <= int(sock_before)
    idle = f"; idle sockets {sock_before} before the load, {sock_after} after"
checks.append(("fd", fd_ok, f"open files max {fd_first} in the first {k} windows, {fd_last} in the last {k}{idle} (rule: last <= first + 5, idle sockets after <= before)"))
for key, name in (("read", "reads"), ("put", "PUTs")):
    a, b = med(first, f"{key}_p99_ms"), med(last, f"{key}_p99_ms")
    checks.append((f"{key} p99", b <= 2 * a, f"{name}: median p99 {a:.2f} ms in the first {k} windows, {b:.2f} ms in the last {k}: {b/a if a else float('nan'):.2f}x (rule <= 2x); worst window {max(num(r, key + '_p99_ms') for r in rows):.2f} ms"))
a, b = med(first, "batch_p99_ms"), med(last, "batch_p99_ms")
print(f"batches (not judged): median p99 {a:.2f} ms first {k}, {b:.2f} ms last {k}")
errors = sum(int(num(r, f"{m}_err")) for r in rows for m in ("read", "put", "batch"))
reqs = {m: int(sum(num(r, f"{m}_req") for r in rows)) for m in ("read", "put", "batch")}
final = open(sse_log).read().strip().splitlines()
final = [l for l in final if "final=1" in l]
fields = dict(re.findall(r"(\w+)=([0-9.]+)", final[-1])) if final else {}
drops = int(fields.get("drops", "-1"))
connected = int(fields.get("connected", "-1"))
ok = not broken and errors == 0 and drops == 0 and connected == int(clients) and (subs_after in ("", "0"))
checks.append(("errors", ok, f"{reqs['read']} reads, {reqs['put']} PUTs, {reqs['batch']} batches, {errors} failed; SSE: {fields.get('events','?')} events, "
               f"{drops} dropped by the server, {fields.get('churned','?')} closed on purpose, {connected}/{clients} connected at the end, "
               f"{fields.get('reloads','?')} reloads, longest wait between events {fields.get('max_gap_s','?')} s; subscribers after {subs_after or '?'}"
               + (f"; BROKEN: {broken}" if broken else "")))
print(f"\nfirst {k} vs last {k} of {n} windows:")
for name, good, text in checks:
    print(f"  {'ok  ' if good else 'FAIL'} {name:9} {text}")
flat = all(g for _, g, _ in checks)
print(f"\nverdict: {'flat' if flat else 'NOT flat'}" + ("" if n >= 30 else f" (only {n} windows: a smoke run, not a soak)"))
PY
echo "soak: results in $out$( ((keep_out)) || echo " (removed: --short without SOAK_OUT)")"
[[ -z $broken ]] || { echo "soak: $broken" >&2; exit 1; }
