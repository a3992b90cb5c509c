// Thin RAII wrapper over one SQLite connection with a per-connection cache of
// prepared statements. Not thread-safe: a Connection is used by one thread at
// a time (the owner serialises access; see SqliteStore). Errors are Status
// values; nothing throws.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

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
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<std::int64_t>(v)); }
  Stmt& Bind(int i, bool v) { return Bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view v);  // copied (SQLITE_TRANSIENT)
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& BindNull(int i);
  // Empty text binds NULL (for optional foreign keys).
  Stmt& BindTextOrNull(int i, std::string_view v);
  Stmt& Bind(int i, const std::optional<std::int64_t>& v) { return v ? Bind(i, *v) : BindNull(i); }

  // SQLITE_ROW, SQLITE_DONE or an error code (then Error() describes it).
  int Step();
  // Steps to completion, expecting no rows; returns the error, if any.
  Status Run();
  // The current error as a Status (code mapped by MapError).
  Status Error() const;
  // The extended result code of the last step.
  int last_code() const { return last_; }

  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::optional<std::int64_t> OptInt(int col) const;

 private:
  sqlite3_stmt* s_;
  int last_ = SQLITE_OK;
};

class Connection {
 public:
  // Opens `filename` with `flags` (SQLITE_OPEN_*); SQLITE_OPEN_NOMUTEX is
  // added. Sets busy_timeout. Pragmas are the caller's business.
  static Result<std::unique_ptr<Connection>> Open(const std::string& filename, int flags, int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Borrows the cached statement for `sql`, preparing it on first use.
  Result<Stmt> Prepare(const std::string& sql);
  // Runs one or more statements without caching (DDL, pragmas, migrations).
  Status Exec(const std::string& sql);
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  std::int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Maps an SQLite result code to a Status: BUSY/LOCKED → kUnavailable,
// CONSTRAINT → kConflict, everything else → kInternal. `what` prefixes the message.
Status MapError(int code, std::string_view what, std::string_view detail);

}  // namespace ozcc::sqlite
