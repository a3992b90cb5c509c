#!/usr/bin/env bash
# clang-tidy (the repository's .clang-tidy) on the C++ sources a change
# touched, with the compile commands of BUILD_DIR; bugprone-* and
# performance-* findings fail (WarningsAsErrors).
#
#   scripts/tidy.sh BUILD_DIR            # files changed since OZCC_TIDY_BASE (default HEAD~1)
#   OZCC_TIDY_BASE=main scripts/tidy.sh build/asan
#
# Why only changed files: one file takes about 5 s, all of src/ over 5 min on
# two cores; what a change touches is where new findings come from.
set -euo pipefail
build=${1:?usage: scripts/tidy.sh BUILD_DIR}
cd "$(dirname "$0")/.."
base=${OZCC_TIDY_BASE:-HEAD~1}
if ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
  echo "tidy: no base commit $base; nothing to compare with"
  exit 0
fi
mapfile -t files < <(git diff --name-only --diff-filter=AM "$base" -- 'src/*.cc' 'src/**/*.cc')
if [[ ${#files[@]} -eq 0 ]]; then
  echo "tidy: no C++ source changed since $base"
  exit 0
fi
# GCC-only warning flags in the compile commands are not clang-tidy's business.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option "${files[@]}" >"$out" 2>&1 || status=$?
grep -vE '^[0-9]+ warnings( and [0-9]+ errors)? generated\.$|^Suppressed|^Use -header-filter|^Error while processing' \
  "$out" || true
if [[ $status -eq 0 ]]; then
  echo "tidy: clang-tidy clean (${#files[@]} files changed since $base)"
else
  echo "tidy: clang-tidy found problems in the files changed since $base" >&2
fi
exit "$status"
