"""Latency of `GET /api/events` over a database of 1,000,000 synthetic events (a script, not a test).

    .venv/bin/python benchmarks/api_latency.py [--db bench-1m.duckdb] [--events 1000000] [--requests 600]

Builds the database once (bulk INSERT ... SELECT from range() into the store's schema; reused on later runs when
it holds the requested number of events), starts `conflictwire serve` on a free port, sends requests with varied
filters, sorts and pages one after another over a kept-alive connection, and prints p50/p95/p99 per kind and
overall. Target: p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx

from conflictwire.store import Store

# (country, iso, admin1 names, lon0, lat0, lon1, lat1): synthetic points fall inside these boxes.
COUNTRIES = [
    ("Ukraine", 804, ["Kharkiv", "Donetsk", "Zaporizhia", "Kherson", "Sumy"], 30.0, 46.5, 38.5, 51.0),
    (
        "Sudan",
        729,
        ["Khartoum", "North Darfur", "Al Jazirah", "South Kordofan", "Blue Nile"],
        22.0,
        10.0,
        36.0,
        19.0,
    ),
    ("Syria", 760, ["Idlib", "Aleppo", "Hama", "Deir ez Zor", "Daraa"], 35.8, 32.5, 41.5, 37.0),
    ("Myanmar", 104, ["Sagaing", "Shan", "Rakhine", "Kachin", "Magway"], 92.5, 16.0, 100.0, 26.5),
    ("Nigeria", 566, ["Borno", "Zamfara", "Kaduna", "Benue", "Plateau"], 4.0, 6.5, 14.0, 13.5),
    (
        "Democratic Republic of Congo",
        180,
        ["North Kivu", "Ituri", "South Kivu", "Tanganyika"],
        26.0,
        -8.0,
        30.5,
        3.0,
    ),
    ("Yemen", 887, ["Taiz", "Marib", "Al Hudaydah", "Sanaa"], 43.0, 13.0, 49.0, 17.0),
    ("Mexico", 484, ["Guerrero", "Michoacan", "Sinaloa", "Jalisco"], -108.0, 16.5, -98.0, 25.0),
]
TYPES = [
    ("Political violence", "Battles", "Armed clash"),
    ("Political violence", "Battles", "Non-state actor overtakes territory"),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("Political violence", "Violence against civilians", "Attack"),
    ("Demonstrations", "Protests", "Peaceful protest"),
    ("Demonstrations", "Riots", "Mob violence"),
    ("Strategic developments", "Strategic developments", "Looting/property destruction"),
]
ACTORS = [
    "Military Forces of Ukraine",
    "Military Forces of Russia (2000-)",
    "Rapid Support Forces",
    "Military Forces of Sudan (2019-)",
    "Hayat Tahrir al-Sham",
    "People's Defense Force",
    "Boko Haram",
    "M23: March 23 Movement",
    "Houthi Movement",
    "Sinaloa Cartel",
    "Unidentified Armed Group",
    "Protesters",
]
GRADES = ["confirmed", "fair", "weak", "contested"]
WORDS = [
    "market",
    "checkpoint",
    "village",
    "convoy",
    "hospital",
    "school",
    "bridge",
    "camp",
    "mosque",
    "farm",
]
SOURCES = ["Reuters", "AFP", "local monitoring group", "regional governor", "war monitor", "police"]


def sql_list(values) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def build(path: Path, n: int) -> None:
    """n synthetic events written straight into the store's schema (the Store applies its migrations first)."""
    Store(path).close()
    con = duckdb.connect(str(path))
    t0 = time.perf_counter()
    countries = sql_list(c[0] for c in COUNTRIES)
    isos = "[" + ", ".join(str(c[1]) for c in COUNTRIES) + "]"
    admin1s = "[" + ", ".join(sql_list(c[2]) for c in COUNTRIES) + "]"
    boxes = "[" + ", ".join(f"[{c[3]}, {c[4]}, {c[5]}, {c[6]}]" for c in COUNTRIES) + "]"
    con.execute("BEGIN")
    con.execute(
        f"""
        CREATE TEMP TABLE synth AS
        SELECT i,
               (hash(i) % {len(COUNTRIES)})::INT + 1 AS c,
               (hash(i * 7) % {len(TYPES)})::INT + 1 AS t,
               (hash(i * 13) % {len(ACTORS)})::INT + 1 AS a1,
               (hash(i * 17) % {len(ACTORS)})::INT + 1 AS a2,
               (hash(i * 19) % 1000)::DOUBLE / 1000 AS u,
               (hash(i * 23) % 1000)::DOUBLE / 1000 AS v,
               (hash(i * 29) % {len(WORDS)})::INT + 1 AS w,
               (hash(i * 31) % {len(SOURCES)})::INT + 1 AS s,
               DATE '2018-01-01' + CAST(hash(i * 37) % 2900 AS INTEGER) AS d,
               CAST(floor(pow((hash(i * 41) % 1000)::DOUBLE / 1000, 4) * 60) AS INTEGER) AS f
        FROM range({n}) r(i)
        """
    )
    types = "[" + ", ".join(sql_list(t) for t in TYPES) + "]"
    con.execute(
        f"""
        INSERT INTO events (event_id, event_date, time_precision, disorder_type, event_type, sub_event_type,
            actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting, iso,
            country, admin1, admin2, location, latitude, longitude, geo_precision, source, notes, fatalities,
            fatalities_low, fatalities_high, grade, grade_reasons, first_report_id, search_text, created_at,
            updated_at)
        SELECT 'syn-' || i, d, 1, {types}[t][1], {types}[t][2], {types}[t][3],
            {sql_list(ACTORS)}[a1], '', 2, {sql_list(ACTORS)}[a2], '', 1, 12, '', {isos}[c],
            {countries}[c],
            {admin1s}[c][1 + (i % len({admin1s}[c]))], '', 'Place ' || (i % 5000),
            {boxes}[c][2] + v * ({boxes}[c][4] - {boxes}[c][2]),
            {boxes}[c][1] + u * ({boxes}[c][3] - {boxes}[c][1]),
            1, {sql_list(SOURCES)}[s],
            'Synthetic event near the ' || {sql_list(WORDS)}[w] || ' of place ' || (i % 5000), f, f, f + (i % 3),
            {sql_list(GRADES)}[1 + (i % 4)], ['synthetic'], 'rep-' || (i // 3),
            lower({countries}[c] || ' ' || {sql_list(ACTORS)}[a1] || ' ' || {sql_list(ACTORS)}[a2] || ' ' ||
                  {sql_list(WORDS)}[w] || ' place ' || (i % 5000)),
            now(), now()
        FROM synth
        """
    )
    con.execute(
        "INSERT INTO event_reports SELECT 'syn-' || i, 'rep-' || (i // 3), 'syn-' || i, i, NULL FROM synth"
    )
    con.execute(
        f"INSERT INTO event_sources SELECT 'syn-' || i, 'rep-' || (i // 3), {sql_list(SOURCES)}[s], 'report' FROM synth"
    )
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()
    print(f"built {n:,} events in {time.perf_counter() - t0:.1f} s → {path}", flush=True)


