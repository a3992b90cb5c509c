#!/usr/bin/env bash
# Lints docs/openapi.json with two independent tools: Redocly CLI
# (recommended-strict) and Spectral (spectral:oas), both failing on warnings.
# Their configuration, with the reason for every rule turned off or finding
# ignored, is in tools/openapi-lint/ (redocly.yaml, .redocly.lint-ignore.yaml,
# .spectral.yaml); scripts/install-deps.sh installs them there with npm ci.
# Quiet when clean; prints the tools' reports when not.
set -euo pipefail
cd "$(dirname "$0")/../tools/openapi-lint"
doc=../../docs/openapi.json
if [ ! -x node_modules/.bin/redocly ] || [ ! -x node_modules/.bin/spectral ]; then
  echo "openapi-lint: the linters are not installed; run scripts/install-deps.sh" >&2
  exit 1
fi
# No telemetry, no update check: the linters run offline.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
if ! node_modules/.bin/redocly lint --config redocly.yaml --format stylish "$doc" >"$out" 2>&1; then
  echo "openapi-lint: Redocly CLI found problems in docs/openapi.json:" >&2
  cat "$out" >&2
  status=1
fi
if ! node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity warn "$doc" >"$out" 2>&1; then
  echo "openapi-lint: Spectral found problems in docs/openapi.json:" >&2
  cat "$out" >&2
  status=1
fi
if [ "$status" = 0 ]; then echo "openapi-lint: docs/openapi.json clean (Redocly CLI, Spectral)"; fi
exit "$status"
