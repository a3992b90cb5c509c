// The shared table of rule cases (tests/cases/capacity_rules.json) run against
// core: ValidateCapacity, IsStale and Authorize. web/test/rules_table.test.ts
// runs the same file against the web's copies, so the two cannot drift apart
// unnoticed. Each capacity input is parsed as a PUT body, as the API does.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "api/json/capacity_json.h"
#include "core/authz.h"
#include "core/stale.h"
#include "core/types.h"
#include "core/validate.h"

namespace ozcc {
namespace {

using nlohmann::json;

const json& Table() {
  static const json table = [] {
    std::ifstream in(std::string(OZCC_SOURCE_DIR) + "/tests/cases/capacity_rules.json");
    EXPECT_TRUE(in) << "tests/cases/capacity_rules.json not found under " << OZCC_SOURCE_DIR;
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  }();
  return table;
}

Time TableNow() { return *ParseRfc3339(Table().at("now").get<std::string>()); }

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ", ") + x;
  return "[" + out + "]";
}

TEST(RulesTable, IsReadable) {
  ASSERT_TRUE(Table().is_object()) << "tests/cases/capacity_rules.json is not valid JSON";
  EXPECT_GE(Table().at("capacity").size(), 40u);
  EXPECT_GE(Table().at("staleness").size(), 10u);
  EXPECT_GE(Table().at("edit").size(), 10u);
}

TEST(RulesTable, CapacityValidation) {
  ASSERT_TRUE(Table().is_object());
  const Time now = TableNow();
  for (const json& c : Table().at("capacity")) {
    const std::string name = c.at("name");
    json body = c.at("input");
    if (c.contains("note_repeat")) {
      std::string note;
      for (int i = 0; i < c["note_repeat"][1].get<int>(); ++i) note += c["note_repeat"][0].get<std::string>();
      body["note"] = note + c.value("note_suffix", "");
    }
    auto type = ParseUnitType(c.at("unit_type").get<std::string>());
    ASSERT_TRUE(type) << name << ": unknown unit_type";
    auto in = api::ParseCapacityInput(body, "u");
    ASSERT_TRUE(in.ok()) << name << ": the input is not a valid PUT body: " << in.status().message();
    std::set<std::string> got;
    for (const FieldError& e : ValidateCapacity(*in, *type, now)) got.insert(e.field);
    const std::set<std::string> want = c.at("errors").get<std::set<std::string>>();
    EXPECT_EQ(got, want) << name << ": core names " << Join(got) << ", the table " << Join(want);
  }
}

TEST(RulesTable, Staleness) {
  ASSERT_TRUE(Table().is_object());
  const Time now = TableNow();
  for (const json& c : Table().at("staleness")) {
    const std::string name = c.at("name");
    std::optional<Time> as_of;
    if (!c.at("age_ms").is_null()) as_of = FromUnixMillis(ToUnixMillis(now) - c["age_ms"].get<std::int64_t>());
    EXPECT_EQ(IsStale(as_of, c.at("expected_interval_s").get<std::int64_t>(), now), c.at("stale").get<bool>()) << name;
  }
}

TEST(RulesTable, EditRights) {
  ASSERT_TRUE(Table().is_object());
  for (const json& c : Table().at("edit")) {
    const std::string name = c.at("name");
    const json& u = c.at("user");
    auto role = ParseRole(u.at("role").get<std::string>());
    ASSERT_TRUE(role) << name << ": unknown role";
    Principal who;
    who.kind = PrincipalKind::kUser;
    who.name = "table";
    who.role = *role;
    who.organization_id = u.at("organization_id");
    who.region_id = u.at("region_id");
    const Resource unit{c.at("unit").at("region_id"), c.at("unit").at("organization_id")};
    const bool may = Authorize(who, Action::kWriteCapacity, unit) == Decision::kAllow;
    EXPECT_EQ(may, c.at("may_edit").get<bool>()) << name;
  }
}

}  // namespace
}  // namespace ozcc
