#!/usr/bin/env bash
# Checks the deploy/ examples that docs/operations.md tells operators to use:
#   1. systemd-analyze verify of openzcc.service, openzcc-backup.service and
#      openzcc-backup.timer (ExecStart pointed at BUILD_DIR's openzcc);
#   2. nginx -t of nginx-openzcc.conf (ports, certificate and upstream
#      replaced: a temp self-signed certificate, free loopback ports);
#   3. through that nginx over TLS, in front of a real openzcc: the HTTP→HTTPS
#      redirect, HSTS, sign-in, a live event arriving through the proxy within
#      2 s of the PUT, and the sign-in rate limit answering 429.
#
#   deploy/check.sh BUILD_DIR      # BUILD_DIR holds openzcc (any build type)
#
# Needs curl, openssl, python3, nginx (nginx-light); systemd-analyze is
# optional (skipped, saying so). Loopback only; removes its temp folder.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
openzcc=$build/openzcc
[[ -x $openzcc ]] || { echo "check: $openzcc not built" >&2; exit 2; }
for t in curl openssl python3 nginx; do
  command -v "$t" >/dev/null || { echo "check: $t is not installed" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ozcc-deploy.XXXXXX")
server_pid="" nginx_pid="" sse_pid=""
cleanup() {
  for p in $sse_pid $nginx_pid $server_pid; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "check: FAIL: $*" >&2
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- 1. systemd units ------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$tmp/units"
  for u in openzcc.service openzcc-backup.service openzcc-backup.timer; do
    sed "s#/usr/local/bin/openzcc#$openzcc#g" "$repo/deploy/$u" >"$tmp/units/$u"
  done
  out=$(systemd-analyze verify "$tmp"/units/* 2>&1) || fail "systemd-analyze verify: $out"
  [[ -z $out ]] || fail "systemd-analyze verify warns: $out"
  echo "check: systemd-analyze verify: openzcc.service, openzcc-backup.service, openzcc-backup.timer clean"
else
  echo "check: systemd-analyze not installed; units not verified"
fi

# --- 2. openzcc and nginx ----------------------------------------------------------
db=$tmp/openzcc.db
pw=check-password-1
"$openzcc" region import "$repo/data/regions/zwn.json" --db "$db" >/dev/null
echo "$pw" | "$openzcc" user add --username ops --role admin --password-stdin --db "$db" >/dev/null
unit=$(python3 -c 'import json,sys; print(next(u["id"] for u in json.load(open(sys.argv[1]))["units"] if u["type"]=="ic"))' \
  "$repo/data/regions/zwn.json")
port=$(free_port)
# trusted_proxies as in deploy/openzcc.toml: nginx on this host names the client and the public https address.
"$openzcc" serve --db "$db" --listen "127.0.0.1:$port" --no-access-log --trusted-proxy 127.0.0.1 --trusted-proxy ::1 \
  >"$tmp/server.log" 2>&1 &
server_pid=$!

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=zcc.example.org \
  -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" >/dev/null 2>&1
https_port=$(free_port)
http_port=$(free_port)
sed -e "s#server 127.0.0.1:8080#server 127.0.0.1:$port#" \
  -e "s#listen 443 ssl http2;#listen 127.0.0.1:$https_port ssl http2;#" \
  -e "s#listen 80;#listen 127.0.0.1:$http_port;#" \
  -e '/listen \[::\]/d' \
  -e "s#/etc/ssl/openzcc/#$tmp/#" \
  -e "s#return 301 https://\$host\$request_uri;#return 301 https://\$host:$https_port\$request_uri;#" \
  "$repo/deploy/nginx-openzcc.conf" >"$tmp/site.conf"
mkdir -p "$tmp/nginx"
{
  [[ $EUID -eq 0 ]] && echo "user root;"
  cat <<NGINX
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  include $tmp/site.conf;
}
NGINX
} >"$tmp/nginx.conf"
out=$(nginx -t -p "$tmp/nginx" -c "$tmp/nginx.conf" 2>&1) || fail "nginx -t: $out"
echo "check: nginx -t: deploy/nginx-openzcc.conf is valid (nginx $(nginx -v 2>&1 | sed 's#.*/##'))"
nginx -p "$tmp/nginx" -c "$tmp/nginx.conf" -g 'daemon off;' 2>"$tmp/nginx/stderr.log" &
nginx_pid=$!

base=https://zcc.example.org:$https_port
resolve=(--resolve "zcc.example.org:$https_port:127.0.0.1" --resolve "zcc.example.org:$http_port:127.0.0.1" -k)
for _ in $(seq 100); do
  curl -sf "${resolve[@]}" -o /dev/null "$base/healthz" && break
  sleep 0.1
done

# --- 3. through the proxy ------------------------------------------------------------
code=$(curl -s "${resolve[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://zcc.example.org:$http_port/healthz")
[[ $code == "301 $base/healthz" ]] || fail "http is not redirected to https: $code"
hdrs=$(curl -sf "${resolve[@]}" -D - -o /dev/null "$base/healthz") || fail "no /healthz through nginx"
grep -qi '^strict-transport-security: max-age=63072000' <<<"$hdrs" || fail "no HSTS header: $hdrs"
grep -qi '^x-request-id: [0-9a-f]\{32\}' <<<"$hdrs" || fail "openzcc did not adopt nginx's request id: $hdrs"
[[ $(grep -ci '^x-content-type-options:' <<<"$hdrs") == 1 ]] || fail "security headers set twice: $hdrs"
# Sign-in as a browser sends it (Origin, Sec-Fetch-Site): the CSRF check must see the same host.
token=$(curl -sf "${resolve[@]}" -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -H "Origin: $base" -H 'Sec-Fetch-Site: same-origin' \
  -d "{\"username\":\"ops\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') ||
  fail "sign-in through nginx with the browser's Origin (is Host passed through as \$http_host?)"
echo "check: through nginx over TLS: redirect, HSTS, request id, security headers once, browser sign-in ok"

curl -sN "${resolve[@]}" --max-time 20 -H "Authorization: Bearer $token" "$base/api/v1/events?region=ZWN" >"$tmp/events.txt" &
sse_pid=$!
sleep 1
start=$(date +%s%N)  # includes curl's TLS handshake and python start-up, not only the proxy
version=$(curl -sf "${resolve[@]}" -X PUT "$base/api/v1/units/$unit/capacity" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"beds":{"total":10,"staffed":8,"occupied":5,"available":3}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])') || fail "PUT through nginx"
got=""
for _ in $(seq 200); do
  if grep -q "^id: $version\$" "$tmp/events.txt"; then
    got=$((($(date +%s%N) - start) / 1000000))
    break
  fi
  sleep 0.01
done
[[ -n $got ]] || fail "the event of version $version did not come through nginx within 2 s: $(head -c 300 "$tmp/events.txt")"
echo "check: live event of version $version arrived through nginx ${got} ms after curl started the PUT"

# The URLs openzcc writes start at the public https address (X-Forwarded-Proto/-Host from nginx).
urls=$(curl -sf "${resolve[@]}" -H "Authorization: Bearer $token" "$base/fhir/Location?_count=1" |
  python3 -c 'import json,sys; b=json.load(sys.stdin); print(" ".join([l["url"] for l in b["link"]] + [e["fullUrl"] for e in b["entry"]]))') ||
  fail "FHIR search through nginx"
for u in $urls; do [[ $u == "$base/fhir/"* ]] || fail "FHIR URL not at the public https base $base: $u"; done
echo "check: FHIR links through nginx start at $base ($(wc -w <<<"$urls") URLs)"

# Other user names each time: openzcc's own per-account back-off must not be what answers 429.
codes=""
for i in $(seq 8); do
  codes+=$(curl -s "${resolve[@]}" -o /dev/null -w '%{http_code} ' -X POST "$base/api/v1/auth/login" \
    -H 'Content-Type: application/json' -d "{\"username\":\"nobody$i\",\"password\":\"wrong-password\"}")
done
[[ $codes == *429* ]] || fail "no 429 from the sign-in rate limit: $codes"
echo "check: sign-in rate limit at the proxy: $codes"
echo "check: all deploy examples ok"
