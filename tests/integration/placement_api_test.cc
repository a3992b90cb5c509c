// Follow-up placement over HTTP on both stores: create (201, Location, ETag),
// the matches ranked with a reason per criterion and free beds from the live
// picture, offers to two providers, a decline with a reason, an acceptance
// that reserves the bed and makes a transfer, the arrival on the transfer
// board that places the patient, the waiting list with waiting time and
// wrong-bed days, who may (403 for the wrong side, viewers, other regions),
// and bad input named by field with nothing stored. Cancelling (open offers
// withdrawn, the held bed released with its transfer, 409 while the transfer is
// en route) and reservations that run out, recorded as expired on read and by
// the periodic sweep, on a clock the tests move. The KPIs of the period's
// placements, as JSON and CSV. Every change is a live event.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/auth.h"
#include "base/time.h"
#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

constexpr const char* kBsn = "111222333";

class PlacementApiTest : public ApiFixture {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  void SetUp() override {
    // The placements' clock, moved by the tests (reservations running out).
    api_options_.placement_clock = [this] { return Now() + std::chrono::hours(clock_hours_.load()); };
    api_options_.escalation_interval = std::chrono::milliseconds(100);  // the expiry sweep too
    api_options_.snapshot_max_age = std::chrono::milliseconds(0);       // reservations seen at once
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    for (const auto& [name, org] : {std::pair{"aafje-user", "aafje"}, std::pair{"laurens-user", "laurens"}}) {
      UserRecord u{name, api::HashPassword(kPassword), Role::kOrgUser, org, "ZWN", false};
      ASSERT_TRUE(store_->CreateUser(u, AuditRecord{}).ok());
    }
    from_unit_ = UnitOf(own_org_, UnitType::kIc);
    // Free beds now: aafje 2, laurens 1, careyn 3 (but up to 120 kg), svrz none.
    for (const auto& [unit, free] : {std::pair{"aafje-elv-high", 2}, std::pair{"laurens-elv-high", 1},
                                     std::pair{"careyn-elv-high", 3}, std::pair{"svrz-elv-high", 0}}) {
      const json beds = {{"beds", {{"total", 12}, {"staffed", 10}, {"occupied", 10 - free}, {"available", free}}}};
      auto r = Call("coordinator", "PUT", std::string("/api/v1/units/") + unit + "/capacity", beds.dump());
      ASSERT_EQ(r.status, 200) << unit << ": " << r.body;
    }
  }
  static Headers JsonMatching(std::int64_t version) {
    return {{"Content-Type", "application/json"}, {"If-Match", "\"" + std::to_string(version) + "\""}};
  }
  static const Headers& JsonOnly() {
    static const Headers h = {{"Content-Type", "application/json"}};
    return h;
  }
  json NewPlacement(bool with_patient = true) {
    json b = {
        {"region_id", "ZWN"},
        {"from_organization_id", own_org_},
        {"from_unit_id", from_unit_},
        {"care_type", "elv-high"},
        {"profile", {{"dementia", true}, {"oxygen", true}, {"weight_kg", 130}, {"mobility", "bedbound"}, {"age", 84}}},
        {"needs", "wound care twice a day"},
        {"preferred_place", "Rotterdam"},
        {"preferred_lat", 51.92},
        {"preferred_lon", 4.48},
        {"earliest_date", FormatIsoDate(std::chrono::year_month_day(
                              std::chrono::floor<std::chrono::days>(Now() - std::chrono::hours(72))))}};
    if (with_patient) b["patient"] = {{"bsn", kBsn}, {"name", "J. Jansen"}};
    return b;
  }
  json Post(const std::string& who, const std::string& target, const json& body, int status,
            const Headers& headers = JsonOnly()) {
    auto r = Call(who, "POST", target, body.dump(), headers);
    EXPECT_EQ(r.status, status) << who << " " << target << " " << body.dump() << ": " << r.body.substr(0, 400);
    json out = json::parse(r.body, nullptr, false);
    return out.is_discarded() ? json() : out;
  }
  json Get(const std::string& who, const std::string& target, int status = 200) {
    auto r = Call(who, "GET", target);
    EXPECT_EQ(r.status, status) << who << " " << target << ": " << r.body.substr(0, 400);
    json out = json::parse(r.body, nullptr, false);
    return out.is_discarded() ? json() : out;
  }
  static const json* MatchOf(const json& matches, const std::string& unit) {
    for (const auto& m : matches["matches"]) {
      if (m["unit_id"] == unit) return &m;
    }
    return nullptr;
  }
  static const json* CriterionOf(const json& match, const std::string& name) {
    for (const auto& c : match["criteria"]) {
      if (c["criterion"] == name) return &c;
    }
    return nullptr;
  }
  // Makes a placement, offers it to aafje and has aafje accept with a
  // reservation of `hours`; returns the placement as accepted.
  json Accepted(std::int64_t hours) {
    json p = Post("orguser", "/api/v1/placements", NewPlacement(false), 201);
    const std::string id = p["id"];
    json o = Post("orguser", "/api/v1/placements/" + id + "/offers",
                  {{"offers",
                    {{{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}},
                     {{"organization_id", "laurens"}, {"unit_id", "laurens-elv-high"}}}}},
                  200, JsonMatching(1));
    if (!o["offers"].is_array() || o["offers"].size() != 2) return json();
    return Post("aafje-user",
                "/api/v1/placements/" + id + "/offers/" + o["offers"][0]["id"].get<std::string>() + "/answer",
                {{"accept", true}, {"reservation_hours", hours}}, 200, JsonMatching(2));
  }
  // The row of `unit` in the region's capacity snapshot.
  json SnapshotRow(const std::string& unit) {
    json snap = Get("viewer", "/api/v1/capacity/snapshot?region=ZWN");
    for (const auto& row : snap["units"]) {
      if (row["unit_id"] == unit) return row;
    }
    return json();
  }
  std::string from_unit_;
  std::atomic<std::int64_t> clock_hours_{0};
};

