# Helpers shared by the benchmark scripts (sourced, not run).

# Lets one process hold many connections (the SSE and overload clients).
raise_file_limit() { ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"; }

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits up to 15 s until URL answers with a success status (curl -f with FAIL=-f) or at all.
wait_http() {  # URL [-f]
  for _ in $(seq 150); do
    curl -s ${2:-} -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "bench: $1 did not come up" >&2
  return 1
}

# One key=value field of a result line on stdin.
field() { grep -o " $1=[0-9.]*" | cut -d= -f2; }

# A / B with two decimals ("n/a" when B is 0).
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
