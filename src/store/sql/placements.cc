// Follow-up placements: the placement, its offers and reservations, its
// sealed patient and the transfer an accepted offer makes
// (store/placement_store.h).
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "core/placement.h"
#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

constexpr const char* kPlacementCols =
    "p.id, p.region_id, p.from_organization_id, p.from_unit_id, p.care_type, p.dementia, p.isolation, p.oxygen, "
    "p.weight_kg, p.mobility, p.age, p.needs, p.preferred_lat, p.preferred_lon, p.preferred_place, p.earliest_at, "
    "p.state, p.has_patient, p.created_by, p.created_at, p.updated_at, p.ended_at, p.transfer_id, p.cancel_reason, "
    "p.version";

constexpr const char* kOfferCols =
    "o.id, o.placement_id, o.region_id, o.organization_id, o.unit_id, o.state, o.decline_reason, o.decline_text, "
    "o.created_by, o.created_at, o.answered_by, o.answered_at, o.reserved_until, o.reservation_ended_at";

std::optional<std::int64_t> Millis(const std::optional<Time>& t) {
  return t ? std::optional<std::int64_t>(ToUnixMillis(*t)) : std::nullopt;
}
std::optional<Time> TimeAt(const Row& r, int col) {
  return r.IsNull(col) ? std::nullopt : std::optional<Time>(FromUnixMillis(r.Int(col)));
}
std::optional<std::int64_t> IntAt(const Row& r, int col) {
  return r.IsNull(col) ? std::nullopt : std::optional<std::int64_t>(r.Int(col));
}
Params& AddDouble(Params& p, const std::optional<double>& v) { return v ? p.Add(*v) : p.AddNull(); }

// The columns after id in kPlacementCols' order.
Params PlacementParams(const Placement& x) {
  Params p;
  p.Add(x.region_id).Add(x.from_organization_id).Add(x.from_unit_id).Add(ToString(x.care_type));
  p.Add(x.profile.dementia).Add(x.profile.isolation).Add(x.profile.oxygen).Add(x.profile.weight_kg);
  p.Add(ToString(x.profile.mobility)).Add(x.profile.age).Add(x.needs);
  AddDouble(p, x.preferred_lat);
  AddDouble(p, x.preferred_lon);
  p.Add(x.preferred_place).Add(ToUnixMillis(x.earliest_at)).Add(ToString(x.state)).Add(x.has_patient);
  p.Add(x.created_by).Add(ToUnixMillis(x.created_at)).Add(ToUnixMillis(x.updated_at)).Add(Millis(x.ended_at));
  p.Add(x.transfer_id).Add(x.cancel_reason).Add(x.version);
  return p;
}

Placement ReadPlacement(const Row& r) {
  Placement x;
  x.id = r.Text(0);
  x.region_id = r.Text(1);
  x.from_organization_id = r.Text(2);
  x.from_unit_id = r.Text(3);
  x.care_type = ParseCareType(r.Text(4)).value_or(CareType::kElvLow);
  x.profile.dementia = r.Bool(5);
  x.profile.isolation = r.Bool(6);
  x.profile.oxygen = r.Bool(7);
  x.profile.weight_kg = IntAt(r, 8);
  x.profile.mobility = ParseMobility(r.Text(9)).value_or(Mobility::kIndependent);
  x.profile.age = IntAt(r, 10);
  x.needs = r.Text(11);
  if (!r.IsNull(12)) x.preferred_lat = r.Double(12);
  if (!r.IsNull(13)) x.preferred_lon = r.Double(13);
  x.preferred_place = r.Text(14);
  x.earliest_at = FromUnixMillis(r.Int(15));
  x.state = ParsePlacementState(r.Text(16)).value_or(PlacementState::kWaiting);
  x.has_patient = r.Bool(17);
  x.created_by = r.Text(18);
  x.created_at = FromUnixMillis(r.Int(19));
  x.updated_at = FromUnixMillis(r.Int(20));
  x.ended_at = TimeAt(r, 21);
  x.transfer_id = r.Text(22);
  x.cancel_reason = r.Text(23);
  x.version = r.Int(24);
  return x;
}

