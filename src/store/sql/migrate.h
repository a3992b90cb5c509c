// The migration runner both backends share. Each backend embeds its own
// versioned SQL files (migrations/<backend>/NNNN_name.sql, see
// cmake/embed_migrations.cmake), since column types differ between engines.
#pragma once

#include <string>
#include <vector>

#include "store/sql/sql.h"

namespace ozcc::sql {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Applies, in order, each migration of `all` (ascending by version) that
// schema_migrations does not list yet, each in its own transaction opened
// with `begin` and re-checked inside it, so concurrent migrators apply each
// once. The caller has created schema_migrations and holds whatever lock its
// engine needs. kInternal when the database is newer than `all` knows.
Status ApplyMigrations(Conn& c, const std::vector<Migration>& all, const std::string& begin);

// Ok when at least one migration is recorded (the caller has checked that
// schema_migrations exists where its engine cannot count a missing table);
// kUnavailable "database not migrated" otherwise. For /readyz.
Status CheckMigrated(Conn& c);

}  // namespace ozcc::sql
