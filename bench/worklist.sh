#!/usr/bin/env bash
# The worklist's reads at scale, on one store, each next to the floor of the
# same query through the engine's C API on the same database, measured in the
# same run (ozcc_bench_query_baseline):
#   6. 72-hour contact history: POST /api/v1/contacts:search {"bsn": …} as a
#      ZCC coordinator, with BENCH_CONTACTS contacts stored. Goal p99 < 5 ms.
#   7. worklist: GET /api/v1/cases?region=ZWN&state=open, BENCH_OPEN_CASES open
#      and BENCH_CLOSED_CASES closed cases in the region. Goal p99 < 20 ms.
#
#   bench/worklist.sh BUILD_DIR [--smoke] [sqlite]
#   scripts/with-postgres.sh bench/worklist.sh BUILD_DIR [--smoke] postgres
#
# What is real and what is filled: through the API (bench/worklist_setup.py)
# BENCH_WITH patients get three contacts each from a HAP's feed token (two in
# the last 72 hours, one older), BENCH_OPEN_CASES open cases are made by the
# coordinator (one in ten with one of those patients), and as many patients
# again stay without contacts; the searches alternate between the two kinds.
# Then, with the server stopped, bulk SQL adds the background: contacts with
# random keyed hashes (they never match), random sealed bytes of the length
# the real rows have and their key id, spread over 8 weeks (about 5 % inside
# the window), and closed cases spread over two years, each with a sealed
# patient (random hash and bytes, as long as a real one). Bulk load: the three
# tables' secondary indexes are dropped and made again from their stored
# definitions afterwards (SQLite: one transaction, recursive CTE; PostgreSQL:
# generate_series, then ANALYZE as autovacuum would). The query plans are printed.
#
# Load: wrk (bench/query.lua) with 1 connection (one request after another,
# as the baseline) for the figure and goal, then 8 connections (-t2) for the
# figure under concurrency; BENCH_SECONDS each (10; smoke 2) after a warm-up.
# Baselines: the same reads, one after another; for 6 also with the access-log
# line committed on a second connection while the reads run, as the server
# does (it returns nothing before the line is durable: NEN 7513). Ratios:
# server p99 / baseline p99.
#
# Scale (env): BENCH_CONTACTS (10 000 000; smoke 5 000), BENCH_CLOSED_CASES
# (1 000 000; smoke 3 000), BENCH_OPEN_CASES (200; smoke 20), BENCH_WITH (50;
# smoke 5). Everything runs on 127.0.0.1 in a temp dir under BUILD_DIR that is
# removed at the end (PostgreSQL: the database with-postgres.sh made).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [--smoke] [sqlite|postgres]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
mode=${2:-full}
store=${3:-sqlite}
repo=$(cd "$(dirname "$0")/.." && pwd)
openzcc=$build/openzcc
base_bin=$build/bench/ozcc_bench_query_baseline
[[ -x $base_bin ]] || { echo "worklist: $base_bin not built (configure with -DOZCC_BENCH=ON)" >&2; exit 2; }
if [[ $mode == --smoke ]]; then
  n_contacts=${BENCH_CONTACTS:-5000} n_closed=${BENCH_CLOSED_CASES:-3000}
  n_open=${BENCH_OPEN_CASES:-20} n_with=${BENCH_WITH:-5} secs=${BENCH_SECONDS:-2} warm=1
else
  n_contacts=${BENCH_CONTACTS:-10000000} n_closed=${BENCH_CLOSED_CASES:-1000000}
  n_open=${BENCH_OPEN_CASES:-200} n_with=${BENCH_WITH:-50} secs=${BENCH_SECONDS:-10} warm=3
fi

tmp=$(mktemp -d "$build/bench-worklist.XXXXXX")
chmod 755 "$tmp"
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

case $store in
  sqlite)
    db=$tmp/bench.db label=SQLite
    sql() { sqlite3 -batch -bail "$db"; }
    base_db=(--sqlite "$db")
    ;;
  postgres)
    [[ -n ${OZCC_TEST_PG:-} ]] || { echo "usage: scripts/with-postgres.sh $0 BUILD_DIR [--smoke] postgres" >&2; exit 2; }
    db=$OZCC_TEST_PG label=PostgreSQL
    sql() { psql -q -X -v ON_ERROR_STOP=1 -At "$db"; }
    base_db=(--pg "$db")
    ;;
  *) echo "worklist: unknown store $store" >&2; exit 2 ;;
esac
command -v "$([[ $store == sqlite ]] && echo sqlite3 || echo psql)" >/dev/null ||
  { echo "worklist: $([[ $store == sqlite ]] && echo sqlite3 || echo psql) is not installed" >&2; exit 2; }

