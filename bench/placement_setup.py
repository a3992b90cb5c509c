#!/usr/bin/env python3
"""Data of the placement-matching benchmark (bench/placement.sh).

  placement_setup.py region UNITS OUT_FILE
      writes a region file (data/README.md) of region PBN spread over the
      Netherlands: UNITS follow-up units (elv-low, elv-high, elv-palliative,
      vvt-crisis, ggz-crisis) of providers with one site each, four units a
      provider, with varied admission criteria (a few units without any), and
      five hospitals with a geriatrics ward and an ED. Fixed seed.
  placement_setup.py fill BASE SESSION REGION_FILE PLACEMENTS RESERVATIONS OUT_DIR
      through the API, as the region's ROAZ coordinator (SESSION):
      - capacity for every follow-up unit (POST /api/v1/capacity:batch): first a
        report of a day ago for all, then a fresh one for all but every eighth,
        which stays stale (its last report older than twice its interval);
      - RESERVATIONS placements, each offered to its best match and accepted:
        one held bed each (open reservations the matching subtracts);
      - PLACEMENTS waiting placements with varied care types and profiles,
        most with a preferred place; their matches are the timed reads.
      Writes OUT_DIR/paths.txt (one GET .../matches path a line) and
      OUT_DIR/placements.txt (their ids), then checks one matching.

Only talks to BASE (http://127.0.0.1:PORT), over one keep-alive connection.
"""
import datetime
import json
import math
import random
import sys

from worklist_setup import Api, rfc3339

# Towns (approximate centre, WGS84) the providers are spread around.
TOWNS = [
    ("Amsterdam", 52.370, 4.895), ("Rotterdam", 51.924, 4.478), ("Den Haag", 52.078, 4.288),
    ("Utrecht", 52.091, 5.122), ("Eindhoven", 51.441, 5.470), ("Groningen", 53.219, 6.567),
    ("Tilburg", 51.555, 5.091), ("Almere", 52.350, 5.264), ("Breda", 51.589, 4.776),
    ("Nijmegen", 51.842, 5.852), ("Apeldoorn", 52.211, 5.970), ("Arnhem", 51.985, 5.899),
    ("Haarlem", 52.387, 4.646), ("Enschede", 52.221, 6.894), ("Amersfoort", 52.156, 5.387),
    ("Zwolle", 52.516, 6.083), ("Leeuwarden", 53.201, 5.800), ("Maastricht", 50.851, 5.691),
    ("'s-Hertogenbosch", 51.697, 5.304), ("Leiden", 52.160, 4.497), ("Dordrecht", 51.813, 4.690),
    ("Zoetermeer", 52.057, 4.493), ("Deventer", 52.255, 6.163), ("Delft", 52.012, 4.357),
    ("Alkmaar", 52.632, 4.748), ("Venlo", 51.370, 6.172), ("Emmen", 52.779, 6.907),
    ("Middelburg", 51.499, 3.611), ("Goes", 51.504, 3.889), ("Assen", 52.993, 6.562),
    ("Heerlen", 50.888, 5.979), ("Roermond", 51.194, 5.987), ("Hoorn", 52.643, 5.060),
    ("Den Helder", 52.956, 4.760), ("Lelystad", 52.518, 5.471), ("Gouda", 52.012, 4.711),
    ("Hilversum", 52.223, 5.176), ("Ede", 52.040, 5.665), ("Doetinchem", 51.965, 6.289),
    ("Terneuzen", 51.336, 3.828), ("Sneek", 53.032, 5.659), ("Drachten", 53.107, 6.099),
    ("Hengelo", 52.266, 6.793), ("Oss", 51.765, 5.518), ("Helmond", 51.481, 5.661),
    ("Roosendaal", 51.531, 4.465), ("Bergen op Zoom", 51.495, 4.291), ("Harderwijk", 52.342, 5.621),
    ("Meppel", 52.696, 6.194), ("Winterswijk", 51.972, 6.720),
]
HOSPITAL_TOWNS = ["Rotterdam", "Utrecht", "Groningen", "Eindhoven", "Zwolle"]
SUBREGIONS = [("PBN-N", "Noord"), ("PBN-O", "Oost"), ("PBN-W", "West"), ("PBN-Z", "Zuid")]
REGION = "PBN"


