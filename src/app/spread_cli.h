// `openzcc spread --input FILE [--output FILE]`: solves a spreading instance
// (docs/spreading.md) and writes the optimal plan as JSON to FILE or stdout;
// a one-line summary (patients, placed, total cost, solve time) goes to
// stderr. `solve_ms` is the optimiser's own time (Spreader::Solve), without
// reading, parsing or writing files.
//
// Exit codes: 0 done; 2 bad input (an instance that cannot be read or is
// invalid, every error printed as "FIELD: line N: message"); 1 the output
// cannot be written or the solver failed.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace ozcc::app {

// Adds the `spread` subcommand to `app`; a failed run ends with
// CLI::RuntimeError(code), which CLI11_PARSE returns as the exit code.
void AddSpreadCommand(CLI::App& app);

struct SpreadArgs {
  std::string input_file;
  std::string output_file;  // "": stdout
};
int RunSpread(const SpreadArgs& args);

}  // namespace ozcc::app
