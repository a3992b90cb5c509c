// Router and message helpers: params, colon literals, 404 vs 405 + Allow,
// query decoding, problem+json escaping.
#include <gtest/gtest.h>

#include "http/message.h"
#include "http/router.h"

namespace ozcc::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) {
    Response r;
    r.body = name;
    return r;
  };
}

Request Req(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  std::string_view t = r.target;
  r.path = PercentDecode(t.substr(0, t.find('?')), false);
  if (auto q = t.find('?'); q != std::string_view::npos) r.query = std::string(t.substr(q + 1));
  return r;
}

std::string Call(const Router::Match& m, Request& req) { return m.route->handler(req).body; }

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/units/{unit_id}", Named("unit"));
    router_.Add("PUT", "/api/v1/units/{unit_id}/capacity", Named("put-capacity"));
    router_.Add("GET", "/api/v1/units/{unit_id}/capacity/history", Named("history"));
    router_.Add("POST", "/api/v1/capacity:batch", Named("batch"));
    router_.Add("POST", "/api/v1/capacity:import-csv", Named("csv"));
    router_.Add("GET", "/api/v1/capacity/snapshot", Named("snapshot"), {.inline_io = true});
    router_.Add("GET", "/api/v1/units/search", Named("search"));
    router_.Add("DELETE", "/api/v1/units/{unit_id}", Named("delete-unit"));
    router_.Add("GET", "/", Named("root"));
  }
  Router router_;
};

TEST_F(RouterTest, ExtractsParams) {
  auto req = Req("PUT", "/api/v1/units/zwn-ehm-seh/capacity");
  auto m = router_.Find(req);
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(Call(m, req), "put-capacity");
  EXPECT_EQ(req.params.at("unit_id"), "zwn-ehm-seh");
}

TEST_F(RouterTest, ParamsArePercentDecoded) {
  auto req = Req("GET", "/api/v1/units/a%2Fb%20c");
  auto m = router_.Find(req);
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(req.params.at("unit_id"), "a/b c");
}

TEST_F(RouterTest, ColonLiteralIsNotAParam) {
  auto req = Req("POST", "/api/v1/capacity:batch");
  auto m = router_.Find(req);
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(Call(m, req), "batch");
  EXPECT_TRUE(req.params.empty());

  auto csv = Req("POST", "/api/v1/capacity:import-csv?partial=true");
  auto m2 = router_.Find(csv);
  ASSERT_EQ(m2.kind, Router::MatchKind::kFound);
  EXPECT_EQ(Call(m2, csv), "csv");

  auto other = Req("POST", "/api/v1/capacity:other");
  EXPECT_EQ(router_.Find(other).kind, Router::MatchKind::kNoPath);
  auto bare = Req("POST", "/api/v1/capacity");
  EXPECT_EQ(router_.Find(bare).kind, Router::MatchKind::kNoPath);
}

TEST_F(RouterTest, LiteralBeatsParam) {
  auto req = Req("GET", "/api/v1/units/search");
  auto m = router_.Find(req);
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(Call(m, req), "search");
  // A method only the param route has still reaches the param route.
  auto del = Req("DELETE", "/api/v1/units/search");
  auto m2 = router_.Find(del);
  ASSERT_EQ(m2.kind, Router::MatchKind::kFound);
  EXPECT_EQ(Call(m2, del), "delete-unit");
  EXPECT_EQ(del.params.at("unit_id"), "search");
}

TEST_F(RouterTest, TrailingSlashIsNotSignificant) {
  auto req = Req("GET", "/api/v1/capacity/snapshot/?region=ZWN");
  auto m = router_.Find(req);
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(Call(m, req), "snapshot");
  EXPECT_TRUE(m.route->options.inline_io);
  auto root = Req("GET", "/");
  auto m2 = router_.Find(root);
  ASSERT_EQ(m2.kind, Router::MatchKind::kFound);
  EXPECT_EQ(Call(m2, root), "root");
}

