#!/usr/bin/env python3
"""The baseline of bench/simulate.sh: the same M/M/c queue as `openzcc simulate`
in SimPy 4, written the way SimPy's documentation models a queue (a source
process, one process per customer, a Resource of capacity c).

Counts the same events as openzcc: one per arrival and one per departure
(service completion) within the horizon, warm-up included. Measures the same
figures after the warm-up (wait probability, mean wait, utilisation) so that
the run can be checked to be the same model. Prints one line of key=value.

usage: PYTHONPATH=.../simpy-4.1.2 simulate_simpy.py --rate-per-hour 9 \
           --mean-minutes 60 --servers 10 --horizon-hours 100000 \
           --warmup-hours 1000 [--seed 1]
"""
import argparse
import random
import time

import simpy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate-per-hour", type=float, required=True)
    ap.add_argument("--mean-minutes", type=float, required=True)
    ap.add_argument("--servers", type=int, required=True)
    ap.add_argument("--horizon-hours", type=float, required=True)
    ap.add_argument("--warmup-hours", type=float, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    # Minutes, as openzcc does internally.
    mean_interarrival = 60.0 / a.rate_per_hour
    horizon = a.horizon_hours * 60.0
    warmup = a.warmup_hours * 60.0
    stats = {"events": 0, "arrivals": 0, "waited": 0, "started": 0, "wait_sum": 0.0, "busy": 0.0}

    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=a.servers)

    def customer(env):
        stats["events"] += 1  # the arrival
        arrived = env.now
        measured = arrived >= warmup
        if measured:
            stats["arrivals"] += 1
            if desk.count >= desk.capacity:
                stats["waited"] += 1
        with desk.request() as req:
            yield req
            start = env.now
            if measured:
                stats["started"] += 1
                stats["wait_sum"] += start - arrived
            service = rng.expovariate(1.0 / a.mean_minutes)
            yield env.timeout(service)
        stats["events"] += 1  # the departure
        # Busy server-time inside [warm-up, horizon].
        lo, hi = max(start, warmup), min(env.now, horizon)
        if hi > lo:
            stats["busy"] += hi - lo

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(1.0 / mean_interarrival))
            env.process(customer(env))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run(until=horizon)
    wall = time.perf_counter() - t0
    # Services still running at the horizon are left out of "busy" (at most c
    # services' worth, negligible over a long horizon).
    measured_minutes = horizon - warmup
    print(
        f"simpy_events={stats['events']} simpy_wall_s={wall:.3f} simpy_events_per_s={stats['events'] / wall:.0f}"
        f" wait_probability={stats['waited'] / max(stats['arrivals'], 1):.4f}"
        f" mean_wait_minutes={stats['wait_sum'] / max(stats['started'], 1):.3f}"
        f" utilisation={stats['busy'] / (a.servers * measured_minutes):.4f}"
    )


if __name__ == "__main__":
    main()
