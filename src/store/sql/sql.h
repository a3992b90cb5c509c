// The thin statement/row layer that every store is written against once, and
// that each database backend implements (sqlite/, postgres/).
//
// SQL is written with `?` placeholders in the dialect both engines accept:
// ANSI joins, `INSERT … ON CONFLICT … DO UPDATE SET x = excluded.x`,
// `RETURNING`, `TRUE`/`FALSE`, `COALESCE`. Where the engines differ the
// connection says how (AnyOf for a list parameter); the schema itself lives in
// per-backend migrations (column types differ: INTEGER vs BIGINT/BOOLEAN).
//
// Errors are Status values (unique or foreign-key violation → kConflict;
// busy, lost connection, serialisation failure → kUnavailable; anything else
// → kInternal); nothing throws. A Conn is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"

namespace ozcc::sql {

// A list of texts bound as one parameter and matched with Conn::AnyOf.
struct TextList {
  std::vector<std::string> items;
};

using Value = std::variant<std::monostate, std::int64_t, double, bool, std::string, TextList>;

// The positional parameters of one statement, in the order of their `?`.
class Params {
 public:
  Params& Add(std::string_view v) { return Push(std::string(v)); }
  Params& Add(const std::string& v) { return Push(v); }
  Params& Add(const char* v) { return Push(std::string(v)); }
  Params& Add(std::int64_t v) { return Push(v); }
  Params& Add(int v) { return Push(static_cast<std::int64_t>(v)); }
  Params& Add(bool v) { return Push(v); }
  Params& Add(double v) { return Push(v); }
  Params& Add(const std::optional<std::int64_t>& v) { return v ? Add(*v) : AddNull(); }
  Params& Add(TextList v) { return Push(std::move(v)); }
  Params& AddNull() { return Push(std::monostate{}); }
  // Empty text binds NULL (optional foreign keys).
  Params& AddTextOrNull(std::string_view v) { return v.empty() ? AddNull() : Add(v); }
  const std::vector<Value>& values() const { return values_; }

 private:
  // Built in place: moving a whole Value trips GCC 12's -Wmaybe-uninitialized
  // in Release builds (a false positive on std::variant).
  template <class T>
  Params& Push(T&& v) {
    values_.emplace_back(std::in_place_type<std::decay_t<T>>, std::forward<T>(v));
    return *this;
  }
  std::vector<Value> values_;
};

// One row of a result; columns are 0-based. Valid only inside the callback
// that received it.
class Row {
 public:
  virtual ~Row() = default;
  virtual bool IsNull(int col) const = 0;
  virtual std::int64_t Int(int col) const = 0;
  virtual double Double(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  virtual bool Bool(int col) const = 0;
};

using RowFn = std::function<void(const Row&)>;

class Conn {
 public:
  virtual ~Conn() = default;
  // Runs one statement (prepared once per connection and cached), calling
  // `each` (if set) for every row it returns. Returns the number of rows the
  // statement inserted, updated or deleted (0 for a query).
  virtual Result<std::int64_t> Query(std::string_view sql, const Params& params, const RowFn& each) = 0;
  // Runs one or more statements without parameters or caching (DDL,
  // transaction control, migrations).
  virtual Status Exec(const std::string& script) = 0;
  // The condition "`column` is one of the TextList parameter", with its `?`.
  virtual std::string AnyOf(std::string_view column) const = 0;
  // Inside a transaction block (also one that failed and awaits ROLLBACK).
  virtual bool InTransaction() const = 0;
  // A statement since the transaction began failed in a way that only
  // running the whole transaction again can cure (lost connection,
  // serialisation failure, deadlock). Never on SQLite, whose one writer
  // cannot deadlock.
  virtual bool MustRetry() const { return false; }

  // As Query, for statements whose rows (if any) do not matter.
  Status Run(std::string_view sql, const Params& params = Params()) { return Query(sql, params, nullptr).status(); }
  // As Query, returning the rows changed.
  Result<std::int64_t> Changes(std::string_view sql, const Params& params = Params()) {
    return Query(sql, params, nullptr);
  }
  // Every row, mapped by `map(const Row&) -> T`.
  template <class T, class Map>
  Result<std::vector<T>> All(std::string_view sql, const Params& params, Map map) {
    std::vector<T> out;
    auto r = Query(sql, params, [&](const Row& row) { out.push_back(map(row)); });
    if (!r.ok()) return r.status();
    return out;
  }
  // The first row mapped, or nullopt when there is none.
  template <class T, class Map>
  Result<std::optional<T>> First(std::string_view sql, const Params& params, Map map) {
    std::optional<T> out;
    auto r = Query(sql, params, [&](const Row& row) {
      if (!out) out = map(row);
    });
    if (!r.ok()) return r.status();
    return out;
  }
};

// The most rows a LIMIT can name.
std::int64_t Limit(size_t n);

}  // namespace ozcc::sql
