// http/wire.h: the server's conversion of a parsed message into a Request
// and of a Response into the bytes of its head.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>

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

// The header as the server hands it to HeaderProblem: parsed by Beast (which
// accepts all of these) and the raw bytes through the blank line.
std::optional<Response> HeaderProblemOf(const std::string& head) {
  bhttp::request_parser<bhttp::string_body> p;
  boost::beast::error_code ec;
  std::size_t used = p.put(boost::asio::buffer(head), ec);
  EXPECT_FALSE(ec) << ec.message() << " for " << head;
  EXPECT_TRUE(p.is_header_done()) << head;
  EXPECT_EQ(used, head.size()) << "the header is taken whole: " << head;
  return HeaderProblem(p.get(), std::string_view(head).substr(0, used), "rid");
}

int HeaderStatus(const std::string& head) {
  auto r = HeaderProblemOf(head);
  return r ? r->status : 0;
}

TEST(HttpWireTest, HeaderProblemAcceptsOrdinaryRequests) {
  EXPECT_EQ(HeaderStatus("GET / HTTP/1.1\r\nHost: example.org\r\n\r\n"), 0);
  EXPECT_EQ(HeaderStatus("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"), 0);
  EXPECT_EQ(HeaderStatus("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"), 0);
  EXPECT_EQ(HeaderStatus("GET / HTTP/1.1\r\nHost: zcc.example:\r\n\r\n"), 0);  // empty port: allowed
  EXPECT_EQ(HeaderStatus("GET / HTTP/1.1\r\nHost:\r\n\r\n"), 0);               // empty Host: allowed
  EXPECT_EQ(HeaderStatus("GET / HTTP/1.0\r\n\r\n"), 0);                        // HTTP/1.0 needs no Host
  EXPECT_EQ(HeaderStatus("PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n"), 0);
  EXPECT_EQ(HeaderStatus("PUT /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"), 0);
  EXPECT_EQ(HeaderStatus("PUT /a HTTP/1.1\r\nHost: h\r\nX-Note: a\tb\r\n\r\n"), 0);
}

TEST(HttpWireTest, HeaderProblemRefusesObsFoldAndBadHost) {
  auto folded = HeaderProblemOf("GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n");
  ASSERT_TRUE(folded);
  EXPECT_EQ(folded->status, 400);
  EXPECT_NE(folded->body.find("obs-fold"), std::string::npos) << folded->body;
  EXPECT_NE(folded->body.find("\"request_id\":\"rid\""), std::string::npos) << folded->body;
  EXPECT_EQ(HeaderStatus("GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\ttwo\r\n\r\n"), 400);

  auto missing = HeaderProblemOf("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_NE(missing->body.find("Host"), std::string::npos) << missing->body;
  EXPECT_EQ(HeaderStatus("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
  EXPECT_EQ(HeaderStatus("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
  for (const char* bad : {"a b", "a/b", "a@b", "a:b:c", "a:8o", "[::1", "[]", "[::1]x", "a%zz", "a\"b", "a?b"}) {
    EXPECT_EQ(HeaderStatus("GET / HTTP/1.1\r\nHost: " + std::string(bad) + "\r\n\r\n"), 400) << bad;
  }
}

TEST(HttpWireTest, HeaderProblemRefusesAmbiguousFraming) {
  // Not ending in chunked: the body length cannot be determined (RFC 9112 §6.3).
  for (const char* te : {"gzip", "identity", "chunked, gzip", "chunked;x=1", ",", "chunked, chunked"}) {
    EXPECT_EQ(HeaderStatus("POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " + std::string(te) + "\r\n\r\n"), 400)
        << te;
  }
  // Ending in chunked, but with a coding before it that is not implemented.
  auto gzip = HeaderProblemOf("POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  ASSERT_TRUE(gzip);
  EXPECT_EQ(gzip->status, 501);
  EXPECT_NE(gzip->body.find("not-implemented"), std::string::npos) << gzip->body;
  // Both framings, Transfer-Encoding in HTTP/1.0, repeated or listed Content-Length.
  EXPECT_EQ(HeaderStatus("POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\n"), 400);
  EXPECT_EQ(HeaderStatus("POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  EXPECT_EQ(HeaderStatus("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"), 400);
  EXPECT_EQ(HeaderStatus("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\n"), 400);
}

int PathStatus(const std::string& target) {
  Request req;
  req.target = target;
  req.path = PercentDecode(target.substr(0, target.find('?')), false);
  auto r = PathProblem(req);
  return r ? r->status : 0;
}

TEST(HttpWireTest, PathProblemRefusesNonCanonicalPaths) {
  for (const char* ok : {"/", "/metrics", "/api/v1/units/a.b/capacity", "/a/..b", "/a/...", "/%41", "/a?x=/../",
                         "/a?x=//", "http://h/metrics", "http://h", "http://h?q=1", "*"}) {
    EXPECT_EQ(PathStatus(ok), 0) << ok;
  }
  for (const char* empty : {"/metrics/", "//metrics", "/api/v1//auth/login", "/api/v1/auth/login/", "///",
                            "http://h/metrics/", "/metrics/?x=1"}) {
    EXPECT_EQ(PathStatus(empty), 404) << empty;
  }
  for (const char* dots : {"/./metrics", "/api/../metrics", "/a/.", "/a/..", "/%2e/metrics", "/%2E%2e/metrics",
                           "/.%2E/x", "/api/v1/auth%2flogin", "/api%2Fv1", "/a%00b"}) {
    EXPECT_EQ(PathStatus(dots), 400) << dots;
  }
  Request req;
  req.target = "/metrics/";
  req.path = "/metrics/";
  auto r = PathProblem(req);
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("did you mean \\\"/metrics\\\""), std::string::npos) << r->body;
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
