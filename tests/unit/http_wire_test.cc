// http/wire.h: the server's conversion of a parsed message into a Request
// and of a Response into the bytes of its head.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <string>

#include "http/wire.h"

namespace ozcc::http {
namespace {

namespace bhttp = boost::beast::http;

BeastRequest Parse(const std::string& bytes) {
  bhttp::request_parser<bhttp::string_body> p;
  boost::beast::error_code ec;
  p.eager(true);
  p.put(boost::asio::buffer(bytes), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(p.is_done());
  return p.release();
}

TEST(HttpWireTest, ToRequestSplitsTargetAndLowersHeaderNames) {
  BeastRequest msg = Parse(
      "POST /api/v1/units/a%2Fb/capacity?x=1&y=%20 HTTP/1.1\r\nHost: z\r\nX-Request-Id: abc-1\r\n"
      "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  Request req;
  req.params["stale"] = "x";
  ToRequest(msg, req);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/v1/units/a%2Fb/capacity?x=1&y=%20");
  EXPECT_EQ(req.path, "/api/v1/units/a/b/capacity");
  EXPECT_EQ(req.query, "x=1&y=%20");
  EXPECT_EQ(req.request_id, "abc-1");
  EXPECT_EQ(req.body, "{}");
  EXPECT_TRUE(req.params.empty());
  ASSERT_EQ(req.headers.size(), 4u);
  EXPECT_EQ(req.headers[2].first, "content-type");
  EXPECT_EQ(req.Header("content-length"), "2");
}

// An absolute-form target with a query but no path used to give an empty
// path (found writing this test); RFC 3986 makes it "/".
TEST(HttpWireTest, ToRequestAbsoluteFormAndBadRequestId) {
  BeastRequest msg = Parse("GET http://zcc.example?q=1 HTTP/1.1\r\nX-Request-Id: has space\r\n\r\n");
  Request req;
  ToRequest(msg, req);
  EXPECT_EQ(req.path, "/");
  EXPECT_EQ(req.query, "q=1");
  EXPECT_TRUE(ValidRequestId(req.request_id));
  EXPECT_NE(req.request_id, "has space");
  EXPECT_EQ(req.request_id.size(), 16u);
}

// The server reuses one Request per connection: nothing of the previous
// request may remain.
TEST(HttpWireTest, ToRequestOnAReusedRequestKeepsNothingOfTheLastOne) {
  Request req;
  BeastRequest first = Parse("PUT /a?x=1 HTTP/1.1\r\nHost: h\r\nX-Request-Id: first-id\r\nAuthorization: Bearer " +
                             std::string(40, 't') + "\r\nContent-Length: 2\r\n\r\n{}");
  ToRequest(first, req);
  ASSERT_EQ(req.headers.size(), 4u);
  EXPECT_EQ(req.request_id, "first-id");
  req.params["id"] = "7";
  BeastRequest second = Parse("GET /b HTTP/1.1\r\nHOST: Other\r\n\r\n");
  ToRequest(second, req);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/b");
  EXPECT_EQ(req.query, "");
  ASSERT_EQ(req.headers.size(), 1u);
  EXPECT_EQ(req.headers[0].first, "host");
  EXPECT_EQ(req.headers[0].second, "Other");
  EXPECT_NE(req.request_id, "first-id");
  EXPECT_TRUE(ValidRequestId(req.request_id));
  EXPECT_EQ(req.request_id.size(), 16u);
  EXPECT_EQ(req.body, "");
  EXPECT_TRUE(req.params.empty());
}

TEST(HttpWireTest, ResponseHeadDropsServerOwnedHeadersAndLineBreaks) {
  Response r;
  r.status = 200;
  r.Set("Content-Type", "text/plain");
  r.Set("Content-Length", "999");
  r.Set("X-Evil", "a\r\nSet-Cookie: x=1");
  r.Set("Connection", "close");
  std::string head;
  EXPECT_FALSE(AppendResponseHead(head, r, "rid-1", true, false, 5));
  EXPECT_EQ(head.find("999"), std::string::npos);
  EXPECT_NE(head.find("X-Evil: aSet-Cookie: x=1\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(head.find("X-Request-Id: rid-1\r\n"), std::string::npos);
  EXPECT_TRUE(head.ends_with("Connection: close\r\n\r\n"));

  bhttp::response_parser<bhttp::string_body> p;
  p.eager(true);
  boost::beast::error_code ec;
  std::string wire = head + "hello";
  p.put(boost::asio::buffer(wire), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(p.get().body(), "hello");
  EXPECT_EQ(p.get().count("set-cookie"), 0u);
}

TEST(HttpWireTest, ResponseHeadKeepAliveAndNoBodyStatuses) {
  Response r;
  r.status = 304;
  std::string head;
  EXPECT_TRUE(AppendResponseHead(head, r, "r", true, true, 10));
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  EXPECT_NE(head.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(HttpWireTest, ErrorResponses) {
  EXPECT_EQ(ParseErrorResponse(bhttp::error::header_limit, 16, 32, "r").status, 431);
  EXPECT_EQ(ParseErrorResponse(bhttp::error::body_limit, 16, 32, "r").status, 413);
  EXPECT_EQ(ParseErrorResponse(bhttp::error::bad_method, 16, 32, "r").status, 400);
  Request req;
  req.method = "DELETE";
  req.path = "/x";
  Router::Match m;
  m.kind = Router::MatchKind::kNoMethod;
  m.allow = "GET, HEAD";
  Response r = NoRouteResponse(m, req);
  EXPECT_EQ(r.status, 405);
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers.back().second, "GET, HEAD");
  m.kind = Router::MatchKind::kNoPath;
  EXPECT_EQ(NoRouteResponse(m, req).status, 404);
}

TEST(HttpWireTest, StreamHeadDefaults) {
  Response r;
  r.stream = StreamSpec{};
  std::string head;
  AppendStreamHead(head, r, "rid");
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_TRUE(head.ends_with("\r\n\r\n"));
}

}  // namespace
}  // namespace ozcc::http