def subregion(lat, lon):
    if lat >= 52.6:
        return "PBN-N"
    if lat < 51.75:
        return "PBN-Z"
    return "PBN-O" if lon >= 5.6 else "PBN-W"


def criteria(kind, rng):
    """Plausible, varied admission criteria of a unit type (None: the unit states none)."""
    if rng.random() < 0.05:
        return None
    c = {}
    if kind == "elv-low":
        c = {"care_types": ["elv-low"], "dementia": False, "isolation": rng.random() < 0.2,
             "oxygen": rng.random() < 0.3, "max_weight_kg": rng.choice([120, 130, 140, 150]),
             "mobility": rng.choice(["independent", "aid", "aid"])}
        if rng.random() < 0.3:
            c["age_min"] = rng.choice([18, 55, 65])
    elif kind == "elv-high":
        c = {"care_types": ["elv-high"] + (["grz"] if rng.random() < 0.3 else []), "dementia": rng.random() < 0.7,
             "isolation": rng.random() < 0.6, "oxygen": rng.random() < 0.7,
             "mobility": rng.choice(["aid", "bedbound", "bedbound"])}
        if rng.random() < 0.8:
            c["max_weight_kg"] = rng.choice([140, 160, 180, 200])
        if rng.random() < 0.2:
            c["age_min"] = 18
    elif kind == "elv-palliative":
        c = {"care_types": ["elv-palliative"], "dementia": rng.random() < 0.8, "isolation": rng.random() < 0.7,
             "oxygen": rng.random() < 0.9, "mobility": "bedbound"}
        if rng.random() < 0.6:
            c["max_weight_kg"] = rng.choice([150, 180, 220])
    elif kind == "vvt-crisis":
        c = {"care_types": ["vvt-crisis"] + (["elv-low"] if rng.random() < 0.2 else []),
             "dementia": rng.random() < 0.6, "isolation": rng.random() < 0.3, "oxygen": rng.random() < 0.4,
             "max_weight_kg": rng.choice([130, 140, 160]), "mobility": rng.choice(["aid", "bedbound"]),
             "age_min": rng.choice([55, 65])}
    elif kind == "ggz-crisis":
        c = {"care_types": ["ggz"], "dementia": rng.random() < 0.1, "isolation": False, "oxygen": False,
             "max_weight_kg": 160, "mobility": rng.choice(["independent", "independent", "aid"])}
        band = rng.random()
        if band < 0.15:
            c["age_min"], c["age_max"] = 12, 23
        elif band < 0.3:
            c["age_min"] = 60
        else:
            c["age_min"] = 18
    return c


