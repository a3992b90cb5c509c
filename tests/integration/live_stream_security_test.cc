// Live event streams (/api/v1/events) against abuse and past their
// credentials, end to end on both stores:
//  - caps: per user or feed token and per client address (429 with
//    Retry-After beyond, counted on /metrics), and on all streams together
//    (503), so that one viewer cannot take every connection: health checks
//    and sign-in still answer, and a closed stream frees its place;
//  - a stream ends with its credentials: sign-out, `openzcc user disable`
//    (through the command line, on the same store as the server) and
//    session expiry close it within a few seconds; other sessions' streams
//    go on. (Feed tokens may not read events.)
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "app/cli.h"
#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

class LiveStreamTest : public ApiFixture {
 protected:
  void SetUp() override {
    auto trusted = http::TrustedProxies::Parse({"127.0.0.1"});
    ASSERT_TRUE(trusted.ok());
    server_options_.trusted_proxies = *trusted;  // addresses come from X-Forwarded-For
    api_options_.streams_per_principal = 3;
    api_options_.streams_per_address = 5;
    api_options_.max_streams = 8;
    api_options_.stream_recheck = std::chrono::milliseconds(500);
    ApiFixture::SetUp();
  }

  // A stream of `user`'s session from client address `from`.
  std::unique_ptr<SseClient> Stream(const std::string& user, const std::string& from = "192.0.2.1") {
    return StreamWith(TokenFor(user), from);
  }
  std::unique_ptr<SseClient> StreamWith(const std::string& token, const std::string& from = "192.0.2.1") {
    return std::make_unique<SseClient>(server_->port(), "/api/v1/events?region=ZWN",
                                       Headers{{"Authorization", "Bearer " + token}, {"X-Forwarded-For", from}});
  }
  // A refused stream request, read as an ordinary response.
  HttpResponse TryStream(const std::string& user, const std::string& from) {
    TestClient c(server_->port());
    c.set_timeout(std::chrono::milliseconds(3000));
    return c.Request("GET", "/api/v1/events?region=ZWN", "",
                     {{"Authorization", "Bearer " + TokenFor(user)}, {"X-Forwarded-For", from}});
  }

  // Whether the server ends the stream within `limit`.
  static bool EndsWithin(SseClient& s, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (s.closed()) return true;
      (void)s.Next(std::chrono::milliseconds(200));
    }
    return s.closed();
  }
  // Whether the stream still delivers: a write makes an event arrive.
  bool StillDelivers(SseClient& s) {
    const std::string put = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity";
    auto w = Call("manager", "PUT", put, R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":3}})");
    EXPECT_EQ(w.status, 200) << w.body;
    for (int i = 0; i < 10; ++i) {
      auto e = s.Next(std::chrono::milliseconds(500));
      if (e && e->event == "capacity") return true;
      if (s.closed()) return false;
    }
    return false;
  }
};

TEST_P(LiveStreamTest, OneViewerCannotTakeEveryConnection) {
  std::vector<std::unique_ptr<SseClient>> mine;
  for (int i = 0; i < 3; ++i) {
    mine.push_back(Stream("viewer", "192.0.2.1"));
    ASSERT_EQ(mine.back()->status(), 200);
  }
  // A fourth of the same user, from the same or another address: 429.
  for (const char* from : {"192.0.2.1", "192.0.2.99"}) {
    auto r = TryStream("viewer", from);
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(r.Header("content-type").value_or(""), "application/problem+json");
    EXPECT_FALSE(r.Header("retry-after").value_or("").empty());
  }
  EXPECT_EQ(Metric("openzcc_event_streams_refused_total{reason=\"principal\"}"), 2);
  // Per address: two more of another user fill the address (5), the next is refused.
  mine.push_back(Stream("coordinator", "192.0.2.1"));
  mine.push_back(Stream("coordinator", "192.0.2.1"));
  EXPECT_EQ(mine.back()->status(), 200);
  EXPECT_EQ(TryStream("manager", "192.0.2.1").status, 429);
  EXPECT_EQ(Metric("openzcc_event_streams_refused_total{reason=\"address\"}"), 1);
  // In all (8): three more from elsewhere, then 503 for everyone's streams, not their other requests.
  mine.push_back(Stream("manager", "192.0.2.2"));
  mine.push_back(Stream("manager", "192.0.2.2"));
  mine.push_back(Stream("orguser", "192.0.2.3"));
  EXPECT_EQ(mine.back()->status(), 200);
  auto full = TryStream("admin", "192.0.2.4");
  EXPECT_EQ(full.status, 503) << full.body;
  EXPECT_EQ(Metric("openzcc_event_streams_refused_total{reason=\"capacity\"}"), 1);
  EXPECT_EQ(Call("", "GET", "/healthz").status, 200);
  auto login =
      client_->Request("POST", "/api/v1/auth/login", json{{"username", "viewer"}, {"password", kPassword}}.dump(),
                       {{"Content-Type", "application/json"}});
  EXPECT_EQ(login.status, 200) << login.body;
  // A closed stream frees its place.
  mine.erase(mine.begin());
  bool reopened = false;
  for (int i = 0; i < 50 && !reopened; ++i) {
    auto again = Stream("viewer", "192.0.2.1");
    reopened = again->status() == 200;
    if (reopened)
      mine.push_back(std::move(again));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(reopened);
}

TEST_P(LiveStreamTest, SignOutEndsTheSessionsStreamsOnly) {
  const std::string token = NewSession("viewer"), other = NewSession("viewer");
  auto s = StreamWith(token), kept = StreamWith(other);
  ASSERT_EQ(s->status(), 200);
  ASSERT_EQ(kept->status(), 200);
  auto out = Call("", "POST", "/api/v1/auth/logout", "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(out.status, 204) << out.body;
  EXPECT_TRUE(EndsWithin(*s, std::chrono::seconds(3)));
  EXPECT_TRUE(StillDelivers(*kept));
  EXPECT_GE(Metric("openzcc_event_streams_ended_total"), 1);
}

TEST_P(LiveStreamTest, UserDisableOnTheCommandLineEndsTheStreams) {
  auto s = Stream("manager"), kept = Stream("viewer");
  ASSERT_EQ(s->status(), 200);
  std::vector<std::string> args = {"openzcc", "user", "disable", "--username", "manager", "--db", store_url_};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  const int rc = app::RunCli(static_cast<int>(argv.size()), argv.data());
  ::testing::internal::GetCapturedStdout();
  ASSERT_EQ(rc, 0);
  EXPECT_TRUE(EndsWithin(*s, std::chrono::seconds(5)));
  EXPECT_FALSE(kept->closed());
}

TEST_P(LiveStreamTest, AnExpiredSessionsStreamEnds) {
  auto s = StreamWith(NewSession("viewer", std::chrono::seconds(2)));
  ASSERT_EQ(s->status(), 200);
  EXPECT_FALSE(EndsWithin(*s, std::chrono::milliseconds(1000))) << "ended before its session";
  EXPECT_TRUE(EndsWithin(*s, std::chrono::seconds(5)));
}

INSTANTIATE_TEST_SUITE_P(, LiveStreamTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
