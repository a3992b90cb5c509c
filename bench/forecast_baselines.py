#!/usr/bin/env python3
"""Rolling-origin backtests of the forecasts against baselines (bench/forecast.sh).

  forecast_baselines.py prepare EXTERNAL OUTDIR
      writes OUTDIR/ed.csv (time,value), OUTDIR/holidays.csv (date,name) and
      OUTDIR/occupancy.csv (date,occupied,admissions) from the external data.
  forecast_baselines.py ed OUTDIR OURS.csv FROM TO HORIZONS
  forecast_baselines.py occupancy OUTDIR OURS.csv FROM TO HORIZONS
      computes the baselines at the same origins and horizons from the same
      input, reads our forecasts and prints, per horizon and method, MAE,
      MASE and the coverage of the 80% interval.

Baselines (each uses only the data up to its origin):
  ED, hourly:
    seasonal naive  y(t-168); interval: 10%/90% quantiles of its errors over
                    the 8 weeks before the origin.
    Poisson GLM     log mean = hour of week (168 levels) + b * log(arrivals in
                    the 24 h up to the origin / their hour-of-week expectation),
                    one model per horizon, fitted by maximum likelihood
                    (numpy; checked against statsmodels' IRLS) on the
                    26 weeks before, refitted every day at 00:00; interval:
                    Poisson 10%/90% quantiles.
    ETS             statsmodels Holt-Winters, additive hour-of-week season (168),
                    no trend, fitted every day at 00:00 on the 8 weeks before,
                    its level and season updated every hour with the fitted
                    smoothing constants; interval: normal with the fit's residual
                    sd (h-step variance sigma^2 (1 + (h-1) alpha^2)).
  Occupancy, daily:
    naive           the last value (lag 1), which at 7 and 14 days is also the
                    lag-7 seasonal naive (shown apart for other horizons);
                    interval: 10%/90% quantiles of the h-day changes in the
                    history.
    Poisson GLM     log mean = day of week + linear time, on the 21 days up to
                    the origin, extrapolated; interval: normal, quasi-Poisson
                    variance (Pearson dispersion).
    ETS             statsmodels ETSModel, additive error, damped additive trend,
                    fitted at every origin on all rows up to it; interval: the
                    model's 80% prediction interval.
MASE scale: ED, the in-sample MAE of the lag-168 seasonal naive over all hours
before the first origin; occupancy, the in-sample MAE of the lag-1 naive over
all LCPS days before the first origin (from 2020-02-27).
"""
import csv
import math
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def prepare(ext, out):
    rows = read_rows(f"{ext}/ed-arrivals/uihc_ed_arrivals_2013_2017.csv")
    hol = {}
    with open(f"{out}/ed.csv", "w") as f:
        f.write("time,value\n")
        for r in rows:
            f.write(f"{r['Date']}T{int(r['Hour']):02d}:00:00,{r['Arrivals']}\n")
            for flag, name in (("xmas", "Christmas Day"), ("nyd", "New Year's Day"), ("thx", "Thanksgiving"),
                               ("ind", "Independence Day")):
                if r[flag] == "1":
                    hol[r["Date"]] = name
    with open(f"{out}/holidays.csv", "w") as f:
        f.write("date,name\n")
        for d in sorted(hol):
            f.write(f"{d},{hol[d]}\n")
    lcps = read_rows(f"{ext}/occupancy-nl/lcps_by_day_2020-02-27_2021-01-31.csv")
    lcps.sort(key=lambda r: r["date"])
    with open(f"{out}/occupancy.csv", "w") as f:
        f.write("date,occupied,admissions\n")
        for r in lcps:
            if r["date"] >= "2020-10-17":
                f.write(f"{r['date']},{r['Totaal_bezetting']},{r['Totaal_opnames']}\n")
    with open(f"{out}/occupancy_scale.txt", "w") as f:  # all occupancy days, for the MASE scale
        for r in lcps:
            f.write(f"{r['date']} {r['Totaal_bezetting']}\n")


def poisson_ppf(q, mu):
    from scipy import stats
    return stats.poisson.ppf(q, mu)


