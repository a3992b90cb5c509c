#!/usr/bin/env bash
# Runs the libFuzzer targets built in BUILD_DIR, one after the other.
#
#   scripts/fuzz.sh BUILD_DIR SECONDS [TARGET...]
#
#   SECONDS       time per target (libFuzzer -max_total_time); 0 = no time
#                 limit (then set FUZZ_RUNS)
#   TARGET...     only these targets (default: every tests/fuzz/*_fuzz.cc)
#   FUZZ_RUNS=N   stop each target after N executions (-runs=N) instead of,
#                 or (with SECONDS > 0) as well as, the time limit
#   OZCC_FUZZ_CORPUS_DIR=DIR
#                 keep each target's corpus in DIR/<target> and grow it run
#                 after run (a campaign continues where it stopped); default:
#                 a fresh temporary corpus per run
#   OZCC_EXTERNAL_DIR   shared third-party data (default ../shared/external
#                 beside the repo); absent seed locations are skipped
#   OZCC_FUZZ_CRASH_DIR where findings go (default build/fuzz/crashes)
#   FUZZ_NICE           niceness of the fuzzers (default 10: the box is shared)
#
# Per target: first every input under tests/fuzz/regressions/<target>/ is
# replayed (past findings stay fixed), then the target fuzzes with its
# dictionary (tests/fuzz/<target>.dict) and its -max_len, from a corpus
# seeded from tests/fuzz/seeds/, data/regions/, data/pathways/, data/scenarios/,
# data/complaints.json and the external data (JSON minified, HTTP bodies
# wrapped in requests; nothing is copied into the repo). Prints a table — target, executions, seconds, execs/s, corpus
# inputs, findings — and exits non-zero when any target crashes, leaks, times
# out (10 s per input), runs out of memory (2 GiB) or fails a regression.
# A finding is saved as <crash dir>/<target>-crash-<sha1> (or leak-, timeout-,
# oom-); reproduce with BUILD_DIR/tests/fuzz/<target> <that file>.
set -uo pipefail

if [[ $# -lt 2 || ! $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET...]   (env: FUZZ_RUNS, OZCC_FUZZ_CORPUS_DIR)" >&2
  exit 2
fi
build=$1
seconds=$2
shift 2
runs=${FUZZ_RUNS:-}
if [[ -n $runs && ! $runs =~ ^[0-9]+$ ]]; then
  echo "FUZZ_RUNS must be a number" >&2
  exit 2
fi
if [[ $seconds -eq 0 && -z $runs ]]; then
  echo "SECONDS 0 needs FUZZ_RUNS" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
ext=${OZCC_EXTERNAL_DIR:-$repo/../shared/external}
crashes=${OZCC_FUZZ_CRASH_DIR:-$repo/build/fuzz/crashes}
keep=${OZCC_FUZZ_CORPUS_DIR:-}
mkdir -p "$crashes"

# Longest input per target. Short inputs reach every branch of these parsers
# and run faster; the limits fit the (minified) seeds, and for the HTTP target
# a header just past the server's 16 KiB header limit.
max_len_for() {
  case $1 in
    capacity_csv_fuzz | capacity_json_fuzz) echo 4096 ;;
    measure_report_fuzz) echo 6144 ;;
    region_json_fuzz) echo 8192 ;;
    pathway_json_fuzz) echo 10240 ;;
    scenario_json_fuzz) echo 8192 ;;
    spreading_json_fuzz) echo 8192 ;;
    http_request_fuzz) echo 20480 ;;
    *) echo 4096 ;;
  esac
}

# Further libFuzzer flags per target. The entropic power schedule keeps
# per-feature statistics that cost more than the target itself where an input
# touches many thousands of features (the whole API stack, the JSON layer of a
# MeasureReport): measured 4x and 1.8x fewer executions per CPU second with
# no more coverage in the same time, so those two use the plain schedule.
extra_for() {
  case $1 in
    http_request_fuzz | measure_report_fuzz) echo "-entropic=0" ;;
    *) echo "" ;;
  esac
}

