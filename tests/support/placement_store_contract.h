// The PlacementStore part of the Store contract (store/placement_store.h)
// and the admission criteria stored with the region tree, run on every
// backend with the rest of the contract (included by store_contract.h).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "store/store.h"
#include "support/transfer_store_contract.h"  // ATransfer, NewTransferWrite

namespace ozcc::store_test {

// A placement in MakeRegion(region, ≥ 4): from the hospital's ward U2, for
// the care home's VVT crisis unit U3.
inline Placement APlacement(const std::string& id, const std::string& region, Time at) {
  Placement p;
  p.id = id;
  p.region_id = region;
  p.from_organization_id = region + "-H1";
  p.from_unit_id = region + "-U2";
  p.care_type = CareType::kVvtCrisis;
  p.profile.dementia = true;
  p.profile.weight_kg = 92;
  p.profile.mobility = Mobility::kAid;
  p.profile.age = 87;
  p.needs = "help with washing\nwound care";
  p.preferred_lat = 51.92;
  p.preferred_lon = 4.47;
  p.preferred_place = "Rotterdam";
  p.earliest_at = at - std::chrono::hours(48);
  p.created_by = "sender";
  p.created_at = at;
  p.updated_at = at;
  return p;
}

inline Offer AnOffer(const std::string& id, const Placement& p, const std::string& unit, Time at) {
  Offer o;
  o.id = id;
  o.placement_id = p.id;
  o.region_id = p.region_id;
  o.organization_id = p.region_id + "-V1";
  o.unit_id = unit;
  o.created_by = "desk";
  o.created_at = at;
  return o;
}

TEST_P(StoreContractTest, AdmissionCriteriaTravelWithTheRegionTree) {
  Store& s = store();
  RegionData d = MakeRegion("ZWN", 4);
  AdmissionCriteria c;
  c.care_types = {CareType::kVvtCrisis, CareType::kGrz};
  c.dementia = true;
  c.isolation = false;
  c.max_weight_kg = 140;
  c.mobility = Mobility::kBedbound;
  c.age_min = 55;
  d.units[3].criteria = c;
  d.units[1].criteria = AdmissionCriteria{};  // present, empty
  ASSERT_TRUE(s.ImportRegion(d, Audit("region.import", "ZWN")).ok());
  auto got = s.GetRegion("ZWN");
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->units.size(), 4u);
  EXPECT_EQ(got->units[3].criteria, c);
  EXPECT_EQ(got->units[1].criteria, AdmissionCriteria{});
  EXPECT_FALSE(got->units[0].criteria.has_value());

  // A re-import replaces them: dropped criteria are gone, changed ones change.
  d.units[1].criteria.reset();
  d.units[3].criteria->oxygen = true;
  d.units[3].criteria->age_max = 110;
  ASSERT_TRUE(s.ImportRegion(d, Audit("region.import", "ZWN")).ok());
  got = s.GetRegion("ZWN");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->units[3].criteria, d.units[3].criteria);
  EXPECT_FALSE(got->units[1].criteria.has_value());
}