TEST_P(PlacementApiTest, FromWaitingThroughOffersAndTransferToPlaced) {
  auto created = Call("orguser", "POST", "/api/v1/placements", NewPlacement().dump(), JsonOnly());
  ASSERT_EQ(created.status, 201) << created.body;
  const json p = json::parse(created.body);
  const std::string id = p["id"];
  EXPECT_EQ(id.rfind("p-", 0), 0u) << id;
  EXPECT_EQ(created.Header("etag").value_or(""), "\"1\"");
  EXPECT_NE(created.Header("location").value_or("").find("/api/v1/placements/" + id), std::string::npos);
  EXPECT_EQ(p["state"], "waiting");
  EXPECT_TRUE(p["has_patient"].get<bool>());
  EXPECT_EQ(created.body.find(kBsn), std::string::npos) << "a placement never carries patient data";
  EXPECT_EQ(created.body.find("Jansen"), std::string::npos);
  EXPECT_GE(p["wrong_bed_days"].get<double>(), 3.0);
  EXPECT_LT(p["wrong_bed_days"].get<double>(), 4.0);
  EXPECT_LT(p["waiting_hours"].get<double>(), 0.1);

  // Matches: those that fit first, then free beds, then distance; each says why.
  json m = Get("orguser", "/api/v1/placements/" + id + "/matches");
  ASSERT_TRUE(m["matches"].is_array());
  ASSERT_GE(m["matches"].size(), 20u) << "every follow-up unit of the region";
  bool seen_unfit = false, seen_full = false;
  double last_km = 0;
  for (const auto& x : m["matches"]) {
    const bool fits = x["fits"];
    const bool free = x["free_beds"].get<std::int64_t>() > 0;
    if (!fits) seen_unfit = true;
    EXPECT_FALSE(fits && seen_unfit) << "a fitting unit after one that does not: " << x["unit_id"];
    if (fits && !free) seen_full = true;
    EXPECT_FALSE(fits && free && seen_full) << "free beds after a full unit: " << x["unit_id"];
    if (fits && free) {
      EXPECT_GE(x["distance_km"].get<double>(), last_km) << x["unit_id"];
      last_km = x["distance_km"].get<double>();
    }
    EXPECT_EQ(x["criteria"].size(), 8u);
  }
  EXPECT_EQ(m["matches"][0]["unit_id"], "laurens-elv-high");
  EXPECT_EQ(m["matches"][1]["unit_id"], "aafje-elv-high");
  // All of them (fewer than the default 50), counted; `limit` keeps the best.
  EXPECT_EQ(m["total"], m["matches"].size());
  size_t fitting = 0;
  for (const auto& x : m["matches"]) fitting += x["fits"].get<bool>() ? 1 : 0;
  EXPECT_EQ(m["fitting"], fitting);
  json best = Get("orguser", "/api/v1/placements/" + id + "/matches?limit=3");
  ASSERT_EQ(best["matches"].size(), 3u);
  EXPECT_EQ(best["total"], m["total"]);
  EXPECT_EQ(best["fitting"], fitting);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(best["matches"][i]["unit_id"], m["matches"][i]["unit_id"]);
  for (const char* bad : {"0", "5001", "x"}) {
    json problem = Get("orguser", "/api/v1/placements/" + id + "/matches?limit=" + bad, 400);
    EXPECT_EQ(problem["errors"][0]["field"], "limit") << problem.dump();
  }
  const json* careyn = MatchOf(m, "careyn-elv-high");
  ASSERT_NE(careyn, nullptr);
  EXPECT_FALSE((*careyn)["fits"].get<bool>());
  EXPECT_EQ(*CriterionOf(*careyn, "max_weight_kg"),
            (json{{"criterion", "max_weight_kg"}, {"ok", false}, {"need", 130}, {"limit", 120}}));
  const json* zorgwaard = MatchOf(m, "zorgwaard-elv-high");
  ASSERT_NE(zorgwaard, nullptr);
  EXPECT_FALSE((*CriterionOf(*zorgwaard, "oxygen"))["ok"].get<bool>());
  EXPECT_EQ(*CriterionOf(*zorgwaard, "mobility"),
            (json{{"criterion", "mobility"}, {"ok", false}, {"need", "bedbound"}, {"limit", "aid"}}));
  const json* palliative = MatchOf(m, "laurens-elv-palliative");
  ASSERT_NE(palliative, nullptr);
  EXPECT_FALSE((*CriterionOf(*palliative, "care_type"))["ok"].get<bool>());
  const json* svrz = MatchOf(m, "svrz-elv-high");
  ASSERT_NE(svrz, nullptr);
  EXPECT_TRUE((*svrz)["fits"].get<bool>());
  EXPECT_EQ((*svrz)["free_beds"], 0);
  const json* unreported = MatchOf(m, "rivas-vvt-elv-high");
  ASSERT_NE(unreported, nullptr);
  EXPECT_TRUE((*unreported)["stale"].get<bool>()) << "never reported";
  EXPECT_EQ((*unreported)["free_beds"], 0);

  // Offers to two providers; the sending side makes them, naming the version.
  const json offers = {{"offers",
                        {{{"organization_id", "laurens"}, {"unit_id", "laurens-elv-high"}},
                         {{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}}}}};
  Post("aafje-user", "/api/v1/placements/" + id + "/offers", offers, 403, JsonMatching(1));
  Post("orguser", "/api/v1/placements/" + id + "/offers", offers, 428);
  Post("orguser", "/api/v1/placements/" + id + "/offers", offers, 412, JsonMatching(5));
  json offered = Post("orguser", "/api/v1/placements/" + id + "/offers", offers, 200, JsonMatching(1));
  EXPECT_EQ(offered["state"], "offered");
  ASSERT_EQ(offered["offers"].size(), 2u);
  const std::string laurens_offer = offered["offers"][0]["id"];
  const std::string aafje_offer = offered["offers"][1]["id"];
  EXPECT_EQ(offered["offers"][0]["state"], "open");
  // The providers see it now; a provider without an offer does not.
  Get("laurens-user", "/api/v1/placements/" + id);
  Get("aafje-user", "/api/v1/placements/" + id);

  // Laurens declines with a reason; only the provider (or the desk) answers.
  const std::string laurens_answer = "/api/v1/placements/" + id + "/offers/" + laurens_offer + "/answer";
  const json decline = {{"accept", false}, {"reason", "no-bed"}, {"text", "the bed went to an admission"}};
  Post("orguser", laurens_answer, decline, 403, JsonMatching(2));
  Post("aafje-user", laurens_answer, decline, 403, JsonMatching(2));
  json declined = Post("laurens-user", laurens_answer, decline, 200, JsonMatching(2));
  EXPECT_EQ(declined["state"], "offered") << "aafje's offer is still open";
  EXPECT_EQ(declined["offers"][0]["state"], "declined");
  EXPECT_EQ(declined["offers"][0]["decline_reason"], "no-bed");
  EXPECT_EQ(declined["offers"][0]["decline_text"], "the bed went to an admission");
  Post("laurens-user", laurens_answer, {{"accept", true}}, 409, JsonMatching(3));

  // Aafje accepts: the bed is reserved for 12 hours and a transfer made.
  const std::string aafje_answer = "/api/v1/placements/" + id + "/offers/" + aafje_offer + "/answer";
  json accepted = Post("aafje-user", aafje_answer, {{"accept", true}, {"reservation_hours", 12}}, 200, JsonMatching(3));
  EXPECT_EQ(accepted["offers"][1]["state"], "accepted");
  const auto until = ParseRfc3339(accepted["offers"][1]["reserved_until"].get<std::string>());
  ASSERT_TRUE(until.has_value());
  const double hours = std::chrono::duration<double, std::ratio<3600>>(*until - Now()).count();
  EXPECT_NEAR(hours, 12.0, 0.1);
  ASSERT_TRUE(accepted["transfer_id"].is_string());
  const std::string tid = accepted["transfer_id"];
  json t = Get("aafje-user", "/api/v1/transfers/" + tid);
  EXPECT_EQ(t["state"], "accepted");
  EXPECT_EQ(t["from_organization_id"], own_org_);
  EXPECT_EQ(t["from_unit_id"], from_unit_);
  EXPECT_EQ(t["to_organization_id"], "aafje");
  EXPECT_EQ(t["to_unit_id"], "aafje-elv-high");
  EXPECT_EQ(t["care_type"], "elv-high");
  EXPECT_TRUE(t["has_patient"].get<bool>());
  EXPECT_NE(t["reason"].get<std::string>().find(id), std::string::npos);
  // The transfer carries the patient, readable by the receiving side and logged.
  auto patient = Call("aafje-user", "GET", "/api/v1/transfers/" + tid + "/patient?purpose=admission");
  EXPECT_EQ(patient.status, 200) << patient.body;
  EXPECT_NE(patient.body.find(kBsn), std::string::npos);
  // The reserved bed is no longer free in the matches.
  m = Get("coordinator", "/api/v1/placements/" + id + "/matches");
  const json* aafje = MatchOf(m, "aafje-elv-high");
  ASSERT_NE(aafje, nullptr);
  EXPECT_EQ((*aafje)["reserved"], 1);
  EXPECT_EQ((*aafje)["free_beds"], 1);
  EXPECT_EQ((*aafje)["reported_available"], 2);
  // No more offers once one is accepted.
  Post("orguser", "/api/v1/placements/" + id + "/offers",
       {{"offers", {{{"organization_id", "laurens"}, {"unit_id", "laurens-elv-high"}}}}}, 409, JsonMatching(4));

  // The transfer board: planned, en route, arrived; the arrival places the patient.
  const std::string step = "/api/v1/transfers/" + tid + "/transition";
  Post("orguser", step, {{"to", "planned"}}, 200, JsonMatching(1));
  Post("orguser", step, {{"to", "en-route"}}, 200, JsonMatching(2));
  Post("aafje-user", step, {{"to", "arrived"}}, 200, JsonMatching(3));
  json placed = Get("orguser", "/api/v1/placements/" + id);
  EXPECT_EQ(placed["state"], "placed");
  EXPECT_FALSE(placed["ended_at"].is_null());
  EXPECT_FALSE(placed["offers"][1]["reservation_ended_at"].is_null());
  m = Get("coordinator", "/api/v1/placements/" + id + "/matches");
  EXPECT_EQ((*MatchOf(m, "aafje-elv-high"))["reserved"], 0) << "the reservation was delivered";
  EXPECT_EQ((*MatchOf(m, "aafje-elv-high"))["reported_available"], 1) << "the arrival took the bed";

  // The waiting list: a second placement waits; the placed one is listed as placed.
  json second = Post("orguser", "/api/v1/placements", NewPlacement(false), 201);
  json waiting = Get("coordinator", "/api/v1/placements?region=ZWN&state=waiting");
  ASSERT_EQ(waiting["items"].size(), 1u);
  EXPECT_EQ(waiting["items"][0]["id"], second["id"]);
  EXPECT_GE(waiting["items"][0]["wrong_bed_days"].get<double>(), 3.0);
  EXPECT_TRUE(waiting["items"][0].contains("waiting_hours"));
  json done = Get("viewer", "/api/v1/placements?region=ZWN&state=placed");
  ASSERT_EQ(done["items"].size(), 1u);
  EXPECT_EQ(done["items"][0]["id"], id);
  EXPECT_EQ(Get("orguser", "/api/v1/placements?state=all")["items"].size(), 2u) << "its own, in its region";
  EXPECT_EQ(Get("laurens-user", "/api/v1/placements?state=all")["items"].size(), 1u) << "the one offered to it";
  Get("aafje-user", "/api/v1/placements/" + second["id"].get<std::string>(), 403);
  Get("coordinator", "/api/v1/placements?region=ZWN&state=sleeping", 400);
}