def make_region(n_units, out_file):
    rng = random.Random(2026)
    orgs, locs, units = [], [], []
    for i, town in enumerate(HOSPITAL_TOWNS):
        _, lat, lon = next(t for t in TOWNS if t[0] == town)
        oid = f"pb-zh-{i:02d}"
        orgs.append({"id": oid, "subregion_id": subregion(lat, lon), "name": f"Bench Ziekenhuis {town}",
                     "type": "hospital", "source": "demo: benchmark data (bench/placement_setup.py)"})
        locs.append({"id": f"{oid}-loc", "organization_id": oid, "name": f"Bench Ziekenhuis {town}",
                     "address": "", "city": town, "lat": lat, "lon": lon})
        units.append({"id": f"{oid}-w-geriatrie", "organization_id": oid, "location_id": f"{oid}-loc",
                      "type": "ward", "specialism": "geriatrie", "name": "Geriatrie", "expected_interval_s": 1800,
                      "demo": {"beds_total": 30}})
        units.append({"id": f"{oid}-seh", "organization_id": oid, "location_id": f"{oid}-loc", "type": "seh",
                      "name": "Spoedeisende hulp", "expected_interval_s": 300, "demo": {"beds_total": 20}})
    # Providers: four in ten VVT (ELV and crisis beds), four in ten ELV, two GGZ; four units each.
    vvt_kinds = ["elv-low", "elv-high", "elv-palliative", "vvt-crisis"]
    elv_kinds = ["elv-low", "elv-low", "elv-high", "elv-palliative"]
    made, p = 0, 0
    while made < n_units:
        town, tlat, tlon = TOWNS[rng.randrange(len(TOWNS))]
        lat = round(tlat + rng.uniform(-0.08, 0.08), 5)
        lon = round(tlon + rng.uniform(-0.12, 0.12), 5)
        org_type = ["vvt", "vvt", "vvt", "vvt", "elv", "elv", "elv", "elv", "ggz", "ggz"][p % 10]
        oid = f"pb-{org_type}-{p:04d}"
        orgs.append({"id": oid, "subregion_id": subregion(lat, lon), "name": f"Bench {org_type.upper()} {town} {p}",
                     "type": org_type, "source": "demo: benchmark data (bench/placement_setup.py)"})
        locs.append({"id": f"{oid}-loc", "organization_id": oid, "name": f"Locatie {town} {p}", "address": "",
                     "city": town, "lat": lat, "lon": lon})
        for j in range(min(4, n_units - made)):
            kind = {"vvt": vvt_kinds[j], "elv": elv_kinds[j], "ggz": "ggz-crisis"}[org_type]
            unit = {"id": f"{oid}-u{j}", "organization_id": oid, "location_id": f"{oid}-loc", "type": kind,
                    "name": f"{kind} {j}", "expected_interval_s": rng.choice([3600, 3600, 1800, 7200]),
                    "demo": {"beds_total": rng.randrange(4, 25)}}
            c = criteria(kind, rng)
            if c is not None:
                unit["criteria"] = c
            units.append(unit)
            made += 1
        p += 1
    region = {"description": "Benchmark region (bench/placement.sh): made-up follow-up providers spread over the "
                             "Netherlands; every name, place and number is a demo value.",
              "region": {"id": REGION, "name": "Placement benchmark",
                         "subregions": [{"id": s, "name": n} for s, n in SUBREGIONS]},
              "demo_values": True, "organizations": orgs, "locations": locs, "units": units}
    with open(out_file, "w") as f:
        json.dump(region, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"region {REGION}: {len(orgs)} organisations, {sum(1 for u in units if 'criteria' in u)} of "
          f"{sum(1 for u in units if u['type'] not in ('ward', 'seh'))} follow-up units with criteria")


FOLLOW_UP = {"elv-low", "elv-high", "elv-palliative", "vvt-crisis", "ggz-crisis"}

# Care type, profile, preferred town (None: no preferred place): what the timed placements ask.
PROFILES = [
    ("elv-low", {"mobility": "aid", "weight_kg": 82, "age": 84}, "Rotterdam"),
    ("elv-high", {"dementia": True, "oxygen": True, "mobility": "bedbound", "weight_kg": 71, "age": 88}, "Zwolle"),
    ("elv-palliative", {"oxygen": True, "mobility": "bedbound", "age": 77}, "Utrecht"),
    ("vvt-crisis", {"dementia": True, "mobility": "aid", "age": 81}, "Groningen"),
    ("grz", {"isolation": True, "mobility": "aid", "weight_kg": 135, "age": 79}, "Eindhoven"),
    ("ggz", {"mobility": "independent", "age": 19}, "Amsterdam"),
    ("elv-high", {"isolation": True, "mobility": "bedbound", "weight_kg": 170}, None),
    ("elv-low", {"age": 92}, "Maastricht"),
]


