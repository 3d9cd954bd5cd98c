"""The stored incidents near the reports being written, held in memory while the store writes.

Matching a new event asks "which stored incidents could be this one?". Asked of DuckDB, that is a few queries of a
millisecond or more each, for every event of every report. Held here, it is a dictionary lookup: the incidents of
the days in play are read once (a window of days in one query) and then kept up to date as the store writes, with
the same blocking keys as ``merge.merge_events``, so a streaming ingest matches as the in-memory merge does.

Each incident is kept as its members combined but not finished (``merge.derive`` without ``finish``), with the
actor and outlet of every member, so that a report joining it costs one ``combine`` rather than reading and
re-deriving all its members. The database stays the truth: what is not held is read again when needed, and
``clear`` forgets everything (after a report is replaced, or when too much is held).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

from ..merge.incidents import (
    block_keys,
    combine,
    copy_event,
    date_range,
    finish,
    match_score,
    probe_keys,
    same_incident,
)
from ..model import Event

_WINDOW_DAYS = 15  # one read covers the days this far either side of the day asked for
_SPAN_DAYS = 31  # an incident dated this far from a day can still mean it (time precision 3: the month)
HOLD_LIMIT = 50_000  # incidents held before everything is forgotten (memory stays bounded on long runs)


class NearbyIncidents:
    def __init__(self, flush, limit: int = HOLD_LIMIT):
        self.flush = flush  # the store's: rows it holds back must be written before reading
        self.limit = limit
        self.clear()

    def clear(self) -> None:
        self.heads: dict[str, Event] = {}  # event_id -> its members combined, not finished
        self.crowd: dict[str, tuple[list[str], list[str]]] = {}  # event_id -> members' actor1s and outlets
        self.index: dict[tuple, dict[str, None]] = defaultdict(dict)  # block key -> incidents (ordered)
        self.days: set[date] = set()  # days whose stored incidents are all held

    # --- reading what is stored -----------------------------------------------------------------------------

    def _cover(self, con, m: Event) -> None:
        d0, d1 = date_range(m)
        missing = [d0 + timedelta(days=i) for i in range((d1 - d0).days + 1)]
        missing = [d for d in missing if d not in self.days]
        if not missing:
            return
        if len(self.heads) > self.limit:
            self.clear()
        self.flush()
        lo, hi = min(missing) - timedelta(days=_WINDOW_DAYS), max(missing) + timedelta(days=_WINDOW_DAYS)
        rows = con.execute(
            "SELECT r.event_id, r.member, p.outlet FROM event_reports r "
            "LEFT JOIN reports p ON p.report_id = r.report_id "
            "WHERE r.event_id IN (SELECT event_id FROM events WHERE event_date BETWEEN ? AND ?) "
            "ORDER BY r.event_id, r.seq",
            [lo - timedelta(days=_SPAN_DAYS), hi + timedelta(days=_SPAN_DAYS)],
        ).fetchall()
        grouped: dict[str, list[tuple[Event, str]]] = {}
        for event_id, raw, outlet in rows:
            if event_id not in self.heads:
                grouped.setdefault(event_id, []).append((Event.from_dict(json.loads(raw)), outlet or ""))
        for event_id, members in grouped.items():
            head = copy_event(members[0][0])
            for m, _ in members[1:]:
                head = combine(head, m)
            head.event_id = event_id
            self._hold(head, [m.actor1 for m, _ in members], [o for _, o in members])
        self.days.update(lo + timedelta(days=i) for i in range((hi - lo).days + 1))

    def _hold(self, head: Event, actors: list[str], outlets: list[str]) -> None:
        self.heads[head.event_id] = head
        self.crowd[head.event_id] = (actors, outlets)
        for key in block_keys(head):
            self.index[key][head.event_id] = None

    # --- matching and keeping up to date --------------------------------------------------------------------

    def match(self, con, m: Event) -> str | None:
        """The id of the stored incident this member belongs to (the closest that fits), if any."""
        if m.event_date is None:
            return None
        self._cover(con, m)
        seen: set[str] = set()
        best, best_score = None, None
        for key in probe_keys(m):
            for event_id in self.index.get(key, ()):
                if event_id in seen:
                    continue
                seen.add(event_id)
                head = self.heads[event_id]
                if same_incident(head, m):
                    s = match_score(head, m)
                    if best_score is None or s < best_score:
                        best, best_score = event_id, s
        return best

    def start(self, m: Event, outlet: str) -> Event:
        """A new incident of one member; returns its finished event."""
        if m.event_date is not None:
            self._hold(m, [m.actor1], [outlet])
        return finish(copy_event(m), [m.actor1], [outlet])

    def join(self, event_id: str, m: Event, outlet: str) -> Event:
        """A member joins a held incident; returns the incident's finished event."""
        head = combine(self.heads[event_id], m)
        head.event_id = event_id
        actors, outlets = self.crowd[event_id]
        actors.append(m.actor1)
        outlets.append(outlet)
        self._hold(head, actors, outlets)
        merged = finish(copy_event(head), list(actors), list(outlets))
        merged.event_id = event_id
        return merged
