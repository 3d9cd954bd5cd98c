"""What each extraction stage finds in a report, before mentions are linked into events.

Every stage reads the spaCy ``Doc`` and returns a list of one of these, with character offsets into ``doc.text``.
The linker (``events.py``) is the only code that reads more than one kind; stages never import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class PlaceMention:
    start: int
    end: int
    text: str  # as written in the report ("Khansir")
    name: str  # the gazetteer's name ("Khanasir")
    country: str  # "Syria"
    iso: int | None  # ISO 3166-1 numeric, as ACLED's iso column
    admin1: str = ""
    admin2: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int = 1  # 1 town, 2 near a town / part of a region, 3 region or province
    kind: str = "town"  # town | region | country | site (supplement: neighbourhood, camp, zone, crossing)
    population: int = 0
    near: bool = False  # "near X", "south of X", "outskirts of X", "in and around X"


@dataclass
class ActorMention:
    start: int
    end: int
    text: str
    name: str  # ACLED-style name ("Military Forces of Syria (2000-2024)")
    inter: int  # 1 state forces ... 8 external/other
    country: str = ""
    kind: str = (
        "armed"  # armed | civilians | source_only (rescue/monitoring orgs that report but do not fight)
    )
    # "agent" when the words around it make it the one acting ("planted by the KIA", "the army shelled"),
    # "target" when acted upon ("attacked the convoy of soldiers", "soldiers stepped on a mine"), "" unknown.
    role: str = ""
    # For kinds whose name depends on the country ("military", "civilians"): the kind, so a caller can rename.
    generic: str = ""


@dataclass
class DateMention:
    start: int
    end: int
    text: str
    date: date  # the day meant (or first day of the week/month when precision > 1)
    precision: int = 1  # ACLED time_precision: 1 day, 2 week, 3 month
    since: bool = False  # "since November 27": opens a period up to publication
    end_date: date | None = None  # for ranges ("between 3 and 5 May")


@dataclass
class CountMention:
    """A number of people that something happened to: '25 people had been killed', 'dozens injured'."""

    start: int
    end: int
    text: str
    low: int
    best: int
    high: int
    outcome: str  # killed | injured | abducted | arrested | displaced | other
    who: str = ""  # "" | children | civilians | soldiers | fighters | women ...
    at_least: bool = False
    cumulative: bool = False  # "death toll has risen to", "since", "so far this year", "in total"
    part_of: bool = False  # "including 20 children": a subset of a neighbouring count, never added
    vague: bool = False  # the number is a coding of a vague word ("dozens" = 12, "several") not a figure
    # index (in the stage's list) of a count this one restates; of two conflicting accounts the higher figure
    # points at the lower one (ACLED's conservative choice)
    repeat_of: int | None = None
    within: int | None = None  # index of the report's lead count whose total this one details (7 of the 25)


@dataclass
class TriggerMention:
    start: int
    end: int
    text: str
    event_type: str
    sub_event_type: str
    disorder_type: str
    weight: float = 1.0  # how sure the lexicon entry is; the linker keeps the strongest trigger per clause
    negated: bool = False  # "denied shelling", "no airstrikes"
    hypothetical: bool = False  # "threatened to strike", "could attack"
    sentence_start: int = 0  # the sentence the trigger sits in (character offsets)
    sentence_end: int = 0
    nonevent: str = ""  # why event_type is "": natural disaster | accident | crime | diplomacy | attribution


@dataclass
class Attribution:
    """Who says a sentence is true, and how: 'according to the White Helmets', 'the army denied'."""

    start: int
    end: int
    text: str
    source: str  # normalised source name ("White Helmets", "Syrian army", "Residents", "State media")
    stance: str = "report"  # report | claim | deny
    sentence_start: int = 0
    sentence_end: int = 0
    party: bool = (
        False  # the source is a party to the conflict (its acknowledgement confirms, its denial contests)
    )
    actor: str = ""  # for a party: its ACLED actor name ("Military Forces of Syria (2000-2024)"), else ""


@dataclass
class Mentions:
    places: list[PlaceMention] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    counts: list[CountMention] = field(default_factory=list)
    triggers: list[TriggerMention] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