TEST_F(RouterTest, UnknownPathIsNoPath) {
  auto req = Req("GET", "/api/v1/nothing");
  auto m = router_.Find(req);
  EXPECT_EQ(m.kind, Router::MatchKind::kNoPath);
  EXPECT_EQ(m.route, nullptr);
  auto deeper = Req("GET", "/api/v1/units/x/capacity/history/more");
  EXPECT_EQ(router_.Find(deeper).kind, Router::MatchKind::kNoPath);
}

TEST_F(RouterTest, WrongMethodIsNoMethodWithAllow) {
  auto req = Req("POST", "/api/v1/units/u1");
  auto m = router_.Find(req);
  EXPECT_EQ(m.kind, Router::MatchKind::kNoMethod);
  EXPECT_EQ(m.allow, "GET, HEAD, DELETE");

  auto put = Req("GET", "/api/v1/units/u1/capacity");
  auto m2 = router_.Find(put);
  EXPECT_EQ(m2.kind, Router::MatchKind::kNoMethod);
  EXPECT_EQ(m2.allow, "PUT");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  auto req = Req("HEAD", "/api/v1/units/u1");
  auto m = router_.Find(req);
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(Call(m, req), "unit");
}

TEST_F(RouterTest, WorksWithPathOnly) {
  Request req;
  req.method = "GET";
  req.path = "/api/v1/units/u9/capacity/history";
  auto m = router_.Find(req);
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(req.params.at("unit_id"), "u9");
}

TEST(MessageTest, QueryDecodesPercentAndPlus) {
  auto req = Req("GET", "/x?region=ZWN&q=a+b%2Bc&empty=&flag&na%6De=v&bad=%zz");
  EXPECT_EQ(req.Query("region"), "ZWN");
  EXPECT_EQ(req.Query("q"), "a b+c");
  EXPECT_EQ(req.Query("empty"), "");
  EXPECT_EQ(req.Query("flag"), "");
  EXPECT_EQ(req.Query("name"), "v");
  EXPECT_EQ(req.Query("bad"), "%zz");
  EXPECT_EQ(req.Query("missing"), std::nullopt);
}

TEST(MessageTest, HeaderFindsFirst) {
  Request req;
  req.headers = {{"accept", "a"}, {"x-y", "1"}, {"x-y", "2"}};
  EXPECT_EQ(req.Header("x-y"), "1");
  EXPECT_EQ(req.Header("nope"), std::nullopt);
}

TEST(MessageTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("a%20b+c", false), "a b+c");
  EXPECT_EQ(PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(PercentDecode("%", false), "%");
  EXPECT_EQ(PercentDecode("%4", false), "%4");
  EXPECT_EQ(PercentDecode("%41%42", false), "AB");
}

TEST(MessageTest, ProblemResponseEscapes) {
  auto r = ProblemResponse(404, "Not \"found\"", "line\nbreak \\ tab\t ctl\x01 bad\xff end", "rid-1", "/x");
  EXPECT_EQ(r.status, 404);
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Content-Type", "application/problem+json"}));
  EXPECT_EQ(r.headers[1], (std::pair<std::string, std::string>{"X-Content-Type-Options", "nosniff"}));
  EXPECT_EQ(r.headers[2], (std::pair<std::string, std::string>{"Cache-Control", "no-store"}));
  EXPECT_EQ(r.body,
            "{\"type\":\"https://openzcc.nl/problems/not-found\",\"title\":\"Not \\\"found\\\"\",\"status\":404,"
            "\"detail\":\"line\\nbreak \\\\ tab\\t ctl\\u0001 bad\\ufffd end\",\"instance\":\"/x\","
            "\"request_id\":\"rid-1\"}");
  auto utf8 = ProblemResponse(400, "Ongeldig — café", "", "");
  EXPECT_NE(utf8.body.find("Ongeldig — café"), std::string::npos);
  EXPECT_EQ(utf8.body.find("request_id"), std::string::npos);
}

}  // namespace
}  // namespace ozcc::http
