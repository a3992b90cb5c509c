#!/usr/bin/env bash
# Reliability runs (called by bench/run.sh, or alone):
#   bench/reliability.sh BUILD_DIR            # full: 5 SIGKILLs per store, 4 PostgreSQL
#                                             # restarts, 5 000 idle connections, … (~3 min)
#   bench/reliability.sh BUILD_DIR --smoke    # one SIGKILL on SQLite (the ctest smoke covers the rest)
# Runs ozcc_bench_reliability under scripts/with-postgres.sh (the crash run on
# PostgreSQL uses that server; the restart run starts a private one), in a temp
# dir under BUILD_DIR that is removed at the end. Prints one line per scenario
# and a summary: writes acknowledged, kills, lost, duplicates, worst recovery
# time after a PostgreSQL restart, peak RSS over baseline. Exits non-zero when
# a write was lost or duplicated, a request hung, or the server did not recover.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [--smoke]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
mode=${2:-full}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/bench/ozcc_bench_reliability
[[ -x $bin ]] || { echo "reliability: $bin not built (configure with -DOZCC_BENCH=ON)" >&2; exit 2; }

work=$(mktemp -d "$build/reliability-run.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

args=(--openzcc "$build/openzcc" --source "$repo" --work "$work")
[[ $mode == --smoke ]] && args+=(--smoke)
if [[ -x ${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb ]]; then
  "$repo/scripts/with-postgres.sh" "$bin" "${args[@]}"
else
  echo "reliability: no PostgreSQL 15; SQLite runs only" >&2
  "$bin" "${args[@]}"
fi
