// Baselines of the worklist benchmarks (bench/worklist.sh): the floor of a
// query done straight through the engine's C API (sqlite3_prepare/step;
// libpq PQexecParams) on the database the server under test uses. One
// connection, one query after another, each timed. SQLite: each statement
// prepared once, as the store keeps them; PostgreSQL: PQexecParams, so parsed
// and planned every time (the store prepares its statements: a little less).
//
//   ozcc_bench_query_baseline (--sqlite FILE | --pg URL) [--seconds 5] QUERY
//   QUERY: contacts --patient-key FILE --bsns FILE [--log]
//          worklist --region R [--limit 500]
//          placement --region R [--placement ID]
//
// contacts: the two reads of POST /api/v1/contacts:search over the last 72
//   hours (store/sql/cases.cc ContactsOf and CasesOfPatient), for each BSN of
//   the file in turn, by its keyed hash (service/patient_seal.h). With --log
//   each search also commits its line of the patient access log in a
//   transaction of its own on a second connection, while the reads run, and
//   the search ends when both have (as the server does; SQLite:
//   synchronous=FULL, as the store sets it; PostgreSQL: synchronous_commit on).
// worklist: the region's open cases in worklist order (ListCases, open only).
// placement: the rows GET /api/v1/placements/{id}/matches needs when it
//   reads everything afresh (service/placement_service.cc Matches without
//   the copy service/follow_up_units.h keeps): the placement, the region tree
//   with every unit and the follow-up units' admission criteria (GetRegion),
//   the latest capacity report of each unit (LatestCapacity) and the open
//   reservations (HeldReservations), the same statements as store/sql, in one
//   read transaction. The matching itself and the JSON are not done: this is
//   the floor of a server that reads the rows on every request.
//
// One untimed pass first (every BSN once; 20 worklists or matchings), then timed queries
// for --seconds. Prints one line: queries=N rows_per_query=R p50_ms p90_ms
// p99_ms max_ms. Touches every column of every row read, as the store does.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "service/patient_seal.h"

namespace {

using Clock = std::chrono::steady_clock;

// A connection that runs statements with text parameters.
class Db {
 public:
  virtual ~Db() = default;
  // Runs `sql` (parameters as Dialect() writes them) and returns the number of
  // rows read, or -1 on an error (printed).
  virtual long Run(const std::string& sql, const std::vector<std::string>& params) = 0;
  virtual bool Exec(const std::string& sql) = 0;
  virtual bool postgres() const = 0;
};

class Sqlite : public Db {
 public:
  explicit Sqlite(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "baseline: cannot open %s\n", path.c_str());
      db_ = nullptr;
    }
  }
  ~Sqlite() override {
    for (auto& [sql, st] : prepared_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  bool ok() const { return db_ != nullptr; }
  bool postgres() const override { return false; }

  bool Exec(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::fprintf(stderr, "baseline: %s: %s\n", sql.c_str(), err ? err : "?");
      sqlite3_free(err);
      return false;
    }
    return true;
  }

  long Run(const std::string& sql, const std::vector<std::string>& params) override {
    sqlite3_stmt* st = Prepared(sql);
    if (!st) return -1;
    for (size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].data(), static_cast<int>(params[i].size()),
                        SQLITE_STATIC);
    }
    long rows = 0;
    int rc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      ++rows;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_INTEGER) {
          touched_ += static_cast<size_t>(sqlite3_column_int64(st, c));
        } else {
          touched_ += static_cast<size_t>(sqlite3_column_bytes(st, c)) + (sqlite3_column_text(st, c) != nullptr);
        }
      }
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);  // they point into `params`
    if (rc != SQLITE_DONE) {
      std::fprintf(stderr, "baseline: %s: %s\n", sql.c_str(), sqlite3_errmsg(db_));
      return -1;
    }
    return rows;
  }

 private:
  sqlite3_stmt* Prepared(const std::string& sql) {
    for (auto& [text, st] : prepared_) {
      if (text == sql) return st;
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "baseline: %s: %s\n", sql.c_str(), sqlite3_errmsg(db_));
      return nullptr;
    }
    prepared_.emplace_back(sql, st);
    return st;
  }

  sqlite3* db_ = nullptr;
  std::vector<std::pair<std::string, sqlite3_stmt*>> prepared_;
  size_t touched_ = 0;
};

class Postgres : public Db {
 public:
  explicit Postgres(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) std::fprintf(stderr, "baseline: %s", PQerrorMessage(conn_));
  }
  ~Postgres() override { PQfinish(conn_); }
  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  bool postgres() const override { return true; }

  bool Exec(const std::string& sql) override { return Run(sql, {}) >= 0; }

  long Run(const std::string& sql, const std::vector<std::string>& params) override {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r =
        PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const ExecStatusType s = PQresultStatus(r);
    long rows = -1;
    if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
      rows = PQntuples(r);
      for (int i = 0; i < rows; ++i) {
        for (int c = 0; c < PQnfields(r); ++c) touched_ += static_cast<size_t>(PQgetlength(r, i, c));
      }
    } else {
      std::fprintf(stderr, "baseline: %s: %s", sql.c_str(), PQresultErrorMessage(r));
    }
    PQclear(r);
    return rows;
  }

 private:
  PGconn* conn_;
  size_t touched_ = 0;
};

