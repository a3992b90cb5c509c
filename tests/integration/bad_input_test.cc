// A corpus of bad input for every write endpoint (PUT capacity, :batch,
// :import-csv, FHIR MeasureReport import, sign-in): wrong types, missing and
// unknown fields, negative and inconsistent numbers, boundary values, huge
// strings, oversize bodies, invalid UTF-8, SQL and script injection, duplicate
// keys, wrong or missing content types, empty bodies. Also the care pathway
// document (PUT /api/v1/pathways/{id}) and the pathway decision on a case. Every case must get the
// 4xx the table says — problem+json naming the field (FHIR: an
// OperationOutcome whose issue names the path) — never a 5xx, and must leave
// the store as it was. Runs on both stores; a case that once found a bug stays
// here as its regression test.
#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/fhir/saner.h"
#include "base/time.h"
#include "core/validate.h"
#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

struct Case {
  std::string name;
  std::string method, target, body;
  std::string content_type;   // "" = no Content-Type header
  int status;                 // the exact answer expected
  std::string field;          // the field (FHIR: expression) the answer names; "" = none
  std::string message = "";   // text the error naming `field` contains; "" = any
  std::string as = "admin";   // who sends it (TokenFor); the sign-in sends no credentials
  std::string if_match = "";  // sent as If-Match when not empty
};

const std::string kJson = "application/json";
const std::string kFhirJson = "application/fhir+json";
const std::string kCsv = "text/csv";
const std::string kHuge(900 * 1024, 'x');  // under the 1 MiB body limit
const std::string kSqlInjection = "x'; DROP TABLE capacity_reports; --";
const std::string kScript = "<script>alert(1)</script>";
const std::string kBadUtf8 = "\xc3\x28";
// The bed rule decided once in core: every input path refuses it with this message.
const std::string kOccupiedPlusAvailable(kOccupiedPlusAvailableMsg);

Case WithMessage(Case c, std::string message) {
  c.message = std::move(message);
  return c;
}

std::string BedsJson(const std::string& total, const std::string& staffed, const std::string& occupied,
                     const std::string& available) {
  return R"({"beds":{"total":)" + total + R"(,"staffed":)" + staffed + R"(,"occupied":)" + occupied +
         R"(,"available":)" + available + "}}";
}

class BadInputTest : public ApiFixture {
 protected:
  // The cases for PUT /api/v1/units/{id}/capacity.
  std::vector<Case> PutCases() {
    const std::string ic = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity";
    const std::string seh = "/api/v1/units/" + UnitOf(own_org_, UnitType::kSeh) + "/capacity";
    const std::string ok = BedsJson("20", "18", "15", "3");
    auto put = [&](std::string name, std::string body, int status, std::string field, std::string target = "") {
      return Case{std::move(name), "PUT",           target.empty() ? ic : target, std::move(body), kJson,
                  status,          std::move(field)};
    };
    std::vector<Case> c = {
        // Types.
        put("total is a string", BedsJson("\"20\"", "18", "15", "3"), 422, "beds.total"),
        put("total is a boolean", BedsJson("true", "18", "15", "3"), 422, "beds.total"),
        put("total is null", BedsJson("null", "18", "15", "3"), 422, "beds.total"),
        put("total is a decimal", BedsJson("2.5", "1", "1", "0"), 422, "beds.total"),
        // 1.0 is the integer 1 (IntegralDecimalsAreIntegers); 20.5 is not.
        WithMessage(put("total is 20.5", BedsJson("20.5", "18", "15", "3"), 422, "beds.total"), "whole number"),
        put("total is 1e400", BedsJson("1e400", "18", "15", "3"), 422, "body"),
        put("beds is an array", R"({"beds":[20,18,15,3]})", 422, "beds"),
        put("beds is a string", R"({"beds":"full"})", 422, "beds"),
        put("note is a number", R"({"beds":{"total":1,"staffed":1,"occupied":0,"available":1},"note":5})", 422, "note"),
        put("as_of is a number", R"({"as_of":1700000000,"beds":{"total":1,"staffed":1,"occupied":0,"available":1}})",
            422, "as_of"),
        put("ed.status is a number", R"({"ed":{"status":1}})", 422, "ed.status", seh),
        put("ed.crowding is a string", R"({"ed":{"status":"open","crowding":"high"}})", 422, "ed.crowding", seh),
        // Missing and unknown fields.
        put("empty object", "{}", 422, "beds"),
        put("beds null and no ed", R"({"beds":null})", 422, "beds"),
        put("beds without available", R"({"beds":{"total":20,"staffed":18,"occupied":15}})", 422, "beds.available"),
        put("ed without status", R"({"ed":{"crowding":10}})", 422, "ed.status", seh),
        put("unknown top-level field", R"({"beds":{"total":1,"staffed":1,"occupied":0,"available":1},"colour":1})", 422,
            "colour"),
        put("unknown beds field", R"({"beds":{"total":1,"staffed":1,"occupied":0,"available":1,"extra":1}})", 422,
            "beds.extra"),
        put("unit_id in a PUT body", R"({"unit_id":"x","beds":{"total":1,"staffed":1,"occupied":0,"available":1}})",
            422, "unit_id"),
        put("ED numbers for an IC unit", R"({"ed":{"status":"open"}})", 422, "ed"),
        // Negative and inconsistent numbers.
        put("negative available", BedsJson("20", "18", "15", "-1"), 422, "beds.available"),
        put("negative total", BedsJson("-5", "0", "0", "0"), 422, "beds.total"),
        put("staffed > total", BedsJson("20", "21", "15", "3"), 422, "beds.staffed"),
        put("occupied > total", BedsJson("20", "18", "21", "3"), 422, "beds.occupied"),
        put("available > staffed", BedsJson("20", "18", "15", "19"), 422, "beds.available"),
        WithMessage(put("occupied + available > staffed", BedsJson("20", "18", "15", "5"), 422, "beds.available"),
                    kOccupiedPlusAvailable),
        WithMessage(put("free beds on top of an overflow", BedsJson("30", "20", "25", "1"), 422, "beds.available"),
                    kOccupiedPlusAvailable),
        put("negative waiting", R"({"ed":{"status":"open","waiting":-1}})", 422, "ed.waiting", seh),
        put("crowding above 200", R"({"ed":{"status":"open","crowding":201}})", 422, "ed.crowding", seh),
        // Boundaries.
        put("max int32", BedsJson("2147483647", "1", "1", "0"), 422, "beds.total"),
        put("max int64", BedsJson("9223372036854775807", "1", "1", "0"), 422, "beds.total"),
        put("int64 overflow", BedsJson("9223372036854775808", "1", "1", "0"), 422, "beds.total"),
        put("uint64 overflow", BedsJson("18446744073709551616", "1", "1", "0"), 422, "beds.total"),
        put("min int64 - 1", BedsJson("-9223372036854775809", "1", "1", "0"), 422, "beds.total"),
        put("float overflow", BedsJson("1e400", "1", "1", "0"), 422, ""),
        put("as_of far future",
            R"({"as_of":"2999-01-01T00:00:00Z","beds":{"total":1,"staffed":1,"occupied":0,)"
            R"("available":1}})",
            422, "as_of"),
        put("as_of year 0",
            R"({"as_of":"0000-01-01T00:00:00Z","beds":{"total":1,"staffed":1,"occupied":0,)"
            R"("available":1}})",
            422, "as_of"),
        put("as_of not a date", R"({"as_of":"gisteren","beds":{"total":1,"staffed":1,"occupied":0,"available":1}})",
            422, "as_of"),
        put("note over 2000 bytes",
            json{{"beds", {{"total", 1}, {"staffed", 1}, {"occupied", 0}, {"available", 1}}},
                 {"note", std::string(2001, 'n')}}
                .dump(),
            422, "note"),
        put("huge note",
            json{{"beds", {{"total", 1}, {"staffed", 1}, {"occupied", 0}, {"available", 1}}}, {"note", kHuge}}.dump(),
            422, "note"),
        put("huge unknown key", "{\"" + kHuge + "\":1}", 422, kHuge),
        // Injection.
        put("SQL in ed.status", json{{"ed", {{"status", kSqlInjection}}}}.dump(), 422, "ed.status", seh),
        put("script in ed.status", json{{"ed", {{"status", kScript}}}}.dump(), 422, "ed.status", seh),
        put("SQL in as_of", json{{"as_of", "2024-01-01' OR '1'='1"}, {"beds", json::parse(ok)["beds"]}}.dump(), 422,
            "as_of"),
        put("SQL in the unit id", ok, 404, "", "/api/v1/units/x'%20OR%20'1'='1/capacity"),
        put("script in the unit id", ok, 404, "", "/api/v1/units/%3Cscript%3E/capacity"),
        put("huge unit id", ok, 404, "", "/api/v1/units/" + std::string(8000, 'u') + "/capacity"),
        // PostgreSQL would read "erasmusmc-ic\0" as "erasmusmc-ic": found by this corpus.
        put("NUL in the unit id", ok, 400, "", ic.substr(0, ic.size() - 9) + "%00/capacity"),
        put("NUL in note", R"({"note":"a\u0000b","beds":{"total":1,"staffed":1,"occupied":0,"available":1}})", 422, ""),
        put("NUL in a key", R"({"be\u0000ds":{"total":1,"staffed":1,"occupied":0,"available":1}})", 422, ""),
        // Syntax, encoding, shape.
        put("empty body", "", 422, ""),
        // The error says where and what, in our words, in errors[] (not the JSON library's message).
        WithMessage(put("not JSON", "{", 422, "body"), "the text ends too early"),
        WithMessage(put("not JSON, second line", "{\n  \"beds\": tru }", 422, "body"), "line 2, column "),
        WithMessage(put("trailing text", BedsJson("20", "18", "15", "3") + " x", 422, "body"), "line 1, column 64"),
        put("trailing garbage", ok + "x", 422, ""),
        put("a JSON array", "[]", 422, ""),
        put("a JSON string", "\"beds\"", 422, ""),
        put("duplicate key", R"({"beds":{"total":1,"total":2,"staffed":1,"occupied":0,"available":1}})", 422, ""),
        put("invalid UTF-8 in a string", "{\"note\":\"" + kBadUtf8 + "\"}", 422, ""),
        put("invalid UTF-8 in a key", "{\"" + kBadUtf8 + "\":1}", 422, ""),
        put("overlong UTF-8", "{\"note\":\"\xc0\xaf\"}", 422, ""),
        put("lone surrogate escape", R"({"note":"\ud800","beds":{"total":1,"staffed":1,"occupied":0,"available":1}})",
            422, ""),
        put("nested 33 deep", std::string(33, '[') + std::string(33, ']'), 422, ""),
        put("nested 100000 deep", R"({"note":)" + std::string(100000, '[') + std::string(100000, ']') + "}", 422, ""),
        put("oversize body", std::string(2 << 20, ' '), 413, ""),
    };
    // Content types: JSON endpoints take JSON only.
    for (const std::string& type :
         {std::string(), std::string("text/plain"), std::string("text/csv"),
          std::string("application/x-www-form-urlencoded"), std::string("multipart/form-data")}) {
      c.push_back(Case{"Content-Type '" + type + "'", "PUT", ic, ok, type, 415, ""});
    }
    return c;
  }

