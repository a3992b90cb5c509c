#include "store/store.h"

#include <string_view>

#include "store/sqlite/sqlite_store.h"

#ifdef OZCC_HAVE_POSTGRES
#include "store/postgres/postgres_store.h"
#endif

namespace ozcc {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
#ifdef OZCC_HAVE_POSTGRES
    postgres::PostgresStore::Options options;
    options.url = url;
    auto store = postgres::PostgresStore::Open(options);
    if (!store.ok()) return store.status();
    Status st = store.value()->Migrate();
    if (!st.ok()) return st;
    return std::unique_ptr<Store>(std::move(store).value());
#else
    return Status::Invalid("PostgreSQL backend not built yet");
#endif
  }
  std::string path = url;
  if (StartsWith(path, "sqlite://")) {
    path = path.substr(9);
  } else if (StartsWith(path, "sqlite:")) {
    path = path.substr(7);
  }
  if (path.empty()) return Status::Invalid("empty database path in store URL '" + url + "'");
  sqlite::SqliteStore::Options options;
  options.path = path;
  auto store = sqlite::SqliteStore::Open(options);
  if (!store.ok()) return store.status();
  Status st = store.value()->Migrate();
  if (!st.ok()) return st;
  return std::unique_ptr<Store>(std::move(store).value());
}

}  // namespace ozcc
