#include "store/sqlite/connection.h"

#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ozcc::sqlite {

Stmt::~Stmt() {
  if (s_ != nullptr) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
}

Stmt& Stmt::Bind(int i, std::int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}

Stmt& Stmt::Bind(int i, double v) {
  sqlite3_bind_double(s_, i, v);
  return *this;
}

Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

int Stmt::Step() {
  last_ = sqlite3_step(s_);
  if (last_ != SQLITE_ROW && last_ != SQLITE_DONE) last_ = sqlite3_extended_errcode(sqlite3_db_handle(s_));
  return last_;
}

Status Stmt::Run() {
  int rc;
  while ((rc = Step()) == SQLITE_ROW) {
  }
  return rc == SQLITE_DONE ? Status::Ok() : Error();
}

Status Stmt::Error() const { return MapError(last_, "sqlite", sqlite3_errmsg(sqlite3_db_handle(s_))); }

bool Stmt::IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
std::int64_t Stmt::Int(int col) const { return sqlite3_column_int64(s_, col); }
double Stmt::Double(int col) const { return sqlite3_column_double(s_, col); }

std::string Stmt::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col)));
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& filename, int flags, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(filename.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Unavailable("cannot open database " + filename + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Stmt> Connection::Prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) return Stmt(it->second);
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return MapError(sqlite3_extended_errcode(db_), "prepare", sqlite3_errmsg(db_));
  cache_.emplace(std::move(key), s);
  return Stmt(s);
}

namespace {

// A TextList as the JSON array that json_each reads.
std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char ch : item) {
      const auto u = static_cast<unsigned char>(ch);
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += ch;
      } else if (u < 0x20) {
        static const char* kHex = "0123456789abcdef";
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 15];
      } else {
        out += ch;
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

class SqliteRow final : public sql::Row {
 public:
  explicit SqliteRow(const Stmt& s) : s_(s) {}
  bool IsNull(int col) const override { return s_.IsNull(col); }
  std::int64_t Int(int col) const override { return s_.Int(col); }
  double Double(int col) const override { return s_.Double(col); }
  std::string Text(int col) const override { return s_.Text(col); }
  bool Bool(int col) const override { return s_.Int(col) != 0; }

 private:
  const Stmt& s_;
};

}  // namespace

Result<std::int64_t> Connection::Query(std::string_view sql, const sql::Params& params, const sql::RowFn& each) {
  auto prepared = Prepare(sql);
  if (!prepared.ok()) return prepared.status();
  Stmt& s = *prepared;
  int i = 1;
  for (const auto& v : params.values()) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            s.BindNull(i);
          } else if constexpr (std::is_same_v<T, sql::TextList>) {
            s.Bind(i, JsonArray(x.items));
          } else {
            s.Bind(i, x);
          }
        },
        v);
    ++i;
  }
  const SqliteRow row(s);
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    if (each) each(row);
  }
  if (rc != SQLITE_DONE) return s.Error();
  return s.ReadOnly() ? std::int64_t{0} : static_cast<std::int64_t>(sqlite3_changes64(db_));
}

Status Connection::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return MapError(sqlite3_extended_errcode(db_), "exec", msg);
}

Status MapError(int code, std::string_view what, std::string_view detail) {
  std::string msg = std::string(what) + ": " + std::string(detail);
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::Unavailable(std::move(msg));
    case SQLITE_CONSTRAINT: return Status::Conflict(std::move(msg));
    default: return Status::Internal(std::move(msg));
  }
}

}  // namespace ozcc::sqlite