TEST_P(PlacementApiTest, WhoMayAndBadInputStoreNothing) {
  Post("viewer", "/api/v1/placements", NewPlacement(false), 403);
  Post("privacy", "/api/v1/placements", NewPlacement(false), 403);
  Post("feed", "/api/v1/placements", NewPlacement(false), 403);
  Post("demo2-coordinator", "/api/v1/placements", NewPlacement(false), 403);
  json other = NewPlacement(false);
  other["from_organization_id"] = other_org_;
  other["from_unit_id"] = UnitOf(other_org_, UnitType::kIc);
  Post("orguser", "/api/v1/placements", other, 403);

  const std::string before = StoreFingerprint();
  json bad = NewPlacement(false);
  bad["profile"]["weight_kg"] = "heavy";
  json e = Post("orguser", "/api/v1/placements", bad, 422);
  ASSERT_TRUE(e["errors"].is_array());
  EXPECT_EQ(e["errors"][0]["field"], "profile.weight_kg");
  bad = NewPlacement(false);
  bad["care_type"] = "ward";
  e = Post("orguser", "/api/v1/placements", bad, 422);
  EXPECT_EQ(e["errors"][0]["field"], "care_type");
  EXPECT_EQ(StoreFingerprint(), before);
  EXPECT_TRUE(Get("coordinator", "/api/v1/placements?region=ZWN&state=all")["items"].empty());

  json p = Post("zcc", "/api/v1/placements", NewPlacement(false), 201);
  const std::string id = p["id"];
  Get("viewer", "/api/v1/placements/" + id);
  Get("viewer", "/api/v1/placements/" + id + "/matches");
  Get("privacy", "/api/v1/placements/" + id, 403);
  Get("demo2-coordinator", "/api/v1/placements/" + id, 403);
  Post("viewer", "/api/v1/placements/" + id + "/offers",
       {{"offers", {{{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}}}}}, 403, JsonMatching(1));
  e = Post("orguser", "/api/v1/placements/" + id + "/offers",
           {{"offers", {{{"organization_id", own_org_}, {"unit_id", from_unit_}}}}}, 422, JsonMatching(1));
  EXPECT_EQ(e["errors"][0]["field"], "offers[0].unit_id");
  json o = Post("orguser", "/api/v1/placements/" + id + "/offers",
                {{"offers", {{{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}}}}}, 200, JsonMatching(1));
  const std::string answer =
      "/api/v1/placements/" + id + "/offers/" + o["offers"][0]["id"].get<std::string>() + "/answer";
  e = Post("aafje-user", answer, {{"accept", false}}, 422, JsonMatching(2));
  EXPECT_EQ(e["errors"][0]["field"], "reason");
  Post("aafje-user", "/api/v1/placements/" + id + "/offers/o-0000000000000000/answer", {{"accept", true}}, 404,
       JsonMatching(2));
  // Declined for a reason the KPIs count; the placement waits again.
  json d = Post("aafje-user", answer, {{"accept", false}, {"reason", "care-too-complex"}}, 200, JsonMatching(2));
  EXPECT_EQ(d["state"], "waiting");
  EXPECT_EQ(d["version"], 3);
}