TEST_P(StoreContractTest, PlacementsRoundTripOffersAndWaitingList) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("OTH", 4), Audit("region.import", "OTH")).ok());
  EXPECT_EQ(s.GetPlacement("pl-1").status().code(), Code::kNotFound);
  const size_t audited = s.ListAudit(0, 1000)->size();

  Placement a = APlacement("pl-1", "ZWN", kT0);
  PlacementWrite w;
  w.placement = a;
  w.patient = SealedPatient{"hash-1", "sealed-bytes", "k1"};
  w.audit.push_back(Audit("placement.create", a.id));
  a.has_patient = true;
  w.placement.has_patient = true;
  auto stored = s.WritePlacement(w);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(stored->placement.version, 1);
  EXPECT_FALSE(stored->transfer.has_value());
  a.version = 1;
  auto got = s.GetPlacement("pl-1");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, a);
  EXPECT_EQ(s.ListAudit(0, 1000)->size(), audited + 1);
  auto patient = s.PlacementPatient("pl-1");
  ASSERT_TRUE(patient.ok());
  EXPECT_EQ(*patient, (SealedPatient{"hash-1", "sealed-bytes", "k1"}));
  EXPECT_EQ(*s.PlacementPatient("pl-none"), std::nullopt);

  // The same id again: conflict, nothing stored.
  PlacementWrite again;
  again.placement = APlacement("pl-1", "ZWN", kT0);
  EXPECT_EQ(s.WritePlacement(again).status().code(), Code::kConflict);
  // Unknown region, no id, NUL, a patient on a change: refused.
  PlacementWrite bad;
  bad.placement = APlacement("pl-x", "NOPE", kT0);
  EXPECT_EQ(s.WritePlacement(bad).status().code(), Code::kNotFound);
  bad.placement = APlacement("", "ZWN", kT0);
  EXPECT_EQ(s.WritePlacement(bad).status().code(), Code::kInvalid);
  bad.placement = APlacement("pl-x", "ZWN", kT0);
  bad.placement.needs = std::string("a\0b", 3);
  EXPECT_EQ(s.WritePlacement(bad).status().code(), Code::kInvalid);
  EXPECT_EQ(s.GetPlacement("pl-x").status().code(), Code::kNotFound);

  // Two offers: the placement is offered.
  PlacementWrite offer;
  offer.placement = *got;
  offer.placement.state = PlacementState::kOffered;
  offer.placement.updated_at = kT0 + std::chrono::minutes(5);
  offer.expected_version = 1;
  offer.offers = {AnOffer("of-1", *got, "ZWN-U3", kT0 + std::chrono::minutes(5)),
                  AnOffer("of-2", *got, "ZWN-U1", kT0 + std::chrono::minutes(5))};
  offer.audit.push_back(Audit("placement.offer", a.id));
  auto offered = s.WritePlacement(offer);
  ASSERT_TRUE(offered.ok()) << offered.status().message();
  EXPECT_EQ(offered->placement.version, 2);
  auto offers = s.PlacementOffers("pl-1");
  ASSERT_TRUE(offers.ok());
  ASSERT_EQ(offers->size(), 2u);
  EXPECT_EQ((*offers)[0], offer.offers[0]);
  EXPECT_EQ((*offers)[1], offer.offers[1]);

  // A stale version: precondition failed, the offers stay as they were.
  PlacementWrite stale = offer;
  stale.offers[0].state = OfferState::kWithdrawn;
  EXPECT_EQ(s.WritePlacement(stale).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ((*s.PlacementOffers("pl-1"))[0].state, OfferState::kOpen);

  // Decline of-2 with a reason; accept of-1 with a reservation, a transfer
  // made in the same write.
  PlacementWrite answer;
  answer.placement = offered->placement;
  answer.expected_version = 2;
  Offer declined = (*offers)[1];
  declined.state = OfferState::kDeclined;
  declined.decline_reason = DeclineReason::kNoBed;
  declined.decline_text = "full since this morning";
  declined.answered_by = "provider";
  declined.answered_at = kT0 + std::chrono::minutes(20);
  Offer accepted = (*offers)[0];
  accepted.state = OfferState::kAccepted;
  accepted.answered_by = "provider";
  accepted.answered_at = kT0 + std::chrono::minutes(30);
  accepted.reserved_until = kT0 + std::chrono::hours(24);
  answer.offers = {declined, accepted};
  Transfer t = ATransfer("tr-pl-1", "ZWN", kT0 + std::chrono::minutes(30));
  t.state = TransferState::kAccepted;
  t.answered_at = kT0 + std::chrono::minutes(30);
  answer.transfer = NewTransferWrite(t);
  answer.placement.transfer_id = t.id;
  auto answered = s.WritePlacement(answer);
  ASSERT_TRUE(answered.ok()) << answered.status().message();
  ASSERT_TRUE(answered->transfer.has_value());
  EXPECT_EQ(answered->transfer->transfer.version, 1);
  EXPECT_GT(answered->transfer->region_version, 0);
  auto tr = s.GetTransfer("tr-pl-1");
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  EXPECT_EQ(tr->state, TransferState::kAccepted);
  auto of = s.PlacementOfTransfer("tr-pl-1");
  ASSERT_TRUE(of.ok());
  ASSERT_TRUE(of->has_value());
  EXPECT_EQ((*of)->id, "pl-1");
  EXPECT_EQ(*s.PlacementOfTransfer("tr-other"), std::nullopt);
  offers = s.PlacementOffers("pl-1");
  EXPECT_EQ((*offers)[0], accepted);
  EXPECT_EQ((*offers)[1], declined);

  // The reservation is held until it expires or ends.
  auto held = s.HeldReservations("ZWN", kT0 + std::chrono::hours(1));
  ASSERT_TRUE(held.ok()) << held.status().message();
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].unit_id, "ZWN-U3");
  EXPECT_EQ((*held)[0].placement_id, "pl-1");
  EXPECT_EQ((*held)[0].reserved_until, kT0 + std::chrono::hours(24));
  EXPECT_TRUE(s.HeldReservations("ZWN", kT0 + std::chrono::hours(25))->empty());
  EXPECT_TRUE(s.HeldReservations("OTH", kT0 + std::chrono::hours(1))->empty());
  // Run out unrecorded once reserved_until has passed.
  EXPECT_TRUE(s.LapsedReservations(kT0 + std::chrono::hours(23), 10)->empty());
  auto lapsed = s.LapsedReservations(kT0 + std::chrono::hours(24), 10);
  ASSERT_TRUE(lapsed.ok()) << lapsed.status().message();
  ASSERT_EQ(lapsed->size(), 1u);
  EXPECT_EQ((*lapsed)[0].offer_id, accepted.id);
  EXPECT_EQ((*lapsed)[0].placement_id, "pl-1");
  EXPECT_TRUE(s.LapsedReservations(kT0 + std::chrono::hours(24), 0)->empty());

  // A failing transfer (its id taken) stores nothing of the placement write.
  PlacementWrite clash;
  clash.placement = answered->placement;
  clash.expected_version = answered->placement.version;
  clash.placement.cancel_reason = "should not be stored";
  clash.transfer = NewTransferWrite(ATransfer("tr-pl-1", "ZWN", kT0));
  EXPECT_EQ(s.WritePlacement(clash).status().code(), Code::kConflict);
  EXPECT_EQ(s.GetPlacement("pl-1")->cancel_reason, "");
  // An offer of another placement, a transfer of another region: refused.
  PlacementWrite foreign = clash;
  foreign.transfer.reset();
  foreign.offers = {AnOffer("of-9", APlacement("pl-2", "ZWN", kT0), "ZWN-U3", kT0)};
  EXPECT_EQ(s.WritePlacement(foreign).status().code(), Code::kInvalid);
  foreign.offers.clear();
  foreign.transfer = NewTransferWrite(ATransfer("tr-oth", "OTH", kT0));
  EXPECT_EQ(s.WritePlacement(foreign).status().code(), Code::kInvalid);

  // Placed: the reservation ends.
  PlacementWrite placed;
  placed.placement = *s.GetPlacement("pl-1");
  placed.expected_version = placed.placement.version;
  placed.placement.state = PlacementState::kPlaced;
  placed.placement.ended_at = kT0 + std::chrono::hours(5);
  Offer delivered = accepted;
  delivered.reservation_ended_at = kT0 + std::chrono::hours(5);
  placed.offers = {delivered};
  ASSERT_TRUE(s.WritePlacement(placed).ok());
  EXPECT_TRUE(s.HeldReservations("ZWN", kT0 + std::chrono::hours(6))->empty());
  EXPECT_TRUE(s.LapsedReservations(kT0 + std::chrono::hours(48), 10)->empty()) << "delivered, not lapsed";

  // The waiting list: by state and organisation, oldest first.
  for (int i = 2; i <= 3; ++i) {
    PlacementWrite n;
    n.placement = APlacement("pl-" + std::to_string(i), "ZWN", kT0 + std::chrono::minutes(i));
    ASSERT_TRUE(s.WritePlacement(n).ok());
  }
  PlacementWrite other;
  other.placement = APlacement("pl-oth", "OTH", kT0);
  ASSERT_TRUE(s.WritePlacement(other).ok());
  auto ids = [](const Result<std::vector<Placement>>& r) {
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& p : *r) out.push_back(p.id);
    }
    return out;
  };
  EXPECT_EQ(ids(s.ListPlacements({"ZWN", {PlacementState::kWaiting}, "", 500})),
            (std::vector<std::string>{"pl-2", "pl-3"}));
  EXPECT_EQ(ids(s.ListPlacements({"ZWN", {}, "", 500})), (std::vector<std::string>{"pl-1", "pl-2", "pl-3"}));
  EXPECT_EQ(ids(s.ListPlacements({"ZWN", {PlacementState::kPlaced, PlacementState::kCancelled}, "", 500})),
            (std::vector<std::string>{"pl-1"}));
  EXPECT_EQ(ids(s.ListPlacements({"ZWN", {}, "", 1})), (std::vector<std::string>{"pl-1"}));
  // The provider sees the placement offered to it; another organisation none.
  EXPECT_EQ(ids(s.ListPlacements({"ZWN", {}, "ZWN-V1", 500})), (std::vector<std::string>{"pl-1"}));
  EXPECT_EQ(ids(s.ListPlacements({"ZWN", {}, "ZWN-H1", 500})), (std::vector<std::string>{"pl-1", "pl-2", "pl-3"}));
  EXPECT_TRUE(ids(s.ListPlacements({"ZWN", {}, "ZWN-X9", 500})).empty());
  EXPECT_EQ(ids(s.ListPlacements({"OTH", {}, "", 500})), (std::vector<std::string>{"pl-oth"}));
  // One event per write, numbered by the region's data version; a transfer
  // written with the placement takes the version before the placement's.
  auto events = s.PlacementEventsSince("ZWN", 0, 100);
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_GE(events->size(), 5u);
  for (size_t i = 1; i < events->size(); ++i) EXPECT_GT((*events)[i].version, (*events)[i - 1].version);
  EXPECT_EQ(events->front().placement_id, "pl-1");
  EXPECT_EQ(events->front().placement_version, 1);
  EXPECT_EQ(events->front().state, PlacementState::kWaiting);
  EXPECT_EQ(events->back().placement_id, "pl-3");
  EXPECT_EQ(events->back().state, PlacementState::kWaiting);
  bool placed_seen = false;
  for (const auto& e : *events) {
    EXPECT_EQ(e.region_id, "ZWN");
    if (e.placement_id == "pl-1" && e.state == PlacementState::kPlaced) placed_seen = true;
  }
  EXPECT_TRUE(placed_seen);
  EXPECT_EQ(answered->change.version, answered->transfer->region_version + 1);
  EXPECT_EQ(answered->change.placement_version, answered->placement.version);
  auto after = s.PlacementEventsSince("ZWN", events->back().version - 1, 100);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->front(), events->back());
  EXPECT_EQ(s.PlacementEventsSince("ZWN", 0, 2)->size(), 2u);
  ASSERT_EQ(s.PlacementEventsSince("OTH", 0, 100)->size(), 1u);
  // A failed write took no event.
  EXPECT_EQ(s.PlacementEventsSince("ZWN", 0, 100)->size(), events->size());

  // The KPIs' cohort: created in [from, to), oldest first, with their offers in order.
  auto cohort = s.KpiPlacements("ZWN", kT0, kT0 + std::chrono::minutes(3), 100);
  ASSERT_TRUE(cohort.ok()) << cohort.status().message();
  ASSERT_EQ(cohort->size(), 2u);
  EXPECT_EQ((*cohort)[0].placement.id, "pl-1");
  EXPECT_EQ((*cohort)[0].placement.state, PlacementState::kPlaced);
  ASSERT_EQ((*cohort)[0].offers.size(), 2u);
  EXPECT_EQ((*cohort)[0].offers[0], delivered);
  EXPECT_EQ((*cohort)[0].offers[1].state, OfferState::kDeclined);
  EXPECT_EQ((*cohort)[1].placement.id, "pl-2");
  EXPECT_TRUE((*cohort)[1].offers.empty());
  auto first = s.KpiPlacements("ZWN", kT0, kT0 + std::chrono::hours(1), 1);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].offers.size(), 2u);
  EXPECT_TRUE(s.KpiPlacements("ZWN", kT0 + std::chrono::hours(1), kT0 + std::chrono::hours(2), 100)->empty());
  EXPECT_EQ(s.KpiPlacements("OTH", kT0, kT0 + std::chrono::hours(1), 100)->size(), 1u);
}

}  // namespace ozcc::store_test