# Seeds per target, as "kind:glob" (kind: raw = as is, json = minified).
seeds_for() {
  local s=$repo/tests/fuzz/seeds
  case $1 in
    capacity_csv_fuzz) echo "raw:$s/csv/* raw:$ext/saner/csv/*.csv" ;;
    capacity_json_fuzz) echo "raw:$s/capacity/* json:$ext/saner/examples/*.json json:$ext/fhir-r4/examples/*.json" ;;
    region_json_fuzz) echo "raw:$s/region/* json:$repo/data/regions/*.json" ;;
    pathway_json_fuzz) echo "json:$repo/data/pathways/*.json json:$repo/data/complaints.json" ;;
    case_json_fuzz) echo "raw:$s/case/*" ;;
    scenario_json_fuzz) echo "raw:$s/scenario/* json:$repo/data/scenarios/*.json" ;;
    spreading_json_fuzz) echo "json:$s/spreading/*" ;;
    transfer_json_fuzz) echo "raw:$s/transfer/*" ;;
    placement_json_fuzz) echo "raw:$s/placement/*" ;;
    measure_report_fuzz)
      echo "raw:$s/measure_report/* json:$ext/saner/examples/MeasureReport-*.json json:$ext/fhir-r4/examples/measurereport-*.json"
      ;;
    # Requests, plus the external reports and CSVs as request bodies.
    http_request_fuzz) echo "raw:$s/http/* mr:$ext/saner/examples/MeasureReport-*.json csv:$ext/saner/csv/*.csv" ;;
    *) echo "" ;;
  esac
}