TEST_P(PlacementApiTest, CancelWithdrawsOffersReleasesTheBedAndStopsAtATransferEnRoute) {
  // Waiting with two open offers: both withdrawn.
  json p = Post("orguser", "/api/v1/placements", NewPlacement(false), 201);
  const std::string id = p["id"];
  Post("orguser", "/api/v1/placements/" + id + "/offers",
       {{"offers",
         {{{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}},
          {{"organization_id", "laurens"}, {"unit_id", "laurens-elv-high"}}}}},
       200, JsonMatching(1));
  const std::string cancel = "/api/v1/placements/" + id + "/cancel";
  const json why = {{"reason", "the patient went home with home care"}};
  const std::string before = StoreFingerprint();
  Post("orguser", cancel, why, 428);
  Post("orguser", cancel, why, 412, JsonMatching(1));
  json e = Post("orguser", cancel, json::object(), 422, JsonMatching(2));
  EXPECT_EQ(e["errors"][0]["field"], "reason");
  e = Post("orguser", cancel, {{"reason", " "}}, 422, JsonMatching(2));
  EXPECT_EQ(e["errors"][0]["field"], "reason");
  e = Post("orguser", cancel, {{"reason", "x"}, {"why", "y"}}, 422, JsonMatching(2));
  EXPECT_EQ(e["errors"][0]["field"], "why");
  Post("aafje-user", cancel, why, 403, JsonMatching(2));  // a provider does not cancel
  Post("viewer", cancel, why, 403, JsonMatching(2));
  Post("demo2-coordinator", cancel, why, 403, JsonMatching(2));
  EXPECT_EQ(StoreFingerprint(), before);
  json c = Post("orguser", cancel, why, 200, JsonMatching(2));
  EXPECT_EQ(c["state"], "cancelled");
  EXPECT_EQ(c["cancel_reason"], why["reason"]);
  EXPECT_FALSE(c["ended_at"].is_null());
  ASSERT_EQ(c["offers"].size(), 2u);
  EXPECT_EQ(c["offers"][0]["state"], "withdrawn");
  EXPECT_EQ(c["offers"][1]["state"], "withdrawn");
  Post("orguser", cancel, why, 409, JsonMatching(3));
  EXPECT_TRUE(Get("coordinator", "/api/v1/placements?region=ZWN")["items"].empty()) << "off the waiting list";

  // Accepted: the held bed is released and the transfer, not yet left, cancelled with it.
  json a = Accepted(24);
  const std::string aid = a["id"];
  const std::string tid = a["transfer_id"];
  json m = Get("coordinator", "/api/v1/placements/" + aid + "/matches");
  EXPECT_EQ((*MatchOf(m, "aafje-elv-high"))["reserved"], 1);
  c = Post("zcc", "/api/v1/placements/" + aid + "/cancel", why, 200, JsonMatching(3));
  EXPECT_EQ(c["state"], "cancelled");
  EXPECT_EQ(c["offers"][0]["state"], "withdrawn");
  EXPECT_FALSE(c["offers"][0]["reservation_ended_at"].is_null());
  EXPECT_TRUE(c["transfer_id"].is_null());
  EXPECT_EQ(Get("coordinator", "/api/v1/transfers/" + tid)["state"], "cancelled");
  m = Get("coordinator", "/api/v1/placements/" + aid + "/matches");
  EXPECT_EQ((*MatchOf(m, "aafje-elv-high"))["reserved"], 0) << "the bed is free again";

  // En route: 409 naming the transfer; nothing changes.
  json r = Accepted(24);
  const std::string rid = r["id"];
  const std::string rtid = r["transfer_id"];
  Post("orguser", "/api/v1/transfers/" + rtid + "/transition", {{"to", "planned"}}, 200, JsonMatching(1));
  Post("orguser", "/api/v1/transfers/" + rtid + "/transition", {{"to", "en-route"}}, 200, JsonMatching(2));
  auto refused = Call("orguser", "POST", "/api/v1/placements/" + rid + "/cancel", why.dump(), JsonMatching(3));
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find(rtid), std::string::npos) << refused.body;
  EXPECT_EQ(Get("orguser", "/api/v1/placements/" + rid)["state"], "offered");
  EXPECT_EQ(Get("orguser", "/api/v1/transfers/" + rtid)["state"], "en-route");
}

