#include "api/fhir/search.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "http/message.h"

namespace ozcc::api::fhir {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------- declarations

// The string at resource[a][b]… or nothing.
std::vector<std::string> StringAt(const Candidate& c, std::initializer_list<const char*> path) {
  const json* at = &c.resource;
  for (const char* key : path) {
    if (!at->is_object()) return {};
    auto it = at->find(key);
    if (it == at->end()) return {};
    at = &*it;
  }
  if (!at->is_string()) return {};
  return {at->get<std::string>()};
}

SearchParamDef IdParam(const std::string& what) {
  return {"_id",
          ParamType::kToken,
          "http://hl7.org/fhir/SearchParameter/Resource-id",
          what + "; a comma-separated list selects any of them",
          {},
          [](const Candidate& c) { return StringAt(c, {"id"}); }};
}

SearchParamDef RegionParam(const std::string& what) {
  return {"region",
          ParamType::kToken,
          "",
          "OpenZCC region (ROAZ) id: " + what +
              " of that region. Without it: the caller's own region (an administrator without a region: every "
              "region); naming a region the caller may not read is refused (403)",
          {},
          [](const Candidate& c) { return std::vector<std::string>{c.region}; }};
}

SearchParamDef ReferenceParam(std::string name, std::string definition, std::string documentation,
                              std::vector<std::string> targets, std::initializer_list<const char*> path) {
  std::vector<const char*> keys(path);
  std::string param = name;
  return {std::move(name),
          ParamType::kReference,
          std::move(definition),
          std::move(documentation),
          std::move(targets),
          [keys, param](const Candidate& c) {
            std::vector<std::string> out;
            const json* at = &c.resource;
            for (const char* key : keys) {
              if (!at->is_object() || !at->contains(key)) {
                at = nullptr;
                break;
              }
              at = &(*at)[key];
            }
            if (at && at->is_string()) out.push_back(at->get<std::string>());
            if (auto it = c.implied.find(param); it != c.implied.end()) {
              out.insert(out.end(), it->second.begin(), it->second.end());
            }
            return out;
          }};
}

std::vector<SearchableType> Declare() {
  std::vector<SearchableType> types;
  types.push_back({"Organization", {IdParam("The organisation id"), RegionParam("the organisations")}});
  types.push_back(
      {"Location",
       {IdParam("The site or unit id"), RegionParam("the sites and units"),
        ReferenceParam("organization", "http://hl7.org/fhir/SearchParameter/Location-organization",
                       "The organisation that manages the site or unit (Location.managingOrganization)",
                       {"Organization"}, {"managingOrganization", "reference"}),
        ReferenceParam("partof", "http://hl7.org/fhir/SearchParameter/Location-partof",
                       "The site a unit is part of (Location.partOf): partof=Location/<site> lists the site's units",
                       {"Location"}, {"partOf", "reference"})}});
  types.push_back({"MeasureReport",
                   {IdParam("The report id, which is the unit id (one current report per unit)"),
                    RegionParam("the units' current reports"),
                    // No HL7 definition: R4's MeasureReport-subject matches the subject
                    // only, ours also selects the units of a site or organisation.
                    ReferenceParam("subject", "",
                                   "The unit the report is about (MeasureReport.subject, Location/<unit>); a site "
                                   "(Location/<site>) or an Organization also selects the reports of its units",
                                   {"Location", "Organization"}, {"subject", "reference"}),
                    ReferenceParam("reporter", "http://hl7.org/fhir/SearchParameter/MeasureReport-reporter",
                                   "The organisation whose unit the report is about (MeasureReport.reporter)",
                                   {"Organization"}, {"reporter", "reference"})}});
  types.push_back({"Task",
                   {IdParam("The handover id (or a transfer's, t-…)"),
                    RegionParam("the handovers of cases"),
                    ReferenceParam("owner", "http://hl7.org/fhir/SearchParameter/Task-owner",
                                   "The organisation the handover or transfer is addressed to (Task.owner): its inbox",
                                   {"Organization"}, {"owner", "reference"}),
                    {"status",
                     ParamType::kToken,
                     "http://hl7.org/fhir/SearchParameter/Task-status",
                     "The handover's state (Task.status): requested, accepted, rejected, completed or cancelled",
                     {},
                     [](const Candidate& c) { return StringAt(c, {"status"}); }}}});
  return types;
}

// ---------------------------------------------------------------- parsing

Status Bad(const std::string& field, const std::string& message) {
  return Status::BadRequest("search parameter " + field + ": " + message, {{field, message}});
}

// Splits on commas not escaped by '\' and undoes the R4 escapes (\, \$ \| \\).
std::vector<std::string> SplitValues(std::string_view v) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size() &&
        (v[i + 1] == ',' || v[i + 1] == '$' || v[i + 1] == '|' || v[i + 1] == '\\')) {
      out.back() += v[++i];
    } else if (v[i] == ',') {
      out.emplace_back();
    } else {
      out.back() += v[i];
    }
  }
  return out;
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// "Type/id" (or "Type/id/_history/n") → {type, id}; nullopt when not that shape.
std::optional<std::pair<std::string, std::string>> SplitLiteral(std::string_view ref) {
  if (auto h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
  size_t slash = ref.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == ref.size()) return std::nullopt;
  if (ref.find('/', slash + 1) != std::string_view::npos) return std::nullopt;
  return std::make_pair(std::string(ref.substr(0, slash)), std::string(ref.substr(slash + 1)));
}