Offer ReadOffer(const Row& r) {
  Offer o;
  o.id = r.Text(0);
  o.placement_id = r.Text(1);
  o.region_id = r.Text(2);
  o.organization_id = r.Text(3);
  o.unit_id = r.Text(4);
  o.state = ParseOfferState(r.Text(5)).value_or(OfferState::kOpen);
  if (!r.IsNull(6)) o.decline_reason = ParseDeclineReason(r.Text(6));
  o.decline_text = r.Text(7);
  o.created_by = r.Text(8);
  o.created_at = FromUnixMillis(r.Int(9));
  o.answered_by = r.Text(10);
  o.answered_at = TimeAt(r, 11);
  o.reserved_until = TimeAt(r, 12);
  o.reservation_ended_at = TimeAt(r, 13);
  return o;
}

Status CheckWrite(const PlacementWrite& w) {
  const Placement& in = w.placement;
  if (in.id.empty() || in.region_id.empty()) return Status::Invalid("a placement needs an id and a region");
  if (w.expected_version < 0) return Status::Invalid("expected_version must not be negative");
  if (w.patient && w.expected_version != 0) return Status::Invalid("only a new placement stores a patient");
  std::vector<std::string_view> texts{in.id,           in.region_id,   in.from_organization_id,
                                      in.from_unit_id, in.needs,       in.preferred_place,
                                      in.created_by,   in.transfer_id, in.cancel_reason};
  for (const Offer& o : w.offers) {
    if (o.id.empty()) return Status::Invalid("an offer needs an id");
    if (o.placement_id != in.id || o.region_id != in.region_id) {
      return Status::Invalid("offer " + o.id + " is not of placement " + in.id);
    }
    texts.insert(texts.end(), {o.id, o.organization_id, o.unit_id, o.decline_text, o.created_by, o.answered_by});
  }
  if (const auto& p = w.patient) texts.insert(texts.end(), {p->bsn_hash, p->sealed, p->key_id});
  for (const auto& a : w.access) {
    texts.insert(texts.end(), {a.actor, a.role, a.organization_id, a.bsn_hash, a.case_id, a.action, a.purpose,
                               a.outcome, a.request_id});
  }
  if (const auto& t = w.transfer) {
    const Transfer& tr = t->transfer;
    if (tr.id.empty() || tr.region_id != in.region_id) {
      return Status::Invalid("the transfer of placement " + in.id + " must have an id and be of its region");
    }
    if (t->patient && t->expected_version != 0) return Status::Invalid("only a new transfer stores a patient");
    texts.insert(texts.end(), {tr.id, tr.from_organization_id, tr.from_unit_id, tr.to_organization_id, tr.to_unit_id,
                               tr.reason, tr.case_id, tr.created_by, t->reported_by});
    for (const auto& e : t->timeline) texts.insert(texts.end(), {e.actor, e.organization_id, e.reason});
    if (const auto& p = t->patient) texts.insert(texts.end(), {p->bsn_hash, p->sealed, p->key_id});
  }
  return NoNul(texts);
}

}  // namespace

Result<PlacementWriteResult> SqlStore::WritePlacement(PlacementWrite write) {
  OZCC_RETURN_IF_ERROR(CheckWrite(write));
  const Placement& in = write.placement;
  PlacementWriteResult out;
  Status st = Write(
      [&](Conn& c) -> Status {
        out = PlacementWriteResult{};  // the job may run more than once
        const Time now = Now();
        if (write.transfer) {
          TransferWriteResult t;
          OZCC_RETURN_IF_ERROR(WriteTransferRows(c, *write.transfer, t));
          out.transfer = std::move(t);
        }
        out.placement = in;
        out.placement.version = write.expected_version + 1;
        const std::string cols =
            "region_id, from_organization_id, from_unit_id, care_type, dementia, isolation, oxygen, weight_kg, "
            "mobility, age, needs, preferred_lat, preferred_lon, preferred_place, earliest_at, state, has_patient, "
            "created_by, created_at, updated_at, ended_at, transfer_id, cancel_reason, version";
        if (write.expected_version == 0) {
          auto region = c.First<bool>("SELECT TRUE FROM regions WHERE id = ?", Params().Add(in.region_id),
                                      [](const Row&) { return true; });
          if (!region.ok()) return region.status();
          if (!*region) return Status::NotFound("unknown region: " + in.region_id);
          auto added = c.Changes("INSERT INTO placements (" + cols +
                                     ", id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                     "?, ?, ?) ON CONFLICT (id) DO NOTHING",
                                 PlacementParams(out.placement).Add(in.id));
          if (!added.ok()) return added.status();
          if (*added == 0) return Status::Conflict("placement already exists: " + in.id);
        } else {
          auto changed = c.Changes(
              "UPDATE placements SET region_id = ?, from_organization_id = ?, from_unit_id = ?, care_type = ?, "
              "dementia = ?, isolation = ?, oxygen = ?, weight_kg = ?, mobility = ?, age = ?, needs = ?, "
              "preferred_lat = ?, preferred_lon = ?, preferred_place = ?, earliest_at = ?, state = ?, "
              "has_patient = ?, created_by = ?, created_at = ?, updated_at = ?, ended_at = ?, transfer_id = ?, "
              "cancel_reason = ?, version = ? WHERE id = ? AND version = ? AND region_id = ?",
              PlacementParams(out.placement).Add(in.id).Add(write.expected_version).Add(in.region_id));
          if (!changed.ok()) return changed.status();
          if (*changed == 0) {
            auto found = c.First<std::pair<std::string, std::int64_t>>(
                "SELECT region_id, version FROM placements WHERE id = ?", Params().Add(in.id),
                [](const Row& r) { return std::pair(r.Text(0), r.Int(1)); });
            if (!found.ok()) return found.status();
            if (!*found) return Status::NotFound("no such placement: " + in.id);
            if ((*found)->first != in.region_id) return Status::Invalid("placement " + in.id + " is of another region");
            return Status::PreconditionFailed("placement " + in.id + " was changed meanwhile (now version " +
                                              std::to_string((*found)->second) + ")");
          }
        }
        for (const Offer& o : write.offers) {
          auto owner = c.First<std::string>("SELECT placement_id FROM placement_offers WHERE id = ?",
                                            Params().Add(o.id), [](const Row& r) { return r.Text(0); });
          if (!owner.ok()) return owner.status();
          if (*owner && **owner != in.id) return Status::Invalid("offer " + o.id + " is of another placement");
          Params p;
          p.Add(o.placement_id).Add(o.region_id).Add(o.organization_id).Add(o.unit_id).Add(ToString(o.state));
          if (o.decline_reason) {
            p.Add(ToString(*o.decline_reason));
          } else {
            p.AddNull();
          }
          p.Add(o.decline_text).Add(o.created_by).Add(ToUnixMillis(o.created_at)).Add(o.answered_by);
          p.Add(Millis(o.answered_at)).Add(Millis(o.reserved_until)).Add(Millis(o.reservation_ended_at));
          if (*owner) {
            OZCC_RETURN_IF_ERROR(c.Run(
                "UPDATE placement_offers SET placement_id = ?, region_id = ?, organization_id = ?, unit_id = ?, "
                "state = ?, decline_reason = ?, decline_text = ?, created_by = ?, created_at = ?, answered_by = ?, "
                "answered_at = ?, reserved_until = ?, reservation_ended_at = ? WHERE id = ?",
                p.Add(o.id)));
          } else {
            auto ord = c.First<std::int64_t>("SELECT COUNT(*) FROM placement_offers WHERE placement_id = ?",
                                             Params().Add(in.id), [](const Row& r) { return r.Int(0); });
            if (!ord.ok()) return ord.status();
            OZCC_RETURN_IF_ERROR(
                c.Run("INSERT INTO placement_offers (placement_id, region_id, organization_id, unit_id, state, "
                      "decline_reason, decline_text, created_by, created_at, answered_by, answered_at, "
                      "reserved_until, reservation_ended_at, id, ord) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      p.Add(o.id).Add(ord->value_or(0))));
          }
        }
        if (const auto& p = write.patient) {
          OZCC_RETURN_IF_ERROR(
              c.Run("INSERT INTO placement_patients (placement_id, bsn_hash, sealed, key_id) VALUES (?, ?, ?, ?)",
                    Params().Add(in.id).Add(p->bsn_hash).Add(p->sealed).Add(p->key_id)));
        }
        // The event after the transfer's (its version taken first), so they go out in that order.
        auto version = TakeRegionVersions(c, in.region_id);
        if (!version.ok()) return version.status();
        out.change = PlacementChange{in.region_id, *version, now, in.id, out.placement.version, in.state};
        OZCC_RETURN_IF_ERROR(
            c.Run("INSERT INTO placement_events (region_id, version, at, placement_id, placement_version, state) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
                  Params()
                      .Add(in.region_id)
                      .Add(*version)
                      .Add(ToUnixMillis(now))
                      .Add(in.id)
                      .Add(out.placement.version)
                      .Add(ToString(in.state))));
        for (const auto& a : write.audit) OZCC_RETURN_IF_ERROR(InsertAudit(c, a, now));
        for (const auto& a : write.access) OZCC_RETURN_IF_ERROR(InsertAccess(c, a, now));
        return Status::Ok();
      },
      {}, std::vector<std::string>{in.region_id});
  if (!st.ok()) return st;
  return out;
}

Result<Placement> SqlStore::GetPlacement(const std::string& id) {
  return ReadValue<Placement>([&](Conn& c) -> Result<Placement> {
    auto found = c.First<Placement>(std::string("SELECT ") + kPlacementCols + " FROM placements p WHERE p.id = ?",
                                    Params().Add(id), ReadPlacement);
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound("no such placement: " + id);
    return std::move(**found);
  });
}

Result<std::vector<Offer>> SqlStore::PlacementOffers(const std::string& placement_id) {
  return ReadValue<std::vector<Offer>>([&](Conn& c) {
    return c.All<Offer>(
        std::string("SELECT ") + kOfferCols + " FROM placement_offers o WHERE o.placement_id = ? ORDER BY o.ord, o.id",
        Params().Add(placement_id), ReadOffer);
  });
}

Result<std::vector<Placement>> SqlStore::ListPlacements(const PlacementQuery& q) {
  return ReadValue<std::vector<Placement>>([&](Conn& c) {
    std::string sql = std::string("SELECT ") + kPlacementCols + " FROM placements p WHERE p.region_id = ?";
    Params p;
    p.Add(q.region_id);
    if (!q.states.empty()) {
      TextList states;
      for (PlacementState s : q.states) states.items.emplace_back(ToString(s));
      sql += " AND " + c.AnyOf("p.state");
      p.Add(std::move(states));
    }
    if (!q.organization_id.empty()) {
      sql +=
          " AND (p.from_organization_id = ? OR EXISTS (SELECT 1 FROM placement_offers o "
          "WHERE o.placement_id = p.id AND o.organization_id = ?))";
      p.Add(q.organization_id).Add(q.organization_id);
    }
    sql += " ORDER BY p.created_at, p.id LIMIT ?";
    p.Add(Limit(q.limit));
    return c.All<Placement>(sql, p, ReadPlacement);
  });
}

Result<std::optional<SealedPatient>> SqlStore::PlacementPatient(const std::string& id) {
  return ReadValue<std::optional<SealedPatient>>([&](Conn& c) {
    return c.First<SealedPatient>("SELECT bsn_hash, sealed, key_id FROM placement_patients WHERE placement_id = ?",
                                  Params().Add(id), [](const Row& r) {
                                    return SealedPatient{r.Text(0), r.Text(1), r.Text(2)};
                                  });
  });
}

Result<std::optional<Placement>> SqlStore::PlacementOfTransfer(const std::string& transfer_id) {
  if (transfer_id.empty()) return std::optional<Placement>();
  return ReadValue<std::optional<Placement>>([&](Conn& c) {
    return c.First<Placement>(std::string("SELECT ") + kPlacementCols + " FROM placements p WHERE p.transfer_id = ?",
                              Params().Add(transfer_id), ReadPlacement);
  });
}

Result<std::vector<Reservation>> SqlStore::HeldReservations(const std::string& region_id, Time now) {
  return ReadValue<std::vector<Reservation>>([&](Conn& c) {
    return c.All<Reservation>(
        "SELECT o.id, o.placement_id, o.unit_id, o.reserved_until FROM placement_offers o "
        "WHERE o.region_id = ? AND o.state = 'accepted' AND o.reservation_ended_at IS NULL "
        "AND o.reserved_until > ? ORDER BY o.unit_id, o.id",
        Params().Add(region_id).Add(ToUnixMillis(now)), [](const Row& r) {
          return Reservation{r.Text(0), r.Text(1), r.Text(2), FromUnixMillis(r.Int(3))};
        });
  });
}

Result<std::vector<Reservation>> SqlStore::LapsedReservations(Time now, size_t limit) {
  return ReadValue<std::vector<Reservation>>([&](Conn& c) {
    return c.All<Reservation>(
        "SELECT o.id, o.placement_id, o.unit_id, o.reserved_until FROM placement_offers o "
        "WHERE o.state = 'accepted' AND o.reservation_ended_at IS NULL AND o.reserved_until <= ? "
        "ORDER BY o.reserved_until, o.id LIMIT ?",
        Params().Add(ToUnixMillis(now)).Add(Limit(limit)), [](const Row& r) {
          return Reservation{r.Text(0), r.Text(1), r.Text(2), FromUnixMillis(r.Int(3))};
        });
  });
}

Result<std::vector<PlacementChange>> SqlStore::PlacementEventsSince(const std::string& region_id,
                                                                    std::int64_t after_version, size_t limit) {
  return ReadValue<std::vector<PlacementChange>>([&](Conn& c) {
    return c.All<PlacementChange>(
        "SELECT region_id, version, at, placement_id, placement_version, state FROM placement_events "
        "WHERE region_id = ? AND version > ? ORDER BY version LIMIT ?",
        Params().Add(region_id).Add(after_version).Add(Limit(limit)), [](const Row& r) {
          return PlacementChange{
              r.Text(0), r.Int(1), FromUnixMillis(r.Int(2)),
              r.Text(3), r.Int(4), ParsePlacementState(r.Text(5)).value_or(PlacementState::kWaiting)};
        });
  });
}

Result<std::vector<PlacementRecord>> SqlStore::KpiPlacements(const std::string& region_id, Time from, Time to,
                                                             size_t limit) {
  return ReadValue<std::vector<PlacementRecord>>(
      [&](Conn& c) -> Result<std::vector<PlacementRecord>> {
        const std::string cohort = " p.region_id = ? AND p.created_at >= ? AND p.created_at < ?";
        auto cohort_params = [&] { return Params().Add(region_id).Add(ToUnixMillis(from)).Add(ToUnixMillis(to)); };
        auto placements = c.All<Placement>(std::string("SELECT ") + kPlacementCols + " FROM placements p WHERE" +
                                               cohort + " ORDER BY p.created_at, p.id LIMIT ?",
                                           cohort_params().Add(Limit(limit)), ReadPlacement);
        if (!placements.ok()) return placements.status();
        auto offers = c.All<Offer>(std::string("SELECT ") + kOfferCols +
                                       " FROM placement_offers o JOIN placements p ON p.id = o.placement_id WHERE" +
                                       cohort + " ORDER BY o.placement_id, o.ord, o.id",
                                   cohort_params(), ReadOffer);
        if (!offers.ok()) return offers.status();
        std::vector<PlacementRecord> out;
        out.reserve(placements->size());
        std::map<std::string, size_t> index;
        for (auto& p : *placements) {
          index.emplace(p.id, out.size());
          out.push_back({std::move(p), {}});
        }
        for (auto& o : *offers) {
          // Offers of placements past the limit are left out with them.
          if (auto it = index.find(o.placement_id); it != index.end()) out[it->second].offers.push_back(std::move(o));
        }
        return out;
      },
      /*snapshot=*/true);
}

}  // namespace ozcc::sql
