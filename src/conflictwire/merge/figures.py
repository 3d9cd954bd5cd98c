"""An incident's fatality figures across reports: best, low and high, and the revision rule.

Each report's figure is kept (``Event.figures``: report_id, source, killed, published, revised). Among figures
reported at about the same time the event's figure is the most conservative one (ACLED's rule); a later report that
revises the toll ("has risen to 12", "nine have now died") supersedes what was said before it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..model import Event
from .lexicon import revision_pattern

# Reports this close together are "about the same time": neither can have revised the other.
SAME_TIME = timedelta(hours=6)
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def as_time(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not value:
        return _EARLIEST
    dt = datetime.fromisoformat(str(value))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def is_revision(text: str) -> bool:
    """Does the wording say the toll was updated since earlier reports?"""
    return bool(revision_pattern().search(text or ""))


def _source_name(event: Event, outlet: str = "") -> str:
    """Whose figure it is: the source the report names, else its outlet."""
    for stance in ("report", "claim"):
        for s in event.sources:
            if s.stance == stance and s.name and s.name != outlet:
                return s.name
    return outlet or event.source or ""


def figure_of(event: Event, published=None, outlet: str = "") -> dict | None:
    """The figure one report gives for one event, or None when it gives no death toll."""
    if not event.fatalities:
        return None
    texts = [ev.text for ev in event.evidence if not ev.report_id or ev.report_id == event.report_id]
    when = as_time(published) if published is not None else None
    return {
        "report_id": event.report_id,
        "source": _source_name(event, outlet),
        "killed": int(event.fatalities),
        "published": when.isoformat() if when and when != _EARLIEST else None,
        "revised": any(is_revision(t) for t in texts),
    }


def best_figure(figures: list[dict]) -> int:
    """The event's fatalities: the most conservative figure among the current ones (see module doc)."""
    given = [f for f in figures if f.get("killed")]
    if not given:
        return 0
    earliest = min(as_time(f.get("published")) for f in given)
    # A revision counts only when it came out clearly after some earlier figure.
    revisions = [f for f in given if f.get("revised") and as_time(f.get("published")) - earliest > SAME_TIME]
    if revisions:
        cutoff = max(as_time(f.get("published")) for f in revisions) - SAME_TIME
        given = [f for f in given if as_time(f.get("published")) >= cutoff]
    return min(int(f["killed"]) for f in given)


def figure_range(figures: list[dict], lows=(), highs=()) -> tuple[int, int]:
    """fatalities_low and fatalities_high: the lowest and highest figure any report gave."""
    values = [int(f["killed"]) for f in figures if f.get("killed")]
    values += [int(v) for v in lows if v] + [int(v) for v in highs if v]
    if not values:
        return 0, 0
    return min(values), max(values)
