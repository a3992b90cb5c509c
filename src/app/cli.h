// The openzcc command line: serve, migrate, region import, user add,
// token create. Flags override the config file, which overrides the
// environment (OPENZCC_DB, OPENZCC_LISTEN), which overrides defaults.
#pragma once

namespace ozcc::app {

int RunCli(int argc, char** argv);

}  // namespace ozcc::app
