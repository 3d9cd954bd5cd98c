"""The records conflictwire reads and writes.

Field names follow ACLED's codebook so that an export can sit beside ACLED data. Everything here is plain
dataclasses: cheap to build in the hot extraction loop, picklable for process pools and Dask, and turned into
JSON-ready dicts with ``to_dict()``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

# ACLED's column order for CSV export (the event record of DESIGN.md), then conflictwire's own columns.
ACLED_COLUMNS = [
    "event_id",
    "event_date",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
]
EXTRA_COLUMNS = ["fatalities_low", "fatalities_high", "report_id"]
STANCES = ("report", "claim", "deny")


def content_hash(text: str) -> str:
    """Identity of a report's text: whitespace-insensitive so a re-fetched page with new line breaks is the same."""
    norm = " ".join(text.split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


@dataclass
class Report:
    text: str
    published: datetime
    outlet: str = ""
    title: str = ""
    url: str = ""
    path: str = ""
    report_id: str = ""

    def __post_init__(self) -> None:
        if not self.report_id:
            self.report_id = content_hash(self.text)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["published"] = self.published.isoformat()
        return d


@dataclass
class Source:
    name: str
    stance: str = "report"  # report | claim | deny

    def to_dict(self) -> dict:
        return {"name": self.name, "stance": self.stance}


@dataclass
class Evidence:
    report_id: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Event:
    event_id: str = ""
    event_date: date | None = None
    time_precision: int = 1
    disorder_type: str = ""
    event_type: str = ""
    sub_event_type: str = ""
    actor1: str = ""
    assoc_actor_1: str = ""
    inter1: int | None = None
    actor2: str = ""
    assoc_actor_2: str = ""
    inter2: int | None = None
    interaction: int | None = None
    civilian_targeting: str = ""
    iso: int | None = None
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    source: str = ""
    notes: str = ""
    fatalities: int = 0
    fatalities_low: int = 0
    fatalities_high: int = 0
    report_id: str = ""
    sources: list[Source] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    # Filled by cross-report merging (merge/); empty straight out of extract.
    report_ids: list[str] = field(default_factory=list)
    grade: str = ""
    grade_reasons: list[str] = field(default_factory=list)
    # Figures each source gave, kept so a merged event shows every differing toll: [{report_id, source, killed, published, revised}]
    figures: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["event_date"] = self.event_date.isoformat() if self.event_date else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Event:
        d = dict(d)
        if isinstance(d.get("event_date"), str):
            d["event_date"] = date.fromisoformat(d["event_date"][:10])
        d["sources"] = [s if isinstance(s, Source) else Source(**s) for s in d.get("sources") or []]
        d["evidence"] = [e if isinstance(e, Evidence) else Evidence(**e) for e in d.get("evidence") or []]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class Toll:
    """A death toll that is not one incident's: cumulative over days, or over an area."""

    kind: str = "cumulative"  # cumulative | incident
    killed: int | None = None
    children: int | None = None
    civilians: int | None = None
    injured: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    country: str = ""
    admin1: str = ""
    location: str = ""
    source: str = ""
    report_id: str = ""
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("period_start", "period_end"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


@dataclass
class Extraction:
    """What one report yields: the same content as ``conflictwire extract --format json``."""

    reports: list[Report] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    tolls: list[Toll] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "reports": [r.to_dict() for r in self.reports],
            "events": [e.to_dict() for e in self.events],
            "tolls": [t.to_dict() for t in self.tolls],
        }

    def extend(self, other: Extraction) -> None:
        self.reports.extend(other.reports)
        self.events.extend(other.events)
        self.tolls.extend(other.tolls)
