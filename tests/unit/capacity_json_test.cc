// Strict JSON parsing of capacity bodies: shape errors name their field.
#include "api/json/capacity_json.h"

#include <gtest/gtest.h>

namespace ozcc::api {
namespace {

std::vector<std::string> Fields(const Status& st) {
  std::vector<std::string> out;
  for (const auto& e : st.errors()) out.push_back(e.field);
  return out;
}

Result<CapacityInput> Parse(const std::string& text) {
  auto j = ParseJsonObject(text);
  if (!j.ok()) return j.status();
  return ParseCapacityInput(*j, "u1");
}

TEST(ParseJsonObject, RejectsBadDocuments) {
  EXPECT_FALSE(ParseJsonObject("").ok());
  EXPECT_FALSE(ParseJsonObject("[1,2]").ok());
  EXPECT_FALSE(ParseJsonObject("{\"a\":1").ok());
  EXPECT_FALSE(ParseJsonObject("{\"a\":1,\"a\":2}").ok());                          // duplicate key
  EXPECT_FALSE(ParseJsonObject("{\"a\":\"\xff\xfe\"}").ok());                       // bad UTF-8
  EXPECT_FALSE(ParseJsonObject(std::string(40, '[') + std::string(40, ']')).ok());  // not an object
  std::string deep = "{\"a\":" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_FALSE(ParseJsonObject(deep).ok());                // too deep
  EXPECT_TRUE(ParseJsonObject("{\"a\":{\"a\":1}}").ok());  // same key at different levels is fine
}

TEST(ParseCapacityInput, EmptyUnknownKeyIsNamed) {
  auto in = Parse(R"({"beds":{"total":1,"staffed":1,"occupied":0,"available":1},"":1})");
  ASSERT_FALSE(in.ok());
  ASSERT_EQ(in.status().errors().size(), 1u);
  EXPECT_EQ(in.status().errors()[0].field, "\"\"");
}

TEST(ParseCapacityInput, ReadsAFullReport) {
  auto in = Parse(R"({"as_of":"2026-11-26T10:00:00Z","beds":{"total":20,"staffed":18,"occupied":15,"available":3},
                      "ed":{"status":"threatened","waiting":4,"in_treatment":9,"boarding":1,"crowding":130},
                      "note":"griep"})");
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_EQ(in->unit_id, "u1");
  EXPECT_EQ(in->beds, (Beds{20, 18, 15, 3}));
  EXPECT_EQ(in->ed->status, EdStatus::kThreatened);
  EXPECT_EQ(in->ed->crowding, 130);
  EXPECT_EQ(in->note, "griep");
  EXPECT_EQ(FormatRfc3339(*in->as_of), "2026-11-26T10:00:00Z");
}

TEST(ParseCapacityInput, ArrivalsAreOptionalAndRoundTrip) {
  auto without = Parse(R"({"ed":{"status":"open","waiting":1}})");
  ASSERT_TRUE(without.ok());
  EXPECT_FALSE(without->ed->arrivals.has_value());
  EXPECT_FALSE(ToJson(*without->ed).contains("arrivals"));
  auto with = Parse(R"({"ed":{"status":"open","arrivals":6}})");
  ASSERT_TRUE(with.ok()) << with.status().message();
  EXPECT_EQ(with->ed->arrivals, 6);
  EXPECT_EQ(ToJson(*with->ed)["arrivals"], 6);
  auto bad = Parse(R"({"ed":{"status":"open","arrivals":"6"}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(Fields(bad.status()), std::vector<std::string>{"ed.arrivals"});
}

TEST(ParseCapacityInput, NamesWrongTypesUnknownAndMissingFields) {
  auto in = Parse(R"({"beds":{"total":"20","staffed":1.5,"occupied":1},"colour":"red","as_of":12})");
  ASSERT_FALSE(in.ok());
  auto f = Fields(in.status());
  for (const char* want : {"beds.total", "beds.staffed", "beds.available", "colour", "as_of"}) {
    EXPECT_NE(std::find(f.begin(), f.end(), want), f.end()) << want;
  }
  EXPECT_EQ(in.status().code(), Code::kInvalid);
}

TEST(ParseCapacityInput, RejectsBadEdStatusAndHugeNumbers) {
  auto in = Parse(R"({"ed":{"status":"busy","waiting":18446744073709551615}})");
  ASSERT_FALSE(in.ok());
  auto f = Fields(in.status());
  EXPECT_NE(std::find(f.begin(), f.end(), "ed.status"), f.end());
  EXPECT_NE(std::find(f.begin(), f.end(), "ed.waiting"), f.end());
}

TEST(ParseCapacityBatch, NamesItemsByIndex) {
  auto j = ParseJsonObject(R"({"items":[{"unit_id":"a","beds":{"total":1,"staffed":1,"occupied":0,"available":1}},
                                         {"beds":{"total":1}}, 7]})");
  ASSERT_TRUE(j.ok());
  auto b = ParseCapacityBatch(*j);
  ASSERT_FALSE(b.ok());
  auto f = Fields(b.status());
  EXPECT_NE(std::find(f.begin(), f.end(), "items[1].unit_id"), f.end());
  EXPECT_NE(std::find(f.begin(), f.end(), "items[1].beds.staffed"), f.end());
  EXPECT_NE(std::find(f.begin(), f.end(), "items[2]"), f.end());
}

TEST(ParseCapacityBatch, LimitsSize) {
  std::string body = "{\"items\":[";
  for (int i = 0; i < 11; ++i) body += std::string(i ? "," : "") + "{\"unit_id\":\"u\"}";
  body += "]}";
  auto b = ParseCapacityBatch(*ParseJsonObject(body), 10);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(Fields(b.status()).front(), "items");
}

TEST(ToJson, ReportHasEveryField) {
  CapacityReport r;
  r.unit_id = "u";
  r.as_of = *ParseRfc3339("2026-11-26T10:00:00Z");
  r.received_at = *ParseRfc3339("2026-11-26T10:00:01Z");
  r.beds = Beds{2, 2, 1, 1};
  r.version = 7;
  auto j = ToJson(r);
  EXPECT_EQ(j["beds"]["available"], 1);
  EXPECT_TRUE(j["ed"].is_null());
  EXPECT_EQ(j["version"], 7);
  EXPECT_EQ(j["received_at"], "2026-11-26T10:00:01Z");
}

}  // namespace
}  // namespace ozcc::api
