// libFuzzer target: HTTP request handling, end to end and in process. The
// input is the bytes a client sends on one connection (one request or
// several pipelined). They go through Beast's request_parser with the
// server's limits (ServerOptions: 16 KiB header, 1 MiB body), the server's own
// checks and conversion (http/wire.h: HeaderProblem, ToRequest,
// SetClientAddress, PublicOrigin, PathProblem, ParseErrorResponse, NoRouteResponse),
// the real Router with every route of the real Api on an in-memory SQLite
// store, and back out as the bytes the server would write
// (AppendResponseHead / AppendStreamHead). Requests come from a trusted
// reverse proxy, so X-Forwarded-For is fuzzed too (SetClientAddress), and go
// through the Api's guard (CSRF, security headers). Everything a handler does
// with the request — query, cookie, Authorization, X-OpenZCC-CSRF,
// Idempotency-Key, Last-Event-ID, Content-Type, the JSON / CSV / FHIR bodies
// — is fuzzed with real principals: the store holds the DEMO2 region and a
// session per role (Bearer tokens "ozs_fuzz_<role>", feed token
// "ozf_fuzz_feed"; see http_request_fuzz.dict and seeds/http/).
//
// Properties, per request: no crash, leak, UB or exception escaping a
// handler (the server would turn it into a 500); no 5xx at all; every JSON
// body (problem+json, application/json, FHIR) is valid JSON; the response
// bytes parse back with Beast's response_parser to the same status, body and
// X-Request-Id (no header injection); an event stream's head parses and its
// chunks are whole SSE frames; nothing outside the web root is served; the
// client address is the peer or an address from X-Forwarded-For.
//
// State: the store keeps what earlier inputs wrote (that is how idempotent
// replays, history and event replay get exercised). It is rebuilt from
// scratch every kRebuildEvery inputs so memory stays bounded; a crash that
// needs history shows up as one that does not reproduce alone — replay the
// run's corpus in order (`-runs=` over the corpus dir) to find it.
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

#include "api/api.h"
#include "api/auth.h"
#include "api/json/region_json.h"
#include "fuzz_util.h"
#include "http/client_address.h"
#include "http/router.h"
#include "http/server.h"
#include "http/wire.h"
#include "store/store.h"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using ozcc::fuzz::ValidUtf8;

constexpr std::uint64_t kRebuildEvery = 100000;
constexpr int kMaxRequestsPerInput = 8;
constexpr const char* kRegionFile = OZCC_SOURCE_DIR "/data/regions/demo-small.json";

struct Account {
  const char* user;
  ozcc::Role role;
  const char* org;  // "" = region-wide
  const char* region;
};

constexpr std::string_view kProxyPeer = "192.0.2.7";      // a trusted reverse proxy
constexpr std::string_view kDirectPeer = "198.51.100.9";  // not one

const ozcc::http::TrustedProxies& Proxies() {
  static const ozcc::http::TrustedProxies proxies = [] {
    auto p = ozcc::http::TrustedProxies::Parse({"192.0.2.0/24", "10.0.0.0/8", "fd00::/8"});
    OZCC_FUZZ_CHECK(p.ok());
    return *p;
  }();
  return proxies;
}

// What ClientAddress may return besides the peer: an address it parsed.
OZCC_FUZZ_NO_COVERAGE bool IsAddressText(std::string_view a) {
  if (a.empty() || a.size() > 45) return false;
  for (char c : a) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// One session per role; tokens are fixed so seeds and the dictionary carry them.
constexpr Account kAccounts[] = {
    {"admin", ozcc::Role::kAdmin, "", ""},
    {"coordinator", ozcc::Role::kRoazCoordinator, "", "DEMO2"},
    {"manager", ozcc::Role::kOrgCapacityManager, "westerhaven", "DEMO2"},
    {"orguser", ozcc::Role::kOrgUser, "westerhaven", "DEMO2"},
    {"viewer", ozcc::Role::kViewer, "", "DEMO2"},
    {"other", ozcc::Role::kRoazCoordinator, "", "ZWN"},  // a region that is not there
};
constexpr const char* kFeedToken = "ozf_fuzz_feed";

std::string SessionToken(const Account& a) { return std::string("ozs_fuzz_") + a.user; }

std::string ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#define SETUP_OK(expr)                                                                                 \
  do {                                                                                                 \
    if (!(expr).ok()) {                                                                                \
      std::fprintf(stderr, "http_request_fuzz setup failed: %s (%s:%d)\n", #expr, __FILE__, __LINE__); \
      std::abort();                                                                                    \
    }                                                                                                  \
  } while (0)

// The content of a file beside the web root that must never be served: 32
// random hex characters per process. Random, and searched for without
// instrumented compares, because libFuzzer learns the operands of traced
// compares and memmem: with a fixed marker it soon sends the marker itself
// and gets it echoed back in a 404's detail.
const std::string& Secret() {
  static const std::string secret = [] {
    std::random_device rd;
    std::string s = "ozcc-secret-";
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) s += kHex[rd() % 16];
    return s;
  }();
  return secret;
}

OZCC_FUZZ_NO_COVERAGE bool ContainsSecret(std::string_view text) {
  const std::string& needle = Secret();
  for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && text[i + k] == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// A fresh web root with the secret file beside it. The Api reads the web
// root when it registers its routes and serves from memory, so World removes
// the directory at once (a fuzzer that ends with _exit leaves nothing in /tmp).
std::filesystem::path MakeWebRoot() {
  char tmpl[] = "/tmp/ozcc-http-fuzz-XXXXXX";
  const char* dir = ::mkdtemp(tmpl);
  OZCC_FUZZ_CHECK(dir != nullptr);
  const std::filesystem::path base = dir;
  std::filesystem::create_directories(base / "web" / "assets");
  std::ofstream(base / "web" / "index.html") << "<!doctype html><title>OpenZCC</title>\n";
  std::ofstream(base / "web" / "assets" / "app-1234.js") << "console.log('openzcc');\n";
  std::ofstream(base / "secret.txt") << Secret() << "\n";
  return base;
}

// gunzip; nullopt when `gz` is not one whole gzip member.
std::optional<std::string> Gunzip(std::string_view gz) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  const bool whole = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  return whole ? std::optional<std::string>(std::move(out)) : std::nullopt;
}

// The store, the Api and its routes.
struct World {
  std::unique_ptr<ozcc::Store> store;
  std::unique_ptr<ozcc::api::Api> api;
  ozcc::http::Router router;

  World() {
    auto opened = ozcc::OpenStore(":memory:");
    SETUP_OK(opened);
    store = std::move(*opened);
    static const std::string region_text = ReadFile(kRegionFile);
    auto region = ozcc::api::ParseRegionJson(region_text);
    SETUP_OK(region);
    SETUP_OK(store->ImportRegion(*region, ozcc::ToolAudit("fuzz", "setup", "DEMO2")));
    const ozcc::Time now = ozcc::Now();
    for (const Account& a : kAccounts) {
      // "!" is no argon2 string: nobody can sign in as these, and trying is cheap.
      SETUP_OK(
          store->CreateUser({a.user, "!", a.role, a.org, a.region, false}, ozcc::ToolAudit("fuzz", "setup", a.user)));
      RestoreSession(a, now);
    }
    SETUP_OK(store->CreateFeedToken({ozcc::api::TokenHash(kFeedToken), "fuzz-feed", "westerhaven", "DEMO2", now, false},
                                    ozcc::ToolAudit("fuzz", "setup", "feed")));
    const std::filesystem::path base = MakeWebRoot();
    ozcc::api::ApiOptions options;
    options.web_root = (base / "web").string();
    options.max_batch_items = 64;  // the real limits are 5000 and 20000; small keeps the
    options.max_csv_rows = 64;     // "too many" paths reachable with short inputs
    api = std::make_unique<ozcc::api::Api>(*store, options);
    api->Register(router);
    std::error_code ec;
    std::filesystem::remove_all(base, ec);
  }
  ~World() {
    if (api) api->Shutdown();
  }

  void RestoreSession(const Account& a, ozcc::Time now) {
    (void)store->CreateSession(
        {ozcc::api::TokenHash(SessionToken(a)), a.user, now, now + std::chrono::hours(24 * 365)});
  }
  // After a logout, so later inputs are signed in again.
  void RestoreSessions() {
    for (const Account& a : kAccounts) RestoreSession(a, ozcc::Now());
  }
};

// An event stream's sink: every chunk must be whole SSE frames.
class RecordingSink final : public ozcc::http::EventSink {
 public:
  bool Send(std::string chunk) override {
    if (closed_) return false;
    OZCC_FUZZ_CHECK(chunk.size() >= 2 && chunk.ends_with("\n\n"));
    OZCC_FUZZ_CHECK(chunk.find('\r') == std::string::npos);
    OZCC_FUZZ_CHECK(ValidUtf8(chunk));
    bytes_ += chunk.size();
    if (bytes_ > (1u << 20)) closed_ = true;
    return !closed_;
  }
  bool closed() const override { return closed_; }
  void Close() override { closed_ = true; }

 private:
  std::atomic<bool> closed_{false};
  std::size_t bytes_ = 0;
};

OZCC_FUZZ_NO_COVERAGE bool IsJsonType(std::string_view type) {
  return type.starts_with("application/json") || type.starts_with("application/problem+json") ||
         type.starts_with("application/fhir+json");
}

OZCC_FUZZ_NO_COVERAGE std::string_view HeaderOf(const ozcc::http::Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (beast::iequals(beast::string_view(k.data(), k.size()), beast::string_view(name.data(), name.size()))) return v;
  }
  return {};
}

// Checks the response a handler (or the transport) gave and the bytes the
// server would write for it. Returns whether the connection stays open.
// `not_implemented_ok`: the transport's 501 for a transfer coding it does
// not implement, the one 5xx that is the client's doing.
OZCC_FUZZ_NO_COVERAGE bool CheckResponse(const ozcc::http::Request& req, ozcc::http::Response& resp, bool keep_alive,
                                         bool http10, bool not_implemented_ok = false) {
  OZCC_FUZZ_CHECK(resp.status >= 100 && resp.status <= 599);
  const bool expected_5xx = not_implemented_ok && resp.status == 501;
  if (resp.status >= 500 && !expected_5xx) {
    std::fprintf(stderr, "5xx for %s %s: %d %s\n", req.method.c_str(), req.target.c_str(), resp.status,
                 resp.body.c_str());
  }
  OZCC_FUZZ_CHECK(resp.status < 500 || expected_5xx);

  if (resp.stream) {
    std::string head;
    ozcc::http::AppendStreamHead(head, resp, req.request_id);
    bhttp::response_parser<bhttp::empty_body> p;
    beast::error_code ec;
    p.put(net::buffer(head), ec);
    OZCC_FUZZ_CHECK(!ec && p.is_header_done());
    OZCC_FUZZ_CHECK(p.get().result_int() == static_cast<unsigned>(resp.status));
    if (resp.stream->on_open) {
      auto sink = std::make_shared<RecordingSink>();
      resp.stream->on_open(sink);
      sink->Close();  // the client goes away; the hub drops the sink on its next publish
    }
    return false;
  }

  const std::string_view body = resp.shared_body ? std::string_view(*resp.shared_body) : std::string_view(resp.body);
  std::optional<std::string> plain;
  if (beast::iequals(std::string(HeaderOf(resp, "content-encoding")), "gzip")) {
    plain = Gunzip(body);
    OZCC_FUZZ_CHECK(plain.has_value());
  }
  const std::string_view content = plain ? std::string_view(*plain) : body;
  if (IsJsonType(HeaderOf(resp, "content-type")) && !content.empty()) {
    OZCC_FUZZ_CHECK(nlohmann::json::accept(content));
  }
  OZCC_FUZZ_CHECK(!ContainsSecret(content));

  std::string wire;
  const bool open = ozcc::http::AppendResponseHead(wire, resp, req.request_id, keep_alive, http10, body.size());
  const bool head = req.method == "HEAD";
  const bool no_body = resp.status < 200 || resp.status == 204 || resp.status == 304;
  if (!head && !no_body) wire.append(body);
  bhttp::response_parser<bhttp::string_body> p;
  p.body_limit(boost::none);
  p.eager(true);
  if (head) p.skip(true);
  beast::error_code ec;
  p.put(net::buffer(wire), ec);
  if (ec || !p.is_done()) std::fprintf(stderr, "response does not parse: %s\n%s\n", ec.message().c_str(), wire.c_str());
  OZCC_FUZZ_CHECK(!ec && p.is_done());
  const auto& msg = p.get();
  OZCC_FUZZ_CHECK(msg.result_int() == static_cast<unsigned>(resp.status));
  OZCC_FUZZ_CHECK(msg["x-request-id"] == req.request_id);
  if (!head && !no_body) OZCC_FUZZ_CHECK(msg.body() == body);
  OZCC_FUZZ_CHECK(open == msg.keep_alive());
  return open;
}

World& TheWorld(bool rebuild) {
  static std::unique_ptr<World> world;
  if (!world || rebuild) {
    world.reset();
    world = std::make_unique<World>();
  }
  return *world;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // handler logs cost time and say nothing here
  TheWorld(false);
  return 0;
}

extern "C" OZCC_FUZZ_NO_COVERAGE int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  static std::uint64_t runs = 0;
  World& world = TheWorld(++runs % kRebuildEvery == 0);
  static const ozcc::http::ServerOptions limits;

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int n = 0; n < kMaxRequestsPerInput && !rest.empty(); ++n) {
    // As Session::OnBytes: feed what is buffered until the message is done.
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(static_cast<std::uint64_t>(limits.body_limit));
    beast::error_code ec;
    std::optional<ozcc::http::Response> refused;
    while (!parser.is_done() && !rest.empty()) {
      const bool had_header = parser.is_header_done();
      const std::size_t used = parser.put(net::buffer(rest.data(), rest.size()), ec);
      if (!ec && !had_header && parser.is_header_done()) {
        // As the server: the header's own bytes, checked before the body.
        refused = ozcc::http::HeaderProblem(parser.get(), rest.substr(0, used), "fuzz");
        if (refused) break;
      }
      rest.remove_prefix(used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        break;
      }
      if (ec || used == 0) break;
    }
    if (ec) {
      ozcc::http::Request req;
      req.method = "-";
      req.request_id = ozcc::http::NewRequestId();
      ozcc::http::Response r =
          ozcc::http::ParseErrorResponse(ec, limits.header_limit, limits.body_limit, req.request_id);
      OZCC_FUZZ_CHECK(r.status == 400 || r.status == 413 || r.status == 431);
      CheckResponse(req, r, false, false);
      return 0;  // the server answers and closes
    }
    if (refused) {
      ozcc::http::Request req;
      req.method = "-";
      req.request_id = "fuzz";
      OZCC_FUZZ_CHECK(refused->status == 400 || refused->status == 501);
      CheckResponse(req, *refused, false, false, true);
      return 0;  // the server answers and closes
    }
    if (!parser.is_done()) return 0;  // the server would wait for more, then time out

    auto msg = parser.release();
    const bool keep_alive = msg.keep_alive();
    const bool http10 = msg.version() < 11;
    ozcc::http::Request req;
    ozcc::http::ToRequest(msg, req);
    // From a trusted proxy, so X-Forwarded-For decides the client address;
    // except sign-in, from one fixed address: the per-address back-off then
    // bounds how often a failed sign-in costs an argon2 verification.
    const bool login = req.path.starts_with("/api/v1/auth/login");
    const std::string_view peer = login ? kDirectPeer : kProxyPeer;
    ozcc::http::SetClientAddress(req, peer, Proxies());
    OZCC_FUZZ_CHECK(req.remote_addr == peer || IsAddressText(req.remote_addr));
    // The URLs the server writes never carry text a client made up beyond a host[:port].
    const std::string origin = ozcc::http::PublicOrigin(req.via_trusted_proxy, req.Header("host").value_or(""),
                                                        req.Header("x-forwarded-proto").value_or(""),
                                                        req.Header("x-forwarded-host").value_or(""));
    OZCC_FUZZ_CHECK(origin.starts_with("http://") || origin.starts_with("https://"));
    OZCC_FUZZ_CHECK(origin.find_first_of("/?#@ \r\n\"<>\\", origin.find("//") + 2) == std::string::npos);
    OZCC_FUZZ_CHECK(ozcc::http::ValidRequestId(req.request_id));
    for (const auto& [name, value] : req.headers) {
      for (char c : name) OZCC_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
    }

    ozcc::http::Router::Match m = world.router.Find(req);
    ozcc::http::Response resp;
    static const auto restyle = ozcc::api::Api::TransportErrorStyle();  // as serve sets it
    if (auto bad = ozcc::http::PathProblem(req)) {
      resp = std::move(*bad);
      OZCC_FUZZ_CHECK(resp.status == 400 || resp.status == 404);
      restyle(req, resp);
    } else if (m.kind != ozcc::http::Router::MatchKind::kFound) {
      resp = ozcc::http::NoRouteResponse(m, req);
      OZCC_FUZZ_CHECK(resp.status == (m.kind == ozcc::http::Router::MatchKind::kNoMethod ? 405 : 404));
      restyle(req, resp);
    } else {
      resp = m.route->handler(req);  // no catch: an escaping exception is a finding
      if (m.route->pattern == "/api/v1/auth/logout") world.RestoreSessions();
    }
    static const bool trace = std::getenv("OZCC_HTTP_FUZZ_TRACE") != nullptr;  // for writing seeds
    if (trace) std::fprintf(stderr, "%s %s -> %d\n", req.method.c_str(), req.target.c_str(), resp.status);
    if (!CheckResponse(req, resp, keep_alive, http10)) return 0;
  }
  return 0;
}
