#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR for SECONDS each.
#
#   scripts/fuzz.sh BUILD_DIR SECONDS
#
# Each target gets a fresh temporary corpus seeded from where the seeds lie
# (nothing is copied into the repo): tests/fuzz/seeds/, data/regions/ and the
# shared external data ($OZCC_EXTERNAL_DIR, default ../shared/external relative
# to the repo; absent seed locations are skipped). Prints the executions per
# target (libFuzzer -print_final_stats=1) and exits non-zero when any target
# crashes, leaks, times out or runs out of memory; the input is saved under
# build/fuzz/crashes/ (override with OZCC_FUZZ_CRASH_DIR). Reproduce with
#   BUILD_DIR/tests/fuzz/<target> build/fuzz/crashes/<target>-crash-<sha1>
set -uo pipefail

if [[ $# -ne 2 || ! $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build=$1
seconds=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
ext=${OZCC_EXTERNAL_DIR:-$repo/../shared/external}
crashes=${OZCC_FUZZ_CRASH_DIR:-$repo/build/fuzz/crashes}
mkdir -p "$crashes"

# Seed locations per target (globs; unmatched ones are ignored).
seeds_for() {
  case $1 in
    capacity_csv_fuzz) echo "$repo/tests/fuzz/seeds/csv/* $ext/saner/csv/*.csv" ;;
    capacity_json_fuzz) echo "$repo/tests/fuzz/seeds/capacity/* $ext/saner/examples/*.json $ext/fhir-r4/examples/*.json" ;;
    region_json_fuzz) echo "$repo/tests/fuzz/seeds/region/* $repo/data/regions/*.json" ;;
    measure_report_fuzz) echo "$repo/tests/fuzz/seeds/measure_report/* $ext/saner/examples/MeasureReport-*.json $ext/fhir-r4/examples/measurereport-*.json" ;;
    *) echo "" ;;
  esac
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ozcc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# UBSan is compiled in recoverable mode; make every finding fatal.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}

failed=0
summary=()
for src in "$repo"/tests/fuzz/*_fuzz.cc; do
  name=$(basename "$src" .cc)
  bin=$(find "$build" -type f -name "$name" -perm -u+x 2>/dev/null | head -n1)
  if [[ -z $bin ]]; then
    summary+=("$(printf '%-22s %14s  %s' "$name" "-" "not built (its parser does not exist yet?)")")
    continue
  fi
  corpus="$work/$name"
  mkdir -p "$corpus"
  nseeds=0
  for pattern in $(seeds_for "$name"); do
    for f in $pattern; do
      [[ -f $f ]] || continue
      cp "$f" "$corpus/seed-$nseeds-$(basename "$f")"
      nseeds=$((nseeds + 1))
    done
  done
  args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
        -artifact_prefix="$crashes/$name-")
  [[ -f $repo/tests/fuzz/$name.dict ]] && args+=(-dict="$repo/tests/fuzz/$name.dict")
  echo "== $name: ${seconds}s, $nseeds seeds"
  log="$work/$name.log"
  "$bin" "${args[@]}" "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n1 | awk '{print $2}')
  if [[ $rc -ne 0 ]]; then
    failed=1
    tail -n 60 "$log"
    saved=$(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //' | tail -n1)
    summary+=("$(printf '%-22s %14s  %s' "$name" "${execs:-?}" "FAILED (exit $rc) input: ${saved:-see log above}")")
  else
    summary+=("$(printf '%-22s %14s  %s' "$name" "${execs:-?}" "ok")")
  fi
done

echo
printf '%-22s %14s  %s\n' "target" "executions" "result"
printf '%s\n' "${summary[@]}"
exit $failed
