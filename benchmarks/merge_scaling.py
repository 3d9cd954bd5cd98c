"""How cross-report merging grows with the number of events (a script, not a test).

    python benchmarks/merge_scaling.py                  # 10k, 100k and 1,000,000 events
    python benchmarks/merge_scaling.py --sizes 10000,50000

Synthetic events: incidents spread over three years and over places whose number grows with the corpus (400 for
10k events, 40,000 for 1M), each told by one to four reports with differing tolls, beside unrelated events nearby. ``merge_events`` blocks by day and grid cell,
so its work should grow as n log n (the sort), not n². Prints events/s and, for each size, the time ratio to the
smallest size next to the n log n ratio: a time ratio close to (or below) the n log n ratio is the target.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import date, timedelta

from conflictwire.merge import merge_events
from conflictwire.model import Event, Evidence, Source

SUBS = [
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Battles", "Armed clash"),
    ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"),
]
TARGETS = ["market", "hospital", "school", "bakery", "checkpoint", ""]


def synthetic(n: int, seed: int = 1) -> tuple[list[Event], dict[str, str]]:
    rng = random.Random(seed)
    # A bigger corpus covers more places, not more events per place and day: density stays that of 10k events
    # in 400 places over three years, so the work per event is the blocking's, not the data's.
    places = [(f"Place {i}", rng.uniform(-30, 50), rng.uniform(-20, 100)) for i in range(max(400, n // 25))]
    start = date(2022, 1, 1)
    events: list[Event] = []
    published: dict[str, str] = {}
    i = 0
    while len(events) < n:
        day = start + timedelta(days=rng.randrange(3 * 365))
        name, lat, lon = rng.choice(places)
        etype, sub = rng.choice(SUBS)
        target = rng.choice(TARGETS)
        killed = rng.randrange(0, 30)
        for k in range(rng.randint(1, 4)):  # the same incident told by several reports
            if len(events) >= n:
                break
            rid = f"r{i}"
            text = f"A {sub.lower()} hit the {target or 'town'} in {name}, killing {killed + k} people."
            events.append(
                Event(
                    event_id=f"e{i}",
                    report_id=rid,
                    event_date=day,
                    event_type=etype,
                    sub_event_type=sub,
                    country=f"Country {int(lat) // 10}",
                    admin1=f"Region {int(lat)}",
                    location=name,
                    latitude=lat + rng.uniform(-0.005, 0.005),
                    longitude=lon + rng.uniform(-0.005, 0.005),
                    geo_precision=1,
                    fatalities=killed + k,
                    sources=[Source(f"Source {rng.randrange(50)}")],
                    evidence=[Evidence(rid, text, 0, len(text))],
                )
            )
            published[rid] = f"{day.isoformat()}T{8 + k:02d}:00:00+00:00"
            i += 1
    rng.shuffle(events)
    return events, published


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated event counts")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    base: tuple[int, float] | None = None
    merge_events(synthetic(500, seed=2)[0])  # warm up: lexicons and the actor dictionary load once, untimed
    # CPU time of this process, besides wall time: on a shared machine the wall clock measures the neighbours.
    print(
        f"{'events':>10} {'incidents':>10} {'wall s':>8} {'cpu s':>8} {'events/cpu s':>13} "
        f"{'cpu ratio':>10} {'n log n ratio':>14}"
    )
    for n in sizes:
        events, published = synthetic(n)
        w0, c0 = time.perf_counter(), time.process_time()
        merged = merge_events(events, published)
        wall, dt = time.perf_counter() - w0, time.process_time() - c0
        if base is None:
            base = (n, dt)
        n0, t0_ = base
        time_ratio = dt / t0_
        nlogn_ratio = (n * math.log(n)) / (n0 * math.log(n0))
        print(
            f"{n:>10} {len(merged):>10} {wall:>8.1f} {dt:>8.1f} {n / dt:>13.0f} {time_ratio:>10.1f} "
            f"{nlogn_ratio:>14.1f}",
            flush=True,
        )
        del events, merged
    return 0


if __name__ == "__main__":
    sys.exit(main())
