#!/usr/bin/env python3
"""Spreading benchmark helper (bench/spreading.sh).

  generate --patients N --hospitals H --seed S --out FILE
      A spreading instance (docs/spreading.md) over the Netherlands: H
      hospitals in 8 regions, a fifth of them with a regional function, IC
      and ward capacity under pressure (some hospitals full, a few stale), and
      N patients to spread, 15% needing IC: 85% are transfers out of the
      fullest hospitals (they lie at that hospital), 15% come from one of 400
      places (towns) in their region. Fixed seed: the same file every time.

  highs --instance FILE [--plan PLAN]
      The same optimum as an LP for HiGHS (scipy.optimize.linprog,
      method="highs"): one variable per patient and open (hospital, care
      type), one per unplaced patient, one per open place, the cost model
      written again here from docs/spreading.md. Prints the optimal cost and
      the solver's time (the linprog call, wall and CPU; building the
      matrices is not counted); with --plan, checks the plan's total_cost against it.
"""
import argparse
import json
import math
import sys
import time

import numpy as np

REGIONS = [  # name, centre lat, lon, spread (deg), weight
    ("Noord", 53.10, 6.40, 0.35, 0.10),
    ("Oost", 52.35, 6.45, 0.30, 0.12),
    ("Midden", 52.10, 5.20, 0.25, 0.13),
    ("Noordwest", 52.55, 4.85, 0.25, 0.15),
    ("West", 52.05, 4.40, 0.20, 0.12),
    ("ZuidWest", 51.80, 4.20, 0.30, 0.14),
    ("Brabant", 51.55, 5.20, 0.35, 0.15),
    ("Limburg", 51.15, 5.90, 0.25, 0.09),
]


def generate(args):
    rng = np.random.default_rng(args.seed)
    weights = np.array([r[4] for r in REGIONS])
    weights /= weights.sum()

    def place(region):
        _, lat, lon, s, _ = REGIONS[region]
        return (float(np.clip(lat + rng.normal(0, s), 50.76, 53.47)),
                float(np.clip(lon + rng.normal(0, s * 1.4), 3.37, 7.21)))

    hospitals = []
    pressure = []
    # Hospitals grow with the patients per hospital beyond 25 (the small case),
    # so that open places stay about 1.3 times the demand.
    size = max(1.0, args.patients / args.hospitals / 25)
    for i in range(args.hospitals):
        region = int(rng.choice(len(REGIONS), p=weights))
        lat, lon = place(region)
        regional = bool(rng.random() < 0.2)
        ic = int(size * (rng.integers(30, 60) if regional else rng.integers(8, 20)))
        ward = int(size * (rng.integers(250, 600) if regional else rng.integers(80, 300)))
        p = float(rng.beta(5, 2))  # pressure, 0-1; the fullest send patients out
        pressure.append(p)
        occ_ic = int(min(ic + 2, round(ic * (0.15 + 0.60 * p))))
        occ_ward = int(min(ward + 5, round(ward * (0.68 + 0.26 * p))))
        h = {"id": f"H{i:03d}", "lat": round(lat, 5), "lon": round(lon, 5), "region": REGIONS[region][0],
             "capacity": {"ic": {"staffed": ic, "occupied": occ_ic},
                          "ward": {"staffed": ward, "occupied": occ_ward}}}
        if regional:
            h["regional_function"] = True
        if rng.random() < 0.03:
            h["stale"] = True
        elif rng.random() < 0.03:
            h["capacity"]["ic"]["stale"] = True
        hospitals.append(h)
    towns = []
    for _ in range(400):
        region = int(rng.choice(len(REGIONS), p=weights))
        lat, lon = place(region)
        towns.append((round(lat, 4), round(lon, 4), REGIONS[region][0]))
    order = np.argsort(pressure)[::-1]
    senders = order[:max(1, len(order) // 4)]  # the fullest quarter
    send_w = np.array([pressure[i] for i in senders])
    send_w /= send_w.sum()
    patients = []
    for i in range(args.patients):
        needs = "ic" if rng.random() < 0.15 else "ward"
        if rng.random() < 0.85:
            h = hospitals[int(senders[int(rng.choice(len(senders), p=send_w))])]
            lat, lon, region = h["lat"], h["lon"], h["region"]
        else:
            lat, lon, region = towns[int(rng.integers(len(towns)))]
        patients.append({"id": f"P{i:05d}", "lat": lat, "lon": lon, "region": region, "needs": needs})
    with open(args.out, "w") as f:
        json.dump({"hospitals": hospitals, "patients": patients}, f, separators=(",", ":"))
        f.write("\n")


def highs(args):
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    inst = json.load(open(args.instance))
    pol = {"road_factor": 1.3, "speed_kmh": 80.0, "load_weight": 60.0, "outside_region_penalty": 30.0,
           "unplaced_cost": 10000.0, "reserve": {"ic": 0.5, "ward": 0.0}}
    given_pol = inst.get("policy", {})
    for k, v in given_pol.items():
        if k == "reserve":
            pol["reserve"].update(v)
        else:
            pol[k] = float(v)
    hs, ps = inst["hospitals"], inst["patients"]
    travel_given = inst.get("travel_minutes", {})
    hidx = {h["id"]: i for i, h in enumerate(hs)}

    # Open places per (h, k).
    hk = []  # (h, k, open)
    for i, h in enumerate(hs):
        for k in ("ic", "ward"):
            c = h["capacity"].get(k)
            if c is None or h.get("stale") or c.get("stale"):
                continue
            reserve = math.ceil(pol["reserve"][k] * c["staffed"] - 1e-9) if h.get("regional_function") else 0
            open_ = max(0, c["staffed"] - c["occupied"] - reserve)
            if open_ > 0:
                hk.append((i, k, open_))
    R = 6371.0088
    hlat = np.radians([h["lat"] for h in hs])
    hlon = np.radians([h["lon"] for h in hs])
    hreg = np.array([h["region"] for h in hs])

    # With --aggregate, patients with the same (lat, lon, region, needs) and
    # no given travel time are one row with their count as its right-hand
    # side (the same LP optimum, far fewer columns); else one row each.
    counts = []
    if args.aggregate:
        rep = {}
        for i, pt in enumerate(ps):
            key = (pt["lat"], pt["lon"], pt["region"], pt["needs"]) if pt["id"] not in travel_given else ("id", i)
            if key not in rep:
                rep[key] = len(counts)
                counts.append([i, 0])
            counts[rep[key]][1] += 1
    else:
        counts = [[i, 1] for i in range(len(ps))]
    ps = [ps[i] for i, _ in counts]
    rows, cols, vals, cost = [], [], [], []
    ncol = 0
    npat = len(ps)
    hk_row = {}
    for j, (h, k, _) in enumerate(hk):
        hk_row[(h, k)] = npat + j
    for k in ("ic", "ward"):
        sel = [j for j, (h, kk, _) in enumerate(hk) if kk == k]
        pts = [p for p, pt in enumerate(ps) if pt["needs"] == k]
        if not pts:
            continue
        if sel:
            hh = np.array([hk[j][0] for j in sel])
            plat = np.radians([ps[p]["lat"] for p in pts])[:, None]
            plon = np.radians([ps[p]["lon"] for p in pts])[:, None]
            a = (np.sin((hlat[hh][None, :] - plat) / 2) ** 2
                 + np.cos(plat) * np.cos(hlat[hh])[None, :] * np.sin((hlon[hh][None, :] - plon) / 2) ** 2)
            km = 2 * R * np.arcsin(np.sqrt(np.minimum(1.0, a)))
            c = km * pol["road_factor"] / pol["speed_kmh"] * 60
            for r, p in enumerate(pts):
                for hid, minutes in travel_given.get(ps[p]["id"], {}).items():
                    where = np.nonzero(hh == hidx[hid])[0]
                    if where.size:
                        c[r, where[0]] = minutes
            preg = np.array([ps[p]["region"] for p in pts])
            c = c + np.where(preg[:, None] == hreg[hh][None, :], 0.0, pol["outside_region_penalty"])
            n = len(pts) * len(sel)
            col = ncol + np.arange(n)
            prow = np.repeat(np.array(pts), len(sel))
            hrow = np.tile(np.array([hk_row[(hk[j][0], k)] for j in sel]), len(pts))
            rows += [prow, hrow]
            cols += [col, col]
            vals += [np.ones(n), np.ones(n)]
            cost.append(c.reshape(-1))
            ncol += n
    # Unplaced.
    rows.append(np.arange(npat))
    cols.append(ncol + np.arange(npat))
    vals.append(np.ones(npat))
    cost.append(np.full(npat, pol["unplaced_cost"]))
    ncol += npat
    # Places: the j-th costs load_weight × (occupied + j) / staffed, 0 ≤ y ≤ 1.
    ub = [np.full(ncol, np.inf)]
    for (h, k, open_) in hk:
        c = hs[h]["capacity"][k]
        j = np.arange(1, open_ + 1)
        rows.append(np.full(open_, hk_row[(h, k)]))
        cols.append(ncol + np.arange(open_))
        vals.append(-np.ones(open_))
        cost.append(pol["load_weight"] * (c["occupied"] + j) / c["staffed"])
        ub.append(np.ones(open_))
        ncol += open_
    A = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                   shape=(npat + len(hk), ncol)).tocsc()
    b = np.concatenate([np.array([c for _, c in counts], dtype=float), np.zeros(len(hk))])
    bounds = np.stack([np.zeros(ncol), np.concatenate(ub)], axis=1)
    t0, c0 = time.perf_counter(), time.process_time()
    res = linprog(np.concatenate(cost), A_eq=A, b_eq=b, bounds=bounds, method="highs")
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if res.status != 0:
        print(f"highs: status {res.status}: {res.message}", file=sys.stderr)
        sys.exit(1)
    line = f"highs_cost={res.fun:.6f} highs_s={seconds:.3f} highs_cpu_s={cpu:.3f} highs_columns={ncol} highs_rows={npat + len(hk)}"
    if args.plan:
        plan = json.load(open(args.plan))
        rel = abs(plan["total_cost"] - res.fun) / max(1.0, abs(res.fun))
        line += f" openzcc_cost={plan['total_cost']:.6f} rel_diff={rel:.2e} same_optimum={'yes' if rel <= 1e-6 else 'NO'}"
    print(line)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--patients", type=int, required=True)
    g.add_argument("--hospitals", type=int, required=True)
    g.add_argument("--seed", type=int, default=15)
    g.add_argument("--out", required=True)
    h = sub.add_parser("highs")
    h.add_argument("--instance", required=True)
    h.add_argument("--plan")
    h.add_argument("--aggregate", action="store_true",
                   help="one row per group of identical patients (same optimum, smaller LP)")
    args = ap.parse_args()
    generate(args) if args.cmd == "generate" else highs(args)


if __name__ == "__main__":
    main()
