"""Is this the same incident? And the one event that several reports of an incident make together.

Pure functions over ``Event`` objects: no database. The store asks ``find_match`` with the stored events near a new
one; ``merge_events`` merges a whole list at once, blocked by day and grid cell so it grows as n log n.

Two events are one incident when all of these hold (each rule is a function below):
- they come from different reports (one report's extraction already told its own incidents apart);
- their dates can mean the same day given time_precision (1: the same day; 2: the week; 3: the month);
- their places fit: the same name (within a namesake distance), or within NEAR_KM at town precision, FEW_KM when
  one is "near" a town, the same admin2 / admin1 when one is only known to the district / province;
- their types fit: the same sub-event type, or sub-types of one event type that merge.toml lists as told for one
  another (a missile strike reported as an air strike);
- no role has two different actors of the same kind (two rebel groups, two armies); actors of different kinds are
  competing accounts, merged and graded contested;
- they do not name different targets (merge.toml: hospital vs market), once phrases such as "taken to hospital"
  are set aside.
What text cannot tell apart stays merged: two strikes on one town, one day, told without targets, are one event.
"""

from __future__ import annotations

import calendar
import copy
import gc
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from ..geo import haversine_km as km
from ..model import Event
from .figures import best_figure, figure_of, figure_range
from .grading import grade, source_key
from .lexicon import compatible_sub_types, targets_in

NEAR_KM = 3.0  # two town-level places this close may be one place told two ways
FEW_KM = 10.0  # "near X", "outskirts of X": within this of the town
REGION_KM = 30.0  # same name this far apart is still one place (gazetteer points differ); beyond, a namesake
GRID_DEG = 0.1  # blocking cell, about 11 km: neighbours of a cell cover FEW_KM
_PLACE_FIELDS = (
    "iso",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
)
_ACTOR_FIELDS = (
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
)


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.casefold().strip() == b.casefold().strip()


def _differ(a, b) -> bool:
    return a not in (None, "") and b not in (None, "") and str(a).casefold() != str(b).casefold()


def date_range(e: Event) -> tuple[date, date]:
    """The days an event's date can mean, given its time_precision (1 day, 2 week, 3 month)."""
    d = e.event_date
    if e.time_precision == 2:
        return d, d + timedelta(days=6)
    if e.time_precision and e.time_precision >= 3:
        last = calendar.monthrange(d.year, d.month)[1]
        return d.replace(day=1), d.replace(day=last)
    return d, d


def dates_compatible(a: Event, b: Event) -> bool:
    if a.event_date is None or b.event_date is None:
        return False
    a0, a1 = date_range(a)
    b0, b1 = date_range(b)
    return a0 <= b1 and b0 <= a1


def country_level(e: Event) -> bool:
    """Placed only in a country (or nowhere): too vague to be the same incident as anything."""
    if e.admin1:
        return False
    return not e.location or _same(e.location, e.country) or (e.latitude is None and not e.admin2)


def places_compatible(a: Event, b: Event) -> bool:
    if _differ(a.iso, b.iso) or _differ(a.country, b.country):
        return False
    if country_level(a) or country_level(b):
        return False
    pa, pb = a.geo_precision or 1, b.geo_precision or 1
    coarse = max(pa, pb)
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        d = km(a.latitude, a.longitude, b.latitude, b.longitude)
        if _same(a.location, b.location):
            return d <= REGION_KM
        if coarse == 1:
            return d <= NEAR_KM
        if coarse == 2:
            return d <= FEW_KM or (_same(a.admin2, b.admin2) and d <= REGION_KM)
        return _same(a.admin1, b.admin1) or d <= REGION_KM
    # Without coordinates only names can tell.
    if _same(a.location, b.location):
        return True
    if coarse >= 3:
        return _same(a.admin1, b.admin1)
    if coarse == 2:
        return _same(a.admin2, b.admin2)
    return False


def types_compatible(a: Event, b: Event) -> bool:
    if not a.event_type or not b.event_type:
        return True
    if a.sub_event_type == b.sub_event_type:
        return True
    if a.event_type != b.event_type:
        return False
    if not a.sub_event_type or not b.sub_event_type:
        return True
    return frozenset((a.sub_event_type, b.sub_event_type)) in compatible_sub_types()


def _assoc(e: Event) -> set[str]:
    names = set()
    for assoc in (e.assoc_actor_1, e.assoc_actor_2):
        names |= {n.strip().casefold() for n in (assoc or "").split(";") if n.strip()}
    return names


def _role_conflict(x: str, xi, y: str, yi, a: Event, b: Event) -> bool:
    """Two different actors in one role conflict when they are of the same kind (two rebel groups, two armies).

    Actors of different kinds (Russian jets vs Syrian jets, militants vs civilians as the target) are competing
    accounts of one incident: merged, and graded contested.
    """
    if not _differ(x, y):
        return False
    if x.casefold() in _assoc(b) or y.casefold() in _assoc(a):
        return False
    if xi == yi == 7:
        return False  # civilians named by two nationalities at one place are one group told two ways
    return xi == yi


