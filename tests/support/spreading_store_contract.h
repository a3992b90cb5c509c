// The SpreadingStore part of the Store contract (store/spreading_store.h),
// run on every backend with the rest of the contract (included by
// store_contract.h).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "store/store.h"
#include "support/transfer_store_contract.h"  // ATransfer, NewTransferWrite

namespace ozcc::store_test {

inline SpreadingPlanRecord APlan(const std::string& id, const std::string& region, Time at) {
  SpreadingPlanRecord p;
  p.id = id;
  p.owner_region = region;
  p.regions = {region, "OTH"};
  p.state = "proposed";
  p.created_by = "coord";
  p.created_at = at;
  p.updated_at = at;
  p.patients = 7;
  p.placed = 5;
  p.total_cost = 20123.25;
  p.document = R"({"request": {"patients": ["é", "ü"]}})";
  return p;
}

TEST_P(StoreContractTest, SpreadingPlansRoundTripListAndEvents) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("OTH", 4), Audit("region.import", "OTH")).ok());
  EXPECT_EQ(s.GetSpreadingPlan("sp-1").status().code(), Code::kNotFound);
  const std::int64_t v0 = *s.DataVersion("ZWN");

  SpreadingWrite w;
  w.plan = APlan("sp-1", "ZWN", kT0);
  w.audit.push_back(Audit("spreading.create", "sp-1"));
  auto a = s.WriteSpreadingPlan(w);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->plan.version, 1);
  EXPECT_EQ(a->change.version, v0 + 1) << "a plan write takes the owner region's next data version";
  EXPECT_EQ(a->change.plan_id, "sp-1");
  EXPECT_EQ(a->change.state, "proposed");
  EXPECT_EQ(*s.DataVersion("ZWN"), v0 + 1);
  auto got = s.GetSpreadingPlan("sp-1");
  ASSERT_TRUE(got.ok()) << got.status().message();
  SpreadingPlanRecord want = w.plan;
  want.version = 1;
  EXPECT_EQ(*got, want);
  EXPECT_EQ(s.WriteSpreadingPlan(w).status().code(), Code::kConflict) << "the id is taken";

  // A second plan, newer; one of another region.
  SpreadingWrite w2;
  w2.plan = APlan("sp-2", "ZWN", kT0 + std::chrono::minutes(5));
  ASSERT_TRUE(s.WriteSpreadingPlan(w2).ok());
  SpreadingWrite w3;
  w3.plan = APlan("sp-3", "OTH", kT0);
  ASSERT_TRUE(s.WriteSpreadingPlan(w3).ok());

  // A change names the version it changes.
  SpreadingWrite change;
  change.plan = *got;
  change.plan.state = "discarded";
  change.plan.document = "{}";
  change.expected_version = 2;
  EXPECT_EQ(s.WriteSpreadingPlan(change).status().code(), Code::kPreconditionFailed);
  change.expected_version = 1;
  auto changed = s.WriteSpreadingPlan(change);
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_EQ(changed->plan.version, 2);
  EXPECT_EQ(s.GetSpreadingPlan("sp-1")->document, "{}");
  EXPECT_EQ(s.GetSpreadingPlan("sp-1")->state, "discarded");
  SpreadingWrite ghost = change;
  ghost.plan.id = "sp-none";
  EXPECT_EQ(s.WriteSpreadingPlan(ghost).status().code(), Code::kNotFound);
  SpreadingWrite moved = change;
  moved.plan.owner_region = "OTH";
  moved.expected_version = 2;
  EXPECT_EQ(s.WriteSpreadingPlan(moved).status().code(), Code::kInvalid) << "a plan keeps its owner region";

  // Lists: the owner region's plans, newest first, by state, without documents.
  auto all = s.ListSpreadingPlans({"ZWN", {}, 200});
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "sp-2");
  EXPECT_EQ((*all)[1].id, "sp-1");
  EXPECT_TRUE((*all)[0].document.empty());
  EXPECT_EQ((*all)[0].regions, (std::vector<std::string>{"ZWN", "OTH"}));
  EXPECT_EQ((*all)[0].patients, 7);
  EXPECT_EQ((*all)[0].placed, 5);
  EXPECT_DOUBLE_EQ((*all)[0].total_cost, 20123.25);
  auto proposed = s.ListSpreadingPlans({"ZWN", {"proposed"}, 200});
  ASSERT_EQ(proposed->size(), 1u);
  EXPECT_EQ((*proposed)[0].id, "sp-2");
  EXPECT_EQ(s.ListSpreadingPlans({"ZWN", {}, 1})->size(), 1u);
  EXPECT_EQ(s.ListSpreadingPlans({"OTH", {}, 200})->size(), 1u);

  // The events: one per committed write, in the region's data versions.
  auto events = s.SpreadingEventsSince("ZWN", v0, 100);
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].plan_id, "sp-1");
  EXPECT_EQ((*events)[1].plan_id, "sp-2");
  EXPECT_EQ((*events)[2].plan_id, "sp-1");
  EXPECT_EQ((*events)[2].plan_version, 2);
  EXPECT_EQ((*events)[2].state, "discarded");
  EXPECT_EQ((*events)[2].version, v0 + 3);
  EXPECT_EQ(s.SpreadingEventsSince("ZWN", v0 + 2, 100)->size(), 1u);

  // Unknown region, bad input.
  SpreadingWrite nowhere;
  nowhere.plan = APlan("sp-9", "NOPE", kT0);
  EXPECT_EQ(s.WriteSpreadingPlan(nowhere).status().code(), Code::kNotFound);
  SpreadingWrite nul;
  nul.plan = APlan("sp-9", "ZWN", kT0);
  nul.plan.document = std::string("a\0b", 3);
  EXPECT_EQ(s.WriteSpreadingPlan(nul).status().code(), Code::kInvalid);
  EXPECT_EQ(s.GetSpreadingPlan("sp-9").status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, SpreadingApprovalWritesItsTransfersInOneTransaction) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("OTH", 4), Audit("region.import", "OTH")).ok());
  SpreadingWrite w;
  w.plan = APlan("sp-1", "ZWN", kT0);
  auto stored = s.WriteSpreadingPlan(w);
  ASSERT_TRUE(stored.ok());
  const std::int64_t v0 = *s.DataVersion("ZWN");

  SpreadingWrite approve;
  approve.plan = stored->plan;
  approve.plan.state = "approved";
  approve.expected_version = 1;
  approve.transfers.push_back(NewTransferWrite(ATransfer("tr-a", "ZWN", kT0)));
  approve.transfers.push_back(NewTransferWrite(ATransfer("tr-b", "ZWN", kT0)));
  // A failing transfer (of another region) stores nothing: neither the plan nor the other transfer.
  SpreadingWrite bad = approve;
  bad.transfers.push_back(NewTransferWrite(ATransfer("tr-c", "OTH", kT0)));
  EXPECT_EQ(s.WriteSpreadingPlan(bad).status().code(), Code::kInvalid);
  // A transfer id already taken fails the whole write inside the transaction.
  ASSERT_TRUE(s.WriteTransfer(NewTransferWrite(ATransfer("tr-x", "ZWN", kT0))).ok());
  SpreadingWrite taken = approve;
  taken.transfers.push_back(NewTransferWrite(ATransfer("tr-x", "ZWN", kT0)));
  EXPECT_EQ(s.WriteSpreadingPlan(taken).status().code(), Code::kConflict);
  EXPECT_EQ(s.GetTransfer("tr-a").status().code(), Code::kNotFound);
  EXPECT_EQ(s.GetSpreadingPlan("sp-1")->state, "proposed");

  auto done = s.WriteSpreadingPlan(approve);
  ASSERT_TRUE(done.ok()) << done.status().message();
  ASSERT_EQ(done->transfers.size(), 2u);
  EXPECT_EQ(done->transfers[0].transfer.id, "tr-a");
  EXPECT_EQ(done->transfers[0].transfer.version, 1);
  EXPECT_LT(done->transfers[1].region_version, done->change.version) << "the plan's event comes after its transfers";
  EXPECT_EQ(done->change.version, *s.DataVersion("ZWN"));
  EXPECT_GT(done->change.version, v0 + 2);
  EXPECT_TRUE(s.GetTransfer("tr-a").ok());
  EXPECT_TRUE(s.GetTransfer("tr-b").ok());
  EXPECT_EQ(s.GetSpreadingPlan("sp-1")->state, "approved");
  auto again = s.WriteSpreadingPlan(approve);
  EXPECT_EQ(again.status().code(), Code::kPreconditionFailed) << "approved once: " << again.status().message();
}

}  // namespace ozcc::store_test