pw=bench-password-1
"$openzcc" migrate --db "$db" >/dev/null
"$openzcc" region import "$repo/data/regions/zwn.json" --db "$db" >/dev/null
echo "$pw" | "$openzcc" user add --username coordinator --role zcc-coordinator --region ZWN --password-stdin \
  --db "$db" >/dev/null
feed=$("$openzcc" token create --org hap-rijnmond --name bench-contacts --db "$db" | tail -n1)
"$openzcc" patient-key generate "$tmp/patient.key" >/dev/null
port=$(free_port)
base=http://127.0.0.1:$port
serve() {
  "$openzcc" serve --db "$db" --listen "127.0.0.1:$port" --patient-key "$tmp/patient.key" >>"$tmp/server.log" 2>&1 &
  server_pid=$!
  wait_http "$base/readyz" -f
}
stop() { kill "$server_pid" && wait "$server_pid" 2>/dev/null || true; server_pid=""; }

# --- real data through the API ---------------------------------------------------
serve
setup=$repo/bench/worklist_setup.py
session=$(python3 "$setup" login "$base" coordinator "$pw")
python3 "$setup" contacts "$base" "$feed" "$session" "$tmp" "$n_with" "$n_with" "$n_open"
stop

# --- the background, in bulk -------------------------------------------------------
now_ms=$(($(date +%s%N) / 1000000))
read -r key_id sealed_len < <(sql <<<"SELECT key_id || ' ' || length(sealed) FROM contacts LIMIT 1;")
# The closed cases have a sealed patient as the real ones (unless none was made: BENCH_OPEN_CASES < 1).
read -r patient_len < <(sql <<<"SELECT length(sealed) FROM case_patients LIMIT 1;") || patient_len=""
if [[ -n $patient_len ]]; then legal="'consent'" has_patient=TRUE; else legal=NULL has_patient=FALSE; fi
t0=$(date +%s.%N)
if [[ $store == sqlite ]]; then
  # Journal off the WAL for the load (the server turns WAL on again when it opens the file).
  sql >"$tmp/indexes.sql" <<'SQL'
SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('contacts', 'cases', 'case_patients')
  AND sql IS NOT NULL;
SQL
  drops=$(sed -n 's/^CREATE \(UNIQUE \)\{0,1\}INDEX \([a-z0-9_]*\) .*/DROP INDEX \2;/p' "$tmp/indexes.sql")
  sql >/dev/null <<SQL
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
BEGIN;
$drops
CREATE TEMP TABLE orgs AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM organizations WHERE region_id = 'ZWN';
INSERT INTO contacts (bsn_hash, at, organization_id, kind, urgency, sealed, key_id, reported_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n_contacts)
  SELECT lower(hex(randomblob(32))), at, o.id,
         CASE i % 4 WHEN 0 THEN 'hap-call' WHEN 1 THEN 'ambulance' WHEN 2 THEN 'ed-visit' ELSE 'gp-visit' END,
         CASE i % 5 WHEN 0 THEN NULL ELSE 'U' || (i % 5) END,
         substr(hex(randomblob(($sealed_len + 1) / 2)), 1, $sealed_len), '$key_id', at + 60000
  FROM (SELECT i, $now_ms - abs(random() % 4838400000) AS at FROM n)
  JOIN orgs o ON o.k = i % (SELECT count(*) FROM orgs);
INSERT INTO cases (id, region_id, subregion_id, channel, requesting_organization_id, caller_name, caller_role,
                   caller_phone, received_at, summary, urgency, complaint, age_years, living, known_care, state,
                   outcome, legal_basis, has_patient, repeat_contact, pathway_id, pathway_version, pathway_action,
                   pathway_deviation, created_by, created_at, updated_at, triaged_at, closed_at, version, band, open)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n_closed)
  SELECT printf('bench-closed-%08d', i), 'ZWN', 'ZWN-RR', CASE i % 3 WHEN 0 THEN 'hap' WHEN 1 THEN '112' ELSE 'gp' END,
         '', '', '', '', received, 'closed bench case', 'U' || (1 + i % 5), 'catheter-problem', 70 + i % 25, NULL,
         NULL, 'closed', CASE i % 3 WHEN 0 THEN 'helped-by-zcc' WHEN 1 THEN 'referred' ELSE 'self-care-advice' END,
         $legal, $has_patient, FALSE, NULL, NULL, NULL, NULL, 'coordinator', received, received + 3600000,
         received + 120000, received + 3600000, 3, CASE 1 + i % 5 WHEN 1 THEN 1 ELSE 2 + i % 5 END, FALSE
  FROM (SELECT i, $now_ms - 7200000 - abs(random() % 63072000000) AS received FROM n);
INSERT INTO case_patients (case_id, bsn_hash, sealed, key_id)
  SELECT id, lower(hex(randomblob(32))), substr(hex(randomblob((${patient_len:-0} + 1) / 2)), 1, ${patient_len:-0}), '$key_id'
  FROM cases WHERE $has_patient AND id LIKE 'bench-closed-%';
