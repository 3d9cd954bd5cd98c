"""What the HTTP API asks of the store, in one place.

Writes, single events, tolls and reports go through `conflictwire.store.Store` (the same path as the CLI). Lists and
stats are answered from the read index (api/index.py, same rules as `Store.events`/`Store.stats`, tested side by
side) once it is built, and from the Store until then. The one query the Store does not offer — counts by
country, for the dashboard's country list — is written here against its schema with its own filter rules.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import InputError
from ..model import Report
from ..store import Store, records
from ..store.db import SORTABLE as STORE_SORTABLE
from .index import OUT_COLUMNS, EventIndex
from .index import stats as index_stats
from .jsonify import value

SORTABLE = set(STORE_SORTABLE)
# Integer columns that a DataFrame may carry as floats when a value is missing: ACLED's CSV wants "8", not "8.0".
INT_COLUMNS = (
    "time_precision",
    "inter1",
    "inter2",
    "interaction",
    "iso",
    "geo_precision",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
)


@dataclass
class EventFilters:
    date_from: date | None = None
    date_to: date | None = None
    country: str | None = None
    admin1: str | None = None
    event_type: list[str] | None = None
    sub_event_type: list[str] | None = None
    actor: str | None = None
    source: str | None = None
    grade: str | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None

    def store_kwargs(self) -> dict:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "country": self.country,
            "admin1": self.admin1,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "actor": self.actor,
            "source": self.source,
            "grade": self.grade,
            "text": self.q,
            "bbox": list(self.bbox) if self.bbox else None,
        }


# DATE columns come out of DataFrames as midnight timestamps; the API gives days.
DATE_COLUMNS = ("event_date", "week", "period_start", "period_end")


def _tidy(row: dict) -> dict:
    if "report_id" not in row and "first_report_id" in row:
        row["report_id"] = row["first_report_id"]  # the report that first told the event (CSV's report_id)
    for c in DATE_COLUMNS:
        v = row.get(c)
        if isinstance(v, str) and len(v) > 10 and v[10] == "T":
            row[c] = v[:10]
    for c in INT_COLUMNS:
        v = row.get(c)
        if isinstance(v, float) and v.is_integer():
            row[c] = int(v)
    for k, v in row.items():
        row[k] = value(v)
    return row


def _project(row: dict) -> dict:
    """A Store.events row cut to the list columns the index serves, so both paths answer alike."""
    row = _tidy(row)
    return {c: row.get(c) for c in OUT_COLUMNS}


class Backend:
    """The store plus a read index (api/index.py) for list queries; the Store answers until the index is ready."""

    # Up to this many events the index is built before answering (well under a second); above, in the background.
    SYNC_BUILD = 50_000

    def __init__(self, path: str | Path | None = None, store: Store | None = None, use_index: bool = True):
        self.store = store or Store(path)
        self.use_index = use_index
        self._index: EventIndex | None = None
        self._generation = 0
        self._index_lock = threading.Lock()
        if use_index:
            self._rebuild()

    def close(self) -> None:
        self.store.close()

    def count(self) -> int:
        return self.store.count_events()

    # --- the read index --------------------------------------------------------------------------------------

    @property
    def index_ready(self) -> bool:
        return self._index is not None

    def _rebuild(self) -> None:
        """Drop the index and build it again for the database as it is now."""
        with self._index_lock:
            self._generation += 1
            generation = self._generation
            self._index = None
        if self.count() <= self.SYNC_BUILD:
            self._build(generation)
        else:
            threading.Thread(target=self._build, args=(generation,), name="event-index", daemon=True).start()

    def _build(self, generation: int) -> None:
        index = EventIndex(self.store._cur())
        for sort in ("-event_date", "event_date", "-fatalities"):  # the dashboard's usual orders
            index.order(sort)
        with self._index_lock:
            if generation == self._generation:  # a write since we started makes this one stale
                self._index = index

    # --- queries ---------------------------------------------------------------------------------------------

    def events(self, f: EventFilters, sort: str, limit: int, offset: int) -> tuple[int, list[dict]]:
        index = self._index
        if index is not None:
            return index.page(f.store_kwargs(), sort, limit, offset)
        df = self.store.events(**f.store_kwargs(), sort=sort, limit=limit, offset=offset)
        return int(df.attrs.get("total", len(df))), [_project(r) for r in records(df)]

    def iter_events(
        self, f: EventFilters, sort: str, limit: int | None, chunk: int = 10_000
    ) -> Iterator[list[dict]]:
        """Pages of events for streaming exports, so a million rows never sit in memory at once."""
        offset = 0
        while limit is None or offset < limit:
            n = chunk if limit is None else min(chunk, limit - offset)
            _, rows = self.events(f, sort, n, offset)
            if not rows:
                return
            yield rows
            offset += len(rows)
            if len(rows) < n:
                return

    def event(self, event_id: str) -> dict | None:
        found = self.store.event(event_id)
        if not found:
            return None
        ev = _tidy(dict(found))
        ev["tolls"] = [_tidy(dict(t)) for t in ev.get("tolls") or []]
        return ev

    def tolls(
        self, country=None, admin1=None, source=None, date_from=None, date_to=None, limit=500, offset=0
    ):
        kw = {
            "country": country,
            "admin1": admin1,
            "source": source,
            "date_from": date_from,
            "date_to": date_to,
        }
        total = len(self.store.tolls(**kw, limit=None))
        df = self.store.tolls(**kw, limit=limit, offset=offset)
        return total, [_tidy(r) for r in records(df)]

    def stats(self, f: EventFilters) -> dict:
        kw = f.store_kwargs()
        index = self._index
        if index is not None:
            out = index_stats(index, kw)
            out["reports"] = int(self.store._cur().execute("SELECT count(*) FROM reports").fetchone()[0])
            return out
        raw = self.store.stats(**kw)
        out = {
            k: ([_tidy(r) for r in records(v)] if hasattr(v, "to_dict") else value(v)) for k, v in raw.items()
        }
        out["by_country"] = self._by_country(kw)
        return out

    def _by_country(self, kw: dict) -> list[dict]:
        where, params = Store._filters(**kw)
        cur = self.store._cur()
        cur.execute(
            "SELECT country, count(*) AS events, coalesce(sum(fatalities), 0)::BIGINT AS fatalities "
            f"FROM events{where} GROUP BY 1 HAVING coalesce(country, '') <> '' ORDER BY 2 DESC, 1",
            params,
        )
        return [{"country": c, "events": int(n), "fatalities": int(k)} for c, n, k in cur.fetchall()]

    def reports(self, limit: int, offset: int, with_text: bool = False) -> tuple[int, list[dict]]:
        total = int(self.store._cur().execute("SELECT count(*) FROM reports").fetchone()[0])
        df = self.store.reports(with_text=with_text, limit=limit, offset=offset)
        return total, [_tidy(r) for r in records(df)]

    def ingest(self, report: Report) -> dict:
        """One report through Store.ingest: extract, merge, write in one transaction (or skip when stored)."""
        summary = self.store.ingest([report])
        if self.use_index and (summary.stored or summary.replaced):
            self._rebuild()
        if summary.failed:
            where, reason = summary.failed[0]
            raise InputError("report", reason)
        ids = self.store.events(report_id=report.report_id, limit=None, sort="event_id")["event_id"].tolist()
        return {
            "report_id": report.report_id,
            "skipped": bool(summary.skipped),
            "replaced": summary.replaced,
            "events": ids,
            "tolls": summary.tolls,
        }