Result<SearchValue> ParseReference(const SearchParamDef& p, const std::string& name, std::string_view modifier_type,
                                   const std::string& v, std::string_view base) {
  SearchValue out;
  out.type = std::string(modifier_type);
  std::string_view rest = v;
  if (v.find("://") != std::string::npos) {
    const std::string prefix = std::string(base) + "/";
    if (v.rfind(prefix, 0) != 0) {
      out.foreign = true;  // another server's resource: not here
      return out;
    }
    rest = std::string_view(v).substr(prefix.size());
  }
  if (rest.find('/') == std::string_view::npos) {
    if (rest.empty()) return Bad(name, "has an empty reference");
    out.code = std::string(rest);
    return out;
  }
  auto literal = SplitLiteral(rest);
  if (!literal) return Bad(name, "'" + v + "' is not a reference (Type/id, id, or " + std::string(base) + "/Type/id)");
  if (!Contains(p.targets, literal->first)) {
    return Bad(name, "'" + v + "': " + p.name + " points to " + Join(p.targets) + ", not " + literal->first);
  }
  if (!modifier_type.empty() && literal->first != modifier_type) {
    return Bad(name, "'" + v + "' is not a " + std::string(modifier_type) + " reference");
  }
  out.type = literal->first;
  out.code = literal->second;
  return out;
}

// Control parameters: not search parameters, but they shape the answer.
bool IsControl(std::string_view name) {
  return name == "_count" || name == "_summary" || name == "_format" || name == "_cursor";
}

Status ParseControl(SearchRequest& req, const std::string& name, const std::string& value) {
  auto once = [&](bool given) { return given ? Bad(name, "is given more than once") : Status::Ok(); };
  if (name == "_count") {
    OZCC_RETURN_IF_ERROR(once(req.count.has_value()));
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || end != value.data() + value.size() ||
        (ec != std::errc() && ec != std::errc::result_out_of_range)) {
      return Bad(name, "must be a whole number 0 or more (page size, at most " + std::to_string(kMaxPageSize) + ")");
    }
    req.count = ec == std::errc::result_out_of_range ? kMaxPageSize : std::min<std::uint64_t>(n, kMaxPageSize);
  } else if (name == "_summary") {
    OZCC_RETURN_IF_ERROR(once(!req.summary.empty()));
    if (value != "count" && value != "false") {
      return Bad(name, "'" + value + "' is not supported: use count (the total only) or false");
    }
    req.summary = value;
    req.summary_count = value == "count";
  } else if (name == "_format") {
    OZCC_RETURN_IF_ERROR(once(!req.format.empty()));
    if (value != "json" && value != "application/json" && value != "application/fhir+json" &&
        value != "application/json+fhir") {
      return Bad(name, "'" + value + "' is not supported: this server answers JSON only (json, application/fhir+json)");
    }
    req.format = value;
  } else {  // _cursor
    OZCC_RETURN_IF_ERROR(once(!req.cursor.empty()));
    if (value.size() < 3 || (value.rfind("a:", 0) != 0 && value.rfind("b:", 0) != 0)) {
      return Bad(name, "is not a page position this server wrote; follow the Bundle's next / previous links");
    }
    req.cursor = value;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- links

std::string Encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '/' || c == ',' ||
        c == '|' || c == '$') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Link(const SearchRequest& req, std::string_view base, const std::string& cursor) {
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& c : req.clauses) q.emplace_back(c.name, c.value);
  if (req.count) q.emplace_back("_count", std::to_string(*req.count));
  if (!req.summary.empty()) q.emplace_back("_summary", req.summary);
  if (!req.format.empty()) q.emplace_back("_format", req.format);
  if (!cursor.empty()) q.emplace_back("_cursor", cursor);
  std::string url = std::string(base) + "/" + req.type->type;
  for (size_t i = 0; i < q.size(); ++i) url += (i ? "&" : "?") + Encode(q[i].first) + "=" + Encode(q[i].second);
  return url;
}

