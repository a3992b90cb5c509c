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
#
# Instance mode, for tests that stop and restart their own private server
# while other tests use the shared one (tests/reliability):
#   scripts/with-postgres.sh --instance DIR init              # initdb, start, createdb; prints the URL
#   scripts/with-postgres.sh --instance DIR stop [fast|immediate]
#   scripts/with-postgres.sh --instance DIR start             # again, on the same port
#   scripts/with-postgres.sh --instance DIR destroy           # stop (immediate) and remove DIR
# DIR must not exist before init; the URL is also kept in DIR/url.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args…] | $0 --instance DIR init|start|stop [fast|immediate]|destroy" >&2
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

# A free port: ask the kernel, then let the server take it (retry on the rare race).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# pg_make DIR: a fresh cluster in DIR/data (DIR is created).
pg_make() {
  local dir=$1
  mkdir -p "$dir"
  chmod 755 "$dir"
  [[ ${#as_server[@]} -gt 0 ]] && chown postgres: "$dir"
  "${as_server[@]}" "$PG_BIN/initdb" -D "$dir/data" -U ozcc --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }
}

# pg_start DIR PORT: starts the cluster of DIR on PORT; 0 when it runs.
pg_start() {
  local dir=$1 port=$2
  "${as_server[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c synchronous_commit=on -c max_connections=200 -c shared_buffers=32MB" \
    start >/dev/null 2>&1
}

# pg_start_free DIR: starts on a free port (retrying a lost race), writes DIR/port.
pg_start_free() {
  local dir=$1 port
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if pg_start "$dir" "$port"; then
      echo "$port" >"$dir/port"
      return 0
    fi
    # Only a lost race for the port is worth another try.
    if ! grep -qi "address already in use\|could not bind" "$dir/server.log" 2>/dev/null; then break; fi
  done
  echo "with-postgres: PostgreSQL did not start; server log:" >&2
  cat "$dir/server.log" >&2 || true
  return 1
}

# pg_stop DIR MODE: fast or immediate; quiet when not running.
pg_stop() {
  "${as_server[@]}" "$PG_BIN/pg_ctl" -D "$1/data" -m "$2" -w -t 30 stop >/dev/null 2>&1
}

if [[ $1 == --instance ]]; then
  [[ $# -ge 3 ]] || {
    echo "usage: $0 --instance DIR init|start|stop [fast|immediate]|destroy" >&2
    exit 2
  }
  dir=$2
  case $3 in
    init)
      [[ -e $dir ]] && { echo "with-postgres: $dir exists" >&2; exit 2; }
      pg_make "$dir"
      pg_start_free "$dir"
      port=$(cat "$dir/port")
      "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U ozcc ozcc_test
      echo "postgresql://ozcc@127.0.0.1:$port/ozcc_test" | tee "$dir/url"
      ;;
    start) pg_start "$dir" "$(cat "$dir/port")" || { cat "$dir/server.log" >&2; exit 1; } ;;
    stop) pg_stop "$dir" "${4:-fast}" ;;
    destroy)
      [[ -d $dir/data ]] && { pg_stop "$dir" immediate || true; }
      rm -rf "$dir"
      ;;
    *)
      echo "with-postgres: unknown instance action $3" >&2
      exit 2
      ;;
  esac
  exit 0
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/ozcc-pg.XXXXXX")
started=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [[ $started -eq 1 ]]; then
    pg_stop "$dir" fast || pg_stop "$dir" immediate || true
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

pg_make "$dir" || exit 1
pg_start_free "$dir" || exit 1
started=1
port=$(cat "$dir/port")

"$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U ozcc ozcc_test

export OZCC_TEST_PG="postgresql://ozcc@127.0.0.1:$port/ozcc_test"
export OZCC_TEST_PG_SOCKET_DIR="$dir"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}') at $OZCC_TEST_PG" >&2

set +e
"$@"
rc=$?
set -e
exit "$rc"
