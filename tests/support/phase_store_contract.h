// The PhaseStore part of the Store contract (store/phase_store.h) and a
// transfer's approval columns, run on every backend with the rest of the
// contract (included by store_contract.h).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "store/store.h"
#include "support/transfer_store_contract.h"  // ATransfer, NewTransferWrite

namespace ozcc::store_test {

inline PhaseDeclaration ADeclaration(const std::string& region, RegionPhase phase, Time at) {
  PhaseDeclaration d;
  d.region_id = region;
  d.phase = phase;
  d.transfer_approval = phase == RegionPhase::kCrisis;
  d.rationale = "IC occupancy 95%\nLCPS asked";
  d.declared_by = "zcc";
  d.declared_at = at;
  return d;
}

TEST_P(StoreContractTest, PhaseDeclarationsAreNumberedLiveEventsWithTheirHistory) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("OTH", 4), Audit("region.import", "OTH")).ok());
  auto none = s.PhaseHistory("ZWN", 20);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE(none->empty()) << "never declared";
  EXPECT_EQ(s.PhaseHistory("NOPE", 20).status().code(), Code::kNotFound);
  const size_t audited = s.ListAudit(0, 1000)->size();
  const std::int64_t v0 = *s.DataVersion("ZWN");

  auto first = s.DeclarePhase(ADeclaration("ZWN", RegionPhase::kAdjusted, kT0), 0, {Audit("phase.declare", "ZWN")});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->declaration.version, 1);
  EXPECT_EQ(first->region_version, v0 + 1) << "takes the region's next data version";
  EXPECT_EQ(*s.DataVersion("ZWN"), v0 + 1);
  EXPECT_EQ(s.ListAudit(0, 1000)->size(), audited + 1) << "the audit line in the same transaction";

  // Stale, unknown region, NUL: refused, nothing stored, no version taken.
  EXPECT_EQ(s.DeclarePhase(ADeclaration("ZWN", RegionPhase::kCrisis, kT0), 0, {}).status().code(),
            Code::kPreconditionFailed);
  EXPECT_EQ(s.DeclarePhase(ADeclaration("NOPE", RegionPhase::kCrisis, kT0), 0, {}).status().code(), Code::kNotFound);
  PhaseDeclaration nul = ADeclaration("ZWN", RegionPhase::kCrisis, kT0);
  nul.rationale = std::string("a\0b", 3);
  EXPECT_EQ(s.DeclarePhase(nul, 1, {}).status().code(), Code::kInvalid);
  EXPECT_EQ(*s.DataVersion("ZWN"), v0 + 1) << "a failed declaration takes no version";

  // Another region's declaration, then the crisis: the history is the region's, newest first.
  ASSERT_TRUE(s.DeclarePhase(ADeclaration("OTH", RegionPhase::kCrisis, kT0), 0, {}).ok());
  const Time later = kT0 + std::chrono::hours(2);
  auto crisis = s.DeclarePhase(ADeclaration("ZWN", RegionPhase::kCrisis, later), 1, {});
  ASSERT_TRUE(crisis.ok()) << crisis.status().message();
  EXPECT_EQ(crisis->declaration.version, 2);
  auto history = s.PhaseHistory("ZWN", 20);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  PhaseDeclaration want = ADeclaration("ZWN", RegionPhase::kCrisis, later);
  want.version = 2;
  EXPECT_EQ((*history)[0], want) << "every field round-trips";
  EXPECT_EQ((*history)[1].phase, RegionPhase::kAdjusted);
  EXPECT_FALSE((*history)[1].transfer_approval);
  EXPECT_EQ(s.PhaseHistory("ZWN", 1)->size(), 1u);

  // The events: by region data version, after a version, at most a number.
  auto events = s.PhaseEventsSince("ZWN", 0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0], *first);
  EXPECT_EQ((*events)[1], *crisis);
  EXPECT_EQ(s.PhaseEventsSince("ZWN", first->region_version, 10)->size(), 1u);
  EXPECT_EQ(s.PhaseEventsSince("ZWN", 0, 1)->size(), 1u);
  EXPECT_EQ(s.PhaseEventsSince("OTH", 0, 10)->size(), 1u);
}

TEST_P(StoreContractTest, ATransfersApprovalRoundTrips) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  Transfer t = ATransfer("tr-ap", "ZWN", kT0);
  t.approval = TransferApproval::kPending;
  auto created = s.WriteTransfer(NewTransferWrite(t));
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(s.GetTransfer("tr-ap")->approval, TransferApproval::kPending);
  TransferWrite approve;
  approve.transfer = created->transfer;
  approve.transfer.approval = TransferApproval::kApproved;
  approve.transfer.approved_by = "zcc";
  approve.transfer.approved_at = kT0 + std::chrono::minutes(3);
  approve.expected_version = 1;
  ASSERT_TRUE(s.WriteTransfer(approve).ok());
  auto got = s.GetTransfer("tr-ap");
  ASSERT_TRUE(got.ok());
  Transfer want = approve.transfer;
  want.version = 2;
  EXPECT_EQ(*got, want);
  auto board = s.ListTransfers({.region_id = "ZWN"});
  ASSERT_TRUE(board.ok());
  ASSERT_EQ(board->size(), 1u);
  EXPECT_EQ((*board)[0], want) << "the board reads the same columns";
  auto events = s.TransferEventsSince("ZWN", 0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(events->back().transfer.approval, TransferApproval::kApproved);
}

}  // namespace ozcc::store_test
