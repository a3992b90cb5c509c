// Versioned schema migrations for SQLite, embedded at build time from
// src/store/migrations/sqlite/NNNN_name.sql (see cmake/embed_migrations.cmake).
#pragma once

#include <vector>

namespace ozcc::sqlite {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// All migrations, ascending by version.
const std::vector<Migration>& Migrations();

}  // namespace ozcc::sqlite