  std::vector<Case> BatchCases() {
    const std::string a = UnitOf(own_org_, UnitType::kIc);
    const json beds = {{"total", 1}, {"staffed", 1}, {"occupied", 0}, {"available", 1}};
    auto batch = [&](std::string name, std::string body, int status, std::string field, std::string type = kJson) {
      return Case{std::move(name), "POST", "/api/v1/capacity:batch", std::move(body),
                  std::move(type), status, std::move(field)};
    };
    json too_many = {{"items", json::array()}};
    for (int i = 0; i < 5001; ++i) too_many["items"].push_back({{"unit_id", a}, {"beds", beds}});
    return {
        batch("items missing", "{}", 422, "items"),
        batch("items an object", R"({"items":{}})", 422, "items"),
        batch("items empty", R"({"items":[]})", 422, "items"),
        batch("unknown field", json{{"items", {{{"unit_id", a}, {"beds", beds}}}}, {"all", true}}.dump(), 422, "all"),
        batch("item a string", R"({"items":["x"]})", 422, "items[0]"),
        batch("unit_id missing", json{{"items", {{{"beds", beds}}}}}.dump(), 422, "items[0].unit_id"),
        batch("unit_id a number", json{{"items", {{{"unit_id", 7}, {"beds", beds}}}}}.dump(), 422, "items[0].unit_id"),
        batch("unit_id empty", json{{"items", {{{"unit_id", ""}, {"beds", beds}}}}}.dump(), 422, "items[0].unit_id"),
        batch("SQL in unit_id", json{{"items", {{{"unit_id", kSqlInjection}, {"beds", beds}}}}}.dump(), 422,
              "items[0].unit_id"),
        batch("script in unit_id", json{{"items", {{{"unit_id", kScript}, {"beds", beds}}}}}.dump(), 422,
              "items[0].unit_id"),
        // PostgreSQL read "erasmusmc-ic\0" as "erasmusmc-ic" and stored the report: found by this corpus.
        batch("NUL in unit_id", json{{"items", {{{"unit_id", a + std::string(1, '\0')}, {"beds", beds}}}}}.dump(), 422,
              ""),
        batch("huge unit_id", json{{"items", {{{"unit_id", kHuge}, {"beds", beds}}}}}.dump(), 422, "items[0].unit_id"),
        batch("second item inconsistent",
              json{{"items",
                    {{{"unit_id", a}, {"beds", beds}},
                     {{"unit_id", a}, {"beds", {{"total", 1}, {"staffed", 2}, {"occupied", 0}, {"available", 1}}}}}}}
                  .dump(),
              422, "items[1].beds.staffed"),
        WithMessage(batch("second item occupied + available > staffed",
                          json{{"items",
                                {{{"unit_id", a}, {"beds", beds}},
                                 {{"unit_id", a},
                                  {"beds", {{"total", 20}, {"staffed", 18}, {"occupied", 15}, {"available", 5}}}}}}}
                              .dump(),
                          422, "items[1].beds.available"),
                    kOccupiedPlusAvailable),
        batch("second item overflows",
              R"({"items":[{"unit_id":")" + a + R"(","beds":{"total":1,"staffed":1,"occupied":0,"available":1}},)" +
                  R"({"unit_id":")" + a +
                  R"(","beds":{"total":99999999999999999999,"staffed":1,"occupied":0,"available":1}}]})",
              422, "items[1].beds.total"),
        batch("5001 items", too_many.dump(), 422, "items"),
        batch("empty body", "", 422, ""),
        batch("duplicate key", R"({"items":[],"items":[]})", 422, ""),
        batch("invalid UTF-8", "{\"items\":[{\"unit_id\":\"" + kBadUtf8 + "\"}]}", 422, ""),
        batch("text/plain", json{{"items", {{{"unit_id", a}, {"beds", beds}}}}}.dump(), 415, "", "text/plain"),
        batch("no content type", json{{"items", {{{"unit_id", a}, {"beds", beds}}}}}.dump(), 415, "", ""),
        batch("oversize body", std::string(2 << 20, '['), 413, ""),
    };
  }

  std::vector<Case> CsvCases() {
    const std::string a = UnitOf(own_org_, UnitType::kIc);
    const std::string head = "unit_id,beds_total,beds_staffed,beds_occupied,beds_available\n";
    auto csv = [&](std::string name, std::string body, int status, std::string field, std::string type = kCsv) {
      return Case{std::move(name), "POST",          "/api/v1/capacity:import-csv", std::move(body), std::move(type),
                  status,          std::move(field)};
    };
    std::string too_many = head;
    for (int i = 0; i < 20001; ++i) too_many += a + ",1,1,0,1\n";
    return {
        csv("empty body", "", 422, ""),
        csv("header only", head, 422, "line 2"),
        csv("unknown column", "unit_id,colour\n" + a + ",red\n", 422, ""),
        csv("text in a number", head + a + ",twenty,18,15,3\n", 422, "line 2: beds_total"),
        csv("decimal", head + a + ",2.5,1,1,0\n", 422, "line 2: beds_total"),
        csv("negative", head + a + ",20,18,15,-3\n", 422, "line 2: beds_available"),
        csv("inconsistent", head + a + ",20,21,15,3\n", 422, "line 2: beds_staffed"),
        WithMessage(csv("occupied + available > staffed", head + a + ",20,20,20,0\n" + a + ",20,18,15,5\n", 422,
                        "line 3: beds_available"),
                    kOccupiedPlusAvailable),
        csv("int64 overflow", head + a + ",9223372036854775808,1,1,0\n", 422, "line 2: beds_total"),
        csv("max int64", head + a + ",9223372036854775807,1,1,0\n", 422, "line 2: beds_total"),
        csv("missing cells", head + a + ",20\n", 422, ""),
        csv("too many cells", head + a + ",20,18,15,3,9\n", 422, ""),
        csv("unknown unit", head + "nope,20,18,15,3\n", 422, "line 2: unit_id"),
        csv("SQL in unit_id", head + "\"" + kSqlInjection + "\",20,18,15,3\n", 422, "line 2: unit_id"),
        csv("script in unit_id", head + kScript + ",20,18,15,3\n", 422, "line 2: unit_id"),
        csv("formula in unit_id", head + "=HYPERLINK(\"http://x\"),20,18,15,3\n", 422, "line 2: unit_id"),
        csv("unbalanced quote", head + "\"" + a + ",20,18,15,3\n", 422, ""),
        csv("invalid UTF-8", head + a + kBadUtf8 + ",20,18,15,3\n", 422, ""),
        csv("NUL byte", head + a + std::string(1, '\0') + ",20,18,15,3\n", 422, ""),
        csv("huge cell", head + kHuge + ",1,1,0,1\n", 422, ""),
        csv("20001 rows", too_many, 413, ""),
        csv("application/json", head + a + ",20,18,15,3\n", 415, "", kJson),
        csv("no content type", head + a + ",20,18,15,3\n", 415, "", ""),
        csv("oversize body", std::string(2 << 20, 'x'), 413, ""),
    };
  }

  std::vector<Case> FhirCases() {
    const std::string unit = UnitOf(own_org_, UnitType::kIc);
    auto view = store_->GetUnit(unit);
    EXPECT_TRUE(view.ok());
    CapacityReport r;
    r.unit_id = unit;
    r.as_of = Now();
    r.beds = ozcc::Beds{20, 18, 15, 3};
    const json good = view.ok() ? api::fhir::CapacityToMeasureReport(*view, r) : json::object();
    // Populations of group 0: [0] numTotBeds, [1] numICUBeds, [2] numICUBedsOcc, [3] numICUBedsAvail.
    auto with = [&](const std::string& pointer, json value) {
      json mr = good;
      mr[json::json_pointer(pointer)] = std::move(value);
      return mr.dump();
    };
    auto post = [&](std::string name, std::string body, int status, std::string field, std::string type = kFhirJson) {
      return Case{std::move(name), "POST", "/fhir/MeasureReport", std::move(body),
                  std::move(type), status, std::move(field)};
    };
    return {
        post("resourceType Patient", R"({"resourceType":"Patient"})", 422, "resourceType"),
        post("no resourceType", R"({"status":"complete"})", 422, "resourceType"),
        post("status pending", with("/status", "pending"), 422, "status"),
        post("type individual", with("/type", "individual"), 422, "type"),
        post("subject missing", with("/subject", json::object()), 422, "subject.reference"),
        post("subject a number", with("/subject/reference", 5), 422, "subject.reference"),
        post("subject unknown", with("/subject/reference", "Location/nowhere"), 422, "subject.reference"),
        post("SQL in subject", with("/subject/reference", "Location/" + kSqlInjection), 422, "subject.reference"),
        post("NUL in subject", with("/subject/reference", "Location/" + unit + std::string(1, '\0')), 422, ""),
        post("script in subject", with("/subject/reference", "Location/" + kScript), 422, "subject.reference"),
        post("period.end not a date", with("/period/end", "gisteren"), 422, "period.end"),
        post("period.end in 2999", with("/period/end", "2999-01-01T00:00:00Z"), 422, "period.end"),
        post("negative count", with("/group/0/population/2/count", -1), 422, "group[0].population[2].count"),
        post("count a string", with("/group/0/population/2/count", "15"), 422, "group[0].population[2].count"),
        post("count decimal", with("/group/0/population/2/count", 1.5), 422, "group[0].population[2].count"),
        post("count max int64", with("/group/0/population/0/count", INT64_MAX), 422, "group[0].population[0].count"),
        post("count int64 overflow",
             Replace(with("/group/0/population/0/count", 424242), "424242", "9223372036854775808"), 422,
             "group[0].population[0].count"),
        post("count float overflow", Replace(with("/group/0/population/0/count", 424242), "424242", "1e400"), 422, ""),
        post("staffed > total", with("/group/0/population/1/count", 21), 422, "group[0].population[1].count"),
        WithMessage(post("occupied + available > staffed", with("/group/0/population/3/count", 5), 422,
                         "group[0].population[3].count"),
                    kOccupiedPlusAvailable),
        post("group not an array", with("/group", "beds"), 422, "group"),
        post("empty body", "", 422, ""),
        post("not JSON", "{\"resourceType\":", 422, ""),
        post("a JSON array", "[]", 422, ""),
        post("duplicate key", R"({"resourceType":"MeasureReport","resourceType":"Patient"})", 422, ""),
        post("invalid UTF-8", "{\"resourceType\":\"" + kBadUtf8 + "\"}", 422, ""),
        post("huge subject", with("/subject/reference", "Location/" + kHuge), 422, "subject.reference"),
        post("text/plain", good.dump(), 415, "", "text/plain"),
        post("no content type", good.dump(), 415, "", ""),
        post("oversize body", std::string(2 << 20, ' '), 413, ""),
    };
  }

  std::vector<Case> LoginCases() {
    auto login = [&](std::string name, std::string body, int status, std::string field, std::string type = kJson) {
      return Case{std::move(name), "POST", "/api/v1/auth/login", std::move(body),
                  std::move(type), status, std::move(field)};
    };
    return {
        login("empty object", "{}", 422, "username"),
        login("password missing", R"({"username":"viewer"})", 422, "password"),
        login("username a number", json{{"username", 5}, {"password", kPassword}}.dump(), 422, "username"),
        login("password null", R"({"username":"viewer","password":null})", 422, "password"),
        login("empty username", json{{"username", ""}, {"password", kPassword}}.dump(), 422, "username"),
        login("unknown field", json{{"username", "viewer"}, {"password", kPassword}, {"role", "admin"}}.dump(), 422,
              "role"),
        login("SQL in username", json{{"username", "admin' OR '1'='1"}, {"password", "x"}}.dump(), 401, ""),
        login("SQL comment in username", json{{"username", "admin'--"}, {"password", kPassword}}.dump(), 401, ""),
        // PostgreSQL read "admin\0x" as "admin" and signed the caller in as admin: found by this corpus.
        login("NUL in username", json{{"username", std::string("admin\0x", 7)}, {"password", kPassword}}.dump(), 422,
              ""),
        login("script in username", json{{"username", kScript}, {"password", "x"}}.dump(), 401, ""),
        // Refused before hashing or audit: a name longer than any account's cannot sign in.
        login("huge username", json{{"username", std::string(400 * 1024, 'u')}, {"password", "x"}}.dump(), 422,
              "username"),
        login("username of 257 bytes", json{{"username", std::string(257, 'u')}, {"password", "x"}}.dump(), 422,
              "username"),
        login("huge password", json{{"username", "viewer"}, {"password", std::string(400 * 1024, 'p')}}.dump(), 422,
              "password"),
        login("empty body", "", 422, ""),
        login("duplicate key", R"({"username":"viewer","username":"admin","password":"x"})", 422, ""),
        login("invalid UTF-8", "{\"username\":\"" + kBadUtf8 + "\",\"password\":\"x\"}", 422, ""),
        login("form-encoded", "username=viewer&password=" + std::string(kPassword), 415, "",
              "application/x-www-form-urlencoded"),
        login("text/plain JSON", json{{"username", "viewer"}, {"password", kPassword}}.dump(), 415, "", "text/plain"),
        login("oversize body", std::string(2 << 20, ' '), 413, ""),
    };
  }

  // GET /api/v1/audit with paging it cannot read: 400 naming the parameter
  // (limit=-5 once returned 1,000 records: it was read as far as it went).
  std::vector<Case> AuditCases() {
    auto get = [](std::string query, std::string field) {
      return Case{"?" + query, "GET", "/api/v1/audit?" + query, "", "", 400, std::move(field)};
    };
    return {
        get("limit=-5", "limit"),    get("limit=0", "limit"),    get("limit=1001", "limit"),
        get("limit=10abc", "limit"), get("limit=abc", "limit"),  get("limit=", "limit"),
        get("limit=1.5", "limit"),   get("limit=%2B5", "limit"), get("limit=99999999999999999999", "limit"),
        get("cursor=-1", "cursor"),  get("cursor=0", "cursor"),  get("cursor=x", "cursor"),
        get("cursor=12x", "cursor"), get("cursor=", "cursor"),   get("cursor=1e3&limit=5", "cursor"),
    };
  }

  // POST /api/v1/cases: every field of a care request, as the admin (who may
  // work every region's cases). A valid request would be stored; each of
  // these changes nothing.
  std::vector<Case> NewCaseCases() {
    const json ok = {{"region_id", "ZWN"}, {"channel", "hap"}, {"summary", "catheter blocked"}};
    auto with = [&](const std::string& key, const json& value) {
      json b = ok;
      b[key] = value;
      return b.dump();
    };
    auto patient = [&](const json& p) {
      json b = ok;
      b["patient"] = p;
      b["legal_basis"] = "consent";
      return b.dump();
    };
    auto post = [](std::string name, std::string body, int status, std::string field, std::string type = kJson) {
      return Case{std::move(name), "POST", "/api/v1/cases", std::move(body), std::move(type), status, std::move(field)};
    };
    json no_summary = ok;
    no_summary.erase("summary");
    json no_basis = ok;
    no_basis["patient"] = {{"bsn", "111222333"}};
    return {
        post("no summary", no_summary.dump(), 422, "summary"),
        post("blank summary", with("summary", " \n "), 422, "summary"),
        post("summary too long", with("summary", kHuge), 422, "summary"),
        post("summary is a number", with("summary", 5), 422, "summary"),
        post("summary bad UTF-8", R"({"channel":"hap","summary":")" + kBadUtf8 + R"("})", 422, "body"),
        post("unknown channel", with("channel", "fax"), 422, "channel"),
        post("channel is null", with("channel", nullptr), 422, "channel"),
        post("unknown field", with("priority", "high"), 422, "priority"),
        post("unknown region", with("region_id", "NOPE"), 404, ""),
        post("region id with SQL", with("region_id", kSqlInjection), 422, "region_id"),
        post("unknown subregion", with("subregion_id", "ZWN-NOPE"), 422, "subregion_id"),
        post("unknown requesting organisation", with("requesting_organization_id", "nope"), 422,
             "requesting_organization_id"),
        post("received_at not a time", with("received_at", "yesterday"), 422, "received_at"),
        post("received_at a year back", with("received_at", "2025-01-01T00:00:00Z"), 422, "received_at"),
        post("unknown urgency", with("urgency", "U9"), 422, "urgency"),
        post("urgency without complaint", with("urgency", "U3"), 422, "complaint"),
        post("unknown complaint", with("complaint", "not-a-complaint"), 422, "complaint"),
        post("caller phone with letters", with("caller", {{"phone", "call me"}}), 422, "caller.phone"),
        post("age out of range", with("context", {{"age_years", 200}}), 422, "context.age_years"),
        post("age a decimal", with("context", {{"age_years", 80.5}}), 422, "context.age_years"),
        post("unknown living situation", with("context", {{"living", "boat"}}), 422, "context.living"),
        post("unknown known care", with("context", {{"known_care", {"magic"}}}), 422, "context.known_care[0]"),
        post("patient without legal basis", no_basis.dump(), 422, "legal_basis"),
        WithMessage(post("BSN fails the 11-proef", patient({{"bsn", "123456789"}}), 422, "patient.bsn"), "11"),
        post("BSN with a space", patient({{"bsn", "111 222 333"}}), 422, "patient.bsn"),
        post("patient without BSN or name", patient(json::object()), 422, "patient"),
        post("birth date not a date", patient({{"name", "J"}, {"birth_date", "31-12-1950"}}), 422,
             "patient.birth_date"),
        post("birth date in the future", patient({{"name", "J"}, {"birth_date", "2999-01-01"}}), 422,
             "patient.birth_date"),
        post("unknown patient field", patient({{"name", "J"}, {"religion", "x"}}), 422, "patient.religion"),
        post("script in the name is stored as text, but not with a bad BSN",
             patient({{"name", kScript}, {"bsn", "111111111"}}), 422, "patient.bsn"),
        post("duplicate keys", R"({"channel":"hap","channel":"gp","summary":"x"})", 422, ""),
        post("not an object", "[1,2]", 422, "body"),
        post("empty body", "", 422, "body"),
        post("text/plain", ok.dump(), 415, "", "text/plain"),
        post("no content type", ok.dump(), 415, "", ""),
    };
  }

  // POST /api/v1/transfers: every field of a transfer, as the admin (who may
  // create transfers in every region). A valid request would be stored.
  json TransferOk() {
    return {{"region_id", "ZWN"},
            {"from_organization_id", own_org_},
            {"from_unit_id", UnitOf(own_org_, UnitType::kIc)},
            {"to_organization_id", other_org_},
            {"to_unit_id", UnitOf(other_org_, UnitType::kIc)},
            {"care_type", "ic"},
            {"reason", "IC full"}};
  }
  std::vector<Case> NewTransferCases() {
    const json ok = TransferOk();
    const json gone = json(json::value_t::discarded);
    auto with = [&](const std::string& key, const json& value) {
      json b = ok;
      if (value.is_discarded()) {
        b.erase(key);
      } else {
        b[key] = value;
      }
      return b.dump();
    };
    auto post = [](std::string name, std::string body, int status, std::string field, std::string type = kJson) {
      return Case{std::move(name), "POST", "/api/v1/transfers", std::move(body),
                  std::move(type), status, std::move(field)};
    };
    return {
        post("no sending organisation", with("from_organization_id", gone), 422, "from_organization_id"),
        post("no sending unit", with("from_unit_id", gone), 422, "from_unit_id"),
        post("no receiving organisation", with("to_organization_id", gone), 422, "to_organization_id"),
        post("no receiving unit", with("to_unit_id", gone), 422, "to_unit_id"),
        post("no care type", with("care_type", gone), 422, "care_type"),
        post("no reason", with("reason", gone), 422, "reason"),
        post("blank reason", with("reason", " \n "), 422, "reason"),
        post("reason too long", with("reason", kHuge), 422, "reason"),
        post("reason is a number", with("reason", 5), 422, "reason"),
        post("reason bad UTF-8", R"({"reason":")" + kBadUtf8 + R"("})", 422, "body"),
        post("unknown care type", with("care_type", "icu"), 422, "care_type"),
        post("care type of a HAP", with("care_type", "hap"), 422, "care_type"),
        post("care type not the receiving unit's", with("care_type", "ward"), 422, "to_unit_id"),
        post("unknown field", with("priority", "high"), 422, "priority"),
        post("unknown region", with("region_id", "NOPE"), 404, ""),
        post("region id with SQL", with("region_id", kSqlInjection), 422, "region_id"),
        post("unknown sending organisation", with("from_organization_id", "nope"), 422, "from_organization_id"),
        post("sending unit of another organisation", with("from_unit_id", UnitOf(other_org_, UnitType::kSeh)), 422,
             "from_unit_id"),
        post("receiving unit unknown", with("to_unit_id", "nope"), 422, "to_unit_id"),
        post("same unit both ways", with("to_unit_id", UnitOf(own_org_, UnitType::kIc)), 422, "to_unit_id"),
        post("unknown case", with("case_id", "c-0000000000000000"), 422, "case_id"),
        post("planned_at not a time", with("planned_at", "tomorrow"), 422, "planned_at"),
        post("planned_at in two years", with("planned_at", "2999-01-01T00:00:00Z"), 422, "planned_at"),
        WithMessage(post("BSN fails the 11-proef", with("patient", {{"bsn", "123456789"}}), 422, "patient.bsn"), "11"),
        post("unknown patient field", with("patient", {{"name", "J"}, {"religion", "x"}}), 422, "patient.religion"),
        post("patient is a string", with("patient", "J. Jansen"), 422, "patient"),
        post("duplicate keys", R"({"reason":"a","reason":"b"})", 422, ""),
        post("not an object", "[1,2]", 422, "body"),
        post("empty body", "", 422, "body"),
        post("text/plain", ok.dump(), 415, "", "text/plain"),
        post("no content type", ok.dump(), 415, "", ""),
    };
  }
  // POST /api/v1/transfers/{id}/transition on a requested transfer, as the
  // admin. Each is refused before If-Match is looked at (the corpus sends none).
  std::vector<Case> TransferStepCases(const std::string& id) {
    const std::string target = "/api/v1/transfers/" + id + "/transition";
    auto post = [&](std::string name, std::string body, int status, std::string field, std::string type = kJson) {
      return Case{std::move(name), "POST", target, std::move(body), std::move(type), status, std::move(field)};
    };
    return {
        post("no state", R"({"reason":"x"})", 422, "to"),
        post("unknown state", R"({"to":"flying"})", 422, "to"),
        post("state is a number", R"({"to":3})", 422, "to"),
        post("decline without reason", R"({"to":"declined"})", 422, "reason"),
        post("cancel with a blank reason", R"({"to":"cancelled","reason":"  "})", 422, "reason"),
        post("reason too long", R"({"to":"accepted","reason":")" + kHuge + R"("})", 422, "reason"),
        post("at not a time", R"({"to":"accepted","at":"now"})", 422, "at"),
        post("at in the future", R"({"to":"accepted","at":"2999-01-01T00:00:00Z"})", 422, "at"),
        post("at before the request", R"({"to":"accepted","at":"2001-01-01T00:00:00Z"})", 422, "at"),
        post("unknown field", R"({"to":"accepted","extra":1})", 422, "extra"),
        post("not an object", "[]", 422, "body"),
        post("empty body", "", 422, "body"),
        post("no If-Match", R"({"to":"accepted"})", 428, ""),
        post("text/plain", R"({"to":"accepted"})", 415, "", "text/plain"),
    };
  }

  // PUT /api/v1/regions/{id}/phase, as the admin. Each is refused before
  // If-Match is looked at (the corpus sends none unless it says so).
  std::vector<Case> PhaseCases() {
    const std::string target = "/api/v1/regions/ZWN/phase";
    auto put = [&](std::string name, std::string body, int status, std::string field, std::string type = kJson,
                   std::string if_match = "") {
      return Case{std::move(name),  "PUT", target,  std::move(body),    std::move(type), status,
                  std::move(field), "",    "admin", std::move(if_match)};
    };
    const std::string long_rationale(1001, 'x');
    return {
        put("no phase", R"({"rationale":"x"})", 422, "phase"),
        put("unknown phase", R"({"phase":"war","rationale":"x"})", 422, "phase"),
        put("phase is a number", R"({"phase":3,"rationale":"x"})", 422, "phase"),
        put("no rationale", R"({"phase":"crisis"})", 422, "rationale"),
        put("blank rationale", R"({"phase":"crisis","rationale":" \n "})", 422, "rationale"),
        put("rationale too long", R"({"phase":"crisis","rationale":")" + long_rationale + R"("})", 422, "rationale"),
        put("rationale bad UTF-8", R"({"phase":"crisis","rationale":")" + kBadUtf8 + R"("})", 422, "body"),
        put("approval outside a crisis", R"({"phase":"adjusted","rationale":"x","transfer_approval":true})", 422,
            "transfer_approval"),
        put("approval is a string", R"({"phase":"crisis","rationale":"x","transfer_approval":"yes"})", 422,
            "transfer_approval"),
        put("unknown field", R"({"phase":"crisis","rationale":"x","level":4})", 422, "level"),
        put("duplicate keys", R"({"phase":"crisis","phase":"regular","rationale":"x"})", 422, ""),
        put("not an object", "[]", 422, "body"),
        put("empty body", "", 422, "body"),
        put("no If-Match", R"({"phase":"crisis","rationale":"x"})", 428, ""),
        put("stale If-Match", R"({"phase":"crisis","rationale":"x"})", 412, "", kJson, "\"7\""),
        put("If-Match not a version", R"({"phase":"crisis","rationale":"x"})", 412, "", kJson, "\"x\""),
        put("text/plain", R"({"phase":"crisis","rationale":"x"})", 415, "", "text/plain"),
        Case{"unknown region", "PUT", "/api/v1/regions/NOPE/phase", R"({"phase":"crisis","rationale":"x"})", kJson, 404,
             "", "", "admin", "\"0\""},
    };
  }

  // POST /api/v1/placements: every field of a placement, as the admin (who
  // may create placements in every region). A valid request would be stored.
  json PlacementOk() {
    return {{"region_id", "ZWN"},
            {"from_organization_id", own_org_},
            {"from_unit_id", UnitOf(own_org_, UnitType::kIc)},
            {"care_type", "elv-high"},
            {"profile", {{"weight_kg", 80}, {"age", 84}, {"mobility", "aid"}}},
            {"preferred_lat", 51.92},
            {"preferred_lon", 4.48}};
  }
  std::vector<Case> NewPlacementCases() {
    const json ok = PlacementOk();
    const json gone = json(json::value_t::discarded);
    auto with = [&](const std::string& key, const json& value) {
      json b = ok;
      if (value.is_discarded()) {
        b.erase(key);
      } else {
        b[key] = value;
      }
      return b.dump();
    };
    auto profile = [&](const json& p) {
      json b = ok;
      b["profile"] = p;
      return b.dump();
    };
    auto post = [](std::string name, std::string body, int status, std::string field, std::string type = kJson) {
      return Case{std::move(name), "POST", "/api/v1/placements", std::move(body),
                  std::move(type), status, std::move(field)};
    };
    return {
        post("no sending organisation", with("from_organization_id", gone), 422, "from_organization_id"),
        post("no sending unit", with("from_unit_id", gone), 422, "from_unit_id"),
        post("no care type", with("care_type", gone), 422, "care_type"),
        post("unknown care type", with("care_type", "hotel"), 422, "care_type"),
        post("a unit type is no care type", with("care_type", "ward"), 422, "care_type"),
        post("care type is a number", with("care_type", 3), 422, "care_type"),
        post("weight is text", profile({{"weight_kg", "heavy"}}), 422, "profile.weight_kg"),
        post("weight zero", profile({{"weight_kg", 0}}), 422, "profile.weight_kg"),
        post("weight 900", profile({{"weight_kg", 900}}), 422, "profile.weight_kg"),
        post("weight a decimal", profile({{"weight_kg", 80.5}}), 422, "profile.weight_kg"),
        post("age negative", profile({{"age", -1}}), 422, "profile.age"),
        post("age 200", profile({{"age", 200}}), 422, "profile.age"),
        post("unknown mobility", profile({{"mobility", "flying"}}), 422, "profile.mobility"),
        post("dementia is text", profile({{"dementia", "yes"}}), 422, "profile.dementia"),
        post("unknown profile field", profile({{"diet", "vegan"}}), 422, "profile.diet"),
        post("profile is a list", with("profile", json::array()), 422, "profile"),
        post("latitude out of range", with("preferred_lat", 91), 422, "preferred_lat"),
        post("longitude without latitude", with("preferred_lat", gone), 422, "preferred_lat"),
        post("latitude is text", with("preferred_lat", "north"), 422, "preferred_lat"),
        post("needs too long", with("needs", std::string(2001, 'x')), 422, "needs"),
        post("needs bad UTF-8", R"({"needs":")" + kBadUtf8 + R"("})", 422, "body"),
        post("place with a line break", with("preferred_place", "Rotter\ndam"), 422, "preferred_place"),
        post("earliest date not a date", with("earliest_date", "soon"), 422, "earliest_date"),
        post("earliest date in two years", with("earliest_date", "2999-01-01"), 422, "earliest_date"),
        post("earliest date a time", with("earliest_date", "2026-12-05T00:00:00Z"), 422, "earliest_date"),
        post("unknown field", with("priority", "high"), 422, "priority"),
        post("unknown region", with("region_id", "NOPE"), 404, ""),
        post("region id with SQL", with("region_id", kSqlInjection), 422, "region_id"),
        post("unknown sending organisation", with("from_organization_id", "nope"), 422, "from_organization_id"),
        post("sending unit of another organisation", with("from_unit_id", UnitOf(other_org_, UnitType::kSeh)), 422,
             "from_unit_id"),
        WithMessage(post("BSN fails the 11-proef", with("patient", {{"bsn", "123456789"}}), 422, "patient.bsn"), "11"),
        post("patient is a string", with("patient", "J. Jansen"), 422, "patient"),
        post("duplicate keys", R"({"care_type":"grz","care_type":"ggz"})", 422, ""),
        post("not an object", "[1,2]", 422, "body"),
        post("empty body", "", 422, "body"),
        post("text/plain", ok.dump(), 415, "", "text/plain"),
        post("no content type", ok.dump(), 415, "", ""),
    };
  }
  // GET /api/v1/placements/{id}/matches with a limit it cannot take: 400
  // naming it.
  std::vector<Case> MatchesCases(const std::string& id) {
    const std::string target = "/api/v1/placements/" + id + "/matches?";
    auto get = [&](const std::string& query) {
      return Case{"matches ?" + query, "GET", target + query, "", "", 400, "limit"};
    };
    return {get("limit=0"), get("limit=5001"), get("limit=-1"), get("limit=abc"), get("limit="), get("limit=1.5")};
  }

  // POST /api/v1/placements/{id}/offers on a waiting placement, as the
  // admin; version 1 is current, so a valid request would be stored.
  std::vector<Case> OfferCases(const std::string& id) {
    const std::string target = "/api/v1/placements/" + id + "/offers";
    auto post = [&](std::string name, std::string body, int status, std::string field, bool if_match = true) {
      Case c{std::move(name), "POST", target, std::move(body), kJson, status, std::move(field)};
      if (if_match) c.if_match = "\"1\"";
      return c;
    };
    auto one = [](const json& target) { return json{{"offers", {target}}}.dump(); };
    return {
        post("no offers", R"({})", 422, "offers"),
        post("empty offers", R"({"offers":[]})", 422, "offers"),
        post("offers is an object", R"({"offers":{}})", 422, "offers"),
        post("offer without unit", one({{"organization_id", "aafje"}}), 422, "offers[0].unit_id"),
        post("offer without organisation", one({{"unit_id", "aafje-elv-high"}}), 422, "offers[0].organization_id"),
        post("unknown offer field", one({{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}, {"x", 1}}), 422,
             "offers[0].x"),
        post("unit of another organisation", one({{"organization_id", "laurens"}, {"unit_id", "aafje-elv-high"}}), 422,
             "offers[0].unit_id"),
        post("not a follow-up unit", one({{"organization_id", own_org_}, {"unit_id", UnitOf(own_org_, UnitType::kIc)}}),
             422, "offers[0].unit_id"),
        post("unknown organisation", one({{"organization_id", "nope"}, {"unit_id", "nope-elv"}}), 422,
             "offers[0].organization_id"),
        post("id with SQL", one({{"organization_id", kSqlInjection}, {"unit_id", "x"}}), 422,
             "offers[0].organization_id"),
        post("the same unit twice",
             json{{"offers",
                   {{{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}},
                    {{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}}}}}
                 .dump(),
             422, "offers[1].unit_id"),
        post("unknown field", R"({"offers":[],"all":true})", 422, "all"),
        post("not an object", "[]", 422, "body"),
        post("no If-Match", one({{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}}), 428, "", false),
    };
  }
  // POST /api/v1/placements/{id}/offers/{offer}/answer on an open offer, as
  // the admin; version 2 is current.
  std::vector<Case> AnswerCases(const std::string& id, const std::string& offer) {
    const std::string target = "/api/v1/placements/" + id + "/offers/" + offer + "/answer";
    auto post = [&](std::string name, std::string body, int status, std::string field, bool if_match = true) {
      Case c{std::move(name), "POST", target, std::move(body), kJson, status, std::move(field)};
      if (if_match) c.if_match = "\"2\"";
      return c;
    };
    return {
        post("no accept", R"({"reason":"no-bed"})", 422, "accept"),
        post("accept is text", R"({"accept":"yes"})", 422, "accept"),
        post("decline without reason", R"({"accept":false})", 422, "reason"),
        post("unknown reason", R"({"accept":false,"reason":"busy"})", 422, "reason"),
        post("other without text", R"({"accept":false,"reason":"other"})", 422, "text"),
        post("text too long", R"({"accept":false,"reason":"no-bed","text":")" + kHuge + R"("})", 422, "text"),
        post("accept with a reason", R"({"accept":true,"reason":"no-bed"})", 422, "reason"),
        post("reservation of 0 hours", R"({"accept":true,"reservation_hours":0})", 422, "reservation_hours"),
        post("reservation of a year", R"({"accept":true,"reservation_hours":8760})", 422, "reservation_hours"),
        post("reservation is text", R"({"accept":true,"reservation_hours":"day"})", 422, "reservation_hours"),
        post("declining with a reservation", R"({"accept":false,"reason":"no-bed","reservation_hours":5})", 422,
             "reservation_hours"),
        post("unknown field", R"({"accept":true,"bed":"3"})", 422, "bed"),
        post("not an object", "[]", 422, "body"),
        post("no If-Match", R"({"accept":true})", 428, "", false),
    };
  }
  // POST /api/v1/placements/{id}/cancel on an offered placement, as the
  // admin; version 2 is current, so a valid request would be stored.
  std::vector<Case> CancelPlacementCases(const std::string& id) {
    const std::string target = "/api/v1/placements/" + id + "/cancel";
    auto post = [&](std::string name, std::string body, int status, std::string field, bool if_match = true,
                    std::string type = kJson) {
      Case c{std::move(name), "POST", target, std::move(body), std::move(type), status, std::move(field)};
      if (if_match) c.if_match = "\"2\"";
      return c;
    };
    return {
        post("no reason", R"({})", 422, "reason"),
        post("blank reason", R"({"reason":"  "})", 422, "reason"),
        post("reason is a number", R"({"reason":5})", 422, "reason"),
        post("reason too long", R"({"reason":")" + kHuge + R"("})", 422, "reason"),
        post("reason with a control character", R"({"reason":"a\u0007b"})", 422, "reason"),
        post("unknown field", R"({"reason":"home","state":"placed"})", 422, "state"),
        post("not an object", "[]", 422, "body"),
        post("empty body", "", 422, "body"),
        post("text/plain", R"({"reason":"home"})", 415, "", true, "text/plain"),
        post("no If-Match", R"({"reason":"home"})", 428, "", false),
    };
  }

  // POST /api/v1/spreading/plans: every field of a plan, as the ZWN ZCC
  // coordinator. A valid request would be stored. Bad input is 400 (the
  // spreading contract), naming the field.
  json SpreadingOk() {
    return {{"patients",
             {{{"id", "P1"},
               {"from_organization", own_org_},
               {"from_unit", UnitOf(own_org_, UnitType::kIc)},
               {"needs", "ic"}}}}};
  }
  std::vector<Case> NewSpreadingCases() {
    const json ok = SpreadingOk();
    auto with = [&](const std::string& key, const json& value) {
      json b = ok;
      b[key] = value;
      return b.dump();
    };
    auto patient = [&](const std::string& key, const json& value) {
      json b = ok;
      if (value.is_discarded()) {
        b["patients"][0].erase(key);
      } else {
        b["patients"][0][key] = value;
      }
      return b.dump();
    };
    const json gone = json(json::value_t::discarded);
    auto post = [](std::string name, std::string body, int status, std::string field, std::string type = kJson) {
      return Case{std::move(name),
                  "POST",
                  "/api/v1/spreading/plans",
                  std::move(body),
                  std::move(type),
                  status,
                  std::move(field),
                  "",
                  "zcc"};
    };
    json two = ok;
    two["patients"].push_back(ok["patients"][0]);
    json many = ok;
    for (int i = 0; i < 2000; ++i) many["patients"].push_back(ok["patients"][0]);
    for (size_t i = 0; i < many["patients"].size(); ++i) many["patients"][i]["id"] = "P" + std::to_string(i);
    return {
        post("no patients", R"({})", 400, "patients"),
        post("empty patients", with("patients", json::array()), 400, "patients"),
        post("2001 patients", many.dump(), 400, "patients"),
        post("patients is an object", with("patients", json::object()), 400, "patients"),
        post("no patient id", patient("id", gone), 400, "patients[0].id"),
        post("patient id with a space", patient("id", "P 1"), 400, "patients[0].id"),
        post("patient id too long", patient("id", std::string(65, 'p')), 400, "patients[0].id"),
        post("the same patient twice", two.dump(), 400, "patients[1].id"),
        post("no sending organisation", patient("from_organization", gone), 400, "patients[0].from_organization"),
        post("unknown sending organisation", patient("from_organization", "nope"), 400,
             "patients[0].from_organization"),
        post("organisation id with SQL", patient("from_organization", kSqlInjection), 400,
             "patients[0].from_organization"),
        post("no sending unit", patient("from_unit", gone), 400, "patients[0].from_unit"),
        post("unit of another organisation", patient("from_unit", UnitOf(other_org_, UnitType::kIc)), 400,
             "patients[0].from_unit"),
        post("no needs", patient("needs", gone), 400, "patients[0].needs"),
        post("unknown care type", patient("needs", "elv"), 400, "patients[0].needs"),
        post("needs is a number", patient("needs", 1), 400, "patients[0].needs"),
        post("label too long", patient("label", std::string(201, 'x')), 400, "patients[0].label"),
        post("label with a control character", patient("label", std::string("a\x01b")), 400, "patients[0].label"),
        post("unknown patient field", patient("bsn", "111222333"), 400, "patients[0].bsn"),
        post("unknown region", with("regions", {"NOPE"}), 400, "regions[0]"),
        post("regions is a string", with("regions", "ZWN"), 400, "regions"),
        post("a region twice", with("regions", {"ZWN", "ZWN"}), 400, "regions[1]"),
        post("pin of an unknown hospital", with("pins", {{{"patient", "P1"}, {"hospital", "nowhere"}}}), 400,
             "pins[0].hospital"),
        post("pin of an unknown patient", with("pins", {{{"patient", "P9"}, {"hospital", own_org_}}}), 400,
             "pins[0].patient"),
        post("pin without hospital", with("pins", {{{"patient", "P1"}}}), 400, "pins[0].hospital"),
        post("forbid of a care home", with("forbids", {{{"patient", "P1"}, {"hospital", "aafje"}}}), 400,
             "forbids[0].hospital"),
        post("forbids is an object", with("forbids", json::object()), 400, "forbids"),
        post("road factor 0.5", with("policy", {{"road_factor", 0.5}}), 400, "policy.road_factor"),
        post("speed is text", with("policy", {{"speed_kmh", "fast"}}), 400, "policy.speed_kmh"),
        post("reserve above 1", with("policy", {{"reserve", {{"ic", 1.5}}}}), 400, "policy.reserve.ic"),
        post("unknown policy field", with("policy", {{"greedy", true}}), 400, "policy.greedy"),
        post("note too long", with("note", std::string(1001, 'x')), 400, "note"),
        post("unknown field", with("priority", "high"), 400, "priority"),
        post("note bad UTF-8", R"({"note":")" + kBadUtf8 + R"("})", 400, "body"),
        post("not an object", "[1,2]", 400, "body"),
        post("empty body", "", 400, "body"),
        post("text/plain", ok.dump(), 415, "", "text/plain"),
        post("no content type", ok.dump(), 415, "", ""),
    };
  }
  // POST /api/v1/spreading/plans/{id}/solve, approve, discard on a proposed
  // plan, as the ZCC coordinator; version 1 is current, so a valid request
  // would change it.
  std::vector<Case> SpreadingChangeCases(const std::string& id) {
    const std::string base = "/api/v1/spreading/plans/" + id;
    auto post = [&](std::string name, std::string what, std::string body, int status, std::string field,
                    std::string if_match = "\"1\"") {
      Case c{std::move(name), "POST", base + "/" + what, std::move(body), kJson, status, std::move(field), "", "zcc"};
      c.if_match = std::move(if_match);
      return c;
    };
    return {
        post("forbid of an unknown hospital", "solve", R"({"forbids":[{"patient":"P1","hospital":"nowhere"}]})", 400,
             "forbids[0].hospital"),
        post("pin of an unknown patient", "solve", json{{"pins", {{{"patient", "P7"}, {"hospital", own_org_}}}}}.dump(),
             400, "pins[0].patient"),
        post("pins is a string", "solve", R"({"pins":"P1"})", 400, "pins"),
        post("pin with an extra field", "solve", R"({"pins":[{"patient":"P1","hospital":"x","hard":true}]})", 400,
             "pins[0].hard"),
        post("unknown solve field", "solve", R"({"policy":{}})", 400, "policy"),
        post("solve body not an object", "solve", "[]", 400, "body"),
        post("solve without If-Match", "solve", "{}", 428, "", ""),
        post("solve with a stale If-Match", "solve", "{}", 412, "", "\"7\""),
        post("approve without If-Match", "approve", "", 428, "", ""),
        post("approve with a stale If-Match", "approve", "", 412, "", "\"2\""),
        post("approve with a weak If-Match", "approve", "", 412, "", "W/\"1\""),
        post("discard without If-Match", "discard", "", 428, "", ""),
        post("discard with If-Match *", "discard", "", 412, "", "*"),
    };
  }

  // The 72-hour contact history: a partner's feed reports (POST
  // /api/v1/contacts), the ZCC searches (POST /api/v1/contacts:search), the
  // privacy officer reads the access log (POST /api/v1/access-log:search).
  // BSNs travel in bodies and are never echoed in an error.
  std::vector<Case> ContactCases() {
    const json ok = {
        {"bsn", "111222333"}, {"at", FormatRfc3339(Now() - std::chrono::minutes(10))}, {"kind", "hap-call"}};
    auto with = [&](const std::string& key, const json& value) {
      json b = ok;
      if (value.is_discarded()) {
        b.erase(key);
      } else {
        b[key] = value;
      }
      return b.dump();
    };
    const json gone = json(json::value_t::discarded);
    auto report = [](std::string name, std::string body, int status, std::string field, std::string type = kJson) {
      return Case{std::move(name), "POST", "/api/v1/contacts", std::move(body),
                  std::move(type), status, std::move(field),   "",
                  "feed"};
    };
    auto search = [](std::string name, std::string body, int status, std::string field) {
      return Case{std::move(name),  "POST", "/api/v1/contacts:search",
                  std::move(body),  kJson,  status,
                  std::move(field), "",     "zcc"};
    };
    auto access = [](std::string name, std::string body, int status, std::string field) {
      return Case{std::move(name),  "POST", "/api/v1/access-log:search",
                  std::move(body),  kJson,  status,
                  std::move(field), "",     "privacy"};
    };
    return {
        report("no BSN", with("bsn", gone), 422, "bsn"),
        WithMessage(report("BSN fails the 11-proef", with("bsn", "123456789"), 422, "bsn"), "11-proef"),
        report("BSN a number", with("bsn", 111222333), 422, "bsn"),
        report("BSN with dots", with("bsn", "111.222.333"), 422, "bsn"),
        report("BSN of 8 digits", with("bsn", "11122233"), 422, "bsn"),
        report("no time", with("at", gone), 422, "at"),
        report("time without zone", with("at", "2026-12-05T03:00:00"), 422, "at"),
        report("time in the future", with("at", FormatRfc3339(Now() + std::chrono::hours(2))), 422, "at"),
        report("time a year back", with("at", "2025-01-01T00:00:00Z"), 422, "at"),
        report("unknown kind", with("kind", "teleport"), 422, "kind"),
        report("kind with SQL", with("kind", kSqlInjection), 422, "kind"),
        report("unknown urgency", with("urgency", "U7"), 422, "urgency"),
        report("advice too long", with("advice", kHuge), 422, "advice"),
        report("advice a number", with("advice", 3), 422, "advice"),
        report("advice with a control character", with("advice", std::string("a\x01b")), 422, "advice"),
        report("organisation in the body", with("organization_id", "ZWN-H1"), 422, "organization_id"),
        report("duplicate BSN key",
               R"({"bsn":"111222333","bsn":"123456782","at":"2026-12-05T03:00:00Z","kind":"other"})", 422, ""),
        report("not an object", "[]", 422, "body"),
        report("empty body", "", 422, "body"),
        report("text/plain", ok.dump(), 415, "", "text/plain"),
        search("search without BSN", "{}", 422, "bsn"),
        search("search with a bad BSN", R"({"bsn":"123456789"})", 422, "bsn"),
        search("search with an unknown field", R"({"bsn":"111222333","name":"Jansen"})", 422, "name"),
        search("search purpose a number", R"({"bsn":"111222333","purpose":1})", 422, "purpose"),
        access("access search names nobody", "{}", 422, "bsn"),
        access("access search bad BSN", R"({"bsn":"123456789"})", 422, "bsn"),
        access("access search limit 0", R"({"bsn":"111222333","limit":0})", 422, "limit"),
        access("access search limit 5000", R"({"bsn":"111222333","limit":5000})", 422, "limit"),
        access("access search limit a string", R"({"bsn":"111222333","limit":"10"})", 422, "limit"),
        access("access search before_id negative", R"({"bsn":"111222333","before_id":-1})", 422, "before_id"),
        access("access search case id with SQL", json{{"case_id", kSqlInjection}}.dump(), 422, "case_id"),
        access("access search unknown case", R"({"case_id":"c-0000000000000000"})", 404, ""),
    };
  }

  // PUT /api/v1/pathways/{id}: the pathway document (data/README.md), as
  // the admin. Each is refused before If-Match is looked at.
  std::vector<Case> PathwayPutCases() {
    const json ok = {{"id", "catheter-care"},
                     {"version", 1},
                     {"name", {{"nl", "Katheterzorg"}, {"en", "Catheter care"}}},
                     {"complaints", {"catheter-problem"}},
                     {"urgency", {{"from", "U3"}, {"to", "U4"}}},
                     {"actions",
                      {{{"code", "acute-district-nursing"},
                        {"partner", "vvt"},
                        {"description", {{"nl", "Wijkverpleging"}, {"en", "District nursing"}}}}}},
                     {"source", "test"}};
    auto with = [&](const std::string& key, const json& value) {
      json b = ok;
      b[key] = value;
      return b.dump();
    };
    auto action = [&](const json& a) {
      json b = ok;
      b["actions"] = json::array({a});
      return b.dump();
    };
    auto put = [](std::string name, std::string body, int status, std::string field, std::string type = kJson,
                  std::string id = "catheter-care") {
      return Case{std::move(name), "PUT",  "/api/v1/pathways/" + id, std::move(body),
                  std::move(type), status, std::move(field)};
    };
    json no_source = ok;
    no_source.erase("source");
    json no_name = ok;
    no_name.erase("name");
    json many = ok;
    many["actions"] = json::array();
    for (int i = 0; i < 21; ++i) {
      many["actions"].push_back({{"code", "a" + std::to_string(i)}, {"description", {{"nl", "x"}, {"en", "x"}}}});
    }
    json bad_id = ok;
    bad_id["id"] = "Bad_Id";
    return {
        put("id is not the path's", with("id", "falls"), 422, "id"),
        put("id breaks the rule", bad_id.dump(), 422, "id", kJson, "Bad_Id"),
        put("id with SQL", with("id", kSqlInjection), 422, "id"),
        put("no source", no_source.dump(), 422, "source"),
        put("source too long", with("source", kHuge), 422, "source"),
        put("no name", no_name.dump(), 422, "name"),
        put("name is a string", with("name", "Katheterzorg"), 422, "name"),
        put("version is a string", with("version", "1"), 422, "version"),
        put("version 0", with("version", 0), 422, "version"),
        put("unknown complaint", with("complaints", {"not-a-complaint"}), 422, "complaints[0]"),
        put("complaints and any_complaint", with("any_complaint", true), 422, "complaints"),
        put("urgency to before from", with("urgency", {{"from", "U4"}, {"to", "U2"}}), 422, "urgency.to"),
        put("unknown urgency", with("urgency", {{"from", "U9"}, {"to", "U4"}}), 422, "urgency.from"),
        put("age out of range", with("conditions", {{"age_min", 200}}), 422, "conditions.age_min"),
        put("time of day not HH:MM", with("conditions", {{"time_of_day", {{"from", "25:00"}, {"to", "08:00"}}}}), 422,
            "conditions.time_of_day.from"),
        put("unknown living situation", with("conditions", {{"living", {"boat"}}}), 422, "conditions.living[0]"),
        put("no actions", with("actions", json::array()), 422, "actions"),
        put("21 actions", many.dump(), 422, "actions"),
        put("action code with spaces", action({{"code", "Bad Code"}, {"description", {{"nl", "x"}, {"en", "x"}}}}), 422,
            "actions[0].code"),
        put("unit not run by the partner",
            action({{"code", "x"}, {"partner", "ggz"}, {"unit", "ic"}, {"description", {{"nl", "x"}, {"en", "x"}}}}),
            422, "actions[0].unit"),
        put("unknown partner type",
            action({{"code", "x"}, {"partner", "bakery"}, {"description", {{"nl", "x"}, {"en", "x"}}}}), 422,
            "actions[0].partner"),
        put("unknown field", with("colour", "red"), 422, "colour"),
        put(
            "script in the name is text, but the source is missing",
            [&] {
              json b = no_source;
              b["name"] = {{"nl", kScript}, {"en", kScript}};
              return b.dump();
            }(),
            422, "source"),
        put("bad UTF-8", R"({"id":")" + kBadUtf8 + R"("})", 422, "body"),
        put("duplicate keys", R"({"id":"catheter-care","id":"falls"})", 422, ""),
        put("not an object", "[1,2]", 422, "body"),
        put("empty body", "", 422, "body"),
        put("text/plain", ok.dump(), 415, "", "text/plain"),
        put("no content type", ok.dump(), 415, "", ""),
    };
  }

  // POST /api/v1/cases/{id}/pathway on an open case of ZWN, as the admin.
  // Each is refused before If-Match is looked at.
  std::vector<Case> PathwayChoiceCases(const std::string& case_id) {
    const json ok = {{"pathway_id", "catheter-care"}, {"pathway_version", 1}, {"action", "acute-district-nursing"}};
    auto with = [&](const std::string& key, const json& value) {
      json b = ok;
      b[key] = value;
      return b.dump();
    };
    auto post = [&](std::string name, std::string body, int status, std::string field, std::string type = kJson) {
      return Case{std::move(name), "POST",          "/api/v1/cases/" + case_id + "/pathway",
                  std::move(body), std::move(type), status,
                  std::move(field)};
    };
    json deviation = ok;
    deviation.erase("action");
    json neither = deviation;
    json no_id = ok;
    no_id.erase("pathway_id");
    json no_version = ok;
    no_version.erase("pathway_version");
    auto deviate = [&](const json& reason) {
      json b = deviation;
      b["deviation_reason"] = reason;
      return b.dump();
    };
    return {
        post("unknown pathway", with("pathway_id", "no-such-pathway"), 400, "pathway_id"),
        post("pathway id with SQL", with("pathway_id", kSqlInjection), 400, "pathway_id"),
        post("unknown version", with("pathway_version", 99), 400, "pathway_version"),
        post("action not of the pathway", with("action", "vvt-crisis-bed"), 400, "action"),
        post("action and deviation", with("deviation_reason", "no capacity"), 422, "deviation_reason"),
        post("neither action nor deviation", neither.dump(), 422, "action"),
        post("blank deviation reason", deviate(" \n "), 422, "deviation_reason"),
        post("deviation reason too long", deviate(kHuge), 422, "deviation_reason"),
        post("deviation reason a number", deviate(5), 422, "deviation_reason"),
        post("no pathway id", no_id.dump(), 422, "pathway_id"),
        post("no version", no_version.dump(), 422, "pathway_version"),
        post("version a string", with("pathway_version", "1"), 422, "pathway_version"),
        post("version 0", with("pathway_version", 0), 422, "pathway_version"),
        post("version a decimal", with("pathway_version", 1.5), 422, "pathway_version"),
        post("action is null", with("action", nullptr), 422, "action"),
        post("unknown field", with("note", "x"), 422, "note"),
        post("bad UTF-8", R"({"pathway_id":")" + kBadUtf8 + R"("})", 422, "body"),
        post("duplicate keys", R"({"pathway_id":"a","pathway_id":"b"})", 422, ""),
        post("not an object", "[1,2]", 422, "body"),
        post("empty body", "", 422, "body"),
        post("text/plain", ok.dump(), 415, "", "text/plain"),
        post("no content type", ok.dump(), 415, "", ""),
    };
  }

  // PUT /fhir/Task/{id}: the partner's answer, as the partner's user (who
  // may answer, so only the input is wrong). The version travels in
  // meta.versionId (the corpus sends no If-Match).
  std::vector<Case> TaskCases(const std::string& id) {
    const json ok = {{"resourceType", "Task"},
                     {"id", id},
                     {"meta", {{"versionId", "1"}}},
                     {"status", "rejected"},
                     {"statusReason", {{"text", "no bed tonight"}}}};
    auto with = [&](const std::string& pointer, const json& value) {
      json b = ok;
      b[json::json_pointer(pointer)] = value;
      return b.dump();
    };
    auto without = [&](const std::string& key) {
      json b = ok;
      b.erase(key);
      return b.dump();
    };
    auto put = [&](std::string name, std::string body, int status, std::string field, std::string type = kFhirJson) {
      Case c{std::move(name), "PUT", "/fhir/Task/" + id, std::move(body), std::move(type), status, std::move(field)};
      c.as = "orguser";
      return c;
    };
    return {
        put("resourceType Patient", with("/resourceType", "Patient"), 400, "resourceType"),
        put("no resourceType", without("resourceType"), 400, "resourceType"),
        put("another id", with("/id", "h-0000000000000000"), 400, "id"),
        put("id with SQL", with("/id", kSqlInjection), 400, "id"),
        put("id a number", with("/id", 7), 400, "id"),
        put("no id", without("id"), 400, "id"),
        put("status unknown", with("/status", "done"), 422, "status"),
        put("status completed", with("/status", "completed"), 422, "status"),
        put("status cancelled", with("/status", "cancelled"), 422, "status"),
        put("status a number", with("/status", 1), 422, "status"),
        put("no status", without("status"), 422, "status"),
        put("rejected without reason", without("statusReason"), 422, "statusReason.text"),
        put("blank reason", with("/statusReason/text", " \n "), 422, "statusReason.text"),
        put("reason too long", with("/statusReason/text", kHuge), 422, "statusReason.text"),
        put("reason a number", with("/statusReason/text", 5), 422, "statusReason.text"),
        put("script reason too long", with("/statusReason/text", kScript + kHuge), 422, "statusReason.text"),
        put("versionId 0", with("/meta/versionId", "0"), 400, "meta.versionId"),
        put("versionId a number", with("/meta/versionId", 1), 400, "meta.versionId"),
        put("versionId with SQL", with("/meta/versionId", kSqlInjection), 400, "meta.versionId"),
        put("stale versionId", with("/meta/versionId", "9"), 412, ""),
        put("no version", without("meta"), 428, ""),
        put("empty body", "", 422, ""),
        put("not JSON", "{\"resourceType\":", 422, ""),
        put("a JSON array", "[]", 422, ""),
        put("duplicate key", R"({"resourceType":"Task","resourceType":"Patient"})", 422, ""),
        put("invalid UTF-8", "{\"resourceType\":\"" + kBadUtf8 + "\"}", 422, ""),
        put("text/plain", ok.dump(), 415, "", "text/plain"),
        put("no content type", ok.dump(), 415, "", ""),
        put("oversize body", std::string(2 << 20, ' '), 413, ""),
    };
  }

  // GET /api/v1/kpis: the period and the grouping, as the admin (who may
  // read every region's KPIs).
  // POST /api/v1/simulations: the request's members and the scenario's,
  // each error named (the scenario's under "scenario."), the budget, the
  // region; nothing stored, no run started.
  std::vector<Case> SimulationCases() {
    const json scenario = json::parse(
        R"({"horizon_hours": 10, "arrivals": [{"name": "calls", "rate_per_hour": 2, "to": "desk"}],
            "stations": [{"name": "desk", "servers": 1, "service": {"dist": "exponential", "mean_minutes": 5}}]})");
    const json ok = {{"region_id", "ZWN"}, {"name", "desk"}, {"scenario", scenario}, {"replications", 2}, {"seed", 3}};
    auto with = [&](const std::string& key, const json& value) {
      json b = ok;
      b[key] = value;
      return b.dump();
    };
    auto without = [&](const std::string& key) {
      json b = ok;
      b.erase(key);
      return b.dump();
    };
    auto in_scenario = [&](const json::json_pointer& at, const json& value) {
      json b = ok;
      b["scenario"][at] = value;
      return b.dump();
    };
    auto post = [](std::string name, std::string body, int status, std::string field, std::string type = kJson,
                   std::string as = "zcc") {
      return Case{std::move(name),  "POST", "/api/v1/simulations", std::move(body), std::move(type), status,
                  std::move(field), "",     std::move(as)};
    };
    json too_long = ok;
    too_long["scenario"]["horizon_hours"] = 10000;
    too_long["replications"] = 100;
    return {
        // Types and members.
        post("replications is a string", with("replications", "10"), 400, "replications"),
        post("replications is a decimal", with("replications", 2.5), 400, "replications"),
        post("seed is a string", with("seed", "1"), 400, "seed"),
        post("name is a number", with("name", 5), 400, "name"),
        post("region_id is a number", with("region_id", 5), 400, "region_id"),
        post("scenario is a string", with("scenario", "M/M/1"), 400, "scenario"),
        post("unknown member", with("threads", 4), 400, "threads"),
        post("unknown scenario member", in_scenario(json::json_pointer("/colour"), "red"), 400, "scenario.colour"),
        post("missing region", without("region_id"), 400, "region_id"),
        post("missing scenario", without("scenario"), 400, "scenario"),
        // Ranges.
        post("replications 0", with("replications", 0), 400, "replications"),
        post("replications 101", with("replications", 101), 400, "replications"),
        post("replications beyond int64",
             R"({"region_id":"ZWN","scenario":)" + scenario.dump() + R"(,"replications":18446744073709551616})", 400,
             "replications"),
        post("negative seed", with("seed", -1), 400, "seed"),
        post("seed beyond 2^53", with("seed", 9007199254740992), 400, "seed"),
        post("name over 200", with("name", std::string(201, 'n')), 400, "name"),
        // The scenario's own errors, named under scenario.
        post("no servers", in_scenario(json::json_pointer("/stations/0/servers"), 0), 400,
             "scenario.stations[0].servers"),
        post("unknown station", in_scenario(json::json_pointer("/arrivals/0/to"), "nowhere"), 400,
             "scenario.arrivals[0].to"),
        post("start hour 168", in_scenario(json::json_pointer("/start_hour_of_week"), 168), 400,
             "scenario.start_hour_of_week"),
        post("more in service than servers", in_scenario(json::json_pointer("/stations/0/initial_in_service"), 2), 400,
             "scenario.stations[0].initial_in_service"),
        post("negative initial queue", in_scenario(json::json_pointer("/stations/0/initial_waiting"), -1), 400,
             "scenario.stations[0].initial_waiting"),
        // The budget of one run.
        post("too big a budget", too_long.dump(), 400, "scenario.horizon_hours"),
        // The region: unknown (for an admin, who may simulate any); another one's.
        post("unknown region", with("region_id", "NOPE"), 400, "region_id", kJson, "admin"),
        post("another region", with("region_id", "DEMO2"), 403, ""),
        post("not allowed to simulate", ok.dump(), 403, "", kJson, "orguser"),
        // Not JSON.
        post("text/plain", ok.dump(), 415, "", "text/plain"),
        post("no content type", ok.dump(), 415, "", ""),
        post("empty body", "", 400, "body"),
        post("an array", "[]", 400, "body"),
        post("duplicate keys", R"({"region_id":"ZWN","region_id":"DEMO2"})", 400, ""),
        post("bad UTF-8 in the name",
             R"({"region_id":"ZWN","name":")" + kBadUtf8 + R"(","scenario":)" + scenario.dump() + "}", 400, ""),
    };
  }

  // `path`: the worklist's KPIs or the placements'; `foreign_by` a grouping
  // the other one knows and this one does not.
  std::vector<Case> KpiCases(const std::string& path, const std::string& foreign_by) {
    auto get = [&](std::string name, std::string query, int status, std::string field) {
      return Case{std::move(name), "GET", path + "?region=ZWN&" + query, "", "", status, std::move(field)};
    };
    auto enc = [](const std::string& v) {
      std::string out;
      for (unsigned char c : v) {
        static const char* kHex = "0123456789ABCDEF";
        if (std::isalnum(c)) {
          out += static_cast<char>(c);
        } else {
          out += {'%', kHex[c >> 4], kHex[c & 15]};
        }
      }
      return out;
    };
    return {
        get("from not a time", "from=yesterday", 400, "from"),
        get("from a date only", "from=2026-03-01", 400, "from"),
        get("to not a time", "to=2026-13-01T00:00:00Z", 400, "to"),
        get("to empty", "to=", 400, "to"),
        get("from with SQL", "from=" + enc(kSqlInjection), 400, "from"),
        get("from after to", "from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", 400, "from"),
        get("from equals to", "from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z", 400, "from"),
        WithMessage(get("period over 366 days", "from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", 400, "from"),
                    "366"),
        get("default to, from a year back", "from=2020-01-01T00:00:00Z", 400, "from"),
        get("unknown by", "by=month", 400, "by"),
        get("by in capitals", "by=DAY", 400, "by"),
        get("by with a script", "by=" + enc(kScript), 400, "by"),
        get("the other report's grouping", "by=" + foreign_by, 400, "by"),
        Case{"unknown region", "GET", path + "?region=NOPE", "", "", 404, ""},
    };
  }

  // GET /api/v1/units/{id}/forecast and /api/v1/forecasts: the unit and the horizon.
  std::vector<Case> ForecastCases() {
    const std::string unit = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/forecast";
    auto get = [](std::string name, std::string target, int status, std::string field) {
      return Case{std::move(name), "GET", std::move(target), "", "", status, std::move(field)};
    };
    return {
        get("unknown unit", "/api/v1/units/no-such-unit/forecast", 404, ""),
        get("unit id with SQL", "/api/v1/units/x'%20OR%20'1'='1/forecast", 404, ""),
        get("unit without history", unit, 404, ""),
        get("days 0", unit + "?days=0", 400, "days"),
        get("days 22", unit + "?days=22", 400, "days"),
        get("days negative", unit + "?days=-3", 400, "days"),
        get("days not a number", unit + "?days=week", 400, "days"),
        get("days a fraction", unit + "?days=7.5", 400, "days"),
        get("days empty", unit + "?days=", 400, "days"),
        get("days huge", unit + "?days=99999999999999999999", 400, "days"),
        get("region days 0", "/api/v1/forecasts?region=ZWN&days=0", 400, "days"),
        get("unknown region", "/api/v1/forecasts?region=NOPE", 404, ""),
    };
  }

  static std::string Replace(std::string s, const std::string& what, const std::string& with) {
    auto pos = s.find(what);
    if (pos != std::string::npos) s.replace(pos, what.size(), with);
    return s;
  }

  // Sends every case as the admin (who may write every unit, so only the
  // input can be wrong) and checks the answer and the store.
  void Run(const std::vector<Case>& cases, bool fhir) {
    const std::string before = StoreFingerprint();
    for (const Case& c : cases) {
      SCOPED_TRACE(c.method + " " + c.target.substr(0, 80) + ": " + c.name);
      std::vector<std::pair<std::string, std::string>> headers;
      if (!c.content_type.empty()) headers.emplace_back("Content-Type", c.content_type);
      const bool login = c.target == "/api/v1/auth/login";
      if (!login) headers.emplace_back("Authorization", "Bearer " + TokenFor(c.as));
      if (!c.if_match.empty()) headers.emplace_back("If-Match", c.if_match);
      HttpResponse r = client_->Request(c.method, c.target, c.body, headers);
      EXPECT_GE(r.status, 400) << r.body.substr(0, 500);
      EXPECT_LT(r.status, 500) << r.body.substr(0, 500);
      EXPECT_EQ(r.status, c.status) << r.body.substr(0, 500);
      const std::string type = r.Header("content-type").value_or("");
      const json body = json::parse(r.body, nullptr, false);
      ASSERT_FALSE(body.is_discarded()) << "not JSON: " << r.body.substr(0, 500);
      // Under /fhir every answer is FHIR, the transport's own 413 too.
      if (fhir) {
        EXPECT_EQ(type.rfind(kFhirJson, 0), 0u) << type;
        EXPECT_EQ(body.value("resourceType", ""), "OperationOutcome") << r.body.substr(0, 500);
      } else {
        EXPECT_EQ(type, "application/problem+json");
        EXPECT_EQ(body.value("status", 0), r.status);
        EXPECT_FALSE(body.value("detail", "").empty());
      }
      if (!c.field.empty()) {
        EXPECT_TRUE(Names(body, c.field, c.message)) << r.body.substr(0, 500);
      }
      EXPECT_EQ(r.body.find("json.exception"), std::string::npos) << "library internals: " << r.body.substr(0, 500);
      EXPECT_EQ(StoreFingerprint(), before) << "the store changed";
    }
  }

  // The problem's errors[].field or the OperationOutcome's issue[].expression
  // names `field`, with a message (diagnostics) that contains `message`.
  static bool Names(const json& body, const std::string& field, const std::string& message = "") {
    auto says = [&](const std::string& text) { return text.find(message) != std::string::npos; };
    for (const auto& e : body.value("errors", json::array())) {
      if (e.value("field", "") == field && says(e.value("message", ""))) return true;
    }
    for (const auto& i : body.value("issue", json::array())) {
      for (const auto& x : i.value("expression", json::array())) {
        if (x == field && says(i.value("diagnostics", ""))) return true;
      }
    }
    return false;
  }
};

TEST_P(BadInputTest, PutCapacity) { Run(PutCases(), false); }
TEST_P(BadInputTest, Batch) { Run(BatchCases(), false); }
TEST_P(BadInputTest, CsvImport) { Run(CsvCases(), false); }
TEST_P(BadInputTest, FhirMeasureReport) { Run(FhirCases(), true); }
TEST_P(BadInputTest, Login) { Run(LoginCases(), false); }
TEST_P(BadInputTest, AuditPaging) { Run(AuditCases(), false); }
TEST_P(BadInputTest, NewCase) { Run(NewCaseCases(), false); }
TEST_P(BadInputTest, Contacts) { Run(ContactCases(), false); }
TEST_P(BadInputTest, PathwayPut) { Run(PathwayPutCases(), false); }
TEST_P(BadInputTest, Forecast) { Run(ForecastCases(), false); }
TEST_P(BadInputTest, PathwayDecision) {
  const json request = {{"region_id", "ZWN"},
                        {"channel", "hap"},
                        {"summary", "catheter blocked"},
                        {"urgency", "U3"},
                        {"complaint", "catheter-problem"}};
  auto created = client_->Request("POST", "/api/v1/cases", request.dump(),
                                  {{"Authorization", "Bearer " + TokenFor("admin")}, {"Content-Type", kJson}});
  ASSERT_EQ(created.status, 201) << created.body;
  Run(PathwayChoiceCases(json::parse(created.body)["id"].get<std::string>()), false);
}
TEST_P(BadInputTest, KpiQuery) { Run(KpiCases("/api/v1/kpis", "care-type"), false); }
TEST_P(BadInputTest, PlacementKpiQuery) { Run(KpiCases("/api/v1/placements/kpis", "channel"), false); }
TEST_P(BadInputTest, NewTransfer) { Run(NewTransferCases(), false); }
TEST_P(BadInputTest, TransferStep) {
  auto created = Call("admin", "POST", "/api/v1/transfers", TransferOk().dump(), {{"Content-Type", kJson}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json::parse(created.body)["id"];
  Run(TransferStepCases(id), false);
  // Nothing of it reached the transfer.
  auto t = Call("admin", "GET", "/api/v1/transfers/" + id);
  EXPECT_EQ(json::parse(t.body)["state"], "requested") << t.body;
  EXPECT_EQ(t.Header("etag").value_or(""), "\"1\"");
}
TEST_P(BadInputTest, Phase) {
  Run(PhaseCases(), false);
  // Nothing was declared: the region is still never declared.
  auto phase = Call("admin", "GET", "/api/v1/regions/ZWN/phase");
  EXPECT_EQ(json::parse(phase.body)["version"], 0) << phase.body;
}
TEST_P(BadInputTest, ApproveATransferThatNeedsNone) {
  auto created = Call("admin", "POST", "/api/v1/transfers", TransferOk().dump(), {{"Content-Type", kJson}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json::parse(created.body)["id"];
  const std::string target = "/api/v1/transfers/" + id + "/approve";
  Run({Case{"no If-Match", "POST", target, "", "", 428, ""},
       Case{"stale If-Match", "POST", target, "", "", 412, "", "", "admin", "\"9\""},
       Case{"needs no approval", "POST", target, "", "", 409, "", "", "admin", "\"1\""},
       Case{"unknown transfer", "POST", "/api/v1/transfers/t-0000000000000000/approve", "", "", 404, ""}},
      false);
  auto t = Call("admin", "GET", "/api/v1/transfers/" + id);
  EXPECT_EQ(json::parse(t.body)["approval"], "not-required") << t.body;
  EXPECT_EQ(t.Header("etag").value_or(""), "\"1\"");
}
TEST_P(BadInputTest, NewPlacement) { Run(NewPlacementCases(), false); }
TEST_P(BadInputTest, PlacementOffersAndAnswers) {
  auto created = Call("admin", "POST", "/api/v1/placements", PlacementOk().dump(), {{"Content-Type", kJson}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json::parse(created.body)["id"];
  Run(MatchesCases(id), false);
  Run(OfferCases(id), false);
  // Nothing of it reached the placement.
  auto p = Call("admin", "GET", "/api/v1/placements/" + id);
  EXPECT_EQ(json::parse(p.body)["offers"].size(), 0u) << p.body;
  EXPECT_EQ(p.Header("etag").value_or(""), "\"1\"");
  auto offered = Call("admin", "POST", "/api/v1/placements/" + id + "/offers",
                      R"({"offers":[{"organization_id":"aafje","unit_id":"aafje-elv-high"}]})",
                      {{"Content-Type", kJson}, {"If-Match", "\"1\""}});
  ASSERT_EQ(offered.status, 200) << offered.body;
  const std::string offer = json::parse(offered.body)["offers"][0]["id"];
  Run(AnswerCases(id, offer), false);
  p = Call("admin", "GET", "/api/v1/placements/" + id);
  EXPECT_EQ(json::parse(p.body)["offers"][0]["state"], "open") << p.body;
  EXPECT_EQ(p.Header("etag").value_or(""), "\"2\"");
  Run(CancelPlacementCases(id), false);
  p = Call("admin", "GET", "/api/v1/placements/" + id);
  EXPECT_EQ(json::parse(p.body)["state"], "offered") << p.body;
  EXPECT_EQ(p.Header("etag").value_or(""), "\"2\"");
}
TEST_P(BadInputTest, NewSpreadingPlan) { Run(NewSpreadingCases(), false); }
TEST_P(BadInputTest, SpreadingPlanChanges) {
  auto created = Call("zcc", "POST", "/api/v1/spreading/plans", SpreadingOk().dump(), {{"Content-Type", kJson}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json::parse(created.body)["id"];
  Run(SpreadingChangeCases(id), false);
  // Nothing of it reached the plan.
  auto p = Call("zcc", "GET", "/api/v1/spreading/plans/" + id);
  EXPECT_EQ(json::parse(p.body)["state"], "proposed") << p.body;
  EXPECT_EQ(p.Header("etag").value_or(""), "\"1\"");
}
TEST_P(BadInputTest, SimulationStart) { Run(SimulationCases(), false); }
TEST_P(BadInputTest, FhirTaskAnswer) {
  const json request = {{"region_id", "ZWN"},
                        {"channel", "hap"},
                        {"summary", "catheter blocked"},
                        {"urgency", "U3"},
                        {"complaint", "catheter-problem"}};
  auto created = Call("zcc", "POST", "/api/v1/cases", request.dump(), {{"Content-Type", kJson}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string case_id = json::parse(created.body)["id"];
  const json sbar = {{"to_organization_id", own_org_}, {"sbar", {{"situation", "s"}, {"recommendation", "r"}}}};
  auto handed = Call("zcc", "POST", "/api/v1/cases/" + case_id + "/handovers", sbar.dump(),
                     {{"Content-Type", kJson}, {"If-Match", "\"1\""}});
  ASSERT_EQ(handed.status, 201) << handed.body;
  const std::string id = json::parse(handed.body)["handovers"].back()["id"];
  Run(TaskCases(id), true);
  // Nothing of it reached the handover or its case.
  auto task = Call("orguser", "GET", "/fhir/Task/" + id);
  EXPECT_EQ(task.Header("etag").value_or(""), "W/\"1\"") << task.body;
  EXPECT_EQ(json::parse(Call("zcc", "GET", "/api/v1/cases/" + case_id).body)["state"], "handed-over");
}

// JSON has one number type: where the schema says integer, 20.0 is 20.
TEST_P(BadInputTest, IntegralDecimalsAreIntegers) {
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  auto put = Call("admin", "PUT", "/api/v1/units/" + unit + "/capacity", BedsJson("20.0", "18", "1.5e1", "3.0"));
  ASSERT_EQ(put.status, 200) << put.body;
  const json stored = json::parse(put.body);
  EXPECT_EQ(stored["beds"], json::parse(R"({"total":20,"staffed":18,"occupied":15,"available":3})")) << put.body;
  EXPECT_TRUE(stored["beds"]["total"].is_number_integer());
}

// The corpus is only worth something if the same requests, made valid, are
// stored: and the fingerprint it compares must see that.
TEST_P(BadInputTest, ValidRequestsToTheSameEndpointsAreStored) {
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  const std::string before = StoreFingerprint();
  auto put = Call("admin", "PUT", "/api/v1/units/" + unit + "/capacity", BedsJson("20", "18", "15", "3"));
  EXPECT_EQ(put.status, 200) << put.body;
  const std::string after_put = StoreFingerprint();
  EXPECT_NE(after_put, before);
  auto batch =
      Call("admin", "POST", "/api/v1/capacity:batch",
           json{{"items", {{{"unit_id", unit}, {"beds", json::parse(BedsJson("9", "9", "1", "8"))["beds"]}}}}}.dump());
  EXPECT_EQ(batch.status, 200) << batch.body;
  auto csv = Call("admin", "POST", "/api/v1/capacity:import-csv",
                  "unit_id,beds_total,beds_staffed,beds_occupied,beds_available\n" + unit + ",20,18,15,3\n",
                  {{"Content-Type", "text/csv"}});
  EXPECT_EQ(csv.status, 200) << csv.body;
  auto view = store_->GetUnit(unit);
  ASSERT_TRUE(view.ok());
  CapacityReport r;
  r.unit_id = unit;
  r.as_of = Now();
  r.beds = ozcc::Beds{20, 18, 15, 3};
  auto fhir = Call("admin", "POST", "/fhir/MeasureReport", api::fhir::CapacityToMeasureReport(*view, r).dump(),
                   {{"Content-Type", "application/fhir+json"}});
  EXPECT_EQ(fhir.status, 201) << fhir.body;
  EXPECT_EQ(Version(), 4);
  EXPECT_EQ(Call("", "POST", "/api/v1/auth/login", json{{"username", "viewer"}, {"password", kPassword}}.dump()).status,
            200);
}

INSTANTIATE_TEST_SUITE_P(, BadInputTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
