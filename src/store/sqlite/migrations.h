// Versioned schema migrations for SQLite, embedded at build time from
// src/store/migrations/{,sqlite/}NNNN_name.sql (see cmake/embed_migrations.cmake).
#pragma once

#include <vector>

#include "store/sql/migrate.h"

namespace ozcc::sqlite {

using Migration = sql::Migration;

// All migrations, ascending by version.
const std::vector<Migration>& Migrations();

}  // namespace ozcc::sqlite