def actors_compatible(a: Event, b: Event) -> bool:
    # The same clash told from each side: who attacked whom swaps, the actors do not.
    if _same(a.actor1, b.actor2) and _same(a.actor2, b.actor1):
        return True
    if _role_conflict(a.actor1, a.inter1, b.actor1, b.inter1, a, b):
        return False
    return not _role_conflict(a.actor2, a.inter2, b.actor2, b.inter2, a, b)


def event_targets(e: Event) -> set[str]:
    return targets_in(" ".join(ev.text for ev in e.evidence) + " " + (e.notes or ""))


def reports_of(e: Event) -> set[str]:
    return set(e.report_ids) or ({e.report_id} if e.report_id else set())


def same_incident(a: Event, b: Event) -> bool:
    """Do these two events (from different reports) describe one incident?"""
    if reports_of(a) & reports_of(b):
        return False  # one report's extraction already told its incidents apart
    if not (dates_compatible(a, b) and places_compatible(a, b) and types_compatible(a, b)):
        return False
    if not actors_compatible(a, b):
        return False
    ta, tb = event_targets(a), event_targets(b)
    return not (ta and tb and not (ta & tb))


def match_score(a: Event, b: Event) -> tuple:
    """Lower is a better match: nearer, same day, same sub-event type."""
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        d = km(a.latitude, a.longitude, b.latitude, b.longitude)
    else:
        d = 0.0 if _same(a.location, b.location) else FEW_KM
    days = abs((a.event_date - b.event_date).days)
    return (a.sub_event_type != b.sub_event_type, days, round(d, 3), a.event_id)


def find_match(event: Event, candidates: Iterable[Event]) -> Event | None:
    """The candidate incident this event belongs to, if any (the closest when several fit)."""
    fits = [c for c in candidates if same_incident(c, event)]
    if not fits:
        return None
    return min(fits, key=lambda c: match_score(c, event))


# --- combining -------------------------------------------------------------------------------------------------


def copy_event(event: Event) -> Event:
    # copy.copy, not dataclasses.replace: replace runs __init__ and is the hot spot of a million-event merge.
    e = copy.copy(event)
    e.sources = list(event.sources)
    e.evidence = list(event.evidence)
    e.report_ids = list(event.report_ids)
    e.figures = list(event.figures)
    e.grade_reasons = list(event.grade_reasons)
    return e


def member(event: Event, published=None, outlet: str = "") -> Event:
    """One report's event, ready to merge: its report_ids and its own figure filled in."""
    e = copy_event(event)
    if not e.report_ids and event.report_id:
        e.report_ids = [event.report_id]
    if not e.figures:
        fig = figure_of(event, published, outlet)
        if fig is not None:
            e.figures = [fig]
    return e


