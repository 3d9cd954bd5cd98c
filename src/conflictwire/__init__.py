"""conflictwire: reads conflict reports and writes an ACLED-style event database, showing its work.

>>> import conflictwire
>>> result = conflictwire.extract(text, published="2024-12-02T16:06:00+05:30", outlet="Myind")
>>> result.events[0].to_dict()
"""

from __future__ import annotations

# The stages' package is loaded before the function of the same name is defined below: loading a subpackage
# sets it as an attribute of its parent, which would otherwise replace conflictwire.extract() on first use.
from . import extract as _stages  # noqa: F401  (light: the stages load spaCy only when run)
from .errors import InputError
from .model import Event, Evidence, Extraction, Report, Source, Toll

__version__ = "0.1.0"
__all__ = [
    "Event",
    "Evidence",
    "Extraction",
    "InputError",
    "Report",
    "Source",
    "Store",
    "Toll",
    "extract",
    "extract_report",
]


def extract(
    text: str, published, outlet: str = "", title: str = "", url: str = "", report_id: str = ""
) -> Extraction:
    """Events and tolls of one report's text, read against its publication time. Never merges across reports."""
    from .ingest.published import parse_published

    if not text or not text.strip():
        raise InputError("text", "the report is empty")
    report = Report(
        text=text,
        published=parse_published(published),
        outlet=outlet,
        title=title,
        url=url,
        report_id=report_id,
    )
    return extract_report(report)


def extract_report(report: Report) -> Extraction:
    from .extract.pipeline import extract_report as _run

    return _run(report)


def __getattr__(name):
    if name == "Store":  # imported lazily: extraction alone should not load DuckDB
        from .store import Store

        return Store
    raise AttributeError(name)
