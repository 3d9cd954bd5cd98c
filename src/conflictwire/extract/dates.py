"""Dates stage: every date expression in a report, resolved against its publication time.

Speed matters here (the whole pipeline aims at the speed of spaCy's NER), so candidates come from one compiled
regular expression over ``doc.text`` and are resolved with plain ``datetime`` arithmetic: weekdays, months and
years absent are the most recent such day not after the publication day, in the publication's own timezone (a
report stamped 16:06 +05:30 on 2 December 2024 was published on a Monday, whatever the time in UTC).

ACLED's time_precision: 1 the day is known, 2 only the week ("last week", "over the weekend"), 3 only the month
("earlier this month", "in November"). ``since`` marks the start of a period that runs up to publication ("since
November 27", "since 2011", "over the past week"): it dates a cumulative toll, never an incident.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from . import nlp
from .mentions import DateMention

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# "May" and "March" are also words ("may attack", "a march"): as months they must be capitalised.
_MON = (
    r"(?:(?i:January|February|April|June|July|August|September|October|November|December)"
    r"|May|March|(?i:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_WD = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_PART = r"(?:morning|afternoon|evening|night|midnight|dawn|noon)"

_PATTERNS = [
    # ranges: "between 3 and 5 May", "3-5 May 2021", "from 3 to 5 May"
    (
        "range_dm",
        rf"\b(?:(?i:between|from)\s+)?(?P<d1>{_DAY})\s*(?:-|(?i:and|to|until|till))\s*(?P<d2>{_DAY})"
        rf"(?:\s+of)?\s+(?P<m>{_MON})(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    # "between 3 May and 5 June", "from 30 November to 2 December"
    (
        "range_dmdm",
        rf"\b(?:(?i:between|from)\s+)(?P<d1>{_DAY})\s+(?P<m1>{_MON})\s*(?:-|(?i:and|to|until|till))\s*"
        rf"(?P<d2>{_DAY})\s+(?P<m>{_MON})(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    # "May 3-5", "between November 27 and December 1"
    (
        "range_md",
        rf"\b(?:(?i:between|from)\s+)?(?P<m1>{_MON})\s+(?P<d1>{_DAY})\s*(?:-|(?i:and|to|until|till))\s*"
        rf"(?:(?P<m>{_MON})\s+)?(?P<d2>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    # "Wednesday, 15 September 2021", "2 January 2021", "the 1st of December"
    (
        "dmy",
        rf"\b(?:{_WD},?\s+)?(?:(?i:the)\s+)?(?P<d>{_DAY})(?:\s+(?i:of))?\s+(?P<m>{_MON})(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    # "Wednesday, Sept. 15", "December 1, 2024", "Dec 02, 2024"
    (
        "mdy",
        rf"\b(?:{_WD},?\s+)?(?P<m>{_MON})\s+(?P<d>{_DAY})(?!\d)(?!\s*(?:-\s*\d|:\d|%))(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    ("iso", r"\b(?P<y>(?:19|20)\d\d)-(?P<mo>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b"),
    # relative days and weeks
    ("yesterday", r"\b(?i:the\s+day\s+before\s+yesterday|yesterday|last\s+night|overnight)\b"),
    ("today", r"\b(?i:earlier\s+today|today|tonight|this\s+(?:morning|afternoon|evening))\b"),
    (
        "ago",
        r"\b(?i:(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
        r"(?P<unit>days?|weeks?)\s+(?:ago|earlier))\b",
    ),
    (
        "past",
        r"\b(?i:(?:over|in|during)\s+the\s+(?:past|last)\s+(?P<unit>week|month|(?:few\s+)?days|24\s+hours))\b",
    ),
    ("week", r"\b(?i:(?P<which>last|this|earlier\s+this|past)\s+week(?:end)?|over\s+the\s+weekend)\b"),
    ("month", r"\b(?i:(?P<which>last|this|earlier\s+this|past)\s+month)\b"),
    # weekdays: "on Sunday", "Friday night", "early Monday", "last Sunday"
    (
        "weekday",
        rf"\b(?:(?P<last>(?i:last|this\s+past|past))\s+)?(?:(?i:early|late)\s+)?(?P<wd>{_WD})(?:'s)?"
        rf"(?:\s+(?:(?i:{_PART})))?\b",
    ),
    # months: "in November", "early December", "mid-November", "November 2024"
    (
        "month_name",
        rf"(?:\b(?P<lead>(?i:in|since|during|throughout|until|till|by|early|late|mid|of|from|last))(?:\s+|-))"
        rf"(?:(?i:early|late|mid)(?:\s+|-))?(?P<m>{_MON})(?!\s+{_DAY}\b)(?:,?\s+(?P<y>{_YEAR}))?\b"
        rf"|\b(?P<m2>{_MON})\s+(?P<y2>{_YEAR})\b",
    ),
    ("since_year", rf"\b(?i:since)\s+(?P<y>{_YEAR})\b"),
]
# One pass over the text finds every candidate; each alternative is then re-read alone for its groups (the
# alternatives share group names, which one pattern cannot hold).
# A lookahead of the words a date expression can start with lets the engine skip most word starts cheaply
# (four times faster than trying every alternative everywhere).
_STARTS = (
    r"\b(?=\d|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|between|from|"
    r"the\b|in\b|since|during|throughout|until|till|by\b|early|late|mid|of\b|last|this|past|over|earlier|"
    r"yesterday|today|tonight|overnight|a\b|one|two|three|four|five|six|seven|eight|nine|ten))"
)
_MASTER = re.compile(
    _STARTS
    + "(?:"
    + "|".join(f"(?P<{name}>{re.sub(r'[(][?]P<[a-z0-9]+>', '(?:', pat)})" for name, pat in _PATTERNS)
    + ")"
)
_EACH = {name: re.compile(pat) for name, pat in _PATTERNS}
_SINCE_BEFORE = re.compile(r"(?i:\bsince\s+(?:early\s+|late\s+|mid-?)?)$")
_NUMBER_WORDS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
}
_NUMBER_WORDS |= {"nine": 9, "ten": 10}


def _month(text: str) -> int:
    return _MONTHS[text.lower().rstrip(".")[:3]]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())


def _recent(pub: date, month: int, day: int, year: int | None) -> date | None:
    """The day meant: with its year if given, else the most recent such day not after publication."""
    try:
        if year is not None:
            return date(year, month, day)
        d = date(pub.year, month, day)
        return d if d <= pub else date(pub.year - 1, month, day)
    except ValueError:  # "30 February"
        return None


def _recent_month(pub: date, month: int, year: int | None) -> date:
    if year is not None:
        return date(year, month, 1)
    return date(pub.year if month <= pub.month else pub.year - 1, month, 1)


def _weekday_on_or_before(pub: date, weekday: int) -> date:
    return pub - timedelta(days=(pub.weekday() - weekday) % 7)


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _resolve(kind: str, m: re.Match, pub: date) -> tuple[date, int, date | None] | None:
    """(date, precision, end_date) for one match of one alternative."""
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else None
    if kind in ("range_dm", "range_dmdm", "range_md"):
        m2 = _month(g["m"] or g["m1"]) if (g.get("m") or g.get("m1")) else None
        m1 = _month(g["m1"]) if g.get("m1") else m2
        end = _recent(pub, m2, _day(g["d2"]), year)
        if end is None:
            return None
        start = (
            _recent(end, m1, _day(g["d1"]), None) if year is None else _recent(pub, m1, _day(g["d1"]), year)
        )
        if start is None or start > end:
            return None
        return start, 1, end
    if kind in ("dmy", "mdy"):
        d = _recent(pub, _month(g["m"]), _day(g["d"]), year)
        return (d, 1, None) if d else None
    if kind == "iso":
        try:
            return date(int(g["y"]), int(g["mo"]), int(g["d"])), 1, None
        except ValueError:
            return None
    low = m.group().lower()
    if kind == "yesterday":
        return pub - timedelta(days=2 if "before" in low else 1), 1, None
    if kind == "today":
        return pub, 1, None
    if kind == "ago":
        n = g["n"].lower()
        n = int(n) if n.isdigit() else _NUMBER_WORDS[n]
        if g["unit"].lower().startswith("week"):
            return _monday(pub - timedelta(weeks=n)), 2, None
        return pub - timedelta(days=n), 1, None
    if kind == "past":
        unit = g["unit"].lower()
        days = {"week": 7, "month": 30}.get(unit, 1 if "24" in unit else 3)
        return pub - timedelta(days=days), 2 if days <= 7 else 3, None
    if kind == "week":
        if "weekend" in low:
            sat = _weekday_on_or_before(pub, 5)
            if "last" in low and pub.weekday() in (5, 6):
                sat -= timedelta(days=7)
            return sat, 2, sat + timedelta(days=1)
        which = (g.get("which") or "").lower()
        monday = _monday(pub) - (timedelta(days=7) if which in ("last", "past") else timedelta())
        return monday, 2, None
    if kind == "month":
        which = (g.get("which") or "").lower()
        first = pub.replace(day=1)
        if which in ("last", "past"):
            first = (first - timedelta(days=1)).replace(day=1)
        return first, 3, None
    if kind == "weekday":
        wd = _WEEKDAYS.index(g["wd"].lower())
        d = _weekday_on_or_before(pub, wd)
        if g.get("last") and d == pub:
            d -= timedelta(days=7)
        return d, 1, None
    if kind == "month_name":
        mon = g.get("m") or g.get("m2")
        y = g.get("y") or g.get("y2")
        if g.get("lead") and g["lead"].lower() == "last" and not y:
            return date(pub.year - 1, _month(mon), 1), 3, None
        return _recent_month(pub, _month(mon), int(y) if y else None), 3, None
    if kind == "since_year":
        return date(int(g["y"]), 1, 1), 3, None
    return None


def _publication_day(published) -> date:
    # its own timezone: no conversion to UTC or to the machine's zone
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    raise TypeError(f"published must be a datetime, not {type(published).__name__}")


def find(doc, published) -> list[DateMention]:
    text = nlp.text_of(doc) if hasattr(doc, "user_data") else str(doc)
    pub = _publication_day(published)
    out: list[DateMention] = []
    for m in _MASTER.finditer(text):
        kind = m.lastgroup
        sub = _EACH[kind].fullmatch(m.group())
        if sub is None:
            continue
        resolved = _resolve(kind, sub, pub)
        if resolved is None:
            continue
        day, precision, end_date = resolved
        start, end = m.span()
        label = sub.group()
        since = kind in ("since_year", "past") or bool(_SINCE_BEFORE.search(text[max(0, start - 24) : start]))
        if kind == "month_name" and (sub.group("lead") or "").lower() == "since":
            since = True
        out.append(
            DateMention(
                start=start,
                end=end,
                text=label,
                date=day,
                precision=precision,
                since=since,
                end_date=end_date,
            )
        )
    return out
