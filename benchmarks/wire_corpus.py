"""A synthetic wire corpus for scale runs: short reports of many incidents, each told by one to four outlets.

    .venv/bin/python benchmarks/wire_corpus.py --reports 1000000 --out wire.jsonl

The demo reports repeated a million times would be a million tellings of twenty incidents: nothing like a feed,
and a merge load no real corpus has. This writes what a day's wire looks like instead: incidents spread over two
years and a few dozen towns in eight countries, each retold by 1-4 outlets within two days, in differing words and
figures. The sentences are templates written for this project; places, actors and outlets are real names.
Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, date, datetime, timedelta

TOWNS = {
    "Syria": [
        "Idlib",
        "Aleppo",
        "Hama",
        "Homs",
        "Saraqib",
        "Ariha",
        "Jisr al-Shughur",
        "Daraa",
        "Deir ez-Zor",
    ],
    "Ukraine": ["Kharkiv", "Kherson", "Zaporizhzhia", "Sumy", "Pokrovsk", "Kramatorsk", "Odesa", "Nikopol"],
    "Sudan": ["Omdurman", "El Fasher", "Khartoum", "Nyala", "El Obeid", "Kadugli"],
    "Myanmar": ["Lashio", "Myawaddy", "Sittwe", "Bhamo", "Loikaw"],
    "DR Congo": ["Goma", "Beni", "Butembo", "Bunia", "Rutshuru"],
    "Mali": ["Mopti", "Gao", "Timbuktu", "Kidal", "Menaka"],
    "Yemen": ["Hodeidah", "Taiz", "Marib", "Sanaa"],
    "Nigeria": ["Maiduguri", "Kaduna", "Gusau", "Bama"],
}
FORCES = {
    "Syria": ("Syrian government forces", "Hayat Tahrir al-Sham fighters"),
    "Ukraine": ("Russian forces", "Ukrainian troops"),
    "Sudan": ("the Rapid Support Forces", "the Sudanese army"),
    "Myanmar": ("the Myanmar military", "resistance fighters"),
    "DR Congo": ("M23 rebels", "Congolese troops"),
    "Mali": ("JNIM militants", "Malian soldiers"),
    "Yemen": ("Houthi forces", "government troops"),
    "Nigeria": ("Boko Haram fighters", "Nigerian troops"),
}
OUTLETS = [
    "Harbour Wire",
    "Daily Ledger",
    "North Star Radio",
    "Crossroads News",
    "Valley Post",
    "Meridian Desk",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# {when}: "on Tuesday" or "today"; {a}/{b}: the two sides; {n}: the dead; {town}, {country}.
KINDS = {
    "strike": [
        "An air strike hit a market in {town}, {country}, {when}, killing {n} people, rescue workers said.",
        "Warplanes bombed {town} {when}. Medics said {n} civilians were killed in the raid.",
        "{n} people died when jets struck a residential street in {town} {when}, local officials said.",
    ],
    "shelling": [
        "Shelling by {a} killed {n} people in {town} {when}, the regional governor said.",
        "Artillery fire hit {town}, {country}, {when}; {n} residents were killed, according to medics.",
    ],
    "clash": [
        "Fighting between {a} and {b} near {town} {when} left {n} combatants dead, a monitor said.",
        "{a} clashed with {b} on the edge of {town} {when}. At least {n} fighters were killed.",
    ],
    "attack": [
        "Gunmen believed to be {a} attacked a village near {town} {when}, killing {n} civilians.",
        "{a} raided homes outside {town} {when} and shot dead {n} villagers, witnesses said.",
    ],
    "protest": [
        "Hundreds of people marched through {town} {when} to demand the release of detained relatives.",
        "Residents of {town} protested peacefully {when} against power cuts, organisers said.",
    ],
}


def _when(day: date, published: datetime) -> str:
    gap = (published.date() - day).days
    return "today" if gap == 0 else f"on {WEEKDAYS[day.weekday()]}"


def reports(n: int, seed: int = 7):
    """Yields n report rows (id, text, published, outlet, url), incidents in date order."""
    rng = random.Random(seed)
    start = date(2023, 1, 1)
    span = 730
    incidents = max(n // 2, 1)  # 2.5 tellings on average, as below
    made = 0
    k = 0
    while made < n:
        day = start + timedelta(days=(k * span) // incidents)
        country = rng.choice(list(TOWNS))
        town = rng.choice(TOWNS[country])
        kind = rng.choice(list(KINDS))
        a, b = FORCES[country]
        killed = rng.randint(1, 30)
        for j in range(min(rng.choice((1, 2, 2, 3, 4)), n - made)):
            published = datetime(day.year, day.month, day.day, 6, tzinfo=UTC) + timedelta(
                hours=rng.randint(0, 60)
            )
            figure = killed if j == 0 else max(1, killed + rng.choice((0, 0, 1, 2, -1)))
            text = rng.choice(KINDS[kind]).format(
                town=town, country=country, when=_when(day, published), n=figure, a=a, b=b
            )
            outlet = OUTLETS[(k + j) % len(OUTLETS)]
            # A dateline, as wires write them: retellings in the same words stay distinct reports.
            text = f"{town.upper()}, {published:%B} {published.day} ({outlet}) - {text[0].upper()}{text[1:]}"
            yield {
                "id": f"wire-{made:07d}",
                "text": text,
                "published": published.isoformat(),
                "outlet": outlet,
                "url": f"https://wire.conflictwire.invalid/{made}",
            }
            made += 1
        k += 1


def write(path, n: int, seed: int = 7) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for row in reports(n, seed):
            out.write(json.dumps(row) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    write(args.out, args.reports, args.seed)


if __name__ == "__main__":
    main()
