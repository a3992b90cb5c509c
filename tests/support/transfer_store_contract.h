// The TransferStore part of the Store contract (store/transfer_store.h), run
// on every backend with the rest of the contract (included by
// store_contract.h).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "store/store.h"

namespace ozcc::store_test {

// A transfer in MakeRegion(region, ≥ 4): from the hospital's unit U2 (ward)
// to the care home's unit U3.
inline Transfer ATransfer(const std::string& id, const std::string& region, Time at) {
  Transfer t;
  t.id = id;
  t.region_id = region;
  t.from_organization_id = region + "-H1";
  t.from_unit_id = region + "-U2";
  t.to_organization_id = region + "-V1";
  t.to_unit_id = region + "-U3";
  t.care_type = UnitType::kVvtCrisis;
  t.reason = "no longer needs a hospital bed";
  t.created_by = "sender";
  t.requested_at = at;
  t.updated_at = at;
  return t;
}

inline TransferWrite NewTransferWrite(const Transfer& t) {
  TransferWrite w;
  w.transfer = t;
  w.timeline.push_back({TransferState::kRequested, t.requested_at, "sender", t.from_organization_id, ""});
  w.audit.push_back(Audit("transfer.create", t.id));
  return w;
}

// The next step of a stored transfer.
inline TransferWrite StepWrite(const Transfer& stored, TransferState to, Time at) {
  TransferWrite w;
  w.transfer = ApplyTransferStep(stored, to, at);
  w.expected_version = stored.version;
  w.timeline.push_back({to, at, "someone", "", ""});
  w.audit.push_back(Audit("transfer.transition", stored.id));
  return w;
}

TEST_P(StoreContractTest, TransfersRoundTripStepsAndBoard) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("OTH", 4), Audit("region.import", "OTH")).ok());
  EXPECT_EQ(s.GetTransfer("tr-1").status().code(), Code::kNotFound);
  const size_t audited = s.ListAudit(0, 1000)->size();

  Transfer a = ATransfer("tr-1", "ZWN", kT0);
  a.planned_at = kT0 + std::chrono::hours(3);
  a.case_id = "c-42";
  TransferWrite wa = NewTransferWrite(a);
  wa.patient = SealedPatient{"hash1", "sealed-bytes", "key1"};
  a.has_patient = true;
  wa.transfer.has_patient = true;
  PatientAccess pa;
  pa.actor = "sender";
  pa.action = "patient.write";
  pa.case_id = "tr-1";
  pa.bsn_hash = "hash1";
  pa.outcome = "ok";
  wa.access.push_back(pa);
  const std::int64_t v0 = *s.DataVersion("ZWN");
  auto created = s.WriteTransfer(wa);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->transfer.version, 1);
  EXPECT_EQ(created->region_version, v0 + 1) << "takes the region's next data version";
  EXPECT_TRUE(created->reports.empty());
  EXPECT_EQ(*s.DataVersion("ZWN"), v0 + 1);
  EXPECT_EQ(s.ListAudit(0, 1000)->size(), audited + 1);
  EXPECT_EQ(s.ListAccess("hash1", "", 0, 10)->size(), 1u) << "the access line in the same transaction";

  auto got = s.GetTransfer("tr-1");
  ASSERT_TRUE(got.ok());
  Transfer want = a;
  want.version = 1;
  EXPECT_EQ(*got, want);
  auto patient = s.TransferPatient("tr-1");
  ASSERT_TRUE(patient.ok());
  ASSERT_TRUE(patient->has_value());
  EXPECT_EQ((*patient)->sealed, "sealed-bytes");
  EXPECT_FALSE(s.TransferPatient("nope")->has_value());

  // The same id again is a conflict; nothing is stored.
  EXPECT_EQ(s.WriteTransfer(NewTransferWrite(ATransfer("tr-1", "ZWN", kT0))).status().code(), Code::kConflict);
  EXPECT_EQ(*s.DataVersion("ZWN"), v0 + 1) << "a failed write takes no version";
  // Unknown region; a patient on a step; NUL in text.
  EXPECT_EQ(s.WriteTransfer(NewTransferWrite(ATransfer("tr-x", "NOPE", kT0))).status().code(), Code::kNotFound);
  TransferWrite with_patient = StepWrite(*got, TransferState::kAccepted, kT0);
  with_patient.patient = SealedPatient{"h", "s", "k"};
  EXPECT_EQ(s.WriteTransfer(with_patient).status().code(), Code::kInvalid);
  Transfer nul = ATransfer("tr-nul", "ZWN", kT0);
  nul.reason = std::string("a\0b", 3);
  EXPECT_EQ(s.WriteTransfer(NewTransferWrite(nul)).status().code(), Code::kInvalid);

  // A step with the stored version; a stale one is refused.
  auto accepted = s.WriteTransfer(StepWrite(*got, TransferState::kAccepted, kT0 + std::chrono::minutes(5)));
  ASSERT_TRUE(accepted.ok()) << accepted.status().message();
  EXPECT_EQ(accepted->transfer.version, 2);
  EXPECT_EQ(accepted->transfer.answered_at, kT0 + std::chrono::minutes(5));
  EXPECT_EQ(s.WriteTransfer(StepWrite(*got, TransferState::kDeclined, kT0)).status().code(), Code::kPreconditionFailed);
  Transfer ghost = ATransfer("tr-ghost", "ZWN", kT0);
  ghost.version = 3;
  EXPECT_EQ(s.WriteTransfer(StepWrite(ghost, TransferState::kAccepted, kT0)).status().code(), Code::kNotFound);
  Transfer moved = accepted->transfer;
  moved.region_id = "OTH";
  EXPECT_EQ(s.WriteTransfer(StepWrite(moved, TransferState::kPlanned, kT0)).status().code(), Code::kInvalid);

  auto timeline = s.TransferTimeline("tr-1");
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->size(), 2u);
  EXPECT_EQ((*timeline)[0].state, TransferState::kRequested);
  EXPECT_EQ((*timeline)[0].organization_id, "ZWN-H1");
  EXPECT_EQ((*timeline)[1].state, TransferState::kAccepted);
  EXPECT_EQ((*timeline)[1].at, kT0 + std::chrono::minutes(5));

  // The board: open / closed / all, per organisation, newest first.
  ASSERT_TRUE(s.WriteTransfer(NewTransferWrite(ATransfer("tr-2", "ZWN", kT0 + std::chrono::minutes(1)))).ok());
  Transfer other_way = ATransfer("tr-3", "ZWN", kT0 + std::chrono::minutes(2));
  other_way.from_organization_id = "ZWN-V1";
  other_way.from_unit_id = "ZWN-U1";
  other_way.to_organization_id = "ZWN-H1";
  other_way.to_unit_id = "ZWN-U0";
  ASSERT_TRUE(s.WriteTransfer(NewTransferWrite(other_way)).ok());
  auto t2 = s.GetTransfer("tr-2");
  ASSERT_TRUE(s.WriteTransfer(StepWrite(*t2, TransferState::kCancelled, kT0 + std::chrono::minutes(3))).ok());
  ASSERT_TRUE(s.WriteTransfer(NewTransferWrite(ATransfer("tr-4", "OTH", kT0))).ok());

  auto ids = [&](TransferQuery q) {
    std::vector<std::string> out;
    auto list = s.ListTransfers(q);
    EXPECT_TRUE(list.ok()) << list.status().message();
    if (list.ok()) {
      for (const auto& t : *list) out.push_back(t.id);
    }
    return out;
  };
  EXPECT_EQ(ids({"ZWN", "", TransferQuery::States::kOpen, 50}), (std::vector<std::string>{"tr-3", "tr-1"}));
  EXPECT_EQ(ids({"ZWN", "", TransferQuery::States::kClosed, 50}), (std::vector<std::string>{"tr-2"}));
  EXPECT_EQ(ids({"ZWN", "", TransferQuery::States::kAll, 50}), (std::vector<std::string>{"tr-3", "tr-2", "tr-1"}));
  EXPECT_EQ(ids({"ZWN", "", TransferQuery::States::kAll, 1}), (std::vector<std::string>{"tr-3"}));
  EXPECT_EQ(ids({"ZWN", "ZWN-V1", TransferQuery::States::kAll, 50}), (std::vector<std::string>{"tr-3", "tr-2", "tr-1"}))
      << "sending or receiving";
  EXPECT_EQ(ids({"ZWN", "ZWN-X", TransferQuery::States::kAll, 50}), (std::vector<std::string>{}));
  EXPECT_EQ(ids({"OTH", "", TransferQuery::States::kAll, 50}), (std::vector<std::string>{"tr-4"}));

  // The change feed: every write of the region, by version, with its state.
  auto events = s.TransferEventsSince("ZWN", v0, 100);
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_EQ(events->size(), 5u);
  EXPECT_EQ((*events)[0].transfer.id, "tr-1");
  EXPECT_EQ((*events)[0].state, TransferState::kRequested);
  EXPECT_EQ((*events)[1].state, TransferState::kAccepted);
  EXPECT_EQ((*events)[1].transfer.state, TransferState::kAccepted);
  EXPECT_EQ((*events)[4].state, TransferState::kCancelled);
  for (size_t i = 1; i < events->size(); ++i) EXPECT_EQ((*events)[i].version, (*events)[i - 1].version + 1);
  EXPECT_EQ(s.TransferEventsSince("ZWN", (*events)[3].version, 100)->size(), 1u);
  EXPECT_EQ(s.TransferEventsSince("ZWN", v0, 2)->size(), 2u);
}

