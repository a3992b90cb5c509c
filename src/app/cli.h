// The openzcc command line: serve, migrate, region import, user add,
// token create, backup. Flags override the config file, which overrides the
// environment (OPENZCC_DB, OPENZCC_LISTEN), which overrides defaults.
#pragma once

#include <string>

#include "base/status.h"

namespace ozcc::app {

int RunCli(int argc, char** argv);

// Reads a `serve --config` TOML file as serve would, without serving: kInvalid
// naming each unknown key, wrongly typed or out-of-range value (or the parse
// error with its line). For tests of the shipped example (deploy/openzcc.toml).
Status CheckServeConfig(const std::string& path);

}  // namespace ozcc::app