def poisson_factor_glm(cell, x, y, ncell, iters=200, tol=1e-10):
    """Maximum-likelihood Poisson GLM log mu = a[cell] + b * x (a factor and one covariate).

    Exact MLE by alternating the closed-form factor update with a Newton step on b
    (the same optimum as IRLS on the one-hot design, at a fraction of the cost).
    """
    b = 0.0
    ysum = np.bincount(cell, y, ncell)
    for _ in range(iters):
        ebx = np.exp(b * x)
        a = np.log(np.maximum(ysum, 1e-9) / np.maximum(np.bincount(cell, ebx, ncell), 1e-300))
        mu = np.exp(a[cell]) * ebx
        grad = np.sum(x * (y - mu))
        hess = np.sum(x * x * mu)
        step = grad / hess if hess > 0 else 0.0
        b += step
        if abs(step) < tol:
            break
    return np.concatenate([a, [b]])


def summary(name, y, mean, lo, hi, scale, horizons, hs):
    out = {}
    for h in horizons:
        m = hs == h
        err = np.abs(y[m] - mean[m])
        cov = np.mean((y[m] >= lo[m]) & (y[m] <= hi[m]))
        out[h] = (float(np.mean(err)), float(np.mean(err) / scale), float(cov))
    return name, out


def report(results, horizons, unit, n_origins, seconds):
    print(f"{'method':<16}" + "".join(f" | h={h}{unit}: MAE     MASE   cover80" for h in horizons))
    for name, out in results:
        print(f"{name:<16}" + "".join(f" | {'':>{len(str(h)) + len(unit) + 3}}{out[h][0]:7.3f} {out[h][1]:6.3f}"
                                      f" {100 * out[h][2]:6.1f}%" for h in horizons))
    ours = results[0][1]
    for h in horizons:
        beaten = [n for n, o in results[1:] if o[h][0] <= ours[h][0]]
        print(f"h={h}{unit}: ours better than every baseline: {'met' if not beaten else 'not met (' + ', '.join(beaten) + ')'};"
              f" ours 80% interval coverage {100 * ours[h][2]:.1f}%"
              f" ({'met' if 0.78 <= ours[h][2] <= 0.82 else 'not met'}, goal 78-82%)")
    print(f"origins={n_origins} baselines_seconds=" + " ".join(f"{k}:{v:.1f}" for k, v in seconds.items()))


def read_ours(path, key):
    rows = read_rows(path)
    return {(r["origin"], int(r["horizon"])): (float(r["mean"]), float(r["p10"]), float(r["p90"])) for r in rows}


