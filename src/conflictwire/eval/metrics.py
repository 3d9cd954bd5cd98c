"""Figures from scored rows: rates, and accuracy / macro F1 / weighted F1 for CASE's classification.

The F1 arithmetic follows scikit-learn's definitions (labels = every label seen in gold or output; weighted F1
weights each label by its gold support; a label never predicted has precision 0), written out here so that the
project does not depend on scikit-learn for a few sums.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from .matching import Scored


@dataclass
class Metric:
    name: str
    value: float | None  # None when no row applies
    hits: int | None = None
    n: int | None = None
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def per_class(pairs: Sequence[tuple[str, str]]) -> list[ClassScore]:
    """Precision, recall and F1 of each label over (gold, predicted) pairs, labels sorted by name."""
    gold = Counter(g for g, _ in pairs)
    pred = Counter(p for _, p in pairs)
    hit = Counter(g for g, p in pairs if g == p)
    out = []
    for label in sorted(set(gold) | set(pred)):
        p = _div(hit[label], pred[label])
        r = _div(hit[label], gold[label])
        out.append(ClassScore(label, p, r, _div(2 * p * r, p + r), gold[label], pred[label]))
    return out


def classification(pairs: Sequence[tuple[str, str]]) -> dict[str, float]:
    """accuracy, macro_f1 and weighted_f1 of (gold, predicted) pairs."""
    if not pairs:
        return {"accuracy": 0.0, "macro_f1": 0.0, "weighted_f1": 0.0}
    scores = per_class(pairs)
    total = sum(s.support for s in scores)
    return {
        "accuracy": sum(1 for g, p in pairs if g == p) / len(pairs),
        "macro_f1": sum(s.f1 for s in scores) / len(scores),
        "weighted_f1": _div(sum(s.f1 * s.support for s in scores), total),
    }


def rate(name: str, checks: Iterable[bool | None], note: str = "") -> Metric:
    """Share of True among the rows the check applies to (None = does not apply)."""
    applied = [c for c in checks if c is not None]
    hits = sum(1 for c in applied if c)
    return Metric(name, hits / len(applied) if applied else None, hits, len(applied), note)


def summarise(dataset: str, scored: Sequence[Scored]) -> list[Metric]:
    """The table of figures for one dataset (issue 3's metrics), in a fixed order."""
    if dataset == "case":
        pairs = [s.label for s in scored if s.label]
        c = classification(pairs)
        n = len(pairs)
        hits = sum(1 for g, p in pairs if g == p)
        return [
            Metric("sub_event_type weighted F1", c["weighted_f1"], None, n),
            Metric("sub_event_type macro F1", c["macro_f1"], None, n),
            Metric("sub_event_type accuracy", c["accuracy"], hits, n),
        ]
    if dataset == "ucdp":
        supported = [s for s in scored if s.supported]
        unsupported = len(scored) - len(supported)
        return [
            rate("event found (date and place)", (s.checks["event_found"] for s in scored)),
            rate("fatalities within range", (s.checks["fatalities_in_range"] for s in scored)),
            rate(
                "event found, labels the text supports",
                (s.checks["event_found"] for s in supported),
                "rows whose text names a gold place",
            ),
            rate(
                "fatalities within range, labels the text supports",
                (s.checks["fatalities_in_range"] for s in supported),
            ),
            Metric(
                "noisy labels (no gold place named in the text)",
                _div(unsupported, len(scored)),
                unsupported,
                len(scored),
            ),
        ]
    if dataset == "pitf":
        return [
            rate(
                "fatalities exact", (s.checks["fatalities_exact"] for s in scored), "rows with a death number"
            ),
            rate("place within 25 km", (s.checks["place_25km"] for s in scored), "rows with coordinates"),
            rate(
                "place within 25 km, text names the place",
                (s.checks["place_25km"] for s in scored if s.supported),
                "rows whose text names the coded locality, admin2 or admin1",
            ),
        ]
    if dataset == "acled":
        names = [
            ("event_type", "event type (first event)"),
            ("sub_event_type", "sub-event type (first event)"),
            ("actor1", "actor1 (first event)"),
            ("admin1", "admin1 (first event)"),
            ("event_date", "event date (first event)"),
            ("fatalities_exact", "fatalities exact"),
            ("fatalities_exact_gt0", "fatalities exact, where fatalities > 0"),
            ("place_10km", "place within 10 km"),
        ]
        return [rate(label, (s.checks[key] for s in scored)) for key, label in names]
    raise ValueError(f"unknown dataset {dataset!r}")