TEST_P(PlacementApiTest, AReservationThatRunsOutIsRecordedExpired) {
  json a = Accepted(2);
  const std::string id = a["id"];
  const std::string tid = a["transfer_id"];
  clock_hours_ = 1;
  json p = Get("orguser", "/api/v1/placements/" + id);
  EXPECT_EQ(p["state"], "offered") << "held for another hour";
  EXPECT_EQ(p["offers"][0]["state"], "accepted");
  clock_hours_ = 3;
  // On read: the offer not delivered is recorded, the placement waits again.
  p = Get("orguser", "/api/v1/placements/" + id);
  EXPECT_EQ(p["state"], "waiting");
  EXPECT_EQ(p["offers"][0]["state"], "expired");
  EXPECT_EQ(p["offers"][0]["reservation_ended_at"], p["offers"][0]["reserved_until"]);
  EXPECT_TRUE(p["transfer_id"].is_null());
  EXPECT_EQ(p["version"], 4);
  EXPECT_EQ(Get("coordinator", "/api/v1/transfers/" + tid)["state"], "cancelled");
  json m = Get("coordinator", "/api/v1/placements/" + id + "/matches");
  EXPECT_EQ((*MatchOf(m, "aafje-elv-high"))["reserved"], 0);
  EXPECT_EQ(Get("orguser", "/api/v1/placements/" + id)["version"], 4) << "recorded once";
  // It can be offered again.
  Post("orguser", "/api/v1/placements/" + id + "/offers",
       {{"offers", {{{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}}}}}, 200, JsonMatching(4));

  // By the periodic sweep, without anyone reading; a transfer en route keeps its bed.
  clock_hours_ = 0;
  json b = Accepted(2);
  const std::string bid = b["id"];
  json en = Accepted(2);
  const std::string en_step = "/api/v1/transfers/" + en["transfer_id"].get<std::string>() + "/transition";
  Post("orguser", en_step, {{"to", "planned"}}, 200, JsonMatching(1));
  Post("orguser", en_step, {{"to", "en-route"}}, 200, JsonMatching(2));
  clock_hours_ = 5;
  bool recorded = false;
  for (int i = 0; i < 100 && !recorded; ++i) {
    auto stored = store_->GetPlacement(bid);
    ASSERT_TRUE(stored.ok());
    recorded = stored->state == PlacementState::kWaiting;
    if (!recorded) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(recorded) << "the sweep records the expiry";
  auto offers = store_->PlacementOffers(bid);
  ASSERT_TRUE(offers.ok());
  EXPECT_EQ((*offers)[0].state, OfferState::kExpired);
  EXPECT_EQ((*offers)[1].state, OfferState::kWithdrawn);
  json kept = Get("orguser", "/api/v1/placements/" + en["id"].get<std::string>());
  EXPECT_EQ(kept["state"], "offered");
  EXPECT_EQ(kept["offers"][0]["state"], "accepted");
  clock_hours_ = 0;
}

TEST_P(PlacementApiTest, EveryChangeIsALiveEventWithoutPatientData) {
  SseClient sse(server_->port(), "/api/v1/events?region=ZWN", {{"Authorization", "Bearer " + TokenFor("viewer")}});
  ASSERT_EQ(sse.status(), 200);
  json a = Accepted(24);
  // Created, offered, then the acceptance: its transfer first, then the placement (still offered, reserved).
  std::vector<std::string> seen;
  std::int64_t last = 0;
  for (int i = 0; i < 4; ++i) {
    auto e = sse.Next(std::chrono::seconds(10));
    ASSERT_TRUE(e.has_value()) << "event " << i;
    EXPECT_EQ(e->data.find(kBsn), std::string::npos) << e->data;
    const std::int64_t v = std::stoll(e->id);
    if (last != 0) {
      EXPECT_EQ(v, last + 1) << "gap-free order";
    }
    last = v;
    const json data = json::parse(e->data);
    seen.push_back(e->event + ":" + data["state"].get<std::string>());
    if (e->event == "placement") {
      EXPECT_EQ(data["id"], a["id"]);
      EXPECT_EQ(data["region_id"], "ZWN");
      EXPECT_TRUE(data["version"].is_number_integer());
      EXPECT_TRUE(ParseRfc3339(data["at"].get<std::string>()).has_value());
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"placement:waiting", "placement:offered", "transfer:accepted",
                                            "placement:offered"}));
}

