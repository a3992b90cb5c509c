#include "http/router.h"

#include <array>
#include <cstdint>

namespace ozcc::http {
namespace {

constexpr std::size_t kMaxSegments = 64;

bool IsParam(const std::string& seg) { return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}'; }

// Splits "/a/b/" into {"a","b"}; empty segments (double or trailing slashes)
// are ignored. Returns false when there are more than kMaxSegments.
bool SplitPath(std::string_view path, std::array<std::string_view, kMaxSegments>& out, std::size_t& n) {
  n = 0;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > i) {
      if (n == kMaxSegments) return false;
      out[n++] = path.substr(i, slash - i);
    }
    i = slash + 1;
  }
  return true;
}

// The raw (still percent-encoded) path of a request-target; origin-form and
// absolute-form are understood.
std::string_view RawPath(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    std::size_t authority = target.find("//") + 2;
    std::size_t slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view() : target.substr(slash);
  }
  return target.substr(0, target.find('?'));
}

bool SegmentEquals(std::string_view raw, const std::string& literal) {
  if (raw.find('%') == std::string_view::npos) return raw == literal;
  return PercentDecode(raw, false) == literal;
}

void AppendAllow(std::string& allow, std::string_view method) {
  // Dedupe: methods are short tokens separated by ", ".
  std::size_t pos = 0;
  while (pos < allow.size()) {
    std::size_t comma = allow.find(", ", pos);
    std::size_t end = comma == std::string::npos ? allow.size() : comma;
    if (std::string_view(allow).substr(pos, end - pos) == method) return;
    pos = comma == std::string::npos ? allow.size() : comma + 2;
  }
  if (!allow.empty()) allow += ", ";
  allow += method;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.handler = std::move(handler);
  r.options = options;
  std::array<std::string_view, kMaxSegments> segs;
  std::size_t n = 0;
  SplitPath(r.pattern, segs, n);
  for (std::size_t i = 0; i < n; ++i) r.segments.emplace_back(segs[i]);
  routes_.push_back(std::move(r));
}

Router::Match Router::Find(Request& req) const {
  Match m;
  std::string_view raw = req.target.empty() ? std::string_view(req.path) : RawPath(req.target);
  std::array<std::string_view, kMaxSegments> segs;
  std::size_t n = 0;
  if (!SplitPath(raw, segs, n)) return m;

  const bool head = req.method == "HEAD";
  const Route* best = nullptr;
  std::uint64_t best_rank = 0;
  bool best_exact = false;  // explicit HEAD route beats GET fallback
  bool path_matched = false;
  for (const Route& r : routes_) {
    if (r.segments.size() != n) continue;
    // Specificity: a literal in an earlier segment beats a parameter there.
    std::uint64_t rank = 0;
    bool ok = true;
    for (std::size_t i = 0; i < n && ok; ++i) {
      if (IsParam(r.segments[i])) {
        ok = !segs[i].empty();
      } else {
        ok = SegmentEquals(segs[i], r.segments[i]);
        if (i < 64) rank |= std::uint64_t{1} << (63 - i);
      }
    }
    if (!ok) continue;
    path_matched = true;
    AppendAllow(m.allow, r.method);
    if (r.method == "GET") AppendAllow(m.allow, "HEAD");
    bool exact = r.method == req.method;
    bool fallback = head && r.method == "GET";
    if (!exact && !fallback) continue;
    if (best == nullptr || rank > best_rank || (rank == best_rank && exact && !best_exact)) {
      best = &r;
      best_rank = rank;
      best_exact = exact;
    }
  }
  if (best == nullptr) {
    m.kind = path_matched ? MatchKind::kNoMethod : MatchKind::kNoPath;
    if (!path_matched) m.allow.clear();
    return m;
  }
  m.kind = MatchKind::kFound;
  m.route = best;
  m.allow.clear();
  req.params.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& seg = best->segments[i];
    if (!IsParam(seg)) continue;
    req.params[seg.substr(1, seg.size() - 2)] = PercentDecode(segs[i], false);
  }
  return m;
}

}  // namespace ozcc::http
