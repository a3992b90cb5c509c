// `openzcc simulate --scenario FILE [--replications N] [--seed S]
// [--threads T] [--output FILE] [--pathways DIR]`: runs a simulation scenario
// (docs/simulation.md) and writes the result JSON to FILE or stdout; a
// one-line summary (replications, seed, events, wall time) goes to stderr.
//
// Exit codes: 0 done; 2 bad input (a scenario that cannot be read or is
// invalid, every error printed as "FIELD: line N: message"; replications or
// threads out of range, named as the flag); 1 the output cannot be written
// or the run failed.
#pragma once

#include <CLI/CLI.hpp>

namespace ozcc::app {

// Adds the `simulate` subcommand to `app`. It runs from the subcommand's
// callback during parsing and ends a failed run with CLI::RuntimeError(code),
// which CLI11_PARSE returns as the exit code.
void AddSimulateCommand(CLI::App& app);

// What `simulate` does once its flags are parsed; returns the exit code.
struct SimulateArgs {
  std::string scenario_file;
  int replications = 10;
  std::uint64_t seed = 1;    // the default seed, printed with every run
  int threads = 0;           // 0: one per hardware thread
  std::string output_file;   // "": stdout
  std::string pathways_dir;  // "": no pathway set (a scenario with pathway_routing is refused)
};
int RunSimulate(const SimulateArgs& args);

}  // namespace ozcc::app