COMMIT;
SQL
  sql <"$tmp/indexes.sql"
else
  sql >"$tmp/indexes.sql" <<'SQL'
SELECT pg_get_indexdef(i.indexrelid) || ';' FROM pg_index i
WHERE i.indrelid IN ('contacts'::regclass, 'cases'::regclass, 'case_patients'::regclass)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
SQL
  drops=$(sed -n 's/^CREATE \(UNIQUE \)\{0,1\}INDEX \([a-z0-9_]*\) .*/DROP INDEX \2;/p' "$tmp/indexes.sql")
  sql >/dev/null <<SQL
SET maintenance_work_mem = '1GB';
BEGIN;
$drops
INSERT INTO contacts (bsn_hash, at, organization_id, kind, urgency, sealed, key_id, reported_at)
  SELECT encode(sha256(random()::text::bytea), 'hex'), at, orgs[1 + i % cardinality(orgs)],
         (ARRAY['hap-call', 'ambulance', 'ed-visit', 'gp-visit'])[1 + i % 4],
         CASE i % 5 WHEN 0 THEN NULL ELSE 'U' || (i % 5) END,
         left(encode(sha512(random()::text::bytea), 'hex') || encode(sha512(random()::text::bytea), 'hex'),
              $sealed_len), '$key_id', at + 60000
  FROM (SELECT i, $now_ms - (random() * 4838400000)::bigint AS at FROM generate_series(1, $n_contacts) i) n,
       (SELECT array_agg(id ORDER BY id) AS orgs FROM organizations WHERE region_id = 'ZWN') o;
INSERT INTO cases (id, region_id, subregion_id, channel, requesting_organization_id, caller_name, caller_role,
                   caller_phone, received_at, summary, urgency, complaint, age_years, living, known_care, state,
                   outcome, legal_basis, has_patient, repeat_contact, pathway_id, pathway_version, pathway_action,
                   pathway_deviation, created_by, created_at, updated_at, triaged_at, closed_at, version, band, open)
  SELECT 'bench-closed-' || lpad(i::text, 8, '0'), 'ZWN', 'ZWN-RR', (ARRAY['hap', '112', 'gp'])[1 + i % 3],
         '', '', '', '', received, 'closed bench case', 'U' || (1 + i % 5), 'catheter-problem', 70 + i % 25, NULL,
         NULL, 'closed', (ARRAY['helped-by-zcc', 'referred', 'self-care-advice'])[1 + i % 3],
         $legal, $has_patient, FALSE, NULL, NULL, NULL, NULL, 'coordinator', received, received + 3600000,
         received + 120000, received + 3600000, 3, CASE 1 + i % 5 WHEN 1 THEN 1 ELSE 2 + i % 5 END, FALSE
  FROM (SELECT i, $now_ms - 7200000 - (random() * 63072000000)::bigint AS received
        FROM generate_series(1, $n_closed) i) n;
INSERT INTO case_patients (case_id, bsn_hash, sealed, key_id)
  SELECT id, encode(sha256(random()::text::bytea), 'hex'),
         left(repeat(encode(sha512(random()::text::bytea), 'hex'), ${patient_len:-0} / 128 + 1), ${patient_len:-0}), '$key_id'
  FROM cases WHERE $has_patient AND id LIKE 'bench-closed-%';
COMMIT;
SQL
  sql >/dev/null <"$tmp/indexes.sql"
  sql >/dev/null <<<"ANALYZE contacts; ANALYZE cases; ANALYZE case_patients;"
fi
t1=$(date +%s.%N)
read -r n_k n_c n_o in_window n_p < <(sql <<SQL | tr '|' ' '
SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM cases WHERE region_id = 'ZWN' AND NOT open),
       (SELECT count(*) FROM cases WHERE region_id = 'ZWN' AND open),
       (SELECT count(*) FROM contacts WHERE at >= $now_ms - 259200000), (SELECT count(*) FROM case_patients);
SQL
)
echo "[$label] filled in $(python3 -c "print(f'{$t1 - $t0:.0f}')") s: contacts=$n_k ($in_window in the last 72 h)" \
  "closed_cases=$n_c open_cases=$n_o sealed_patients=$n_p; database $(if [[ $store == sqlite ]]; then du -sh "$db" | cut -f1;
  else sql <<<"SELECT pg_size_pretty(pg_database_size(current_database()));"; fi)"

# The plans of the reads (the same statements as store/sql/cases.cc).
since=$((now_ms - 259200000))
q_contacts="SELECT k.id FROM contacts k WHERE k.bsn_hash = 'x' AND k.at >= $since ORDER BY k.at DESC, k.id DESC LIMIT 500"
q_cases="SELECT p.case_id FROM case_patients p JOIN cases c ON c.id = p.case_id WHERE p.bsn_hash = 'x' AND
  c.received_at >= $since ORDER BY c.received_at DESC, c.id DESC LIMIT 100"
