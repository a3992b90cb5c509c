// Demo accounts for `serve --demo`: on first start, one account per role
// with a random password, written to <dir>/demo-accounts.txt (mode 0600)
// and printed; later starts print the same file. Never used without --demo.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace ozcc::app {

// Ensures the demo accounts exist; returns the text to print (user, role,
// organisation, password per line).
Result<std::string> EnsureDemoAccounts(Store& store, const std::filesystem::path& dir);

}  // namespace ozcc::app