bool Matches(const SearchParamDef& p, const std::vector<std::string>& have, const SearchValue& v) {
  if (v.foreign) return false;
  for (const std::string& h : have) {
    if (p.type == ParamType::kToken) {
      if (h == v.code) return true;
      continue;
    }
    auto literal = SplitLiteral(h);
    if (literal && literal->second == v.code && (v.type.empty() || v.type == literal->first)) return true;
  }
  return false;
}

}  // namespace

const std::vector<SearchableType>& SearchableTypes() {
  static const std::vector<SearchableType> types = Declare();
  return types;
}

const SearchableType* FindSearchable(std::string_view type) {
  for (const auto& t : SearchableTypes()) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

json SearchParamsJson(std::string_view type) {
  json out = json::array();
  const SearchableType* t = FindSearchable(type);
  if (!t) return out;
  for (const auto& p : t->params) {
    json j = {{"name", p.name}};
    if (!p.definition.empty()) j["definition"] = p.definition;
    j["type"] = p.type == ParamType::kToken ? "token" : "reference";
    std::string doc = p.documentation;
    if (p.type == ParamType::kReference) {
      std::string modifiers;
      for (const auto& t : p.targets) modifiers += (modifiers.empty() ? ":" : ", :") + t;
      doc += ". Accepts Type/id, a bare id, this server's absolute URL, and the " + modifiers +
             (p.targets.size() == 1 ? " modifier" : " modifiers");
    }
    j["documentation"] = doc;
    out.push_back(std::move(j));
  }
  return out;
}

std::optional<std::vector<std::string>> SearchRequest::Codes(std::string_view param) const {
  std::optional<std::vector<std::string>> out;
  for (const auto& c : clauses) {
    if (c.param->name != param) continue;
    std::vector<std::string> codes;
    for (const auto& v : c.any) {
      if (!out || Contains(*out, v.code)) codes.push_back(v.code);
    }
    out = std::move(codes);
  }
  return out;
}

Result<SearchRequest> ParseSearch(std::string_view type, const std::vector<std::pair<std::string, std::string>>& params,
                                  std::string_view base, bool lenient) {
  SearchRequest req;
  req.type = FindSearchable(type);
  if (!req.type) return Status::NotFound(std::string(type) + " cannot be searched");
  for (const auto& [name, value] : params) {
    const size_t colon = name.find(':');
    const std::string bare = name.substr(0, colon);
    const std::string modifier = colon == std::string::npos ? "" : name.substr(colon + 1);
    if (IsControl(bare)) {
      if (colon != std::string::npos) {
        if (lenient) continue;
        return Bad(name, "takes no modifier");
      }
      OZCC_RETURN_IF_ERROR(ParseControl(req, bare, value));
      continue;
    }
    const SearchParamDef* p = nullptr;
    for (const auto& d : req.type->params) {
      if (d.name == bare) p = &d;
    }
    if (!p) {
      if (lenient) continue;
      std::string known;
      for (const auto& d : req.type->params) known += (known.empty() ? "" : ", ") + d.name;
      return Bad(name, "is not a search parameter of " + req.type->type + " on this server (supported: " + known +
                           ", _count, _summary, _format)");
    }
    std::string modifier_type;
    if (colon != std::string::npos) {
      if (p->type == ParamType::kReference && Contains(p->targets, modifier)) {
        modifier_type = modifier;
      } else {
        if (lenient) continue;
        return Bad(name, "the modifier :" + modifier + " is not supported" +
                             (p->type == ParamType::kReference ? " (supported: :" + Join(p->targets) + ")" : ""));
      }
    }
    if (value.empty()) return Bad(name, "has no value");
    SearchClause clause{p, name, value, {}};
    for (const std::string& v : SplitValues(value)) {
      if (v.empty()) return Bad(name, "has an empty value in its comma-separated list");
      if (p->type == ParamType::kToken) {
        clause.any.push_back({"", v, false});
        continue;
      }
      auto parsed = ParseReference(*p, name, modifier_type, v, base);
      if (!parsed.ok()) return parsed.status();
      clause.any.push_back(std::move(*parsed));
    }
    req.clauses.push_back(std::move(clause));
  }
  return req;
}

Result<json> RunSearch(const SearchRequest& req, std::vector<Candidate> candidates, std::string_view base) {
  std::vector<Candidate> hits;
  for (auto& c : candidates) {
    bool all = true;
    for (const auto& clause : req.clauses) {
      const std::vector<std::string> have = clause.param->values(c);
      bool any = false;
      for (const auto& v : clause.any) any = any || Matches(*clause.param, have, v);
      if (!any) {
        all = false;
        break;
      }
    }
    if (all) hits.push_back(std::move(c));
  }
  auto id_of = [](const Candidate& c) { return c.resource.value("id", ""); };
  std::stable_sort(hits.begin(), hits.end(), [&](const Candidate& a, const Candidate& b) {
    return std::make_pair(id_of(a), a.region) < std::make_pair(id_of(b), b.region);
  });

  const size_t count = req.summary_count ? 0 : req.count.value_or(kDefaultPageSize);
  // The page: [from, to) of hits.
  size_t from = 0, to = 0;
  if (req.cursor.empty() || req.cursor[0] == 'a') {
    const std::string after = req.cursor.empty() ? "" : req.cursor.substr(2);
    from = req.cursor.empty() ? 0
                              : static_cast<size_t>(std::upper_bound(hits.begin(), hits.end(), after,
                                                                     [&](const std::string& id, const Candidate& c) {
                                                                       return id < id_of(c);
                                                                     }) -
                                                    hits.begin());
    to = std::min(hits.size(), from + count);
  } else {
    const std::string before = req.cursor.substr(2);
    to =
        static_cast<size_t>(std::lower_bound(hits.begin(), hits.end(), before,
                                             [&](const Candidate& c, const std::string& id) { return id_of(c) < id; }) -
                            hits.begin());
    from = to > count ? to - count : 0;
  }

  json links = json::array({{{"relation", "self"}, {"url", Link(req, base, req.cursor)}}});
  if (count > 0) {
    links.push_back({{"relation", "first"}, {"url", Link(req, base, "")}});
    if (from > 0 && from < to)
      links.push_back({{"relation", "previous"}, {"url", Link(req, base, "b:" + id_of(hits[from]))}});
    if (to < hits.size() && from < to)
      links.push_back({{"relation", "next"}, {"url", Link(req, base, "a:" + id_of(hits[to - 1]))}});
  }
  json bundle = {{"resourceType", "Bundle"}, {"type", "searchset"}, {"total", hits.size()}, {"link", links}};
  if (count > 0) {
    json entries = json::array();
    for (size_t i = from; i < to; ++i) {
      entries.push_back({{"fullUrl", std::string(base) + "/" + req.type->type + "/" + id_of(hits[i])},
                         {"resource", std::move(hits[i].resource)},
                         {"search", {{"mode", "match"}}}});
    }
    if (!entries.empty()) bundle["entry"] = std::move(entries);
  }
  return bundle;
}

std::vector<std::pair<std::string, std::string>> ParseForm(std::string_view form) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!form.empty()) {
    const size_t amp = form.find('&');
    const std::string_view pair = form.substr(0, amp);
    form = amp == std::string_view::npos ? std::string_view() : form.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    out.emplace_back(http::PercentDecode(pair.substr(0, eq), true),
                     eq == std::string_view::npos ? std::string() : http::PercentDecode(pair.substr(eq + 1), true));
  }
  return out;
}

std::string Preference(std::string_view prefer, std::string_view name) {
  // Prefer: a, b; c — preferences separated by ',', parameters by ';'.
  while (!prefer.empty()) {
    const size_t comma = prefer.find(',');
    std::string_view pref = prefer.substr(0, comma);
    prefer = comma == std::string_view::npos ? std::string_view() : prefer.substr(comma + 1);
    pref = pref.substr(0, pref.find(';'));
    std::string norm;
    for (char c : pref) {
      if (c != ' ' && c != '\t' && c != '"') norm += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const size_t eq = norm.find('=');
    if (eq != std::string::npos && std::string_view(norm).substr(0, eq) == name) return norm.substr(eq + 1);
  }
  return "";
}

bool PrefersLenient(std::string_view prefer) { return Preference(prefer, "handling") == "lenient"; }

}  // namespace ozcc::api::fhir