q_worklist="SELECT c.id FROM cases c WHERE c.region_id = 'ZWN' AND c.open = TRUE ORDER BY c.band, c.received_at, c.id LIMIT 500"
plan() {
  if [[ $store == sqlite ]]; then
    sql <<<"EXPLAIN QUERY PLAN $1;" | sed '/^QUERY PLAN$/d; s/^[|` -]*//' | paste -sd';' -
  else
    sql <<<"EXPLAIN $1;" | sed 's/  (cost=[^)]*)//; s/^ *//' | paste -sd';' -
  fi
}
echo "[$label] plan contacts: $(plan "$q_contacts")"
echo "[$label] plan cases of the patient: $(plan "$q_cases")"
echo "[$label] plan worklist: $(plan "$q_worklist")"

# --- the runs -----------------------------------------------------------------------
serve
session=$(python3 "$setup" login "$base" coordinator "$pw")
# NAME PATH [BODIES]: warm-up, then 1 and 8 connections; prints wrk's result lines.
measure() {
  local name=$1 path=$2 bodies=${3:-}
  export OZCC_BENCH_TOKEN=$session OZCC_BENCH_PATH=$path OZCC_BENCH_BODIES=$bodies
  OZCC_BENCH_NAME=warm wrk -c4 -t2 -d"${warm}s" -s "$repo/bench/query.lua" "$base" >/dev/null
  OZCC_BENCH_NAME=$name wrk -c1 -t1 -d"${secs}s" -s "$repo/bench/query.lua" "$base" | grep "^${name}_"
  OZCC_BENCH_NAME=${name}_c8 wrk -c8 -t2 -d"${secs}s" -s "$repo/bench/query.lua" "$base" | grep "^${name}_c8_"
}
verdict() { python3 -c "print('met' if float('$1') < $2 else 'not met')"; }
nonzero_non200() { grep -o '_non200=[0-9]*' | grep -qv '=0$'; }

echo
echo "== 6. [$label] POST /api/v1/contacts:search as a ZCC coordinator, $n_k contacts stored," \
  "$n_with patients with contacts and $n_with without, alternating; 1 then 8 connections, ${secs}s each"
out=$(measure search /api/v1/contacts:search "$tmp/search.jsonl")
echo "$out"
if nonzero_non200 <<<"$out"; then echo "worklist: searches failed" >&2; exit 1; fi
reads=$("$base_bin" "${base_db[@]}" --seconds "$((secs / 2 > 0 ? secs / 2 : 1))" contacts \
  --patient-key "$tmp/patient.key" --bsns "$tmp/bsns.txt")
logged=$("$base_bin" "${base_db[@]}" --seconds "$((secs / 2 > 0 ? secs / 2 : 1))" contacts \
  --patient-key "$tmp/patient.key" --bsns "$tmp/bsns.txt" --log)
echo "baseline reads (C API):            $reads"
echo "baseline access-log commit + reads: $logged"
p99=$(grep -o 'search_p99_ms=[0-9.]*' <<<"$out" | cut -d= -f2)
echo "search p99: ${p99} ms; baseline reads p99 $(field p99_ms <<<" $reads") ms, ratio $(ratio "$p99" "$(field p99_ms <<<" $reads")");" \
  "with the log commit p99 $(field p99_ms <<<" $logged") ms, ratio $(ratio "$p99" "$(field p99_ms <<<" $logged")")" \
  "(goal p99 < 5 ms: $(verdict "$p99" 5))"

echo
echo "== 7. [$label] GET /api/v1/cases?region=ZWN&state=open, $n_o open and $n_c closed cases;" \
  "1 then 8 connections, ${secs}s each"
out=$(measure worklist "/api/v1/cases?region=ZWN&state=open")
echo "$out"
if nonzero_non200 <<<"$out"; then echo "worklist: worklist reads failed" >&2; exit 1; fi
items=$(curl -sf -H "Authorization: Bearer $session" "$base/api/v1/cases?region=ZWN&state=open" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
[[ $items == "$n_o" ]] || { echo "worklist: the worklist has $items items, not $n_o" >&2; exit 1; }
wl=$("$base_bin" "${base_db[@]}" --seconds "$((secs / 2 > 0 ? secs / 2 : 1))" worklist --region ZWN)
echo "baseline (C API): $wl"
p99=$(grep -o 'worklist_p99_ms=[0-9.]*' <<<"$out" | cut -d= -f2)
echo "worklist p99: ${p99} ms for $items items; baseline p99 $(field p99_ms <<<" $wl") ms," \
  "ratio $(ratio "$p99" "$(field p99_ms <<<" $wl")") (goal p99 < 20 ms: $(verdict "$p99" 20))"
