#include "app/simulate_cli.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "api/json/complaint_json.h"
#include "api/json/scenario_json.h"
#include "api/pathway_seed.h"
#include "app/cli.h"
#include "engine/simulate/simulator.h"

namespace ozcc::api {
extern const std::string_view kComplaintsJson;  // data/complaints.json, embedded at build time
}  // namespace ozcc::api

namespace ozcc::app {

namespace {

constexpr std::uint64_t kMaxSeed = (std::uint64_t{1} << 53) - 1;  // exact in every JSON reader

int Usage(const std::string& what) {
  std::cerr << "openzcc simulate: " << what << "\n";
  return 2;
}

int Invalid(const std::string& what, const Status& st, const std::string& field_prefix = "") {
  std::cerr << "openzcc simulate: " << what << ": " << st.message() << "\n";
  for (const auto& e : st.errors()) std::cerr << "  " << field_prefix << e.field << ": " << e.message << "\n";
  return 2;
}

// Every *.json of `dir` as a pathway set (each file's id its name), checked
// against the shipped entry complaints.
Result<std::vector<Pathway>> LoadPathways(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Status::Invalid("--pathways: " + dir + " is not a directory");
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") paths.push_back(entry.path());
  }
  if (ec) return Status::Invalid("--pathways: cannot read " + dir);
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> names;
  std::vector<std::string> texts;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Invalid("--pathways: cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    names.push_back(path.filename().string());
    texts.push_back(text.str());
  }
  std::vector<api::ShippedFile> files;
  for (size_t i = 0; i < names.size(); ++i) files.push_back({names[i], texts[i]});
  auto complaints = api::ParseComplaintsFile(api::kComplaintsJson);
  if (!complaints.ok()) return complaints.status();
  return api::ParsePathwayFiles(files, *complaints);
}

}  // namespace

int RunSimulate(const SimulateArgs& args) {
  std::ifstream in(args.scenario_file, std::ios::binary);
  if (!in) return Usage("--scenario: cannot read " + args.scenario_file);
  std::ostringstream text;
  text << in.rdbuf();
  std::vector<Pathway> pathways;
  if (!args.pathways_dir.empty()) {
    auto loaded = LoadPathways(args.pathways_dir);
    if (!loaded.ok()) return Invalid(args.pathways_dir, loaded.status());
    pathways = std::move(loaded).value();
  }
  auto file = api::ParseScenarioJson(text.str(), args.pathways_dir.empty() ? nullptr : &pathways);
  if (!file.ok()) return Invalid(args.scenario_file, file.status());
  if (args.seed > kMaxSeed) return Usage("--seed: must be 0 to " + std::to_string(kMaxSeed));
  auto sim = engine::simulate::Simulator::Build(file->scenario);
  if (!sim.ok()) return Invalid(args.scenario_file, sim.status());

  const auto start = std::chrono::steady_clock::now();
  auto result = sim->Run({args.replications, args.seed, args.threads});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) {
    if (result.status().code() == Code::kInvalid) {
      // Out-of-range flags, or a station that cannot keep up with its arrivals.
      const Status st = result.status();
      const bool flag =
          !st.errors().empty() && (st.errors()[0].field == "replications" || st.errors()[0].field == "threads");
      return flag ? Invalid("bad options", st, "--") : Invalid(args.scenario_file, st);
    }
    std::cerr << "openzcc simulate: " << result.status().message() << "\n";
    return 1;
  }
  const std::string out = api::ToJson(*result, wall, file->pathway_routes).dump(2) + "\n";
  if (!WriteCommandOutput("simulate", args.output_file, out)) return 1;
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.3g", wall > 0 ? double(result->events) / wall : 0.0);
  std::cerr << "openzcc simulate: " << args.scenario_file << ": " << result->replications
            << (result->replications == 1 ? " replication" : " replications") << ", seed " << result->seed
            << (args.seed == SimulateArgs{}.seed ? " (the default)" : "") << ", " << result->events << " events in "
            << wall << " s (" << rate << " events/s)\n";
  return 0;
}

void AddSimulateCommand(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand("simulate",
                                 "Run a what-if simulation scenario (docs/simulation.md) and print the result as JSON");
  cmd->add_option("--scenario", args->scenario_file, "Scenario JSON file")->required();
  cmd->add_option("--replications", args->replications, "Independent replications, 1-10000 (default 10)");
  cmd->add_option("--seed", args->seed,
                  "Random seed (default " + std::to_string(args->seed) + "); same seed, same numbers");
  cmd->add_option("--threads", args->threads, "Threads for the replications (default 0: one per core)");
  cmd->add_option("--output", args->output_file, "Write the result JSON here instead of to stdout");
  cmd->add_option("--pathways", args->pathways_dir,
                  "Care pathways (a directory of pathway JSON files, e.g. data/pathways) for the scenario's "
                  "pathway_routing (default: none)");
  cmd->callback([args] {
    const int code = RunSimulate(*args);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace ozcc::app
