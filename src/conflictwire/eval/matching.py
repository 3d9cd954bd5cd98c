"""The rules that decide whether conflictwire's output agrees with a human coding.

Kept apart from the metrics so that each rule can be read, tested and quoted in the README on its own:
place names are compared after normalisation with rapidfuzz, points by great-circle distance, tolls exactly.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz import fuzz, process

from ..geo import haversine_km
from ..model import Event
from .datasets import NONE

# rapidfuzz score (0-100) at or above which two normalised place names are the same place
PLACE_THRESHOLD = 85

# Words that say what kind of place a name is, not which one ("Idlib governorate" = "Idlib"), in English and in the
# transliterated Arabic/Persian admin terms GeoNames and UCDP use ("Muhafazat Kirkuk", "Qada' Sulaymaniyah").
_PLACE_KIND_WORDS = frozenset(
    "governorate province region district departement department village town city state oblast county zone "
    "woreda municipality subdistrict sub lga township territory prefecture constituency camp "
    "muhafazat mintaqat markaz qada wilayat wuluswali alaqahdari".split()
)
# Arabic article and Persian ezafe written as their own word ("Al Muzayrib", "al-Bab", "Alaqahdari-ye Almar").
_ARTICLES = frozenset("al el ad ar as an at ash az ath adh e i ye".split())
# Words that name a part of a place ("Shan-North", "Yangon (North)", "Baghuz Fawqani" = upper Baghuz).
_DIRECTIONS = frozenset(
    "north south east west northern southern eastern western northeast northwest southeast southwest "
    "northeastern northwestern southeastern southwestern central upper lower fawqani tahtani".split()
)
_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bb\u02bc\u02be\u02bf]")
_PAREN = re.compile(r"\(([^)]*)\)")
_ALTERNATIVES = re.compile(r"/| and ", re.IGNORECASE)

# Vague death words as ACLED codes them; words that give no number ("several") stay unknown.
DEATH_WORDS = {
    "dozens": 12,
    "dozen": 12,
    "a dozen": 12,
    "tens": 10,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1000,
    "none": 0,
    "no": 0,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


def fold(text: str) -> str:
    """Lowercase, accents off, punctuation to spaces: 'Raḩabah' -> 'rahabah', 'Deir ez-Zor' -> 'deir ez zor'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("", text.lower())  # "Sana'a" = "Sanaa", "Nu'man" = "Numan"
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def normalise_place(name: str) -> str:
    """A place name reduced to what identifies it: no kind words ('governorate', 'village'), no 'al'."""
    words = [w for w in fold(name).split() if w not in _PLACE_KIND_WORDS and w not in _ARTICLES]
    return " ".join(words)


def place_variants(name: str) -> set[str]:
    """The names a coded place stands for: 'Arghandab district (Kandahar)' is Arghandab and Kandahar;
    'Kobane/Ayn al Arab' either; 'Jammu and Kashmir' the whole or either part."""
    bare = _PAREN.sub(" ", name or "")
    raw = [name or "", bare, *_PAREN.findall(name or ""), *_ALTERNATIVES.split(bare)]
    return {v for v in map(normalise_place, raw) if v}


def _names_agree(a: str, b: str) -> float:
    score = fuzz.ratio(a, b)
    short, long_ = sorted((a.split(), b.split()), key=len)
    if score >= PLACE_THRESHOLD or len(short) == len(long_):
        return score
    # A longer name that only adds a direction is a part of the same place ('shan north' ~ 'shan').
    if set(short) <= set(long_) and set(long_) - set(short) <= _DIRECTIONS and set(short) - _DIRECTIONS:
        return 100.0
    # A qualified name that starts with the whole other name ('babanki tungoh' ~ 'babanki'); too short a head
    # ('homs' of 'homs palmyra road', 'qala' of 'qala naw') is not enough.
    if long_[: len(short)] == short and len(" ".join(short)) >= 5:
        return 100.0
    return score


def place_score(a: str, b: str) -> float:
    """Similarity 0-100 of two place names after normalisation (0 if either is empty)."""
    va, vb = place_variants(a), place_variants(b)
    return max((_names_agree(x, y) for x in va for y in vb), default=0.0)


def same_place(a: str, b: str) -> bool:
    return place_score(a, b) >= PLACE_THRESHOLD


def any_same_place(outputs: Iterable[str], golds: Iterable[str]) -> bool:
    golds = [g for g in golds if g]
    return any(same_place(o, g) for o in outputs if o for g in golds)


def event_places(event: Event) -> tuple[str, str, str]:
    return (event.admin1, event.admin2, event.location)


# Words in a coded place that do not name it ("Khanasir - Ithriya road", "border crossing").
_ROUTE_WORDS = frozenset(
    "road highway border crossing countryside outskirts between near mountains area".split()
)
_VOWELS = re.compile(r"[aeiouy]+")


def _skeleton(word: str) -> str:
    """Consonants only: transliterations differ mostly in vowels ('Quneitra' / 'Qunaitara' -> 'qntr')."""
    return _VOWELS.sub("", word)


