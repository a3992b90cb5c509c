// Shared by the files of SqlStore; not part of the store's interface.
#pragma once

#include <string>
#include <vector>

#include "base/time.h"
#include "core/audit.h"
#include "store/sql/sql.h"

namespace ozcc::sql {

// Appends one audit record; a zero `at` becomes `now`. Fields are cut to
// their bounds (core/audit.h BoundedAudit): the one way records enter the log.
Status InsertAudit(Conn& c, const AuditRecord& a, Time now);

// "a, b, c": ids for an error message.
std::string JoinIds(const std::vector<std::string>& ids);

}  // namespace ozcc::sql