def ed(out, ours_path, first, last, horizons):
    import statsmodels.api as sm
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    rows = read_rows(f"{out}/ed.csv")
    times = [r["time"] for r in rows]
    y = np.array([float(r["value"]) for r in rows])
    index = {t: i for i, t in enumerate(times)}
    o0, o1 = index[first], index[last]
    origins = np.arange(o0, o1 + 1)
    # hour of week of each row, Monday 00 = 0
    import datetime
    t0 = datetime.datetime.fromisoformat(times[0])
    how0 = t0.weekday() * 24 + t0.hour
    how = (how0 + np.arange(len(y))) % 168
    scale = float(np.mean(np.abs(y[168:o0 + 1] - y[:o0 + 1 - 168])))
    ours = read_ours(ours_path, "time")
    H = np.array([h for _ in origins for h in horizons])
    O = np.array([o for o in origins for _ in horizons])
    Y = y[O + H]
    res = []
    sec = {}
    m = np.array([ours[(times[o], h)] for o, h in zip(O, H)])
    res.append(summary("ours", Y, m[:, 0], m[:, 1], m[:, 2], scale, horizons, H))

    # seasonal naive
    t = time.time()
    mean = y[O + H - 168]
    lo = np.empty(len(O)); hi = np.empty(len(O))
    for k, (o, h) in enumerate(zip(O, H)):
        idx = np.arange(o - 8 * 168 + 1, o + 1)
        e = y[idx] - y[idx - 168]
        q = np.quantile(e, [0.1, 0.9])
        lo[k], hi[k] = mean[k] + q[0], mean[k] + q[1]
    sec["snaive"] = time.time() - t
    res.append(summary("seasonal naive", Y, mean, lo, hi, scale, horizons, H))

    # Poisson GLM, refitted daily, one per horizon
    t = time.time()
    csum = np.concatenate([[0], np.cumsum(y)])
    win = 26 * 168
    mean = np.empty(len(O))
    fits = {}
    def recent(o):  # arrivals in the 24 h up to o
        return csum[o + 1] - csum[o - 23]
    for k, (o, h) in enumerate(zip(O, H)):
        day_start = o - (how[o] % 24)  # refit at the day's hour 00 with data up to it
        key = (day_start, h)
        if key not in fits:
            fits.clear() if len(fits) > 64 else None
            tgt = np.arange(day_start - win + 1, day_start + 1)
            src = tgt - h
            X = np.zeros((len(tgt), 169))
            X[np.arange(len(tgt)), how[tgt]] = 1
            # expected arrivals in the 24 h up to src from the window's hour-of-week means
            hw_mean = np.bincount(how[tgt], y[tgt], 168) / np.maximum(np.bincount(how[tgt], None, 168), 1)
            e24 = np.array([hw_mean[(c - np.arange(24)) % 168].sum() for c in range(168)])
            X[:, 168] = np.log((csum[src + 1] - csum[src - 23] + 0.5) / (e24[how[src]] + 0.5))
            fits[key] = (poisson_factor_glm(how[tgt], X[:, 168], y[tgt], 168), hw_mean)
        params, hw_mean = fits[key]
        exp24 = hw_mean[(how[o] - np.arange(24)) % 168].sum()
        x = math.log((recent(o) + 0.5) / (exp24 + 0.5))
        mean[k] = math.exp(params[how[o + h]] + params[168] * x)
    lo, hi = poisson_ppf(0.1, mean), poisson_ppf(0.9, mean)
    sec["glm"] = time.time() - t
    res.append(summary("Poisson GLM", Y, mean, lo, hi, scale, horizons, H))

    # Holt-Winters (statsmodels), refitted daily, updated hourly
    t = time.time()
    mean = np.empty(len(O)); sd = np.empty(len(O))
    state = {}
    for k, (o, h) in enumerate(zip(O, H)):
        day_start = o - (how[o] % 24)
        if state.get("day") != day_start:
            train = y[day_start - 8 * 168 + 1:day_start + 1]
            fit = ExponentialSmoothing(train, seasonal="add", seasonal_periods=168,
                                       initialization_method="heuristic").fit()
            a = fit.params["smoothing_level"]; g = fit.params["smoothing_seasonal"]
            season = list(fit.season[-168:])
            state = {"day": day_start, "a": a, "g": g, "level": fit.level[-1], "season": season,
                     "at": day_start, "sigma": float(np.std(fit.resid[168:]))}
        s = state
        while s["at"] < o:  # update with the hours after the fit
            i = s["at"] + 1
            seas = s["season"][0]
            lev = s["a"] * (y[i] - seas) + (1 - s["a"]) * s["level"]
            new_seas = s["g"] * (y[i] - s["level"]) + (1 - s["g"]) * seas
            s["season"] = s["season"][1:] + [new_seas]
            s["level"] = lev
            s["at"] = i
        mean[k] = s["level"] + s["season"][h - 1]
        sd[k] = s["sigma"] * math.sqrt(1 + (h - 1) * s["a"] ** 2)
    sec["ets"] = time.time() - t
    res.append(summary("ETS (HW)", Y, mean, mean - 1.2816 * sd, mean + 1.2816 * sd, scale, horizons, H))
    print(f"ED arrivals, UIHC, origins {first} .. {last}: MASE scale (in-sample MAE of the lag-168 seasonal naive,"
          f" {o0 - 168} hours before the first origin) = {scale:.3f}")
    report(res, horizons, "h", len(origins), sec)


