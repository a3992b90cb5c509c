// Versioned schema migrations for PostgreSQL, embedded at build time from
// src/store/migrations/postgres/NNNN_name.sql (see cmake/embed_pg_migrations.cmake).
#pragma once

#include <vector>

namespace ozcc::postgres {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// All migrations, ascending by version.
const std::vector<Migration>& Migrations();

}  // namespace ozcc::postgres
