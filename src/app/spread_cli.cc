#include "app/spread_cli.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "api/json/spreading_json.h"
#include "app/cli.h"
#include "engine/spreading/spreader.h"

namespace ozcc::app {

int RunSpread(const SpreadArgs& args) {
  std::ifstream in(args.input_file, std::ios::binary);
  if (!in) {
    std::cerr << "openzcc spread: --input: cannot read " << args.input_file << "\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto instance = api::ParseSpreadingInstanceJson(text.str());
  auto spreader = instance.ok() ? engine::spreading::Spreader::Build(*instance)
                                : Result<engine::spreading::Spreader>(instance.status());
  if (!spreader.ok()) {
    const Status st = spreader.status();
    std::cerr << "openzcc spread: " << args.input_file << ": " << st.message() << "\n";
    for (const auto& e : st.errors()) std::cerr << "  " << e.field << ": " << e.message << "\n";
    return 2;
  }
  // Wall time is solve_ms; the process's CPU time (the solver runs on this
  // thread alone) is printed beside it, since on a shared machine the wall
  // time also counts the time other processes had the core.
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  auto plan = spreader->Solve();
  const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double solve_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!plan.ok()) {
    std::cerr << "openzcc spread: " << plan.status().message() << "\n";
    return 1;
  }
  const std::string out = api::ToJson(spreader->instance(), *plan, solve_ms).dump(2) + "\n";
  if (!WriteCommandOutput("spread", args.output_file, out)) return 1;
  size_t placed = 0;
  for (const auto& a : plan->assignments) placed += a.hospital >= 0 ? 1 : 0;
  std::cerr << "openzcc spread: " << args.input_file << ": " << plan->assignments.size() << " patients, " << placed
            << " placed, total cost " << plan->total_cost << ", solved in " << solve_ms << " ms (cpu " << cpu_ms
            << " ms; " << plan->groups << " groups, " << plan->arcs << " arcs, " << plan->solves
            << (plan->solves == 1 ? " solve" : " solves") << ")\n";
  return 0;
}

void AddSpreadCommand(CLI::App& app) {
  auto args = std::make_shared<SpreadArgs>();
  auto* cmd = app.add_subcommand(
      "spread", "Spread patients over hospitals at the least total cost (docs/spreading.md); prints the plan as JSON");
  cmd->add_option("--input", args->input_file, "Instance JSON file: hospitals, patients, travel_minutes, policy")
      ->required();
  cmd->add_option("--output", args->output_file, "Write the plan JSON here instead of to stdout");
  cmd->callback([args] {
    const int code = RunSpread(*args);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace ozcc::app
