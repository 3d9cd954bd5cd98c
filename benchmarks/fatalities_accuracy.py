"""How often the fatalities and dates stages agree with human coders, on the dev files of ../shared/eval.

Measurement only: the files are read here and nothing of them is written anywhere. Run from the repo root:

    .venv/bin/python benchmarks/fatalities_accuracy.py [--eval-dir DIR] [--limit N] [--errors N]

Fatalities: a report's figure is the sum of the best of its killed counts that are neither a part of another
count, nor cumulative, nor a restatement (``repeat_of``); it must equal the coder's figure exactly.
Dates: the first date the dates stage finds must equal the coded date (ACLED: in the notes, with the event date
as publication time; UCDP: in the article, with ``source_date`` as publication time).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from conflictwire.extract import dates, fatalities, nlp, numbers

csv.field_size_limit(sys.maxsize)


def report_killed(counts) -> int:
    return sum(
        c.best
        for c in counts
        if c.outcome == "killed"
        and not c.part_of
        and not c.cumulative
        and c.repeat_of is None
        and getattr(c, "within", None) is None
    )


def gold_number(value: str) -> int | None:
    """PITF writes a few figures as words ("dozens"): read them with the stage's own number grammar."""
    value = value.strip().strip("`'\"")
    if value.isdigit():
        return int(value)
    toks = numbers.tokenize(value)
    num = numbers.parse(toks, 0) if toks else None
    return num.best if num else None


def _parse_day(value: str) -> date:
    # PITF gives some start dates to the month only ("2013-05"): its first day stands in.
    value = value.strip()[:10]
    parts = (value.split("-") + ["01", "01"])[:3]
    return date(int(parts[0]), int(parts[1] or 1), int(parts[2] or 1))


def _docs(texts):
    return nlp.load().pipe((nlp.normalise(t) for t in texts), batch_size=64)


def fatality_rows(eval_dir: Path, limit: int | None):
    with open(eval_dir / "acled_mmr_2021_explosions.csv", newline="", encoding="utf-8") as fh:
        acled = [
            ("ACLED", r["notes"], int(r["fatalities"]), _parse_day(r["event_date"]))
            for r in csv.DictReader(fh)
        ][:limit]
    with open(eval_dir / "pitf_2013_2015.csv", newline="", encoding="utf-8") as fh:
        pitf = []
        for r in csv.DictReader(fh):
            gold = gold_number(r["deaths_number"])
            if gold is not None:
                pitf.append(("PITF", r["description"], gold, _parse_day(r["start_date"])))
        pitf = pitf[:limit]
    return acled + pitf


def ucdp_rows(eval_dir: Path, limit: int | None):
    rows = []
    with open(eval_dir / "ucdp_aec_validation.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            rows.append((r["source_article"], r["source_date"], _parse_day(r["start_date"]), r))
    return rows[:limit]


def _published(day: date | str) -> datetime:
    if isinstance(day, str):
        return datetime.fromisoformat(day.replace(" ", "T"))
    return datetime(day.year, day.month, day.day, 12, 0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=Path("/work/shared/eval"))
    ap.add_argument("--limit", type=int, default=None, help="first N rows of each file")
    ap.add_argument("--errors", type=int, default=0, help="print N failed cases per dataset (stdout only)")
    ap.add_argument("--skip-dates", action="store_true")
    args = ap.parse_args(argv)

    rows = fatality_rows(args.eval_dir, args.limit)
    t0 = time.perf_counter()
    stats: dict[str, list[int]] = {}
    errors: dict[str, list] = {}
    date_hits: dict[str, list[int]] = {"ACLED": [0, 0]}
    for (ds, text, gold, day), doc in zip(rows, _docs(r[1] for r in rows), strict=True):
        counts = fatalities.find(doc)
        got = report_killed(counts)
        s = stats.setdefault(ds, [0, 0, 0, 0])
        s[0] += 1
        s[1] += got == gold
        if gold > 0:
            s[2] += 1
            s[3] += got == gold
        if got != gold:
            errors.setdefault(ds, []).append((gold, got, text, counts))
        if ds == "ACLED" and not args.skip_dates:
            found = dates.find(doc, _published(day))
            date_hits["ACLED"][0] += 1
            date_hits["ACLED"][1] += bool(found) and found[0].date == day
    elapsed = time.perf_counter() - t0

    print(f"{'dataset':8} {'rows':>6} {'exact':>7} {'rows>0':>7} {'exact>0':>8}")
    for ds, (n, ok, n_pos, ok_pos) in stats.items():
        print(f"{ds:8} {n:6d} {ok / n:7.3f} {n_pos:7d} {ok_pos / max(n_pos, 1):8.3f}")
    print(f"({len(rows)} texts in {elapsed:.1f}s)")

    if not args.skip_dates:
        urows = ucdp_rows(args.eval_dir, args.limit)
        ok = slack = day_ok = anywhere = 0
        for (_text, src, start, _r), doc in zip(urows, _docs(r[0] for r in urows), strict=True):
            found = dates.find(doc, _published(src))
            ok += bool(found) and found[0].date == start
            slack += bool(found) and abs(found[0].date - start) <= timedelta(days=1)
            # what a linker would pick: the first day-precise date that does not open a period
            days = [m for m in found if m.precision == 1 and not m.since]
            day_ok += bool(days) and days[0].date == start
            anywhere += any(m.date <= start <= (m.end_date or m.date) for m in found)
        n, hit = date_hits["ACLED"]
        print(f"dates: ACLED first date == event_date {hit / max(n, 1):.3f} ({n} notes)")
        print(
            f"dates: UCDP first date == start_date {ok / max(len(urows), 1):.3f}, "
            f"within a day {slack / max(len(urows), 1):.3f} ({len(urows)} articles)"
        )
        print(
            f"dates: UCDP first day-precise, non-period date == start_date {day_ok / max(len(urows), 1):.3f}; "
            f"start_date among the dates found {anywhere / max(len(urows), 1):.3f}"
        )

    for ds, errs in errors.items():
        for gold, got, text, counts in errs[: args.errors]:
            print(f"\n[{ds}] gold={gold} got={got}\n  {text[:600]}")
            for c in counts:
                flags = ",".join(
                    f for f, on in (("part", c.part_of), ("cum", c.cumulative), ("vague", c.vague)) if on
                )
                rep = f" repeat_of={c.repeat_of}" if c.repeat_of is not None else ""
                rep += f" within={c.within}" if getattr(c, "within", None) is not None else ""
                print(f"    {c.outcome:9} {c.best:6d} {c.text!r} {flags}{rep}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