def event_count(path: Path) -> int:
    if not path.exists():
        return -1
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            return int(con.execute("SELECT count(*) FROM events").fetchone()[0])
        finally:
            con.close()
    except duckdb.Error:
        return -1


def queries(rng: random.Random):
    """(kind, params) pairs an analyst's dashboard would send."""
    while True:
        c = rng.choice(COUNTRIES)
        y = rng.randint(2018, 2025)
        m = rng.randint(1, 12)
        kind = rng.choice(
            [
                "none",
                "country",
                "dates",
                "type",
                "country+dates",
                "bbox",
                "text",
                "actor",
                "grade",
                "sort",
                "page",
            ]
        )
        p: dict = {"limit": 100}
        if kind == "country":
            p["country"] = c[0]
        elif kind == "dates":
            p.update(date_from=f"{y}-{m:02d}-01", date_to=f"{y}-{m:02d}-28")
        elif kind == "type":
            p["event_type"] = rng.choice(TYPES)[1]
        elif kind == "country+dates":
            p.update(country=c[0], admin1=rng.choice(c[2]), date_from=f"{y}-01-01", date_to=f"{y}-06-30")
        elif kind == "bbox":
            lon, lat = rng.uniform(c[3], c[5] - 1), rng.uniform(c[4], c[6] - 1)
            p["bbox"] = f"{lon:.2f},{lat:.2f},{lon + 1:.2f},{lat + 1:.2f}"
        elif kind == "text":
            p["q"] = rng.choice(WORDS)
        elif kind == "actor":
            p["actor"] = rng.choice(ACTORS).split()[0]
        elif kind == "grade":
            p.update(grade=rng.choice(GRADES), country=c[0])
        elif kind == "sort":
            p["sort"] = rng.choice(["-fatalities", "event_date", "country", "-updated_at"])
        elif kind == "page":
            p.update(offset=rng.randint(0, 50) * 100, sort="-event_date")
        yield kind, p


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="bench-1m.duckdb")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=600)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    path = Path(args.db)
    if event_count(path) != args.events:
        path.unlink(missing_ok=True)
        Path(str(path) + ".wal").unlink(missing_ok=True)
        build(path, args.events)
    else:
        print(f"reusing {path} ({args.events:,} events)")

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CONFLICTWIRE_TOKEN"}
    cli = Path(sys.executable).with_name("conflictwire")
    proc = subprocess.Popen(
        [str(cli), "serve", "--db", str(path), "--port", str(port)], env=env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            print("server did not start", file=sys.stderr)
            return 1
        # The server answers from the Store at once and from its read index when that is built (a background
        # thread over a big database): measure the steady state, and say how long the index took.
        t0 = time.perf_counter()
        while not httpx.get(base + "/api/health", timeout=30).json().get("index_ready"):
            time.sleep(0.5)
        print(f"read index ready {time.perf_counter() - t0:.1f} s after the server answered", flush=True)
        rng = random.Random(args.seed)
        gen = queries(rng)
        timings: dict[str, list[float]] = {}
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(args.warmup):
                client.get("/api/events", params=next(gen)[1]).raise_for_status()
            for _ in range(args.requests):
                kind, params = next(gen)
                t0 = time.perf_counter()
                r = client.get("/api/events", params=params)
                ms = (time.perf_counter() - t0) * 1000
                r.raise_for_status()
                timings.setdefault(kind, []).append(ms)
        every = [t for ts in timings.values() for t in ts]
        print(
            f"\nGET /api/events over {args.events:,} events, {len(every)} requests (sequential, keep-alive)"
        )
        print(f"{'kind':<15}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for kind in sorted(timings):
            ts = timings[kind]
            print(f"{kind:<15}{len(ts):>5}{pct(ts, 50):>9.1f}{pct(ts, 95):>9.1f}{pct(ts, 99):>9.1f}")
        p95 = pct(every, 95)
        print(f"{'all':<15}{len(every):>5}{pct(every, 50):>9.1f}{p95:>9.1f}{pct(every, 99):>9.1f}")
        print(
            f"mean {statistics.mean(every):.1f} ms; target p95 < 100 ms: {'met' if p95 < 100 else 'NOT met'}"
        )
        return 0
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
