#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 server:
#   scripts/with-postgres.sh <command> [args…]
# initdb into a fresh temporary directory, start the server on a free port of
# 127.0.0.1 (and a unix socket inside that directory), create database
# ozcc_test, export OZCC_TEST_PG=postgresql://ozcc@127.0.0.1:PORT/ozcc_test,
# run the command, then stop the server and remove the directory — also when
# the command fails or the script is interrupted. Exits with the command's
# status. As root, the server runs as the `postgres` user (PostgreSQL refuses
# to run as root). Set PG_BIN to use other binaries, OZCC_PG_KEEP=1 to keep the
# directory for inspection.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args…]" >&2
  exit 2
fi

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [[ ! -x "$PG_BIN/initdb" ]]; then
  echo "with-postgres: no PostgreSQL binaries in $PG_BIN (apt-get install postgresql-15)" >&2
  exit 2
fi

# Who runs the server.
as_server=()
if [[ $(id -u) -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root and there is no 'postgres' user to run the server" >&2
    exit 2
  fi
  as_server=(runuser -u postgres --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/ozcc-pg.XXXXXX")
chmod 755 "$dir"
[[ ${#as_server[@]} -gt 0 ]] && chown postgres: "$dir"
data="$dir/data"
log="$dir/server.log"
started=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [[ $started -eq 1 ]]; then
    "${as_server[@]}" "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      "${as_server[@]}" "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [[ ${OZCC_PG_KEEP:-0} == 1 ]]; then
    echo "with-postgres: kept $dir" >&2
  else
    rm -rf "$dir"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

"${as_server[@]}" "$PG_BIN/initdb" -D "$data" -U ozcc --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}

# A free port: ask the kernel, then let the server take it (retry on the rare race).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for attempt in 1 2 3 4 5; do
  port=$(free_port)
  if "${as_server[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c synchronous_commit=on -c max_connections=200 -c shared_buffers=32MB" \
    start >/dev/null 2>&1; then
    started=1
    break
  fi
  # Only a lost race for the port is worth another try.
  if ! grep -qi "address already in use\|could not bind" "$log" 2>/dev/null; then break; fi
done
if [[ $started -ne 1 ]]; then
  echo "with-postgres: PostgreSQL did not start; server log:" >&2
  cat "$log" >&2 || true
  exit 1
fi

"$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U ozcc ozcc_test

export OZCC_TEST_PG="postgresql://ozcc@127.0.0.1:$port/ozcc_test"
export OZCC_TEST_PG_SOCKET_DIR="$dir"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}') at $OZCC_TEST_PG" >&2

set +e
"$@"
rc=$?
set -e
exit "$rc"
