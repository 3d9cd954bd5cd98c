"""Accuracy of the event-type stage alone, on human-coded data it was not written from.

    .venv/bin/python benchmarks/types_accuracy.py [--eval-dir /work/shared/eval] [--errors N] [--only case|acled]

1. CASE 2021 task 2 (case2021_task2.tsv): the snippet's answer is the sub-event type of ``event_types.primary`` (the
   strongest trigger of the first sentence that tells an event), NONE when there is none; CASE's non-ACLED labels
   (disasters, organised crime, diplomacy, claims of responsibility) expect NONE. Weighted F1, macro F1, accuracy.
2. ACLED Myanmar 2021 explosions (acled_mmr_2021_explosions.csv): accuracy of the primary trigger's sub-event type
   against the coder's ``sub_event_type``, on the ``notes`` text.

Prints the figures, the confusion pairs that remain and, with --errors, that many misclassified texts (to the
terminal only: the evaluation data is never copied into the project).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from conflictwire.eval import datasets, metrics
from conflictwire.extract import event_types, nlp

NONE = datasets.NONE


def predict(texts: list[str]) -> list[str]:
    out = []
    for doc in nlp.parse_many([nlp.normalise(t) for t in texts], batch_size=64):
        best = event_types.primary(event_types.find(doc))
        out.append(best.sub_event_type if best else NONE)
    return out


def confusion(pairs: list[tuple[str, str]], top: int) -> None:
    wrong = Counter((g, p) for g, p in pairs if g != p)
    print(f"  confusion pairs left ({sum(wrong.values())} errors), gold -> output:")
    for (g, p), n in wrong.most_common(top):
        print(f"    {n:3d}  {g} -> {p}")


def show_errors(texts: list[str], pairs: list[tuple[str, str]], n: int) -> None:
    shown = 0
    for text, (g, p) in zip(texts, pairs, strict=True):
        if g != p and shown < n:
            shown += 1
            print(f"  [{g} -> {p}] {text[:300]}")


def run_case(path: Path, errors: int) -> dict[str, float]:
    rows = datasets.load_case(path)
    texts = [r.text for r in rows]
    t0 = time.perf_counter()
    pred = predict(texts)
    took = time.perf_counter() - t0
    pairs = [(r.gold["sub_event_type"], p) for r, p in zip(rows, pred, strict=True)]
    figures = metrics.classification(pairs)
    print(f"CASE 2021 task 2: {len(rows)} snippets ({took:.1f} s)")
    print(
        f"  weighted F1 {figures['weighted_f1']:.3f}   macro F1 {figures['macro_f1']:.3f}   "
        f"accuracy {figures['accuracy']:.3f}   (target weighted F1 >= 0.90; best CASE 2021 system 0.839)"
    )
    print("  per label: precision recall f1 support predicted")
    for c in metrics.per_class(pairs):
        print(
            f"    {c.label:38s} {c.precision:.2f} {c.recall:.2f} {c.f1:.2f} {c.support:4d} {c.predicted:4d}"
        )
    confusion(pairs, 25)
    show_errors(texts, pairs, errors)
    return figures


def run_acled(path: Path, errors: int) -> float:
    rows = datasets.load_acled(path)
    texts = [r.text for r in rows]
    t0 = time.perf_counter()
    pred = predict(texts)
    took = time.perf_counter() - t0
    pairs = [(r.gold["sub_event_type"], p) for r, p in zip(rows, pred, strict=True)]
    acc = sum(g == p for g, p in pairs) / len(pairs)
    print(f"ACLED Myanmar 2021 explosions: {len(rows)} notes ({took:.1f} s)")
    print(f"  sub-event type accuracy {acc:.3f}   (target >= 0.90; keyword baseline 0.42)")
    gold = Counter(g for g, _ in pairs)
    for label, n in gold.most_common():
        hit = sum(1 for g, p in pairs if g == label and p == label)
        print(f"    {label:38s} {hit:4d}/{n:4d} = {hit / n:.2f}")
    confusion(pairs, 15)
    show_errors(texts, pairs, errors)
    return acc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval-dir", type=Path, default=Path("/work/shared/eval"))
    ap.add_argument("--errors", type=int, default=0, help="show this many misclassified texts per dataset")
    ap.add_argument("--only", choices=("case", "acled"), default=None)
    args = ap.parse_args(argv)
    if args.only in (None, "case"):
        run_case(args.eval_dir / "case2021_task2.tsv", args.errors)
    if args.only in (None, "acled"):
        run_acled(args.eval_dir / "acled_mmr_2021_explosions.csv", args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
