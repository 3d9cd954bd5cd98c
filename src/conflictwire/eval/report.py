"""Run an evaluation and present it: the table of figures, JSON, and the worst cases side by side."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import datasets
from .matching import SCORERS, Scored
from .metrics import Metric, per_class, summarise

EXCERPT_CHARS = 400


@dataclass
class EvalResult:
    dataset: str
    path: str
    scored: list[Scored] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return len(self.scored)

    def metric(self, name: str) -> Metric:
        for m in self.metrics:
            if m.name == name:
                return m
        raise KeyError(name)

    def worst(self, n: int) -> list[Scored]:
        """The n rows that fail the most checks; labels the text supports before noisy ones; file order after."""
        order = {id(s): i for i, s in enumerate(self.scored)}
        failing = [s for s in self.scored if s.failures]
        failing.sort(key=lambda s: (-len(s.failures), not s.supported, order[id(s)]))
        return failing[:n]

    def to_dict(self, errors: int = 0) -> dict:
        d = {
            "dataset": self.dataset,
            "file": self.path,
            "rows": self.rows,
            "seconds": round(self.seconds, 1),
            "metrics": [m.to_dict() for m in self.metrics],
        }
        if self.dataset == "case":
            d["per_class"] = [vars(c) for c in per_class([s.label for s in self.scored if s.label])]
        if errors:
            d["errors"] = [
                {
                    "id": s.id,
                    "failed": s.failures,
                    "text": s.text,
                    "gold": s.gold,
                    "output": s.output,
                    "events": s.events,
                    "supported": s.supported,
                }
                for s in self.worst(errors)
            ]
        return d


def run(
    dataset: str,
    path: str | Path,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 64,
) -> EvalResult:
    """Extract every row of an evaluation file (batched through spaCy) and score it against its coding."""
    from ..extract.pipeline import extract_reports

    rows = datasets.load(dataset, path, limit)
    scorer = SCORERS[dataset]
    started = time.perf_counter()
    scored = []
    reports = (r.report() for r in rows)  # the files name no outlet
    for i, (row, extraction) in enumerate(
        zip(rows, extract_reports(reports, batch_size=batch_size), strict=True)
    ):
        scored.append(scorer(row, extraction.events))
        if progress:
            progress(i + 1, len(rows))
    return EvalResult(
        dataset=dataset,
        path=str(path),
        scored=scored,
        metrics=summarise(dataset, scored),
        seconds=time.perf_counter() - started,
    )


def _value(m: Metric) -> str:
    return "n/a" if m.value is None else f"{m.value:.3f}"


def _count(m: Metric) -> str:
    if m.n is None:
        return ""
    return f"{m.hits}/{m.n}" if m.hits is not None else str(m.n)


def table(result: EvalResult) -> str:
    """A Markdown table (pasteable into the README), then CASE's per-label scores."""
    lines = [
        f"{result.dataset}: {result.path} ({result.rows} rows, {result.seconds:.0f} s)",
        "",
        "| metric | value | rows |",
        "|---|---|---|",
    ]
    for m in result.metrics:
        lines.append(f"| {m.name} | {_value(m)} | {_count(m)} |")
    if result.dataset == "case":
        lines += [
            "",
            "| sub-event type | gold | output | precision | recall | F1 |",
            "|---|---|---|---|---|---|",
        ]
        for c in per_class([s.label for s in result.scored if s.label]):
            lines.append(
                f"| {c.label} | {c.support} | {c.predicted} | {c.precision:.2f} | {c.recall:.2f} | {c.f1:.2f} |"
            )
    return "\n".join(lines)


def errors_text(result: EvalResult, n: int, width: int = 110) -> str:
    """The n worst cases: an excerpt of the text, then each field's gold and output side by side."""
    worst = result.worst(n)
    if not worst:
        return "No failing rows."
    out = [f"{len(worst)} worst of {sum(1 for s in result.scored if s.failures)} failing rows"]
    for rank, s in enumerate(worst, start=1):
        flag = "" if s.supported else "  [noisy label: the text names no gold place]"
        out.append("")
        out.append(f"#{rank} id {s.id}: failed {', '.join(s.failures)}{flag}")
        excerpt = " ".join(s.text.split())
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[:EXCERPT_CHARS] + " ..."
        out += textwrap.wrap(
            excerpt, width=width, initial_indent="  text  | ", subsequent_indent="        | "
        )
        keys = list(dict.fromkeys([*s.gold, *s.output]))
        kw = max(len(k) for k in keys)
        failed = s.failed_fields
        gw = min(45, max(len(str(s.gold.get(k, ""))) for k in keys))
        out.append(f"  {'field'.ljust(kw)} | {'gold'.ljust(gw)} | output")
        for k in keys:
            mark = "x" if k in failed else " "
            out.append(f"{mark} {k.ljust(kw)} | {str(s.gold.get(k, '')).ljust(gw)} | {s.output.get(k, '')}")
        for e in s.events[:6]:
            out.append(f"  event | {e}")
        if len(s.events) > 6:
            out.append(f"  event | ... {len(s.events) - 6} more")
    return "\n".join(out)