def text_mentions_place(text: str, name: str) -> bool:
    """Does the article name this place at all (fuzzily)? Used to count gold labels the text cannot support,
    so it leans towards yes: the whole name, or any distinctive word of it (also by its consonants)."""
    words = [w for w in fold(text).split() if w not in _ARTICLES]
    hay = " ".join(words)
    vocabulary = sorted({w for w in words if len(w) >= 4})
    skeletons = {_skeleton(w) for w in vocabulary if len(w) >= 5}
    for norm in place_variants(name):
        if len(norm) >= 3 and fuzz.partial_ratio(norm, hay) >= PLACE_THRESHOLD:
            return True
        for word in norm.split():
            if len(word) < 4 or word in _DIRECTIONS or word in _ROUTE_WORDS:
                continue
            if process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=PLACE_THRESHOLD):
                return True
            if len(word) >= 5 and (
                fuzz.partial_ratio(word, hay) >= PLACE_THRESHOLD
                or (len(_skeleton(word)) >= 3 and _skeleton(word) in skeletons)
            ):
                return True
    return False


def within_dates(day: date | None, start: date | None, end: date | None, slack_days: int = 1) -> bool:
    if day is None or start is None:
        return False
    end = end or start
    slack = timedelta(days=slack_days)
    return start - slack <= day <= end + slack


def nearest_km(events: Sequence[Event], lat: float | None, lon: float | None) -> float | None:
    """Distance from the coded point to the closest placed event; None if nothing is placed or no point."""
    if lat is None or lon is None:
        return None
    dists = [
        haversine_km(e.latitude, e.longitude, lat, lon)
        for e in events
        if e.latitude is not None and e.longitude is not None
    ]
    return min(dists) if dists else None


def parse_deaths(value) -> int | None:
    """A coded death number: digits, or a word ('dozens' -> 12); None when empty or not a number."""
    if value is None:
        return None
    s = fold(str(value))
    if not s:
        return None
    if s.isdigit():
        return int(s)
    return DEATH_WORDS.get(s)


def first_event(events: Sequence[Event]) -> Event | None:
    """The event told first in the text (by its first evidence's offset); events without evidence go last."""
    if not events:
        return None
    order = {id(e): i for i, e in enumerate(events)}

    def key(e: Event):
        start = e.evidence[0].start if e.evidence else math.inf
        return (start, order[id(e)])

    return min(events, key=key)


def first_sub_event_type(events: Sequence[Event]) -> str:
    """CASE's answer for a report: its first event's sub-event type, or NONE when it describes no event."""
    ev = first_event(events)
    if ev is None:
        return NONE
    return ev.sub_event_type or "(untyped)"


def total_fatalities(events: Iterable[Event]) -> int:
    return sum(e.fatalities or 0 for e in events)


def same_actor(a: str, b: str) -> bool:
    """ACLED actor names compared whole, ignoring case and spacing ('Military Forces of Myanmar (2021-)')."""
    return bool(a) and " ".join(a.lower().split()) == " ".join(b.lower().split())


def describe(event: Event) -> str:
    """One line for error listings: type, place, date, toll, actor."""
    where = event.location or event.admin1 or event.country or "?"
    if event.admin1 and event.admin1 != where:
        where += f" ({event.admin1})"
    day = event.event_date.isoformat() if event.event_date else "?"
    actor = f" by {event.actor1}" if event.actor1 else ""
    return f"{event.sub_event_type or '(untyped)'} @ {where} {day} f={event.fatalities}{actor}"


# --- One row against its coding -----------------------------------------------------------------------------
@dataclass
class Scored:
    """How one report's output compares with its coding.

    ``checks`` maps a metric to True/False, or None where the metric does not apply to this row (no coded point,
    unknown death number). ``gold`` and ``output`` are the same fields side by side, for ``--errors``.
    """

    id: str
    text: str
    checks: dict[str, bool | None] = field(default_factory=dict)
    gold: dict[str, str] = field(default_factory=dict)
    output: dict[str, str] = field(default_factory=dict)
    label: tuple[str, str] | None = None  # CASE: (gold, predicted)
    events: list[str] = field(default_factory=list)
    supported: bool = True  # UCDP, PITF: does the text name any coded place at all?

    @property
    def failures(self) -> list[str]:
        return [k for k, v in self.checks.items() if v is False]

    @property
    def failed_fields(self) -> set[str]:
        """The gold/output fields behind the failed checks, to mark them in ``--errors``."""
        return {f for k in self.failures for f in CHECK_FIELDS.get(k, (k,))}


# Which side-by-side fields each check looks at (a check not listed looks at the field of its own name).
CHECK_FIELDS = {
    "event_found": ("date", "place"),
    "fatalities_in_range": ("deaths",),
    "fatalities_exact": ("deaths", "fatalities"),
    "fatalities_exact_gt0": ("deaths", "fatalities"),
    "place_25km": ("point",),
    "place_10km": ("place",),
}


def _fmt_km(km: float | None) -> str:
    return "no placed event" if km is None else f"{km:.1f} km"