TEST_P(StoreContractTest, TransferArrivalWritesBothUnitsCapacityInItsTransaction) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  // The receiving unit U3 has 5 free of 18 staffed; the sending unit U2 has 3.
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U3", kT0, 5))).ok());
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U2", kT0, 3))).ok());

  auto created = s.WriteTransfer(NewTransferWrite(ATransfer("tr-1", "ZWN", kT0)));
  ASSERT_TRUE(created.ok());
  Transfer t = created->transfer;
  for (TransferState to : {TransferState::kAccepted, TransferState::kPlanned, TransferState::kEnRoute}) {
    auto r = s.WriteTransfer(StepWrite(t, to, kT0 + std::chrono::minutes(1)));
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_TRUE(r->reports.empty()) << "only the arrival reports capacity";
    t = r->transfer;
  }
  const std::int64_t before = *s.DataVersion("ZWN");
  const Time arrived = kT0 + std::chrono::minutes(40);
  TransferWrite w = StepWrite(t, TransferState::kArrived, arrived);
  w.arrival = true;
  w.arrived_at = arrived;
  w.reported_by = "receiver";
  auto done = s.WriteTransfer(w);
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_TRUE(done->no_report.empty());
  ASSERT_EQ(done->reports.size(), 2u);
  EXPECT_EQ(done->reports[0].version, before + 1);
  EXPECT_EQ(done->reports[1].version, before + 2);
  EXPECT_EQ(done->region_version, before + 3) << "the transfer event after the two reports";
  EXPECT_EQ(*s.DataVersion("ZWN"), before + 3);

  auto latest = s.LatestCapacity("ZWN");
  ASSERT_TRUE(latest.ok());
  std::map<std::string, CapacityReport> by_unit;
  for (const auto& r : *latest) by_unit[r.unit_id] = r;
  ASSERT_TRUE(by_unit.count("ZWN-U3") && by_unit.count("ZWN-U2"));
  EXPECT_EQ(by_unit["ZWN-U3"].source, ReportSource::kTransfer);
  EXPECT_EQ(by_unit["ZWN-U3"].beds, (Beds{20, 18, 14, 4})) << "receiving: occupied + 1, available − 1";
  EXPECT_EQ(by_unit["ZWN-U3"].as_of, arrived);
  EXPECT_EQ(by_unit["ZWN-U3"].reported_by, "receiver");
  EXPECT_EQ(by_unit["ZWN-U2"].source, ReportSource::kTransfer);
  EXPECT_EQ(by_unit["ZWN-U2"].beds, (Beds{20, 18, 14, 4})) << "sending: occupied − 1, available + 1";
  // In the history and the change feed of capacity like any report.
  EXPECT_EQ(s.CapacityHistory("ZWN-U3", kT0, arrived, 10)->size(), 2u);
  auto since = s.CapacitySince("ZWN", before, 10);
  ASSERT_EQ(since->size(), 2u);
  EXPECT_EQ((*since)[0].source, ReportSource::kTransfer);
  EXPECT_EQ(s.TransferEventsSince("ZWN", before, 10)->at(0).version, before + 3);

  // A unit without a report gets none: named in no_report.
  Transfer u = ATransfer("tr-2", "ZWN", kT0);
  u.to_unit_id = "ZWN-U1";
  auto c2 = s.WriteTransfer(NewTransferWrite(u));
  ASSERT_TRUE(c2.ok());
  TransferWrite w2 = StepWrite(c2->transfer, TransferState::kArrived, arrived);
  w2.arrival = true;
  w2.arrived_at = arrived;
  auto d2 = s.WriteTransfer(w2);
  ASSERT_TRUE(d2.ok()) << d2.status().message();
  EXPECT_EQ(d2->no_report, (std::vector<std::string>{"ZWN-U1"}));
  ASSERT_EQ(d2->reports.size(), 1u);
  EXPECT_EQ(d2->reports[0].unit_id, "ZWN-U2");
  EXPECT_EQ(d2->reports[0].beds, (Beds{20, 18, 13, 5}));

  // A failed arrival (stale version) writes no report either.
  const std::int64_t v = *s.DataVersion("ZWN");
  EXPECT_EQ(s.WriteTransfer(w).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(*s.DataVersion("ZWN"), v);
  EXPECT_EQ(s.CapacityHistory("ZWN-U3", kT0, arrived, 10)->size(), 2u);
}

}  // namespace ozcc::store_test