// "?" → "$1", "$2" … for PostgreSQL.
std::string Dialect(const Db& db, const std::string& sql) {
  if (!db.postgres()) return sql;
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c != '?') {
      out += c;
      continue;
    }
    out += '$';
    out += std::to_string(++n);
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback = "") {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}
bool Flag(int argc, char** argv, const std::string& name) {
  return std::find(argv + 1, argv + argc, name) != argv + argc;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string sqlite_path = Arg(argc, argv, "--sqlite"), pg_url = Arg(argc, argv, "--pg");
  const double seconds = std::atof(Arg(argc, argv, "--seconds", "5").c_str());
  const bool contacts = Flag(argc, argv, "contacts"), worklist = Flag(argc, argv, "worklist"),
             placement = Flag(argc, argv, "placement");
  if (sqlite_path.empty() == pg_url.empty() || contacts + worklist + placement != 1) {
    std::fprintf(stderr,
                 "usage: %s (--sqlite FILE | --pg URL) [--seconds S] "
                 "(contacts --patient-key FILE --bsns FILE [--log] | worklist --region R [--limit N] | "
                 "placement --region R [--placement ID])\n",
                 argv[0]);
    return 2;
  }
  auto open = [&]() -> std::unique_ptr<Db> {
    if (!sqlite_path.empty()) {
      auto s = std::make_unique<Sqlite>(sqlite_path);
      if (!s->ok() || !s->Exec("PRAGMA synchronous = FULL")) return nullptr;
      return s;
    }
    auto p = std::make_unique<Postgres>(pg_url);
    if (!p->ok()) return nullptr;
    return p;
  };
  std::unique_ptr<Db> db = open();
  if (!db) return 1;
  std::unique_ptr<Db> log_db;  // contacts --log: the access log's own connection

  // One unit of work per call: a search (with its log line) or a worklist.
  std::function<long(size_t)> query;
  size_t warm = 20;
  std::vector<std::string> hashes;
  const std::string since =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                         (std::chrono::system_clock::now() - std::chrono::hours(72)).time_since_epoch())
                         .count());
  if (contacts) {
    std::ifstream key_file(Arg(argc, argv, "--patient-key"));
    std::stringstream key_text;
    key_text << key_file.rdbuf();
    auto key = ozcc::service::ParsePatientKey(key_text.str());
    if (!key.ok()) {
      std::fprintf(stderr, "baseline: patient key: %s\n", key.status().message().c_str());
      return 2;
    }
    const ozcc::service::PatientSeal seal(*key);
    std::ifstream bsns(Arg(argc, argv, "--bsns"));
    for (std::string bsn; bsns >> bsn;) hashes.push_back(seal.BsnHash(bsn));
    if (hashes.empty()) {
      std::fprintf(stderr, "baseline: no BSNs\n");
      return 2;
    }
    warm = hashes.size();
    if (Flag(argc, argv, "--log") && !(log_db = open())) return 1;
    const std::string kLog = Dialect(
        *db,
        "INSERT INTO patient_access (at, actor, role, organization_id, bsn_hash, case_id, action, purpose, outcome, "
        "break_glass, request_id) VALUES (?, 'bench-baseline', 'zcc-coordinator', '', ?, '', 'contacts.search', "
        "'intake', 'ok', FALSE, '')");
    const std::string kContacts = Dialect(
        *db,
        "SELECT k.id, k.bsn_hash, k.at, k.organization_id, k.kind, k.urgency, k.sealed, k.key_id, k.reported_at "
        "FROM contacts k WHERE k.bsn_hash = ? AND k.at >= ? ORDER BY k.at DESC, k.id DESC LIMIT 500");
    const std::string kCases =
        Dialect(*db,
                "SELECT p.case_id FROM case_patients p JOIN cases c ON c.id = p.case_id WHERE p.bsn_hash = ? AND "
                "c.received_at >= ? ORDER BY c.received_at DESC, c.id DESC LIMIT 100");
    query = [&db, &log_db, &hashes, &since, kLog, kContacts, kCases](size_t i) -> long {
      const std::string& hash = hashes[i % hashes.size()];
      std::future<bool> logged;
      if (log_db) {
        logged = std::async(std::launch::async, [&log_db, &kLog, &hash] {
          const std::string now = std::to_string(
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count());
          return log_db->Exec("BEGIN") && log_db->Run(kLog, {now, hash}) >= 0 && log_db->Exec("COMMIT");
        });
      }
      const long a = db->Run(kContacts, {hash, since});
      const long b = db->Run(kCases, {hash, since});
      if (logged.valid() && !logged.get()) return -1;
      return a < 0 || b < 0 ? -1 : a + b;
    };
  } else if (placement) {
    const std::string region = Arg(argc, argv, "--region", "ZWN"), id = Arg(argc, argv, "--placement");
    // The statements of store/sql/placements.cc GetPlacement and HeldReservations, regions.cc GetRegion and
    // capacity.cc LatestCapacity, every column they read.
    const std::vector<std::string> kRegion = {
        "SELECT id, name, demo_values FROM regions WHERE id = ?",
        "SELECT id, name FROM subregions WHERE region_id = ? ORDER BY ord, id",
        "SELECT id, region_id, COALESCE(subregion_id, ''), name, type, source FROM organizations "
        "WHERE region_id = ? ORDER BY ord, id",
        "SELECT l.id, l.organization_id, l.name, l.address, l.city, l.lat, l.lon FROM locations l "
        "JOIN organizations o ON o.id = l.organization_id WHERE o.region_id = ? ORDER BY l.ord, l.id",
        "SELECT u.id, u.organization_id, COALESCE(u.location_id, ''), u.type, u.specialism, u.name, "
        "u.expected_interval_s FROM units u WHERE u.region_id = ? ORDER BY u.ord, u.id",
        "SELECT c.unit_id, c.care_types, c.dementia, c.isolation, c.oxygen, c.max_weight_kg, c.mobility, c.age_min, "
        "c.age_max FROM unit_criteria c WHERE c.region_id = ?",
        "SELECT r.unit_id, r.as_of, r.received_at, r.source, r.beds_total, r.beds_staffed, r.beds_occupied, "
        "r.beds_available, r.ed_status, r.ed_waiting, r.ed_in_treatment, r.ed_boarding, r.ed_crowding, r.note, "
        "r.reported_by, r.version, r.ed_arrivals FROM unit_latest l JOIN capacity_reports r ON r.id = l.report_id "
        "WHERE l.region_id = ? ORDER BY l.unit_id"};
    const std::string kPlacement = Dialect(
        *db,
        "SELECT p.id, p.region_id, p.from_organization_id, p.from_unit_id, p.care_type, p.dementia, p.isolation, "
        "p.oxygen, p.weight_kg, p.mobility, p.age, p.needs, p.preferred_lat, p.preferred_lon, p.preferred_place, "
        "p.earliest_at, p.state, p.has_patient, p.created_by, p.created_at, p.updated_at, p.ended_at, "
        "p.transfer_id, p.cancel_reason, p.version FROM placements p WHERE p.id = ?");
    const std::string kHeld =
        Dialect(*db,
                "SELECT o.id, o.placement_id, o.unit_id, o.reserved_until FROM placement_offers o "
                "WHERE o.region_id = ? AND o.state = 'accepted' AND o.reservation_ended_at IS NULL "
                "AND o.reserved_until > ? ORDER BY o.unit_id, o.id");
    std::vector<std::string> region_sql;
    for (const auto& q : kRegion) region_sql.push_back(Dialect(*db, q));
    const bool pg = db->postgres();
    query = [&db, region_sql, kPlacement, kHeld, region, id, pg](size_t) -> long {
      if (!db->Exec(pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")) return -1;
      long rows = 0;
      if (!id.empty()) {
        const long n = db->Run(kPlacement, {id});
        if (n != 1) return -1;
        rows += n;
      }
      for (const auto& q : region_sql) {
        const long n = db->Run(q, {region});
        if (n < 0) return -1;
        rows += n;
      }
      const std::string now = std::to_string(
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count());
      const long n = db->Run(kHeld, {region, now});
      if (n < 0 || !db->Exec("COMMIT")) return -1;
      return rows + n;
    };
  } else {
    const std::string region = Arg(argc, argv, "--region", "ZWN"), limit = Arg(argc, argv, "--limit", "500");
    const std::string kWorklist = Dialect(*db,
                                          "SELECT c.* FROM cases c WHERE c.region_id = ? AND c.open = TRUE "
                                          "ORDER BY c.band, c.received_at, c.id LIMIT ?");
    query = [&db, kWorklist, region, limit](size_t) { return db->Run(kWorklist, {region, limit}); };
  }

  long rows = 0;
  for (size_t i = 0; i < warm; ++i) {
    if (query(i) < 0) return 1;
  }
  std::vector<double> ms;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  for (size_t i = 0; Clock::now() < end; ++i) {
    const auto t0 = Clock::now();
    const long n = query(i);
    const auto t1 = Clock::now();
    if (n < 0) return 1;
    rows += n;
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  const double mx = ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end());
  std::printf("queries=%zu rows_per_query=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", ms.size(),
              ms.empty() ? 0.0 : static_cast<double>(rows) / static_cast<double>(ms.size()), Percentile(ms, 0.50),
              Percentile(ms, 0.90), Percentile(ms, 0.99), mx);
  return ms.empty() ? 1 : 0;
}
