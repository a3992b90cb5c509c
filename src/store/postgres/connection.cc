#include "store/postgres/connection.h"

#include <poll.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <variant>

namespace ozcc::postgres {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The message of a failed result or connection, without the trailing newline.
std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Each `?` outside quotes becomes $1, $2, ….
std::string Numbered(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char ch : sql) {
    if (quote != 0) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '?') {
      out += '$' + std::to_string(++n);
      continue;
    }
    out += ch;
  }
  return out;
}

// A text[] literal of `items` ('{"a","b"}'), for `= ANY($1)`.
std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char ch : items[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// A parameter in PostgreSQL's text format; nullopt is NULL.
std::optional<std::string> ToText(const sql::Value& v) {
  return std::visit(
      [](const auto& x) -> std::optional<std::string> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.17g", x);  // exact round trip
          return std::string(buf);
        } else if constexpr (std::is_same_v<T, bool>) {
          return std::string(x ? "true" : "false");
        } else if constexpr (std::is_same_v<T, sql::TextList>) {
          return TextArray(x.items);
        } else {
          return x;
        }
      },
      v);
}

class PgRow final : public sql::Row {
 public:
  PgRow(const Rows& rows, int i) : rows_(rows), i_(i) {}
  bool IsNull(int col) const override { return rows_.IsNull(i_, col); }
  std::int64_t Int(int col) const override { return rows_.Int(i_, col); }
  double Double(int col) const override { return rows_.Double(i_, col); }
  std::string Text(int col) const override { return rows_.Text(i_, col); }
  bool Bool(int col) const override { return rows_.Bool(i_, col); }

 private:
  const Rows& rows_;
  int i_;
};

}  // namespace

std::int64_t Rows::affected() const {
  if (!r_ || StartsWith(PQcmdStatus(r_.get()), "SELECT")) return 0;
  const char* n = PQcmdTuples(r_.get());
  return n[0] == '\0' ? 0 : std::strtoll(n, nullptr, 10);
}

std::int64_t Rows::Int(int row, int col) const { return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10); }

double Rows::Double(int row, int col) const { return std::strtod(PQgetvalue(r_.get(), row, col), nullptr); }

Status MapError(std::string_view sqlstate, std::string_view what, std::string_view detail) {
  std::string msg = std::string(what) + ": " + std::string(detail);
  if (StartsWith(sqlstate, "23")) return Status::Conflict(msg);
  if (sqlstate == "40001" || sqlstate == "40P01" || StartsWith(sqlstate, "08") || StartsWith(sqlstate, "57P") ||
      StartsWith(sqlstate, "53") || sqlstate.empty()) {
    return Status::Unavailable(msg);
  }
  return Status::Internal(msg);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (c == nullptr) return Status::Unavailable("cannot allocate a PostgreSQL connection");
  std::unique_ptr<Connection> conn(new Connection(c));
  // Server notices ("… already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  if (PQstatus(c) != CONNECTION_OK) {
    return Status::Unavailable("cannot connect to PostgreSQL: " + Trim(PQerrorMessage(c)));
  }
  Status st = conn->Exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET synchronous_commit = on");
  if (!st.ok()) return st;
  return conn;
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::InTransaction() const {
  PGTransactionStatusType t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

Result<Rows> Connection::Take(PGresult* r, std::string_view what) {
  ExecStatusType s = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
    last_sqlstate_.clear();
    return Rows(r);
  }
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  std::string detail = Trim(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (detail.empty()) detail = Trim(PQerrorMessage(conn_));
  if (r != nullptr) PQclear(r);
  if (last_sqlstate_ == "40001" || last_sqlstate_ == "40P01") retryable_ = true;
  if (PQstatus(conn_) != CONNECTION_OK || StartsWith(last_sqlstate_, "08") || StartsWith(last_sqlstate_, "57P")) {
    broken_ = true;
  }
  if (broken_) return Status::Unavailable(std::string(what) + ": connection to PostgreSQL lost: " + detail);
  return MapError(last_sqlstate_, what, detail);
}

Result<Rows> Connection::Fetch(const std::string& sql, const sql::Params& params) {
  if (broken()) return Status::Unavailable("connection to PostgreSQL lost");
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "ozcc_" + std::to_string(prepared_.size() + 1);
    auto r = Take(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), "prepare");
    if (!r.ok()) return Status(r.status().code(), r.status().message() + " [" + sql + "]");
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<std::optional<std::string>> values;
  values.reserve(params.values().size());
  for (const auto& v : params.values()) values.push_back(ToText(v));
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) {
    // libpq reads text parameters up to the first NUL: "a\0b" would silently become "a".
    if (v && v->find('\0') != std::string::npos) return Status::Invalid("text must not contain a NUL character");
    ptrs.push_back(v ? v->c_str() : nullptr);
  }
  return Take(
      PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(ptrs.size()), ptrs.data(), nullptr, nullptr, 0),
      "query");
}

Result<std::int64_t> Connection::Query(std::string_view sql, const sql::Params& params, const sql::RowFn& each) {
  std::string key(sql);
  auto it = numbered_.find(key);
  if (it == numbered_.end()) it = numbered_.emplace(key, Numbered(sql)).first;
  auto rows = Fetch(it->second, params);
  if (!rows.ok()) return rows.status();
  if (each) {
    for (int i = 0; i < rows->size(); ++i) each(PgRow(*rows, i));
  }
  return rows->affected();
}

Status Connection::WaitNotifications(std::chrono::milliseconds timeout, std::vector<std::string>& out) {
  auto drain = [&] {
    while (PGnotify* n = PQnotifies(conn_)) {
      out.emplace_back(n->extra);
      PQfreemem(n);
    }
  };
  drain();
  if (!out.empty()) return Status::Ok();
  if (broken()) return Status::Unavailable("connection to PostgreSQL lost");
  pollfd p{.fd = PQsocket(conn_), .events = POLLIN, .revents = 0};
  int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (n < 0 && errno != EINTR) return Status::Unavailable(std::string("poll: ") + std::strerror(errno));
  if (n > 0 && PQconsumeInput(conn_) == 0) {
    broken_ = true;
    return Status::Unavailable("connection to PostgreSQL lost: " + Trim(PQerrorMessage(conn_)));
  }
  drain();
  return Status::Ok();
}

Status Connection::Exec(const std::string& sql) {
  if (broken()) return Status::Unavailable("connection to PostgreSQL lost");
  return Take(PQexec(conn_, sql.c_str()), "exec").status();
}

}  // namespace ozcc::postgres
