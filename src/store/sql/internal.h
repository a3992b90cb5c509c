// Shared by the files of SqlStore; not part of the store's interface.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "core/audit.h"
#include "core/types.h"
#include "store/case_store.h"
#include "store/sql/sql.h"
#include "store/transfer_store.h"

namespace ozcc::sql {

// Appends one audit record; a zero `at` becomes `now`. Fields are cut to
// their bounds (core/audit.h BoundedAudit): the one way records enter the log.
Status InsertAudit(Conn& c, const AuditRecord& a, Time now);

// Inserts a capacity report whose version the caller took (capacity.cc) and
// makes it the unit's latest when it is (newest as_of, then version).
Status InsertReport(Conn& c, const CapacityReport& r, const std::string& region_id);
// The unit's latest report, if any (capacity.cc).
Result<std::optional<CapacityReport>> LatestReportOf(Conn& c, const std::string& unit_id);

// Appends one line of the patient access log; a zero `at` becomes `now` (cases.cc).
Status InsertAccess(Conn& c, const PatientAccess& a, Time now);

// The rows of one transfer write (TransferStore::WriteTransfer) inside the
// caller's transaction: a placement's accepted offer writes its transfer in
// its own (transfers.cc).
Status WriteTransferRows(Conn& c, const TransferWrite& write, TransferWriteResult& out);

// Takes the region's next `n` data versions (the sequence every live event
// is numbered by) and returns the last; kNotFound for an unknown region. It
// also locks the region's row until the transaction ends: that serialises
// every writer of the region, on any instance, so versions are unique,
// gap-free and become visible in order.
Result<std::int64_t> TakeRegionVersions(Conn& c, const std::string& region_id, std::int64_t n = 1);

// kInvalid when a text holds a NUL: PostgreSQL cannot store it, so both
// engines refuse it rather than cut it.
Status NoNul(const std::vector<std::string_view>& texts);

// "a, b, c": ids for an error message.
std::string JoinIds(const std::vector<std::string>& ids);

}  // namespace ozcc::sql
