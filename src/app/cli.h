// The openzcc command line: serve, migrate, region import, user add,
// token create, backup, patient-key generate, simulate (simulate_cli.h). Flags override the config file,
// which overrides the environment (OPENZCC_DB, OPENZCC_LISTEN,
// OPENZCC_PATIENT_KEY), which overrides defaults. A
// config file that cannot be used (unknown key, wrong type) exits 2, as a
// bad flag does.
#pragma once

#include <string>

#include "base/status.h"

namespace ozcc::app {

int RunCli(int argc, char** argv);

// Reads a `serve --config` TOML file as serve would, without serving: kInvalid
// naming each unknown key, wrongly typed or out-of-range value (or the parse
// error with its line). For tests of the shipped example (deploy/openzcc.toml).
Status CheckServeConfig(const std::string& path);

// The settings a `serve --config` file gives, every key, as TOML lines
// `key = value` (what `openzcc serve --config FILE --check-config` prints
// when no flag overrides the file); the CheckServeConfig error otherwise.
Result<std::string> DescribeServeConfig(const std::string& path);

// An engine command's result document: to standard output when `path` is
// empty, else to the file (replaced). False, with "openzcc COMMAND: cannot
// write PATH" on standard error, when it could not be written.
bool WriteCommandOutput(const std::string& command, const std::string& path, const std::string& text);

}  // namespace ozcc::app
