// FHIR R4 search, one layer for every searchable resource type.
//
// Each searchable type declares its search parameters once (SearchableTypes()
// in search.cc): name, type, documentation, and a matcher that says which
// values a candidate resource has for that parameter. The declaration drives
// the CapabilityStatement's searchParam list (SearchParamsJson), the parsing
// of a request (ParseSearch) and the filtering (RunSearch), so the three
// cannot disagree. Adding a type (FHIR Task, …) is one more declaration and a
// route that hands its candidates to RunSearch.
//
// R4 rules implemented (http://hl7.org/fhir/R4/search.html):
//  - a repeated parameter is AND, a comma inside one value is OR ("\," is a
//    literal comma);
//  - token parameters (_id, region) match the code exactly;
//  - reference parameters take "Type/id", a bare "id", this server's absolute
//    URL "<base>/Type/id" (a "/_history/n" suffix is ignored) and the ":Type"
//    modifier ("subject:Location=id"); an absolute URL of another server
//    matches nothing; a type the parameter cannot point to is refused;
//  - _count (page size, capped at kMaxPageSize; 0 = total only), _summary
//    (count or false), _format (JSON only), and _cursor (the page position
//    the server writes into its own next / previous links);
//  - an unknown parameter, an unsupported modifier or a bad value is refused
//    (kBadRequest → 400, naming the parameter, as FieldError field = the parameter
//    name) unless the request is lenient (Prefer: handling=lenient), when
//    unknown parameters and modifiers are left out; a bad value of a known
//    parameter is refused either way.
// Results are sorted by resource id and paged by keyset (_cursor holds the
// id the page starts after or ends before), so paging never repeats or skips
// a resource that stays in the result set, whatever is added meanwhile.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace ozcc::api::fhir {

// Page size when a search names no _count, and the most a page holds.
inline constexpr std::size_t kDefaultPageSize = 1000;
inline constexpr std::size_t kMaxPageSize = 1000;

// A resource that a search may return, with what the resource itself does
// not say but parameters match on.
struct Candidate {
  nlohmann::json resource;  // has resourceType and id
  std::string region;       // the region (ROAZ) id the resource belongs to
  // More references the resource stands for, by parameter name: a unit's
  // MeasureReport also matches subject=<its site> and subject=<its organisation>.
  std::map<std::string, std::vector<std::string>> implied;
};

enum class ParamType { kToken, kReference };

// One declared search parameter.
struct SearchParamDef {
  std::string name;
  ParamType type = ParamType::kToken;
  std::string definition;            // canonical URL of the SearchParameter ("" for our own)
  std::string documentation;         // what it matches, for the CapabilityStatement
  std::vector<std::string> targets;  // reference: the resource types it may point to
  // The candidate's values for this parameter: codes (token) or literal
  // references "Type/id" (reference).
  std::function<std::vector<std::string>(const Candidate&)> values;
};

struct SearchableType {
  std::string type;  // "Location"
  std::vector<SearchParamDef> params;
};

// Every searchable type, in CapabilityStatement order.
const std::vector<SearchableType>& SearchableTypes();
// The declaration of `type`, or null.
const SearchableType* FindSearchable(std::string_view type);

// The CapabilityStatement searchParam array of `type` (name, definition,
// type, documentation), generated from its declaration.
nlohmann::json SearchParamsJson(std::string_view type);

// One parameter value, parsed.
struct SearchValue {
  std::string type;      // reference: the resource type it names ("" = any target)
  std::string code;      // token: the code; reference: the id
  bool foreign = false;  // reference: another server's absolute URL (matches nothing)
};

// One applied parameter: all its values are OR'ed.
struct SearchClause {
  const SearchParamDef* param = nullptr;
  std::string name;   // as written, with its modifier ("subject:Location")
  std::string value;  // as written, for the self link
  std::vector<SearchValue> any;
};

struct SearchRequest {
  const SearchableType* type = nullptr;
  std::vector<SearchClause> clauses;  // AND'ed, in request order
  std::optional<std::size_t> count;   // _count as applied (capped)
  bool summary_count = false;         // _summary=count
  std::string summary;                // _summary as written ("" = absent)
  std::string format;                 // _format as written ("" = absent)
  std::string cursor;                 // _cursor as written ("" = first page)
  // The codes every clause of `param` allows, when the search names it: for
  // region, the regions to load. nullopt when the parameter is not used.
  // Several clauses (AND) give their intersection.
  std::optional<std::vector<std::string>> Codes(std::string_view param) const;
};

// Parses decoded parameters (query and form body, in order) for `type`
// against its declaration. `base` is this server's FHIR base URL
// ("https://host/fhir"), for absolute references. `lenient`: unknown
// parameters and modifiers are dropped instead of refused.
Result<SearchRequest> ParseSearch(std::string_view type, const std::vector<std::pair<std::string, std::string>>& params,
                                  std::string_view base, bool lenient);

// The searchset Bundle: the candidates that match every clause, sorted by
// id, one page of them (self, first, previous, next links under `base`),
// total = all that match. Fails (kBadRequest, field _cursor) on a cursor that
// is not one this server writes.
Result<nlohmann::json> RunSearch(const SearchRequest& req, std::vector<Candidate> candidates, std::string_view base);

// Decodes an application/x-www-form-urlencoded string (a query string or a
// POST _search body) into name/value pairs, in order; empty pairs skipped.
std::vector<std::pair<std::string, std::string>> ParseForm(std::string_view form);

// The value of one preference of a Prefer header value (RFC 7240), lower
// case and unquoted: Preference("return=minimal, handling=lenient",
// "return") is "minimal"; "" when absent.
std::string Preference(std::string_view prefer, std::string_view name);
// True when a Prefer header value asks for handling=lenient.
bool PrefersLenient(std::string_view prefer);

}  // namespace ozcc::api::fhir