def _union(items: list, more: list, key) -> list:
    seen = {key(x) for x in items}
    out = list(items)
    for x in more:
        k = key(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


def combine(base: Event, other: Event) -> Event:
    """base with other's report joined. Keeps base's event_id; takes the more precise date and place."""
    e = copy_event(base)
    if other.event_date and (e.event_date is None or other.time_precision < e.time_precision):
        e.event_date, e.time_precision = other.event_date, other.time_precision
    if other.geo_precision and (
        e.latitude is None or (other.latitude is not None and other.geo_precision < (e.geo_precision or 9))
    ):
        for f in _PLACE_FIELDS:
            setattr(e, f, getattr(other, f))
    for f in _ACTOR_FIELDS + ("disorder_type", "event_type", "sub_event_type", "notes"):
        if getattr(e, f) in (None, "") and getattr(other, f) not in (None, ""):
            setattr(e, f, getattr(other, f))
    if not e.civilian_targeting and other.civilian_targeting:
        e.civilian_targeting = other.civilian_targeting
    e.sources = _union(base.sources, other.sources, lambda s: (source_key(s.name), s.stance))
    e.evidence = _union(base.evidence, other.evidence, lambda v: (v.report_id, v.start, v.end, v.text))
    e.report_ids = _union(base.report_ids, other.report_ids, lambda r: r)
    e.figures = _union(
        base.figures, other.figures, lambda f: (f.get("report_id"), f.get("source"), f.get("killed"))
    )
    e.fatalities_low = min((v for v in (base.fatalities_low, other.fatalities_low) if v), default=0)
    e.fatalities_high = max(base.fatalities_high, other.fatalities_high)
    return e


def finish(event: Event, perpetrators: list[str] | None = None, outlets: list[str] | None = None) -> Event:
    """Derived fields of a merged event: fatalities best/low/high, ACLED source string, grade and reasons."""
    if event.figures:
        event.fatalities = best_figure(event.figures)
        # Each report's own range ("between 5 and 8") stays inside the incident's.
        event.fatalities_low, event.fatalities_high = figure_range(
            event.figures, lows=[event.fatalities_low], highs=[event.fatalities_high]
        )
    names = []
    for s in event.sources:
        if s.name and s.name not in names:
            names.append(s.name)
    if names:
        event.source = "; ".join(names)
    event.grade, event.grade_reasons = grade(event, perpetrators, outlets)
    return event


def derive(members: list[Event], event_id: str | None = None, outlets: list[str] | None = None) -> Event:
    """The merged event of an incident from its members (one per report), in the order they arrived.

    ``outlets``: the outlets of the members' reports (for grading: an outlet passing on a source is not another).
    """
    if not members:
        raise ValueError("an incident needs at least one event")
    merged = copy_event(members[0])
    merged.event_id = event_id or members[0].event_id
    for m in members[1:]:
        merged = combine(merged, m)
    return finish(merged, [m.actor1 for m in members], outlets)


# --- merging a whole list, blocked ------------------------------------------------------------------------------


def _cell(e: Event) -> tuple[int, int] | None:
    if e.latitude is None or e.longitude is None:
        return None
    return (math.floor(e.latitude / GRID_DEG), math.floor(e.longitude / GRID_DEG))


def _area(e: Event) -> tuple[str, str]:
    return ((e.country or str(e.iso or "")).casefold(), (e.admin1 or "").casefold())


def coarse(e: Event) -> bool:
    """Placed no closer than a district or a province ("near" a town, a region), or without coordinates."""
    return (e.geo_precision or 1) >= 2 or e.latitude is None or e.longitude is None


def _days(e: Event) -> list[date]:
    d0, d1 = date_range(e)
    return [d0 + timedelta(days=i) for i in range((d1 - d0).days + 1)]


def block_keys(e: Event) -> list[tuple]:
    """Keys an incident is filed under: each day it may mean × its grid cell and its admin1.

    Under "area" only coarse incidents: a town-level event finds town-level incidents by their cells, so a busy
    province on a busy day does not make every new event compare with all of it.
    """
    places: list[tuple] = [("all", *_area(e))]
    cell = _cell(e)
    if cell is not None:
        places.append(("cell", *cell))
    if e.location:  # one place whose gazetteer points differ by more than a cell
        places.append(("name", e.location.casefold()))
    if coarse(e):
        places.append(("area", *_area(e)))
    return [(d, *p) for d in _days(e) for p in places]


def probe_keys(e: Event) -> list[tuple]:
    """Keys to look up for an event: each day it may mean × the 3×3 cells around it, and the coarse incidents of
    its admin1 (all of them when the event itself is coarse)."""
    places: list[tuple] = [("all" if coarse(e) else "area", *_area(e))]
    if e.location:
        places.append(("name", e.location.casefold()))
    cell = _cell(e)
    if cell is not None:
        places += [("cell", cell[0] + i, cell[1] + j) for i in (-1, 0, 1) for j in (-1, 0, 1)]
    return [(d, *p) for d in _days(e) for p in places]


def _merge(events, published, sort: bool, outlets) -> tuple[list[Event], list[list[Event]]]:
    items = [e for e in events if e.event_date is not None]
    if sort:
        items.sort(key=lambda e: (str(published.get(e.report_id, "")), e.report_id, e.event_id))
    members: list[list[Event]] = []
    heads: list[Event] = []  # each incident's combined event so far (cheap incremental combine)
    index: dict[tuple, dict[int, None]] = defaultdict(dict)  # an ordered set of incidents per block
    for raw in items:
        m = member(raw, published.get(raw.report_id), outlets.get(raw.report_id, ""))
        seen: set[int] = set()
        candidates = []
        for key in probe_keys(m):
            for i in index.get(key, ()):
                if i not in seen:
                    seen.add(i)
                    candidates.append(i)
        best = None
        best_score = None
        for i in candidates:
            if same_incident(heads[i], m):
                s = match_score(heads[i], m)
                if best_score is None or s < best_score:
                    best, best_score = i, s
        if best is None:
            members.append([m])
            heads.append(m)
            i = len(heads) - 1
        else:
            i = best
            members[i].append(m)
            heads[i] = combine(heads[i], m)
        for key in block_keys(heads[i]):
            index[key][i] = None
    return heads, members


def merge_events(
    events: Iterable[Event],
    published: Mapping[str, object] | None = None,
    sort: bool = True,
    outlets: Mapping[str, str] | None = None,
) -> list[Event]:
    """Merge events from many reports into one event per incident.

    ``published`` maps report_id to its publication time (for the revision rule), ``outlets`` report_id to its
    outlet (for grading). Events are taken in order of publication, so an incident's id is the id of its
    first-reported event.
    """
    published = published or {}
    outlets = outlets or {}
    # The loop builds millions of small objects and frees none: the cyclic garbage collector would only walk
    # them again and again (half the time at 10k events), so it waits until the merge is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        heads, members = _merge(events, published, sort, outlets)
    finally:
        if collecting:
            gc.enable()
    out = []
    for h, ms in zip(heads, members, strict=True):
        h.event_id = ms[0].event_id
        out.append(finish(h, [m.actor1 for m in ms], [outlets.get(m.report_id, "") for m in ms]))
    return out
