// The server's pure steps between the bytes on the wire and the handlers:
// a parsed Beast message → Request, parser errors and unmatched routes →
// problem responses, and a Response → the status line and header block the
// server writes. Session (server.cc) calls these; they are separate so that
// tests and the fuzz target (tests/fuzz/http_request_fuzz.cc) run exactly
// the server's code without sockets. Pure apart from NewRequestId()'s
// per-thread generator; thread-safe.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/client_address.h"
#include "http/message.h"
#include "http/router.h"

namespace ozcc::http {

// A Beast string as a std::string_view.
std::string_view ToStd(boost::beast::string_view s);
// ASCII case-insensitive equality (header names and tokens).
bool IEquals(std::string_view a, std::string_view b);

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Whether a client's X-Request-Id is used as is: [A-Za-z0-9._-]{1,64}.
bool ValidRequestId(std::string_view id);
// 16 random hex characters (into `out`, reusing its capacity).
std::string NewRequestId();
void NewRequestId(std::string& out);

// Fills `req` from a complete parsed message, moving the body out of `msg`:
// method, raw target, path (from origin- or absolute-form, without the
// query, percent-decoded; "/" for an absolute-form target without one), raw
// query, headers with lower-case names in wire order, and request_id (the
// first X-Request-Id when ValidRequestId, else a new one). remote_addr is
// left as it is; params are cleared. The strings of a reused `req` keep
// their capacity.
void ToRequest(BeastRequest& msg, Request& req);

// The client's address for `req` from the connection's `peer`: ClientAddress()
// over every X-Forwarded-For line of the request, joined with ','.
std::string ClientAddressOf(const Request& req, std::string_view peer, const TrustedProxies& trusted);
// Sets req.remote_addr (ClientAddressOf) and req.via_trusted_proxy.
void SetClientAddress(Request& req, std::string_view peer, const TrustedProxies& trusted);

// The checks of a request's header that Beast leaves to the server, run
// once the header is parsed and before any body byte is read (RFC 9112).
// `raw_header` is the header as received, from the request line through the
// blank line. Returns the answer, after which the server closes the
// connection (the body's framing is unknown or untrusted), or nullopt:
//  - 400 for a folded header line (obs-fold: a line starting with SP or HTAB,
//    §5.2);
//  - 400 for an HTTP/1.1 request without Host, with more than one Host, or a
//    Host that is not uri-host [":" port] (§3.2; an empty Host is valid);
//  - 400 for Transfer-Encoding in an HTTP/1.0 request, with Content-Length,
//    or whose final coding is not chunked (§6.1, §6.3: the body length
//    cannot be determined); 501 for a coding before chunked (only chunked is
//    implemented, §6.1); 400 for more than one Content-Length, even equal
//    ones, or one that is not a plain decimal number (§6.3, RFC 9110 §8.6).
std::optional<Response> HeaderProblem(const BeastRequest& header, std::string_view raw_header,
                                      std::string_view request_id);

// The answer before routing to a request-target whose path is not in the
// canonical form every route is written in, or nullopt (RFC 3986):
//  - 400 when the decoded path holds a NUL byte (no store keeps one);
//  - 400 for a dot segment ("." or "..", also as %2E: they are resolved by
//    the client, §5.2.4, §6.2.2.2) and for an encoded slash (%2F: data, not
//    a delimiter, §2.2, but proxies disagree on that and no resource here has
//    a '/' in a segment);
//  - 404 for an empty segment (a double or trailing slash other than the root
//    "/"): a different URI (§6.2.3), with no resource; the detail names the
//    canonical path. A reverse proxy's exact-match rules (deploy/) then cover
//    the only spelling that reaches a handler.
// Targets that are not origin- or absolute-form ("*", authority-form) are
// left to the router, which finds no route for them.
std::optional<Response> PathProblem(const Request& req);

// The answer to bytes the parser rejected: 431 for header_limit, 413 for
// body_limit, else 400 naming the parser's error.
Response ParseErrorResponse(boost::beast::error_code ec, std::size_t header_limit, std::size_t body_limit,
                            std::string_view request_id);

// 404, or 405 with Allow, for a Match that is not kFound.
Response NoRouteResponse(const Router::Match& m, const Request& req);

// Appends the status line and headers (through the blank line) for `r` with
// a body of `body_size` bytes: the handler's headers with CR, LF and NUL
// removed, except Content-Length, Transfer-Encoding, X-Request-Id and
// Connection, which the server sets itself (a handler's "Connection: close"
// closes); then X-Request-Id, Date, Content-Length (not for 1xx, 204, 304)
// and Connection. Returns whether the connection stays open: `keep_alive`
// unless the handler asked to close.
bool AppendResponseHead(std::string& out, const Response& r, std::string_view request_id, bool keep_alive, bool http10,
                        std::size_t body_size);

// Appends the head of an event stream (r.stream set): the handler's headers
// as above, Content-Type text/event-stream and Cache-Control no-cache unless
// the handler set them, X-Accel-Buffering no, Transfer-Encoding chunked,
// X-Request-Id and Date.
void AppendStreamHead(std::string& out, const Response& r, std::string_view request_id);

}  // namespace ozcc::http
