"""How well the places stage alone places real human-coded reports (issue 3), and how fast it is.

For each row: parse the text, run ``places.find``, take the first place that is not a country, and compare its
point with the coded one (haversine) and its admin1 name with the coded admin1. Prints the share within 10 km
(ACLED Myanmar notes) and 25 km (PITF descriptions), the admin1 match rate, how many rows got no place at all,
and the distance share by geo_precision. The data is read, measured and never written anywhere.

    .venv/bin/python benchmarks/places_accuracy.py [--limit N] [--errors N] [--speed]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

from conflictwire.extract import gazetteer, nlp, places

EVAL = Path("/work/shared/eval")
DATASETS = {
    # name: (file, text column, lat column, lon column, admin1 column, km threshold)
    "acled": ("acled_mmr_2021_explosions.csv", "notes", "latitude", "longitude", "admin1", 10.0),
    "pitf": ("pitf_2013_2015.csv", "description", "latitude", "longitude", "region_admin1", 25.0),
}


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    for suffix in (" state", " region", " province", " governorate", " oblast", " division"):
        s = s.removesuffix(suffix)
    return s.replace("-", " ").replace("'", "").strip()


def admin1_match(gold: str, got: str) -> bool:
    g, o = _fold(gold), _fold(got)
    return bool(g) and bool(o) and (g == o or g in o or o in g)


def first_place(found):
    for p in found:
        if p.kind != "country" and p.latitude is not None:
            return p
    return None


def most_specific(found):
    """The most precise non-country place (lowest geo_precision), the first among equals: what a linker that
    prefers the town over the province it sits in would take."""
    best = None
    for p in found:
        if (
            p.kind != "country"
            and p.latitude is not None
            and (best is None or p.geo_precision < best.geo_precision)
        ):
            best = p
    return best


def run(name: str, limit: int | None, errors: int) -> dict:
    fname, text_col, lat_col, lon_col, a1_col, km = DATASETS[name]
    with (EVAL / fname).open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get(lat_col) and r.get(lon_col) and r.get(text_col)]
    if limit:
        rows = rows[:limit]
    texts = [nlp.normalise(r[text_col]) for r in rows]
    n = hit = a1_n = a1_hit = none = spec_hit = 0
    by_prec: Counter = Counter()
    by_prec_hit: Counter = Counter()
    worst = []
    t_find = 0.0
    for row, doc in zip(rows, nlp.parse_many(texts), strict=True):
        t0 = time.perf_counter()
        found = places.find(doc)
        t_find += time.perf_counter() - t0
        n += 1
        p = first_place(found)
        glat, glon = float(row[lat_col]), float(row[lon_col])
        q = most_specific(found)
        if q is not None:
            spec_hit += gazetteer.haversine_km(glat, glon, q.latitude, q.longitude) <= km
        if p is None:
            none += 1
            worst.append((float("inf"), row, None))
            continue
        d = gazetteer.haversine_km(glat, glon, p.latitude, p.longitude)
        ok = d <= km
        hit += ok
        by_prec[p.geo_precision] += 1
        by_prec_hit[p.geo_precision] += ok
        if row.get(a1_col):
            a1_n += 1
            a1_hit += admin1_match(row[a1_col], p.admin1)
        if not ok:
            worst.append((d, row, p))
    print(f"\n== {name}: {fname} ({n} rows)")
    print(f"place within {km:.0f} km: {hit / n:.3f}   ({hit}/{n})")
    print(f"  most specific place within {km:.0f} km: {spec_hit / n:.3f}   ({spec_hit}/{n})")
    print(f"admin1 name match:    {a1_hit / max(1, a1_n):.3f}   ({a1_hit}/{a1_n})")
    print(f"no place found:       {none / n:.3f}   ({none})")
    for prec in sorted(by_prec):
        print(
            f"  geo_precision {prec}: {by_prec[prec]:5d} rows, within {km:.0f} km "
            f"{by_prec_hit[prec] / by_prec[prec]:.3f}"
        )
    print(f"places.find: {1000 * t_find / n:.2f} ms per text")
    if errors:
        # Error analysis on screen only: the texts stay in the eval folder.
        worst.sort(key=lambda x: -x[0])
        for d, row, p in worst[:errors]:
            got = f"{p.text!r}->{p.name} ({p.admin1}, {p.country}) prec {p.geo_precision}" if p else "none"
            print(f"--- {d:.0f} km | gold {row.get(a1_col)} {row.get('location') or row.get('locality')}")
            print(f"    got {got}")
            print(f"    {row[text_col][:300]}")
    return {"within": hit / n, "specific": spec_hit / n, "admin1": a1_hit / max(1, a1_n), "none": none / n}


def speed() -> None:
    """places.find per sentence, against spaCy NER alone on the same sentences (the stage's speed budget)."""
    with (EVAL / "pitf_2013_2015.csv").open(encoding="utf-8", newline="") as fh:
        texts = [nlp.normalise(r["description"]) for r in csv.DictReader(fh)][:1500]
    nlp.load()
    t0 = time.perf_counter()
    docs = list(nlp.parse_many(texts))
    t_ner = time.perf_counter() - t0
    n_sents = sum(1 for d in docs for _ in d.sents)
    places.find(docs[0])
    t0 = time.perf_counter()
    for d in docs:
        places.find(d)
    t_places = time.perf_counter() - t0
    print(f"\n== speed on {len(docs)} texts, {n_sents} sentences")
    print(f"spaCy (ner+sentencizer): {1000 * t_ner / n_sents:.3f} ms/sentence")
    print(f"places.find:             {1000 * t_places / n_sents:.3f} ms/sentence")


def matcher_vs_dict() -> None:
    """The matching step alone: spaCy's PhraseMatcher (attr LOWER) over every gazetteer name, against the
    places stage's n-gram dict lookup (``places._scan``), on the same parsed texts."""
    from collections import Counter

    from spacy.matcher import PhraseMatcher

    gaz = gazetteer.get()
    nl = nlp.load()
    t0 = time.perf_counter()
    matcher = PhraseMatcher(nl.vocab, attr="LOWER")
    keys = list(gaz.keys)
    for i in range(0, len(keys), 10_000):
        matcher.add(f"P{i}", list(nl.tokenizer.pipe(keys[i : i + 10_000])))
    t_build = time.perf_counter() - t0
    with (EVAL / "pitf_2013_2015.csv").open(encoding="utf-8", newline="") as fh:
        texts = [nlp.normalise(r["description"]) for r in csv.DictReader(fh)][:1500]
    docs = list(nlp.parse_many(texts))
    n_sents = sum(1 for d in docs for _ in d.sents)
    t0 = time.perf_counter()
    n_matches = sum(len(matcher(d)) for d in docs)
    t_matcher = time.perf_counter() - t0
    t0 = time.perf_counter()
    infos = [places._DocInfo(d) for d in docs]  # token arrays the other steps of the stage read too
    t_info = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_spans = sum(len(places._scan(info, gaz, Counter())) for info in infos)
    t_dict = time.perf_counter() - t0
    print(f"\n== matching only, {n_sents} sentences")
    print(
        f"PhraseMatcher: built in {t_build:.1f} s, {1000 * t_matcher / n_sents:.3f} ms/sentence ({n_matches} raw)"
    )
    print(f"n-gram dict:   no build, {1000 * t_dict / n_sents:.3f} ms/sentence ({n_spans} longest spans)")
    print(
        f"  (+ {1000 * t_info / n_sents:.3f} ms/sentence to copy token attributes, shared with the later steps)"
    )


def load_times() -> None:
    import subprocess

    code = "from conflictwire.extract import gazetteer as g; g.get(); print(g.LOAD_SECONDS)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    print(f"gazetteer load in a fresh process: {out.stdout.strip()} (cold = build + cache, warm = cache)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--matcher", action="store_true", help="time PhraseMatcher against the dict lookup")
    ap.add_argument("--only", choices=sorted(DATASETS))
    args = ap.parse_args()
    load_times()
    for name in DATASETS:
        if args.only and name != args.only:
            continue
        run(name, args.limit, args.errors)
    if args.speed:
        speed()
    if args.matcher:
        matcher_vs_dict()


if __name__ == "__main__":
    main()
