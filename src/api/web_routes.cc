// Serves the built web UI (web/dist) from memory: "/", "/{file}" and
// "/assets/{file}"; the app routes with #hash, so no other fallback is needed.
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "api/internal.h"

namespace ozcc::api {

namespace {

struct WebFile {
  std::string content_type;
  std::shared_ptr<const std::string> body;
  std::shared_ptr<const std::string> gzip;
  bool immutable = false;  // hashed asset names never change
};

std::string ContentTypeFor(const std::filesystem::path& p) {
  static const std::unordered_map<std::string, std::string> kTypes = {{".html", "text/html; charset=utf-8"},
                                                                      {".js", "text/javascript; charset=utf-8"},
                                                                      {".css", "text/css; charset=utf-8"},
                                                                      {".json", "application/json"},
                                                                      {".svg", "image/svg+xml"},
                                                                      {".png", "image/png"},
                                                                      {".ico", "image/x-icon"},
                                                                      {".woff2", "font/woff2"},
                                                                      {".txt", "text/plain; charset=utf-8"},
                                                                      {".map", "application/json"}};
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// The UI's documents load their own scripts, styles and images; the other
// security headers (nosniff, no framing, no referrer) come from the guard.
void AddContentSecurityPolicy(http::Response& r) {
  r.Set("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
}

}  // namespace

void RegisterWebRoutes(State& s, http::Router& r) {
  if (s.options.web_root.empty()) return;
  auto files = std::make_shared<std::unordered_map<std::string, WebFile>>();
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(s.options.web_root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string rel = "/" + std::filesystem::relative(it->path(), s.options.web_root).generic_string();
    WebFile f;
    f.content_type = ContentTypeFor(it->path());
    f.body = std::make_shared<const std::string>(ss.str());
    f.gzip = std::make_shared<const std::string>(Gzip(*f.body, 9));
    f.immutable = rel.rfind("/assets/", 0) == 0;
    (*files)[rel] = std::move(f);
  }
  auto serve = [files](http::Request& req) {
    std::string path = req.path == "/" ? "/index.html" : req.path;
    auto it = files->find(path);
    if (it == files->end()) return ProblemFor(req, Status::NotFound("no such file " + req.path));
    const WebFile& f = it->second;
    http::Response resp;
    resp.Set("Content-Type", f.content_type);
    resp.Set("Cache-Control", f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    resp.Set("Vary", "Accept-Encoding");
    AddContentSecurityPolicy(resp);
    auto ae = req.Header("accept-encoding");
    if (ae && ae->find("gzip") != std::string_view::npos && !f.gzip->empty() && f.gzip->size() < f.body->size()) {
      resp.Set("Content-Encoding", "gzip");
      resp.shared_body = f.gzip;
    } else {
      resp.shared_body = f.body;
    }
    return resp;
  };
  const http::RouteOptions inline_io{.inline_io = true};
  r.Add("GET", "/", serve, inline_io);
  r.Add("GET", "/{file}", serve, inline_io);
  r.Add("GET", "/assets/{file}", serve, inline_io);
}

}  // namespace ozcc::api