def fill(base, session, region_file, n_placements, n_reservations, out_dir):
    api = Api(base)
    rng = random.Random(15)
    region = json.load(open(region_file))
    follow = [u for u in region["units"] if u["type"] in FOLLOW_UP]
    now = datetime.datetime.now(datetime.timezone.utc)

    def beds(u):
        total = u["demo"]["beds_total"]
        staffed = total - rng.randrange(0, 3) if total > 3 else total
        available = rng.choice([0, 0, 1, 1, 2, 3])
        available = min(available, staffed)
        return {"total": total, "staffed": staffed, "occupied": staffed - available, "available": available}

    for start in range(0, len(follow), 1000):
        chunk = follow[start:start + 1000]
        api.call("POST", "/api/v1/capacity:batch", session, {"items": [
            {"unit_id": u["id"], "as_of": rfc3339(now - datetime.timedelta(hours=24)), "beds": beds(u)}
            for u in chunk]})
    stale = 0
    for start in range(0, len(follow), 1000):
        chunk = [u for i, u in enumerate(follow[start:start + 1000]) if (start + i) % 8 != 7]
        stale += min(1000, len(follow) - start) - len(chunk)
        api.call("POST", "/api/v1/capacity:batch", session, {"items": [
            {"unit_id": u["id"], "as_of": rfc3339(now - datetime.timedelta(minutes=rng.randrange(0, 30))),
             "beds": beds(u)} for u in chunk]})

    hospitals = [u for u in region["units"] if u["type"] == "ward"]
    towns = {t[0]: (t[1], t[2]) for t in TOWNS}

    def create(i, care_type, profile, town):
        ward = hospitals[i % len(hospitals)]
        body = {"region_id": REGION, "from_organization_id": ward["organization_id"], "from_unit_id": ward["id"],
                "care_type": care_type, "profile": profile, "needs": f"bench placement {i}: {care_type}"}
        if town:
            lat, lon = towns[town]
            body.update(preferred_place=town, preferred_lat=lat, preferred_lon=lon)
        return api.call("POST", "/api/v1/placements", session, body, want=(201,))

    # Held reservations: each placement offered to its best match with a free bed, and accepted.
    held = 0
    for i in range(n_reservations):
        care_type, profile, town = PROFILES[i % len(PROFILES)]
        p = create(1000 + i, care_type, profile, town)
        m = api.call("GET", f"/api/v1/placements/{p['id']}/matches", session)
        best = next((x for x in m["matches"] if x["fits"] and x["free_beds"] > 0), None)
        if best is None:
            continue
        unit, org = best["unit_id"], best["organization_id"]
        p = api.call("POST", f"/api/v1/placements/{p['id']}/offers", session,
                     {"offers": [{"organization_id": org, "unit_id": unit}]},
                     headers={"If-Match": f'"{p["version"]}"'})
        offer = p["offers"][0]["id"]
        api.call("POST", f"/api/v1/placements/{p['id']}/offers/{offer}/answer", session,
                 {"accept": True, "reservation_hours": 48}, headers={"If-Match": f'"{p["version"]}"'})
        held += 1

    ids = []
    for i in range(n_placements):
        care_type, profile, town = PROFILES[i % len(PROFILES)]
        ids.append(create(i, care_type, profile, town)["id"])
    with open(f"{out_dir}/paths.txt", "w") as f:
        for pid in ids:
            f.write(f"/api/v1/placements/{pid}/matches\n")
    with open(f"{out_dir}/placements.txt", "w") as f:
        f.write("\n".join(ids) + "\n")
    m = api.call("GET", f"/api/v1/placements/{ids[0]}/matches", session)
    # Every unit is ranked; the read returns the best (the desk's default limit).
    if m["total"] != len(follow):
        sys.exit(f"setup: {m['total']} units ranked, not {len(follow)}")
    print(f"capacity: {len(follow)} units reported, {stale} stale; {held} held reservations; "
          f"{len(ids)} placements timed (all {m['total']} units ranked, the best {len(m['matches'])} returned)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "region":
        make_region(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 8 and sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
    else:
        sys.exit(__doc__)