TEST_P(PlacementApiTest, KpisCountThePeriodsPlacementsTheirOffersAndProviders) {
  const std::string from = FormatRfc3339(Now() - std::chrono::minutes(5));
  // Placed by aafje (laurens' offer withdrawn on acceptance).
  json a = Accepted(24);
  const std::string step = "/api/v1/transfers/" + a["transfer_id"].get<std::string>() + "/transition";
  Post("orguser", step, {{"to", "planned"}}, 200, JsonMatching(1));
  Post("orguser", step, {{"to", "en-route"}}, 200, JsonMatching(2));
  Post("aafje-user", step, {{"to", "arrived"}}, 200, JsonMatching(3));
  // Declined by laurens for want of a bed: waiting again.
  json b = Post("orguser", "/api/v1/placements", NewPlacement(false), 201);
  const std::string bid = b["id"];
  json bo =
      Post("orguser", "/api/v1/placements/" + bid + "/offers",
           {{"offers", {{{"organization_id", "laurens"}, {"unit_id", "laurens-elv-high"}}}}}, 200, JsonMatching(1));
  Post("laurens-user", "/api/v1/placements/" + bid + "/offers/" + bo["offers"][0]["id"].get<std::string>() + "/answer",
       {{"accept", false}, {"reason", "no-bed"}}, 200, JsonMatching(2));
  // Cancelled without an offer.
  json c = Post("orguser", "/api/v1/placements", NewPlacement(false), 201);
  Post("orguser", "/api/v1/placements/" + c["id"].get<std::string>() + "/cancel", {{"reason", "went home"}}, 200,
       JsonMatching(1));

  const std::string query = "/api/v1/placements/kpis?region=ZWN&from=" + from;
  json k = Get("zcc", query);
  EXPECT_EQ(k["region"], "ZWN");
  EXPECT_EQ(k["from"], from);
  EXPECT_TRUE(k["by"].is_null());
  EXPECT_TRUE(k["groups"].empty());
  const json& t = k["total"];
  EXPECT_EQ(t["placements"], 3);
  EXPECT_EQ(t["placed"], 1);
  EXPECT_EQ(t["waiting"], 1);
  EXPECT_EQ(t["offered"], 0);
  EXPECT_EQ(t["cancelled"], 1);
  EXPECT_EQ(t["time_to_placement"]["count"], 1);
  EXPECT_GE(t["time_to_placement"]["median_seconds"].get<double>(), 0.0);
  EXPECT_LT(t["time_to_placement"]["median_seconds"].get<double>(), 600.0);
  // Each was ready three days ago (NewPlacement's earliest date).
  EXPECT_EQ(t["wrong_bed_days"]["count"], 3);
  EXPECT_GE(t["wrong_bed_days"]["median"].get<double>(), 3.0);
  EXPECT_LT(t["wrong_bed_days"]["median"].get<double>(), 4.0);
  EXPECT_EQ(t["offers"],
            json({{"made", 3}, {"open", 0}, {"accepted", 1}, {"declined", 1}, {"withdrawn", 1}, {"expired", 0}}));
  EXPECT_EQ(t["declines_by_reason"]["no-bed"], 1);
  EXPECT_EQ(t["declines_by_reason"]["other"], 0);
  EXPECT_EQ(t["time_to_answer"]["count"], 2);
  ASSERT_EQ(t["providers"].size(), 2u);
  EXPECT_EQ(t["providers"][0], json({{"organization_id", "aafje"},
                                     {"offers", 1},
                                     {"accepted", 1},
                                     {"declined", 0},
                                     {"expired", 0},
                                     {"placed", 1},
                                     {"acceptance_rate", 1.0}}));
  EXPECT_EQ(t["providers"][1]["organization_id"], "laurens");
  EXPECT_EQ(t["providers"][1]["offers"], 2);
  EXPECT_EQ(t["providers"][1]["declined"], 1);
  EXPECT_EQ(t["providers"][1]["acceptance_rate"], 0.0);

  // Grouped by care type: all six listed, the three under elv-high.
  json by = Get("coordinator", query + "&by=care-type");
  ASSERT_EQ(by["groups"].size(), 6u);
  EXPECT_EQ(by["groups"][1]["key"], "elv-high");
  EXPECT_EQ(by["groups"][1]["figures"]["placements"], 3);
  EXPECT_EQ(by["groups"][0]["figures"]["placements"], 0);
  // A period before them: none.
  json before = Get("zcc", "/api/v1/placements/kpis?region=ZWN&to=" + from);
  EXPECT_EQ(before["total"]["placements"], 0);

  // CSV: the header, the total, a row per provider.
  auto csv = Call("zcc", "GET", query, "", {{"Accept", "text/csv"}});
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.Header("content-type").value_or("").rfind("text/csv", 0), 0u);
  EXPECT_NE(csv.Header("content-disposition").value_or("").find("placement-kpis-ZWN-"), std::string::npos);
  EXPECT_EQ(csv.body.rfind("row,key,region,placements,waiting,offered,placed,cancelled,", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find("\r\ntotal,,ZWN,3,1,0,1,1,1,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("\r\nprovider,laurens,ZWN,"), std::string::npos) << csv.body;
  EXPECT_EQ(csv.body.find(kBsn), std::string::npos);

  // Who may: the region's coordinators and admins; not a hospital, a viewer or another region's.
  Get("admin", query, 200);
  Get("orguser", query, 403);
  Get("viewer", query, 403);
  Get("zcc", "/api/v1/placements/kpis?region=DEMO2", 403);
  json bad = Get("zcc", "/api/v1/placements/kpis?by=channel", 400);
  EXPECT_EQ(bad["errors"][0]["field"], "by");
}

TEST_P(PlacementApiTest, TheCapacityPictureCountsReservedBeds) {
  json before = SnapshotRow("aafje-elv-high");
  ASSERT_TRUE(before.is_object());
  EXPECT_EQ(before["reserved"], 0);
  EXPECT_EQ(before["available_net"], 2);
  EXPECT_FALSE(SnapshotRow(from_unit_).contains("reserved")) << "only follow-up units carry it";
  EXPECT_EQ(SnapshotRow("rivas-vvt-elv-high")["available_net"], nullptr) << "never reported: no beds";

  json a = Accepted(24);
  json held = SnapshotRow("aafje-elv-high");
  EXPECT_EQ(held["reserved"], 1);
  EXPECT_EQ(held["available_net"], 1);
  EXPECT_EQ(held["beds"]["available"], 2) << "the reported figure is left as it is";
  Accepted(24);
  json o = Post("orguser", "/api/v1/placements", NewPlacement(false), 201);
  held = SnapshotRow("aafje-elv-high");
  EXPECT_EQ(held["reserved"], 2);
  EXPECT_EQ(held["available_net"], 0);

  // A third reservation: more held than reported free; the net figure stays at 0.
  const std::string id = o["id"];
  json offered =
      Post("orguser", "/api/v1/placements/" + id + "/offers",
           {{"offers", {{{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}}}}}, 200, JsonMatching(1));
  Post("aafje-user",
       "/api/v1/placements/" + id + "/offers/" + offered["offers"][0]["id"].get<std::string>() + "/answer",
       {{"accept", true}}, 200, JsonMatching(2));
  held = SnapshotRow("aafje-elv-high");
  EXPECT_EQ(held["reserved"], 3);
  EXPECT_EQ(held["available_net"], 0);

  // Cancelled or expired, the bed counts as free again; the stored report never changed.
  Post("orguser", "/api/v1/placements/" + a["id"].get<std::string>() + "/cancel", {{"reason", "went home"}}, 200,
       JsonMatching(3));
  EXPECT_EQ(SnapshotRow("aafje-elv-high")["reserved"], 2);
  clock_hours_ = 25;
  held = SnapshotRow("aafje-elv-high");
  EXPECT_EQ(held["reserved"], 0);
  EXPECT_EQ(held["available_net"], 2);
  EXPECT_EQ(held["version"], before["version"]);
  clock_hours_ = 0;
}

TEST_P(PlacementApiTest, MatchesFollowEveryNewReportAndAReimportedRegion) {
  // The matching keeps the region's follow-up units between requests
  // (service/follow_up_units.h): what it answers must still be what the
  // store holds after each kind of change.
  json p = Post("orguser", "/api/v1/placements", NewPlacement(false), 201);
  const std::string matches = "/api/v1/placements/" + p["id"].get<std::string>() + "/matches?limit=500";
  auto aafje = [&] {
    json m = Get("orguser", matches);
    const json* row = MatchOf(m, "aafje-elv-high");
    return row ? *row : json();
  };
  EXPECT_EQ(aafje()["free_beds"], 2);

  auto report = [&](int free, std::optional<Time> as_of) {
    json beds = {{"beds", {{"total", 12}, {"staffed", 10}, {"occupied", 10 - free}, {"available", free}}}};
    if (as_of) beds["as_of"] = FormatRfc3339(*as_of);
    auto r = Call("coordinator", "PUT", "/api/v1/units/aafje-elv-high/capacity", beds.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  };
  report(0, std::nullopt);
  EXPECT_EQ(aafje()["free_beds"], 0) << "a new report is seen by the next request";
  report(4, Now() - std::chrono::hours(1));
  EXPECT_EQ(aafje()["free_beds"], 0) << "a report of an earlier time is not the latest";
  EXPECT_EQ(aafje()["reported_available"], 0);
  report(3, std::nullopt);
  EXPECT_EQ(aafje()["free_beds"], 3);

  // Re-imported (as `openzcc region import` does, behind the server's back):
  // the renamed unit and its new criteria are matched at once.
  auto tree = store_->GetRegion("ZWN");
  ASSERT_TRUE(tree.ok()) << tree.status().message();
  for (Unit& u : tree->units) {
    if (u.id == "aafje-elv-high") {
      u.name = "ELV hoog (verbouwd)";
      if (!u.criteria) u.criteria = AdmissionCriteria{};
      u.criteria->max_weight_kg = 100;  // the patient weighs 130
    }
  }
  ASSERT_TRUE(store_->ImportRegion(*tree, AuditRecord{}).ok());
  json after = aafje();
  EXPECT_EQ(after["unit_name"], "ELV hoog (verbouwd)");
  EXPECT_EQ(after["fits"], false);
  EXPECT_EQ(after["free_beds"], 3) << "the reports are kept across the import";
}

INSTANTIATE_TEST_SUITE_P(, PlacementApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
