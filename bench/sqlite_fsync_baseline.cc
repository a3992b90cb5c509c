// Baseline for the durable-update benchmark: how many single-row INSERTs per
// second SQLite commits on this disk when every row is its own transaction
// (no group commit), in WAL mode with synchronous=FULL — the same durability
// setting the server's store uses. One thread, one connection.
//
//   ozcc_bench_sqlite_baseline DIR SECONDS
//
// Creates DIR/baseline.db (removed afterwards) and prints
// "inserts_per_s <n>" and "inserts <n>" on stdout. Bounded by SECONDS.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

bool Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DIR SECONDS\n", argv[0]);
    return 2;
  }
  const std::filesystem::path path = std::filesystem::path(argv[1]) / "baseline.db";
  const double seconds = std::atof(argv[2]);
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    return 1;
  }
  if (!Exec(db, "PRAGMA journal_mode=WAL") || !Exec(db, "PRAGMA synchronous=FULL") ||
      !Exec(db,
            "CREATE TABLE report (id INTEGER PRIMARY KEY, unit_id TEXT NOT NULL, as_of INTEGER NOT NULL, "
            "total INTEGER, staffed INTEGER, occupied INTEGER, available INTEGER, note TEXT)")) {
    return 1;
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO report (unit_id, as_of, total, staffed, occupied, available, note) "
                     "VALUES (?, ?, 20, 18, ?, ?, '')",
                     -1, &insert, nullptr);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  long n = 0;
  while (Clock::now() < end) {
    // Autocommit: each INSERT is one transaction, fsync'd at commit.
    const std::string unit = "unit-" + std::to_string(n % 172);
    sqlite3_bind_text(insert, 1, unit.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert, 2, n);
    sqlite3_bind_int64(insert, 3, n % 18);
    sqlite3_bind_int64(insert, 4, 18 - n % 18);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      std::fprintf(stderr, "insert failed: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    sqlite3_reset(insert);
    ++n;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  std::printf("inserts %ld\ninserts_per_s %.0f\n", n, n / elapsed);
  return 0;
}
