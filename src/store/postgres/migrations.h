// Versioned schema migrations for PostgreSQL, embedded at build time from
// src/store/migrations/{,postgres/}NNNN_name.sql (see cmake/embed_migrations.cmake).
#pragma once

#include <vector>

#include "store/sql/migrate.h"

namespace ozcc::postgres {

using Migration = sql::Migration;

// All migrations, ascending by version.
const std::vector<Migration>& Migrations();

}  // namespace ozcc::postgres