# Writes seed files into a corpus dir: python3 minifies JSON and wraps bodies
# in HTTP requests; seeds longer than max_len are left out (libFuzzer would
# cut them, and a cut JSON document only tests the syntax error path).
# Prints how many were written.
add_seeds() {  # target corpus max_len
  local target=$1 corpus=$2 max_len=$3 list=()
  for spec in $(seeds_for "$target"); do
    local kind=${spec%%:*} pattern=${spec#*:}
    for f in $pattern; do
      [[ -f $f ]] && list+=("$kind:$f")
    done
  done
  [[ ${#list[@]} -eq 0 ]] && { echo 0; return; }
  python3 - "$corpus" "$max_len" "${list[@]}" <<'EOF'
import hashlib, json, os, sys
corpus, max_len, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def minify(data):
    try:
        return json.dumps(json.loads(data), separators=(",", ":"), ensure_ascii=False).encode()
    except ValueError:
        return data
def request(method, target, ctype, token, body):
    head = (f"{method} {target} HTTP/1.1\r\nHost: zcc.example\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body
n = 0
for spec in specs:
    kind, path = spec.split(":", 1)
    data = open(path, "rb").read()
    if kind == "json":
        data = minify(data)
    elif kind == "mr":
        data = request("POST", "/fhir/MeasureReport", "application/fhir+json", "ozs_fuzz_coordinator", minify(data))
    elif kind == "csv":
        data = request("POST", "/api/v1/capacity:import-csv", "text/csv", "ozs_fuzz_manager", data)
    if len(data) > max_len:
        continue
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(corpus, name), "wb") as out:
        out.write(data)
    n += 1
print(n)
EOF
}

# CPU seconds (user + system) used by finished children of this shell
# (`times` must run in this shell, not in a $(...) subshell).
child_cpu() {
  times >"$work/times"
  awk 'END { s = 0
    for (i = 1; i <= NF; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
    printf "%.2f\n", s }' "$work/times"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ozcc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# UBSan is compiled in recoverable mode; make every finding fatal. ASan keeps
# 10 frames of each allocation's stack instead of 30 and does not hand freed
# pages back to the kernel: recording stacks and re-faulting pages cost 15% of
# the HTTP target's time. Reproducing a finding (the binary on the file, with
# no ASAN_OPTIONS) shows the full stacks.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:malloc_context_size=10:allocator_release_to_os_interval_ms=-1}

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for src in "$repo"/tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$src" .cc)"); done
fi

failed=0
rows=()
row() { rows+=("$(printf '%-20s %12s %8s %9s %7s %9s  %s' "$@")"); }
for name in "${targets[@]}"; do
  bin=$build/tests/fuzz/$name
  if [[ ! -x $bin ]]; then
    row "$name" - - - - - "not built (its code does not exist yet?)"
    continue
  fi

  # Past findings first.
  reg=$repo/tests/fuzz/regressions/$name
  nreg=0
  if [[ -d $reg ]] && compgen -G "$reg/*" >/dev/null; then
    nreg=$(find "$reg" -type f | wc -l)
    if ! "$bin" "$reg"/* >"$work/$name.regressions.log" 2>&1; then
      failed=1
      tail -n 40 "$work/$name.regressions.log"
      row "$name" - - - - 1 "FAILED: a regression input under tests/fuzz/regressions/$name crashes again"
      continue
    fi
  fi

  max_len=$(max_len_for "$name")
  if [[ -n $keep ]]; then
    corpus=$keep/$name
  else
    corpus=$work/$name
  fi
  mkdir -p "$corpus"
  nseeds=$(add_seeds "$name" "$corpus" "$max_len")
  # -reload=0: one process per corpus, so no need to re-list it every second.
  args=(-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -reload=0
        -artifact_prefix="$crashes/$name-")
  [[ $seconds -gt 0 ]] && args+=(-max_total_time="$seconds")
  [[ -n $runs ]] && args+=(-runs="$runs")
  [[ -f $repo/tests/fuzz/$name.dict ]] && args+=(-dict="$repo/tests/fuzz/$name.dict")
  read -ra extra <<<"$(extra_for "$name")"
  args+=("${extra[@]}")
  echo "== $name: ${seconds}s${runs:+, $runs runs}, max_len $max_len, $nseeds seeds, $nreg regression inputs"
  log=$work/$name.log
  before_artifacts=$(find "$crashes" -maxdepth 1 -name "$name-*" | wc -l)
  child_cpu >"$work/cpu0"
  t0=$(date +%s.%N)
  nice -n "${FUZZ_NICE:-10}" "$bin" "${args[@]}" "$corpus" >"$log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  child_cpu >"$work/cpu1"
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  cpu=$(awk -v a="$(cat "$work/cpu0")" -v b="$(cat "$work/cpu1")" 'BEGIN { printf "%.1f", b - a }')
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n1 | awk '{print $2}')
  rate=$(awk -v e="${execs:-0}" -v w="$wall" 'BEGIN { printf "%d", (w > 0 ? e / w : 0) }')
  cpurate=$(awk -v e="${execs:-0}" -v c="$cpu" 'BEGIN { printf "%d", (c > 0 ? e / c : 0) }')
  ncorpus=$(find "$corpus" -type f | wc -l)
  findings=$(($(find "$crashes" -maxdepth 1 -name "$name-*" | wc -l) - before_artifacts))
  if [[ $rc -ne 0 ]]; then
    failed=1
    tail -n 60 "$log"
    saved=$(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //' | tail -n1)
    row "$name" "${execs:-?}" "$wall" "$rate" "$ncorpus" "$findings" "FAILED (exit $rc) ${saved:-see log above}"
  else
    row "$name" "${execs:-?}" "$wall" "$rate" "$ncorpus" "$findings" "ok (cpu ${cpu}s, ${cpurate} execs per cpu-s)"
  fi
done

echo
printf '%-20s %12s %8s %9s %7s %9s  %s\n' target executions seconds execs/s corpus findings result
printf '%s\n' "${rows[@]}"
exit $failed
