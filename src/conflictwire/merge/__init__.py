"""merge: events from different reports that tell one incident become one event (pure functions, no database)."""

from __future__ import annotations

from .figures import best_figure, figure_of, figure_range, is_revision
from .grading import GRADES, grade, is_party
from .incidents import combine, derive, find_match, member, merge_events, same_incident

__all__ = [
    "GRADES",
    "best_figure",
    "combine",
    "derive",
    "figure_of",
    "figure_range",
    "find_match",
    "grade",
    "is_party",
    "is_revision",
    "member",
    "merge_events",
    "same_incident",
]
