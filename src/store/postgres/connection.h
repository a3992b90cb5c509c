// Thin RAII wrapper over one libpq connection with a per-connection cache of
// server-side prepared statements; the PostgreSQL side of the statement layer
// (sql::Conn). Not thread-safe: a Connection is used by one thread at a time
// (the owner serialises access; see PostgresStore). Errors are Status values;
// nothing throws. All values travel in text format.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "store/sql/sql.h"

namespace ozcc::postgres {

// The rows of a successful statement. Row and column indices are 0-based.
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int size() const { return r_ ? PQntuples(r_.get()) : 0; }
  bool empty() const { return size() == 0; }
  // Rows inserted / updated / deleted by the statement (0 for a SELECT).
  std::int64_t affected() const;
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string Text(int row, int col) const { return std::string(PQgetvalue(r_.get(), row, col)); }
  std::int64_t Int(int row, int col) const;
  double Double(int row, int col) const;
  bool Bool(int row, int col) const { return PQgetvalue(r_.get(), row, col)[0] == 't'; }

 private:
  std::shared_ptr<PGresult> r_;
};

class Connection final : public sql::Conn {
 public:
  // Connects (conninfo: "postgresql://…" URI or "key=value" string) and sets
  // the session: UTF8, UTC, synchronous_commit = on. kUnavailable when the
  // server cannot be reached.
  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql`, written with $1, $2, … placeholders, as a cached prepared
  // statement (prepared on first use). kInvalid, without running it, when a
  // text parameter contains NUL (libpq would cut it there).
  Result<Rows> Fetch(const std::string& sql, const sql::Params& params = sql::Params());
  // sql::Conn: as Fetch, for SQL written with `?` placeholders.
  Result<std::int64_t> Query(std::string_view sql, const sql::Params& params, const sql::RowFn& each) override;
  // A TextList travels as a text[] literal.
  std::string AnyOf(std::string_view column) const override { return std::string(column) + " = ANY(?)"; }
  // Runs one or more statements without parameters or caching (DDL,
  // transaction control, migrations).
  Status Exec(const std::string& sql) override;

  // The connection is lost (server gone, backend terminated); only a reconnect helps.
  bool broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }
  // A statement failed since ClearFlags() with a serialisation failure or
  // deadlock (SQLSTATE 40001 / 40P01): the transaction must be retried whole.
  bool retryable() const { return retryable_; }
  void ClearFlags() { retryable_ = false; }
  // Inside a transaction block (also an aborted one).
  bool InTransaction() const override;
  bool MustRetry() const override { return broken() || retryable(); }
  // SQLSTATE of the last failed statement ("" if none or no server answer).
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  // Asynchronous notifications (LISTEN). Waits up to `timeout` for the
  // server to send something, reads it, and appends the payloads that
  // arrived (also those collected during earlier statements) to `out`.
  // kUnavailable when the connection is lost.
  Status WaitNotifications(std::chrono::milliseconds timeout, std::vector<std::string>& out);

  // The server process id of this session (for pg_terminate_backend in tests).
  int backend_pid() const { return PQbackendPID(conn_); }

 private:
  explicit Connection(PGconn* c) : conn_(c) {}
  // Turns a result into Rows or an error Status, noting broken / retryable.
  Result<Rows> Take(PGresult* r, std::string_view what);

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // sql → statement name
  std::unordered_map<std::string, std::string> numbered_;  // `?` SQL → the same with $n
  bool broken_ = false;
  bool retryable_ = false;
  std::string last_sqlstate_;
};

// Maps a SQLSTATE to a Status code: class 23 (integrity) → kConflict; 40001,
// 40P01, class 08 (connection), 57P01-3 (shutdown), 53 (resources) →
// kUnavailable; everything else → kInternal. `what` prefixes the message.
Status MapError(std::string_view sqlstate, std::string_view what, std::string_view detail);

}  // namespace ozcc::postgres
