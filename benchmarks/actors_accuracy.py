"""How often the actors stage names ACLED's actor1, on ACLED coder notes (measurement only, nothing is kept).

    .venv/bin/python benchmarks/actors_accuracy.py [/work/shared/eval/acled_mmr_2021_explosions.csv]
        [--country Myanmar] [--errors 20] [--limit N]

Figures printed, over all rows:
- first actor = actor1: the first actor mention (of any kind but source_only) in the notes is the gold actor1;
- first armed actor = actor1: the same over armed actors only (civilians are rarely actor1);
- first agent = actor1: the first mention the stage marks as role "agent" (else the first armed one);
- with fallback: the first agent, else the first armed actor of unknown role in the first sentence, else
  "Unidentified Armed Group (<country>)", ACLED's rule for unclaimed explosions (what the linker should do);
- actor1 found anywhere / actor2 found anywhere: the gold name is among the note's mentions;
- named actor1 found anywhere: the same over rows whose actor1 is not an "Unidentified ..." group.
By default the country is read from each note, as in production; --country fixes it (an upper bound).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

from conflictwire.extract import actors, nlp

DEFAULT = Path("/work/shared/eval/acled_mmr_2021_explosions.csv")


def first(mentions, want) -> str:
    for m in mentions:
        if want(m):
            return m.name
    return ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument(
        "--country", default="", help="fix the report country instead of reading it from the text"
    )
    ap.add_argument("--errors", type=int, default=0, help="print N misses of the fallback rule")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args(argv)
    if not args.path.is_file():
        print(f"{args.path}: no such file", file=sys.stderr)
        return 2
    with args.path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("notes")]
    if args.limit:
        rows = rows[: args.limit]

    score: Counter[str] = Counter()
    misses: Counter[tuple[str, str]] = Counter()
    examples = []
    t0 = time.perf_counter()
    texts = (nlp.normalise(r["notes"]) for r in rows)
    for row, doc in zip(rows, nlp.parse_many(texts), strict=True):
        when = date.fromisoformat(row["event_date"][:10]) if row.get("event_date") else None
        found = actors.find(doc, country=args.country, when=when)
        gold1, gold2 = row["actor1"], row["actor2"]
        country = args.country or row.get("country", "")
        not_source = [m for m in found if m.kind != "source_only"]
        armed = [m for m in found if m.kind == "armed"]
        agent = first(armed, lambda m: m.role == "agent") or first(armed, lambda m: True)
        # The rule a linker can apply: an actor the words make the agent, else an armed actor of unknown
        # role in the first sentence (where the notes describe the event), else ACLED's unidentified group.
        first_end = next(iter(doc.sents)).end_char
        fallback = first(armed, lambda m: m.role == "agent") or first(
            armed, lambda m, end=first_end: m.role == "" and m.start < end
        )
        fallback = fallback or f"Unidentified Armed Group ({country})"
        names = {m.name for m in found}
        score["first actor = actor1"] += first(not_source, lambda m: True) == gold1
        score["first armed actor = actor1"] += first(armed, lambda m: True) == gold1
        score["first agent = actor1"] += agent == gold1
        score["with fallback = actor1"] += fallback == gold1
        score["actor1 found anywhere"] += gold1 in names
        if not gold1.startswith("Unidentified"):
            # Unidentified groups are ACLED's word for "nobody named"; a note rarely names them.
            score["_named actor1"] += 1
            score["named actor1 found anywhere"] += gold1 in names
        if gold2 and gold2 != "NA":
            score["_with actor2"] += 1
            score["actor2 found anywhere"] += gold2 in names
        if fallback != gold1:
            misses[(gold1, fallback)] += 1
            examples.append((row["notes"], gold1, fallback))
    elapsed = time.perf_counter() - t0

    n = len(rows)
    print(f"{args.path.name}: {n} notes, {elapsed:.1f}s ({n / elapsed:.0f} notes/s)")
    for key, value in score.items():
        if key.startswith("_"):
            continue
        total = {"actor2": score["_with actor2"], "named ": score["_named actor1"]}.get(key[:6], n)
        print(f"  {key:<28} {value / max(total, 1):6.1%}  ({value}/{total})")
    print("  most frequent misses (gold -> found):")
    for (gold, got), count in misses.most_common(12):
        print(f"    {count:4d}  {gold}  ->  {got}")
    for notes, gold, got in examples[: args.errors]:
        print(f"\n  gold {gold}\n  got  {got}\n  {notes[:400]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
