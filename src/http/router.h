// Route table: method + path pattern → handler. Patterns are literal
// segments and "{name}" parameters ("/api/v1/units/{unit_id}/capacity").
// A literal segment may contain ':' ("/api/v1/capacity:batch"); only a whole
// "{name}" segment is a parameter. Empty segments (trailing or double
// slashes) are ignored here; the server refuses such paths before routing
// (wire.h, PathProblem). When several routes match a path, the one with a
// literal in the earliest differing segment wins. Segments are matched
// percent-decoded; parameter values are percent-decoded. HEAD falls back to
// the GET route. Add() before serving; Find() is const and thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace ozcc::http {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  // Run on the I/O thread instead of the worker pool: for handlers that never
  // block (cached snapshot, health). Default: worker pool.
  bool inline_io = false;
};

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
  std::vector<std::string> segments;  // split pattern
};

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

  enum class MatchKind { kFound, kNoPath, kNoMethod };
  struct Match {
    MatchKind kind = MatchKind::kNoPath;
    const Route* route = nullptr;
    std::string allow;  // for kNoMethod: "GET, PUT"
  };
  // Fills req.params on success.
  Match Find(Request& req) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace ozcc::http