def score_case(row, events: Sequence[Event]) -> Scored:
    gold = row.gold["sub_event_type"]
    pred = first_sub_event_type(events)
    return Scored(
        id=row.id,
        text=row.text,
        checks={"sub_event_type": pred == gold},
        gold={"sub_event_type": f"{gold} ({row.gold['code']})"},
        output={"sub_event_type": pred},
        label=(gold, pred),
        events=[describe(e) for e in events],
    )


def score_ucdp(row, events: Sequence[Event]) -> Scored:
    g = row.gold
    names = [g["adm1"], g["adm2"], g["place"]]
    matching = [
        e
        for e in events
        if within_dates(e.event_date, g["start_date"], g["end_date"])
        and any_same_place(event_places(e), names)
    ]
    deaths = total_fatalities(matching)
    supported = any(text_mentions_place(row.text, n) for n in names if n)
    return Scored(
        id=row.id,
        text=row.text,
        checks={
            "event_found": bool(matching),
            "fatalities_in_range": g["deaths_low"] <= deaths <= g["deaths_high"],
        },
        gold={
            "date": f"{g['start_date']}..{g['end_date']}",
            "place": " / ".join(n for n in names if n) or "-",
            "deaths": f"{g['deaths_low']}-{g['deaths_high']}",
            "sides": f"{g['side_a']} v {g['side_b']}",
        },
        output={
            "date": ", ".join(sorted({e.event_date.isoformat() for e in events if e.event_date})) or "-",
            "place": "; ".join(sorted({e.location or e.admin1 for e in events if e.location or e.admin1}))
            or "-",
            "deaths": f"{deaths} in {len(matching)} matching event(s)",
            "sides": "; ".join(sorted({f"{e.actor1} v {e.actor2}" for e in events if e.actor1})) or "-",
        },
        events=[describe(e) for e in events],
        supported=supported,
    )


def score_pitf(row, events: Sequence[Event]) -> Scored:
    g = row.gold
    coded = parse_deaths(g["deaths_number"])
    total = total_fatalities(events)
    has_point = g["latitude"] is not None and g["longitude"] is not None
    km = nearest_km(events, g["latitude"], g["longitude"])
    # Many PITF descriptions never name the place ("in the city on Monday"): counted apart, as for UCDP.
    named = any(text_mentions_place(row.text, n) for n in (g["locality"], g["admin2"], g["admin1"]) if n)
    return Scored(
        id=row.id,
        text=row.text,
        checks={
            "fatalities_exact": None if coded is None else total == coded,
            "place_25km": None if not has_point else (km is not None and km <= 25.0),
        },
        supported=named,
        gold={
            "deaths": g["deaths_number"] or "-",
            "place": " / ".join(x for x in (g["locality"], g["admin2"], g["admin1"], g["country"]) if x),
            "point": f"{g['latitude']}, {g['longitude']}" if has_point else "-",
        },
        output={
            "deaths": f"{total} in {len(events)} event(s)",
            "place": "; ".join(sorted({e.location or e.admin1 for e in events if e.location or e.admin1}))
            or "-",
            "point": _fmt_km(km),
        },
        events=[describe(e) for e in events],
    )


def score_acled(row, events: Sequence[Event]) -> Scored:
    g = row.gold
    ev = first_event(events)
    total = total_fatalities(events)
    has_point = g["latitude"] is not None and g["longitude"] is not None
    km = nearest_km(events, g["latitude"], g["longitude"])
    out = ev or Event()
    return Scored(
        id=row.id,
        text=row.text,
        checks={
            "event_type": ev is not None and out.event_type == g["event_type"],
            "sub_event_type": ev is not None and out.sub_event_type == g["sub_event_type"],
            "actor1": ev is not None and same_actor(out.actor1, g["actor1"]),
            "admin1": ev is not None and same_place(out.admin1, g["admin1"]),
            "event_date": ev is not None and out.event_date == g["event_date"],
            "fatalities_exact": total == g["fatalities"],
            "fatalities_exact_gt0": None if g["fatalities"] <= 0 else total == g["fatalities"],
            "place_10km": None if not has_point else (km is not None and km <= 10.0),
        },
        gold={
            "event_type": g["event_type"],
            "sub_event_type": g["sub_event_type"],
            "actor1": g["actor1"],
            "admin1": g["admin1"],
            "event_date": g["event_date"].isoformat(),
            "fatalities": str(g["fatalities"]),
            "place": f"{g['location']} ({g['latitude']}, {g['longitude']})",
        },
        output={
            "event_type": out.event_type or "-",
            "sub_event_type": out.sub_event_type or "-",
            "actor1": out.actor1 or "-",
            "admin1": out.admin1 or "-",
            "event_date": out.event_date.isoformat() if out.event_date else "-",
            "fatalities": f"{total} in {len(events)} event(s)",
            "place": f"{out.location or '-'}: nearest {_fmt_km(km)}",
        },
        events=[describe(e) for e in events],
    )


SCORERS = {"case": score_case, "ucdp": score_ucdp, "pitf": score_pitf, "acled": score_acled}