def occupancy(out, ours_path, first, last, horizons):
    import statsmodels.api as sm
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    rows = read_rows(f"{out}/occupancy.csv")
    dates = [r["date"] for r in rows]
    y = np.array([float(r["occupied"]) for r in rows])
    index = {d: i for i, d in enumerate(dates)}
    o0, o1 = index[first], index[last]
    hmax = max(horizons)
    origins = [o for o in range(o0, o1 + 1) if o + min(horizons) < len(y)]
    pairs = [(o, h) for o in origins for h in horizons if o + h < len(y)]
    O = np.array([p[0] for p in pairs]); H = np.array([p[1] for p in pairs]); Y = y[O + H]
    allocc = []
    with open(f"{out}/occupancy_scale.txt") as f:
        for line in f:
            d, v = line.split()
            if d < first and v != "NA":
                allocc.append(float(v))
    allocc = np.array(allocc)
    scale = float(np.mean(np.abs(np.diff(allocc))))
    ours = read_ours(ours_path, "date")
    res = []
    sec = {}
    m = np.array([ours[(dates[o], h)] for o, h in pairs])
    res.append(summary("ours", Y, m[:, 0], m[:, 1], m[:, 2], scale, horizons, H))

    def naive_like(lag_of):
        mean = np.empty(len(O)); lo = np.empty(len(O)); hi = np.empty(len(O))
        for k, (o, h) in enumerate(pairs):
            lag = lag_of(h)
            mean[k] = y[o + h - lag]
            ch = y[lag:o + 1] - y[:o + 1 - lag]  # in-sample changes over the same lag
            q = np.quantile(ch, [0.1, 0.9]) if len(ch) else (0, 0)
            lo[k], hi[k] = mean[k] + q[0], mean[k] + q[1]
        return mean, lo, hi
    t = time.time()
    res.append(summary("naive", Y, *naive_like(lambda h: h), scale, horizons, H))
    if any(h % 7 for h in horizons):  # at 7 and 14 days the lag-7 seasonal naive is the naive
        res.append(summary("seasonal naive", Y, *naive_like(lambda h: 7 * math.ceil(h / 7)), scale, horizons, H))
    sec["naive"] = time.time() - t

    t = time.time()
    mean = np.empty(len(O)); lo = np.empty(len(O)); hi = np.empty(len(O))
    for k, (o, h) in enumerate(pairs):
        idx = np.arange(max(0, o - 20), o + 1)
        X = np.zeros((len(idx), 8)); X[:, 0] = 1; X[:, 1] = (idx - o) / 7.0
        dow = idx % 7
        for j in range(1, 7):
            X[:, 1 + j] = dow == j
        fit = sm.GLM(y[idx], X, family=sm.families.Poisson()).fit()
        x = np.zeros(8); x[0] = 1; x[1] = h / 7.0; j = (o + h) % 7
        if j:
            x[1 + j] = 1
        mu = math.exp(float(x @ fit.params))
        phi = float(fit.pearson_chi2 / max(1, fit.df_resid))
        mean[k] = mu; lo[k] = mu - 1.2816 * math.sqrt(phi * mu); hi[k] = mu + 1.2816 * math.sqrt(phi * mu)
    sec["glm"] = time.time() - t
    res.append(summary("Poisson GLM", Y, mean, lo, hi, scale, horizons, H))

    t = time.time()
    mean = np.empty(len(O)); lo = np.empty(len(O)); hi = np.empty(len(O))
    fc = {}
    for o in origins:
        fit = ETSModel(pd.Series(y[:o + 1]), error="add", trend="add", damped_trend=True).fit(disp=False)
        fr = fit.get_prediction(start=o + 1, end=o + hmax).summary_frame(alpha=0.2)
        fc[o] = fr.to_numpy()
    for k, (o, h) in enumerate(pairs):
        row = fc[o][h - 1]
        mean[k] = row[0]; lo[k] = row[-2]; hi[k] = row[-1]
    sec["ets"] = time.time() - t
    res.append(summary("ETS (damped)", Y, mean, lo, hi, scale, horizons, H))
    print(f"Occupancy, LCPS national (COVID, clinic + IC), origins {first} .. {last} (targets up to {dates[-1]}):"
          f" MASE scale (in-sample MAE of the lag-1 naive, {len(allocc) - 1} days before the first origin) = {scale:.1f}")
    report(res, horizons, "d", len(origins), sec)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    else:
        hs = [int(h) for h in sys.argv[6].split(",")]
        (ed if cmd == "ed" else occupancy)(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], hs)
