#include "support/fhir_validate.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "support/external.h"

namespace ozcc::test {

namespace fs = std::filesystem;

::testing::AssertionResult ValidFhirR4(const std::vector<nlohmann::json>& resources) {
  if (resources.empty()) return ::testing::AssertionSuccess();
  const fs::path schema = ExternalDir() / "fhir-r4" / "fhir.schema.json";
  if (!fs::exists(schema)) {
    std::cout << "[ note ] " << schema << " not found; " << resources.size() << " resources not schema-checked\n";
    return ::testing::AssertionSuccess();
  }
  if (std::system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") != 0) {
    return ::testing::AssertionFailure() << "needs Debian's python3-jsonschema (scripts/install-deps.sh)";
  }
  const fs::path script = SourceDir() / "tests" / "fhir" / "validate_fhir.py";
  static std::atomic<int> counter{0};
  const fs::path dir =
      fs::temp_directory_path() / ("ozcc-fhir-valid-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directories(dir);
  std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + schema.string() + "'";
  for (size_t i = 0; i < resources.size(); ++i) {
    const fs::path p = dir / (std::to_string(i) + "-" + resources[i].value("resourceType", "x") + ".json");
    std::ofstream(p) << resources[i].dump(1);
    cmd += " '" + p.string() + "'";
  }
  const fs::path log = dir / "validate.log";
  cmd += " > '" + log.string() + "' 2>&1";
  if (std::system(cmd.c_str()) == 0) {
    fs::remove_all(dir);
    return ::testing::AssertionSuccess();
  }
  std::ifstream in(log);
  std::ostringstream problems;
  problems << in.rdbuf();
  return ::testing::AssertionFailure() << resources.size() << " resources, problems:\n"
                                       << problems.str() << "(files kept in " << dir << ")";
}

}  // namespace ozcc::test
