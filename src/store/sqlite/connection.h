// Thin RAII wrapper over one SQLite connection with a per-connection cache of
// prepared statements; the SQLite side of the statement layer (sql::Conn).
// Not thread-safe: a Connection is used by one thread at a time (the owner
// serialises access; see SqliteStore). Errors are Status values; nothing
// throws.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"
#include "store/sql/sql.h"

namespace ozcc::sqlite {

// A cached prepared statement borrowed from a Connection. On destruction it
// is reset and its bindings cleared, so a borrowed statement never keeps a
// read transaction open. Indices are 1-based for Bind, 0-based for columns,
// as in the SQLite C API. Do not borrow the same SQL twice at once.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt();

  Stmt& Bind(int i, std::int64_t v);
  Stmt& Bind(int i, bool v) { return Bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view v);  // copied (SQLITE_TRANSIENT)
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& BindNull(int i);

  // SQLITE_ROW, SQLITE_DONE or an error code (then Error() describes it).
  int Step();
  // Steps to completion, expecting no rows; returns the error, if any.
  Status Run();
  // The current error as a Status (code mapped by MapError).
  Status Error() const;

  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  // The statement changes nothing (a query).
  bool ReadOnly() const { return sqlite3_stmt_readonly(s_) != 0; }

 private:
  sqlite3_stmt* s_;
  int last_ = SQLITE_OK;
};

class Connection final : public sql::Conn {
 public:
  // Opens `filename` with `flags` (SQLITE_OPEN_*); SQLITE_OPEN_NOMUTEX is
  // added. Sets busy_timeout. Pragmas are the caller's business.
  static Result<std::unique_ptr<Connection>> Open(const std::string& filename, int flags, int busy_timeout_ms);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Borrows the cached statement for `sql`, preparing it on first use.
  Result<Stmt> Prepare(std::string_view sql);
  // Runs one or more statements without caching (DDL, pragmas, migrations).
  Status Exec(const std::string& sql) override;
  // sql::Conn: binds Params (bool as 0/1, a TextList as a JSON array).
  Result<std::int64_t> Query(std::string_view sql, const sql::Params& params, const sql::RowFn& each) override;
  // A TextList is matched through json_each (the JSON1 functions are built in since SQLite 3.38).
  std::string AnyOf(std::string_view column) const override {
    return std::string(column) + " IN (SELECT value FROM json_each(?))";
  }
  bool InTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;  // SQL text → prepared statement
};

// Maps an SQLite result code to a Status: BUSY/LOCKED → kUnavailable,
// CONSTRAINT → kConflict, everything else → kInternal. `what` prefixes the message.
Status MapError(int code, std::string_view what, std::string_view detail);

}  // namespace ozcc::sqlite
