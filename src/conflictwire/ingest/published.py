"""Publication times: every report is read against one, so it must be a real, timezone-aware instant."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from ..errors import InputError

_DIGIT = re.compile(r"\d")


def _from_text(s: str) -> datetime | None:
    # ISO 8601 first: it is what our own files, JSONL and most CSVs carry, and it is fast.
    try:
        return datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s)
    except ValueError:
        pass
    # RFC 2822 is what RSS and HTTP headers carry ("Mon, 02 Dec 2024 10:36:00 GMT").
    try:
        return parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        pass
    # Anything else that names a day, month and year ("2 December 2024 16:06"). A publication time must be
    # absolute, so relative words ("yesterday", "2 hours ago") are refused: they have no meaning without a clock.
    if not _DIGIT.search(s):
        return None
    import dateparser  # slow to import; most inputs never get here

    return dateparser.parse(
        s,
        settings={
            "REQUIRE_PARTS": ["day", "month", "year"],
            "STRICT_PARSING": True,
            "PARSERS": ["absolute-time"],
        },
    )


def parse_published(value, where: str = "--published") -> datetime:
    """ISO 8601, RFC 2822 or a written date; a naive time is taken as UTC (most feeds and CSVs mean that)."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, time.struct_time):  # feedparser's *_parsed fields, always UTC
        dt = datetime(*value[:6], tzinfo=UTC)
    else:
        s = str(value if value is not None else "").strip()
        if not s:
            raise InputError(where, "no publication time given (use --published 2024-12-02T16:06:00+05:30)")
        dt = _from_text(s)
        if dt is None:
            raise InputError(
                where, f"cannot read {s!r} as a publication date (use ISO 8601, e.g. 2024-12-02T16:06)"
            )
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt
