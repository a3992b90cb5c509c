#!/usr/bin/env bash
# Installs what OpenZCC needs to build, run and test, and nothing that is
# already there. Idempotent: a second run installs nothing and takes seconds.
# Usage: scripts/install-deps.sh [--no-web]
set -euo pipefail
cd "$(dirname "$0")/.."

web=1
for arg in "$@"; do
  case "$arg" in
    --no-web) web=0 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake pkg-config git
  clang-14 libclang-rt-14-dev clang-format clang-tidy
  libboost-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libsodium-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev zlib1g-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev python3-jsonschema python3-statsmodels python3-scipy
  liblemon-dev libglpk-dev
  postgresql libpq-dev
  curl nginx-light wrk ccache openssl
)
if [ "$web" = 1 ]; then packages+=(nodejs chromium); fi

missing=()
for p in "${packages[@]}"; do
  # nodejs may come from another repository with another version; any is fine
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "$web" = 1 ] && ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq npm
fi

if [ "$web" = 1 ] && [ -f web/package-lock.json ]; then
  # npm ci only when the lock file changed since the last install
  stamp=web/node_modules/.openzcc-lock
  if [ ! -f "$stamp" ] || ! cmp -s web/package-lock.json "$stamp"; then
    (cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    cp web/package-lock.json "$stamp"
  fi
fi

if [ "$web" = 1 ] && [ -f tools/openapi-lint/package-lock.json ]; then
  # The OpenAPI linters (scripts/openapi-lint.sh); no install scripts run.
  stamp=tools/openapi-lint/node_modules/.openzcc-lock
  if [ ! -f "$stamp" ] || ! cmp -s tools/openapi-lint/package-lock.json "$stamp"; then
    (cd tools/openapi-lint && npm ci --no-audit --no-fund --ignore-scripts)
    cp tools/openapi-lint/package-lock.json "$stamp"
  fi
fi

if [ "$web" = 1 ] && [ -f tests/interop/package-lock.json ]; then
  # The FHIR client libraries of the interoperability tests (tests/interop/); no install scripts run.
  stamp=tests/interop/node_modules/.openzcc-lock
  if [ ! -f "$stamp" ] || ! cmp -s tests/interop/package-lock.json "$stamp"; then
    (cd tests/interop && npm ci --no-audit --no-fund --ignore-scripts)
    cp tests/interop/package-lock.json "$stamp"
  fi
fi
