"""Publication times: every report is read against one, so it must be a real, timezone-aware instant."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ..errors import InputError


def parse_published(value, where: str = "--published") -> datetime:
    """ISO 8601 date or date-time; a naive time is taken as UTC (most feeds and CSVs mean that)."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        s = str(value or "").strip()
        if not s:
            raise InputError(where, "no publication time given (use --published 2024-12-02T16:06:00+05:30)")
        try:
            dt = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
        except ValueError:
            raise InputError(where, f"cannot read {s!r} as an ISO 8601 date or date-time") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt
