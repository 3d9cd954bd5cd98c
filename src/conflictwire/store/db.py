"""The embedded event database: reports in, merged events out, written in all-or-nothing transactions.

    >>> from conflictwire.store import Store
    >>> store = Store("conflict.duckdb")
    >>> store.ingest(reports)            # Report or InputError items; skips what is stored already
    >>> store.events(country="Syria", date_from="2024-12-01", limit=20)   # a pandas DataFrame

Extraction and writing are separable (issue 6 runs extraction elsewhere): ``has_report`` says whether a report
needs extracting at all, ``add`` writes one report's extraction and merges it with the stored events.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from ..errors import InputError
from ..merge import derive, member
from ..model import ACLED_COLUMNS, Event, Extraction, Report, Toll, content_hash
from . import schema
from .nearby import NearbyIncidents

EVENT_COLUMNS = ACLED_COLUMNS + ["fatalities_low", "fatalities_high", "grade", "grade_reasons"]
_DB_COLUMNS = EVENT_COLUMNS + ["first_report_id", "search_text", "created_at", "updated_at"]
SORTABLE = {
    "event_date",
    "fatalities",
    "fatalities_high",
    "country",
    "admin1",
    "location",
    "event_type",
    "sub_event_type",
    "grade",
    "event_id",
    "updated_at",
    "created_at",
}
_KEPT_ON_UPDATE = ("event_id", "first_report_id", "created_at")
_COMMIT_SECONDS = 5.0  # a slow stream still commits what it has this often


def default_path() -> Path:
    env = os.environ.get("CONFLICTWIRE_DB")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("conflictwire")) / "conflictwire.duckdb"


def report_hash(report: Report) -> str:
    """Content identity, taken on the text as extraction reads it (normalising is same-length and idempotent)."""
    from ..extract.nlp import normalise

    return content_hash(normalise(report.text))


@dataclass
class IngestSummary:
    read: int = 0
    skipped: int = 0
    stored: int = 0
    replaced: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    events: int = 0  # new incidents
    merged: int = 0  # reports' events that joined an incident already stored
    tolls: int = 0

    def to_dict(self) -> dict:
        return {
            "read": self.read,
            "skipped": self.skipped,
            "stored": self.stored,
            "replaced": self.replaced,
            "failed": [{"where": w, "reason": r} for w, r in self.failed],
            "events": self.events,
            "merged": self.merged,
            "tolls": self.tolls,
        }


@dataclass
class AddResult:
    skipped: bool = False
    replaced: int = 0
    events: int = 0
    merged: int = 0
    tolls: int = 0
    event_ids: list[str] = field(default_factory=list)


def _where(report: Report) -> str:
    return report.path or report.url or report.report_id


def _iso(v):
    if v is None:
        return None
    if isinstance(v, float) and pd.isna(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def _clean(v):
    """DuckDB/pandas values to plain JSON-ready Python values."""
    if v is None:
        return None
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        return _clean(v.tolist())
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, (datetime, date, pd.Timestamp)):
        return _iso(v)
    if v is pd.NaT:
        return None
    return v


_DATE_COLUMNS = ("event_date", "period_start", "period_end", "week")


def records(df: pd.DataFrame) -> list[dict]:
    """A query's DataFrame as JSON-ready dicts (dates as ISO strings, NaN as None)."""
    out = []
    for row in df.to_dict(orient="records"):
        d = {k: _clean(v) for k, v in row.items()}
        for k in _DATE_COLUMNS:
            if isinstance(d.get(k), str):
                d[k] = d[k][:10]
        out.append(d)
    return out


def _search_text(e: Event) -> str:
    parts = [
        e.location,
        e.admin2,
        e.admin1,
        e.country,
        e.actor1,
        e.actor2,
        e.assoc_actor_1,
        e.assoc_actor_2,
        e.event_type,
        e.sub_event_type,
        e.notes,
        e.source,
    ]
    parts += [ev.text for ev in e.evidence]
    return " ".join(p for p in parts if p).casefold()


class Store:
    """A conflictwire database (DuckDB file). Query methods return pandas DataFrames."""

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_path()
        self.read_only = read_only
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(str(self.path), f"cannot make its folder: {exc.strerror}") from None
        elif not self.path.exists():
            raise InputError(str(self.path), "no such database")
        try:
            # DuckDB's buffer pool would take most of the machine's memory by default; a cap keeps long
            # streaming ingests bounded (queries that need more spill to disk).
            config = {"memory_limit": os.environ.get("CONFLICTWIRE_DB_MEMORY", "1GB")}
            self._con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise InputError(str(self.path), "the database is in use by another process") from None
            raise InputError(str(self.path), f"cannot open the database: {msg.splitlines()[0]}") from None
        except duckdb.Error as exc:
            raise InputError(
                str(self.path), f"not a conflictwire database: {str(exc).splitlines()[0]}"
            ) from None
        self._lock = threading.RLock()
        self._nearby = NearbyIncidents(flush=self._flush)
        # Rows written since the last flush, held back to go in a statement per table (see _flush).
        self._pending: dict[str, list[tuple]] = defaultdict(list)
        self._pending_events: dict[str, list] = {}
        self._pending_reports: dict[str, set[str]] = {"hash": set(), "id": set(), "url": set()}
        self._seq: int | None = None  # the last event_reports.seq in this transaction
        self._known: dict | None = None  # what the database held of this batch's reports (see _look_up)
        if read_only:
            have = schema.current_version(self._con)
            if have < schema.LATEST:
                raise InputError(
                    str(self.path), f"database schema {have} is older than {schema.LATEST}: open it writable"
                )
        else:
            with self._lock:
                schema.migrate(self._con)

    # --- plumbing -------------------------------------------------------------------------------------------

    def _has_table(self, name: str) -> bool:
        row = self._con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        return bool(row[0])

    def _cur(self):
        # DuckDB connections are not shared between threads; a cursor is a cheap connection of its own.
        return self._con.cursor()

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return schema.current_version(self._cur())

    # --- writing --------------------------------------------------------------------------------------------

    def has_report(self, report: Report) -> bool:
        """Is exactly this report (same content) stored? False for a changed version of a stored URL."""
        row = (
            self._cur()
            .execute("SELECT 1 FROM reports WHERE content_hash = ? LIMIT 1", [report_hash(report)])
            .fetchone()
        )
        return row is not None

    def add(self, extraction: Extraction, content_hash: str | None = None) -> AddResult:
        """Write an extraction's reports and merge their events with the stored ones, in one transaction."""
        with self._lock:
            self._con.execute("BEGIN TRANSACTION")
            try:
                result = self._write_extraction(extraction, content_hash)
                self._commit()
            except BaseException:
                self._rollback()
                raise
        return result

    def _commit(self) -> None:
        self._flush()
        self._con.execute("COMMIT")
        self._seq = None
        self._known = None

    def _rollback(self) -> None:
        self._con.execute("ROLLBACK")
        self._pending.clear()
        self._pending_events.clear()
        for k in self._pending_reports.values():
            k.clear()
        self._seq = None
        self._known = None
        self._nearby.clear()  # it may hold what was just rolled back

    def _flush(self) -> None:
        """Write the rows held back since the last flush: a statement per table, not one per row.

        Called before any statement that reads what the write path writes, and before a commit.
        """
        if self._pending_events:
            rows = list(self._pending_events.values())
            self._pending_events.clear()
            sets = ", ".join(f"{c} = excluded.{c}" for c in _DB_COLUMNS if c not in _KEPT_ON_UPDATE)
            for i in range(0, len(rows), 500):
                chunk = rows[i : i + 500]
                one = "(" + ", ".join("?" * len(chunk[0])) + ")"
                self._con.execute(
                    f"INSERT INTO events ({', '.join(_DB_COLUMNS)}) VALUES {', '.join([one] * len(chunk))} "
                    f"ON CONFLICT (event_id) DO UPDATE SET {sets}",
                    [v for r in chunk for v in r],
                )
        pending = list(self._pending.items())
        self._pending.clear()
        for k in self._pending_reports.values():
            k.clear()
        # Reports first: the rows of the other tables refer to them.
        for table, rows in sorted(pending, key=lambda item: item[0] != "reports"):
            self._insert_rows(table, rows)

    def _write_extraction(self, extraction: Extraction, content_hash: str | None = None) -> AddResult:
        total = AddResult()
        for report in extraction.reports:
            events = [e for e in extraction.events if e.report_id in ("", report.report_id)]
            tolls = [t for t in extraction.tolls if t.report_id in ("", report.report_id)]
            if len(extraction.reports) == 1:
                events, tolls = extraction.events, extraction.tolls
            r = self._write_report(report, events, tolls, content_hash or report_hash(report))
            total.skipped = total.skipped or r.skipped
            total.replaced += r.replaced
            total.events += r.events
            total.merged += r.merged
            total.tolls += r.tolls
            total.event_ids += r.event_ids
        return total

    def _write_report(self, report: Report, events: list[Event], tolls: list[Toll], h: str) -> AddResult:
        """One report's rows and merges, inside the caller's transaction."""
        result = AddResult()
        con = self._con
        ids = _event_ids(report, events)
        held = self._pending_reports
        if h in held["hash"]:
            result.skipped = True
            return result
        known = self._known
        if report.report_id in held["id"] or (report.url and report.url in held["url"]):
            self._flush()  # a report held back in this batch is replaced: the query below must see it
            known = None
        if known is not None:
            same = h in known["hashes"]
            old = sorted(
                known["reports"].get(report.report_id, set()) | known["urls"].get(report.url or "", set())
            )
            taken = [i for i in ids if i in known["events"]]
        else:
            # DuckDB answers each statement in about a millisecond however small: ask once for all three.
            same, old, taken = con.execute(
                "SELECT (SELECT count(*) FROM reports WHERE content_hash = ?), "
                "(SELECT list(report_id ORDER BY report_id) FROM reports "
                " WHERE report_id = ? OR (url = ? AND url <> '')), "
                "(SELECT list(event_id) FROM events WHERE event_id = ANY(?::VARCHAR[]))",
                [h, report.report_id, report.url or "", ids],
            ).fetchone()
        if same:
            result.skipped = True
            return result
        # A changed version of a stored report (same URL or same id): its old contribution goes first.
        for rid in old or []:
            self._remove_report(rid)
            result.replaced += 1
        if old:
            self._nearby.clear()  # the removed report's incidents changed under the held ones
            self._known = None  # and what was looked up for the batch may have changed too
            rows = con.execute(
                "SELECT event_id FROM events WHERE event_id = ANY(?::VARCHAR[])", [ids]
            ).fetchall()
            taken = [r[0] for r in rows]
        # An id held by a stored incident, or by one written earlier in this batch.
        taken = set(taken or []) | {i for i in ids if i in self._pending_events}
        now = datetime.now(UTC)
        self._pending["reports"].append(
            (report.report_id, h, report.url, report.outlet, report.title, report.published, report.text,
             report.path, now)
        )  # fmt: skip
        held["hash"].add(h)
        held["id"].add(report.report_id)
        if report.url:
            held["url"].add(report.url)
        if self._seq is None:
            self._flush()
            self._seq = con.execute("SELECT coalesce(max(seq), 0) FROM event_reports").fetchone()[0]
        for raw in events:
            m = member(raw, report.published, report.outlet)
            self._seq += 1
            match = self._nearby.match(con, m)
            if match is None and m.event_id in taken:
                # The id is held by an incident this event is not part of (a replaced report's event
                # that lives on in others' reports): a new incident needs its own.
                m.event_id = self._free_id(m.event_id)
            self._pending["event_reports"].append(
                (
                    match or m.event_id,
                    report.report_id,
                    m.event_id,
                    self._seq,
                    json.dumps(m.to_dict(), default=_iso),
                )
            )
            if match is None:
                self._write_event(self._nearby.start(m, report.outlet), [m], now, new=True)
                result.events += 1
                result.event_ids.append(m.event_id)
            else:
                self._join_event(self._nearby.join(match, m, report.outlet), m, now)
                result.merged += 1
                result.event_ids.append(match)
        self._pending["tolls"] += [self._toll_row(t, report.report_id, j) for j, t in enumerate(tolls)]
        result.tolls += len(tolls)
        return result

    def _toll_row(self, t: Toll, report_id: str, j: int) -> tuple:
        return (
            f"{report_id}-t{j + 1}",
            t.report_id or report_id,
            t.kind,
            t.killed,
            t.children,
            t.civilians,
            t.injured,
            t.period_start,
            t.period_end,
            t.country,
            t.admin1,
            t.location,
            t.source,
            json.dumps([ev.to_dict() for ev in t.evidence]),
        )

    def _insert_rows(self, table: str, rows: list[tuple]) -> None:
        """Many rows in one statement (executemany runs one statement per row)."""
        if not rows:
            return
        one = "(" + ", ".join("?" * len(rows[0])) + ")"
        for i in range(0, len(rows), 500):
            chunk = rows[i : i + 500]
            self._con.execute(
                f"INSERT INTO {table} VALUES {', '.join([one] * len(chunk))}", [v for r in chunk for v in r]
            )

    def _remove_report(self, report_id: str) -> None:
        """Take a report's contribution out: its members leave their incidents, which are derived again."""
        self._flush()
        con = self._con
        affected = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT event_id FROM event_reports WHERE report_id = ? ORDER BY event_id",
                [report_id],
            ).fetchall()
        ]
        con.execute("DELETE FROM event_reports WHERE report_id = ?", [report_id])
        now = datetime.now(UTC)
        for event_id in affected:
            members, outlets = self._members(event_id)
            if members:
                self._write_event(derive(members, event_id, outlets), members, now)
            else:
                self._delete_event(event_id)
            self._flush()
        con.execute("DELETE FROM tolls WHERE report_id = ?", [report_id])
        con.execute("DELETE FROM reports WHERE report_id = ?", [report_id])

    def _delete_event(self, event_id: str) -> None:
        for table in ("events", "event_sources", "evidence", "event_figures"):
            self._con.execute(f"DELETE FROM {table} WHERE event_id = ?", [event_id])

    def _members(self, event_id: str) -> tuple[list[Event], list[str]]:
        """An incident's member events (one per report, in arrival order) and their reports' outlets."""
        rows = self._con.execute(
            "SELECT r.member, p.outlet FROM event_reports r LEFT JOIN reports p ON p.report_id = r.report_id "
            "WHERE r.event_id = ? ORDER BY r.seq",
            [event_id],
        ).fetchall()
        return [Event.from_dict(json.loads(r[0])) for r in rows], [r[1] or "" for r in rows]

    def _event_row(self, e: Event, first_report_id: str, created, now: datetime) -> list:
        return [getattr(e, c) for c in ACLED_COLUMNS] + [
            e.fatalities_low,
            e.fatalities_high,
            e.grade,
            list(e.grade_reasons),
            first_report_id,
            _search_text(e),
            created,
            now,
        ]

    def _detail_rows(self, e: Event, members: list[Event]) -> None:
        """Sources (with the report each came from), evidence and figures of these members, appended."""
        reports = {m.report_id for m in members}
        pending = self._pending
        pending["event_sources"] += [
            (e.event_id, m.report_id, s.name, s.stance) for m in members for s in m.sources
        ]
        pending["evidence"] += [
            (e.event_id, v.report_id, v.text, v.start, v.end) for m in members for v in m.evidence
        ]
        pending["event_figures"] += [
                (e.event_id, f.get("report_id"), f.get("source"), f.get("killed"), f.get("published"),
                 bool(f.get("revised")))
                for f in e.figures
                if f.get("report_id") in reports
            ]  # fmt: skip

    def _write_event(self, e: Event, members: list[Event], now: datetime, new: bool = False) -> None:
        """(Re)write a merged event and all its rows from its members."""
        created = now
        if not new:
            row = self._con.execute(
                "SELECT created_at FROM events WHERE event_id = ?", [e.event_id]
            ).fetchone()
            created = row[0] if row else now
            self._delete_event(e.event_id)
        self._pending_events[e.event_id] = self._event_row(e, members[0].report_id, created, now)
        self._detail_rows(e, members)

    def _join_event(self, e: Event, m: Event, now: datetime) -> None:
        """A new report joins a stored incident: the event row is derived again, the member's rows appended."""
        row = self._event_row(e, "", now, now)
        held = self._pending_events.get(e.event_id)
        if held is not None:  # written earlier in this batch: it keeps its first report and creation time
            for c in _KEPT_ON_UPDATE:
                row[_DB_COLUMNS.index(c)] = held[_DB_COLUMNS.index(c)]
        self._pending_events[e.event_id] = row  # an upsert that keeps the stored row's first report and time
        self._detail_rows(e, [m])

    def _free_id(self, event_id: str) -> str:
        self._flush()
        n = 2
        while self._con.execute("SELECT 1 FROM events WHERE event_id = ?", [f"{event_id}-{n}"]).fetchone():
            n += 1
        return f"{event_id}-{n}"

    # --- reading --------------------------------------------------------------------------------------------

    def _details(self, ids: list[str], con) -> dict[str, dict]:
        """report_ids, sources (with their report), evidence and figures of these events."""
        out: dict[str, dict] = {
            i: {"sources": [], "evidence": [], "report_ids": [], "figures": []} for i in ids
        }
        if not ids:
            return out
        # One id: an equality the ART indexes answer; several: one pass over each table.
        match, arg = ("= ?", ids[0]) if len(ids) == 1 else ("IN (SELECT unnest(?::VARCHAR[]))", ids)
        for eid, rid in con.execute(
            f"SELECT event_id, report_id FROM event_reports WHERE event_id {match} ORDER BY seq", [arg]
        ).fetchall():
            if rid not in out[eid]["report_ids"]:
                out[eid]["report_ids"].append(rid)
        rows = con.execute(
            f"SELECT event_id, report_id, name, stance FROM event_sources WHERE event_id {match} ORDER BY rowid",
            [arg],
        ).fetchall()
        for eid, rid, name, stance in rows:
            out[eid]["sources"].append({"name": name, "stance": stance, "report_id": rid})
        for d in out.values():  # in the order the reports joined
            order = {r: n for n, r in enumerate(d["report_ids"])}
            d["sources"].sort(key=lambda x: order.get(x["report_id"], len(order)))
        for eid, rid, text, start, end in con.execute(
            f'SELECT event_id, report_id, text, start, "end" FROM evidence WHERE event_id {match} ORDER BY rowid',
            [arg],
        ).fetchall():
            out[eid]["evidence"].append({"report_id": rid, "text": text, "start": start, "end": end})
        for eid, rid, source, killed, published, revised in con.execute(
            "SELECT event_id, report_id, source, killed, published, revised FROM event_figures "
            f"WHERE event_id {match} ORDER BY published NULLS FIRST, rowid",
            [arg],
        ).fetchall():
            out[eid]["figures"].append(
                {
                    "report_id": rid,
                    "source": source,
                    "killed": killed,
                    "published": _iso(published),
                    "revised": bool(revised),
                }
            )
        return out

    @staticmethod
    def _filters(
        date_from=None,
        date_to=None,
        country=None,
        admin1=None,
        event_type=None,
        sub_event_type=None,
        actor=None,
        source=None,
        grade=None,
        text=None,
        bbox=None,
        report_id=None,
    ) -> tuple[str, list]:
        where, params = [], []

        def one_of(column: str, value) -> None:
            values = [value] if isinstance(value, str) else list(value)
            values = [v for v in values if v not in (None, "")]
            if values:
                where.append(f"lower({column}) IN ({', '.join('lower(?)' for _ in values)})")
                params.extend(values)

        if date_from:
            where.append("event_date >= CAST(? AS DATE)")
            params.append(str(date_from)[:10])
        if date_to:
            where.append("event_date <= CAST(? AS DATE)")
            params.append(str(date_to)[:10])
        if country:
            values = [country] if isinstance(country, (str, int)) else list(country)
            names = [str(v) for v in values if not str(v).isdigit()]
            isos = [int(v) for v in values if str(v).isdigit()]
            parts = []
            if names:
                parts.append(f"lower(country) IN ({', '.join('lower(?)' for _ in names)})")
                params.extend(names)
            if isos:
                parts.append(f"iso IN ({', '.join('?' for _ in isos)})")
                params.extend(isos)
            where.append("(" + " OR ".join(parts) + ")")
        if admin1:
            one_of("admin1", admin1)
        if event_type:
            one_of("event_type", event_type)
        if sub_event_type:
            one_of("sub_event_type", sub_event_type)
        if grade:
            one_of("grade", grade)
        if actor:
            where.append(
                "(actor1 ILIKE ? OR actor2 ILIKE ? OR assoc_actor_1 ILIKE ? OR assoc_actor_2 ILIKE ?)"
            )
            params += [f"%{actor}%"] * 4
        if source:
            where.append("source ILIKE ?")
            params.append(f"%{source}%")
        if text:
            for word in str(text).casefold().split():
                where.append("contains(search_text, ?)")
                params.append(word)
        if bbox:
            if isinstance(bbox, str):
                try:
                    bbox = [float(x) for x in bbox.split(",")]
                except ValueError:
                    raise InputError("bbox", f"expected minlon,minlat,maxlon,maxlat, not {bbox!r}") from None
            if len(bbox) != 4:
                raise InputError("bbox", "expected four numbers: minlon,minlat,maxlon,maxlat")
            minlon, minlat, maxlon, maxlat = (float(x) for x in bbox)
            where.append("longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?")
            params += [minlon, maxlon, minlat, maxlat]
        if report_id:
            where.append("event_id IN (SELECT event_id FROM event_reports WHERE report_id = ?)")
            params.append(report_id)
        return (" WHERE " + " AND ".join(where)) if where else "", params

    @staticmethod
    def _order(sort: str | None) -> str:
        keys = []
        for part in (sort or "-event_date").split(","):
            part = part.strip()
            if not part:
                continue
            desc = part.startswith("-")
            name = part.lstrip("-+")
            if name not in SORTABLE:
                raise InputError(
                    "sort", f"cannot sort by {name!r}; choose from {', '.join(sorted(SORTABLE))}"
                )
            keys.append(f"{name} {'DESC' if desc else 'ASC'} NULLS LAST")
        keys.append("event_id ASC")
        return " ORDER BY " + ", ".join(keys)

    def events(
        self,
        date_from=None,
        date_to=None,
        country=None,
        admin1=None,
        event_type=None,
        sub_event_type=None,
        actor=None,
        source=None,
        grade=None,
        text=None,
        bbox=None,
        sort: str | None = "-event_date",
        limit: int | None = 100,
        offset: int = 0,
        report_id=None,
        details: bool = False,
    ) -> pd.DataFrame:
        """Merged events matching every filter given. ``df.attrs["total"]`` is the count before limit/offset.

        Columns: ACLED's, then fatalities_low, fatalities_high, grade, grade_reasons, report_ids (and with
        ``details`` the lists sources, evidence and figures). ``sort``: a column, "-" for descending, commas.
        """
        where, params = self._filters(
            date_from, date_to, country, admin1, event_type, sub_event_type, actor, source, grade, text, bbox,
            report_id,
        )  # fmt: skip
        con = self._cur()
        total = con.execute(f"SELECT count(*) FROM events{where}", params).fetchone()[0]
        cols = f"{', '.join(EVENT_COLUMNS)}, first_report_id, created_at, updated_at"
        page = self._order(sort)
        if limit is not None:
            page += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        elif offset:
            page += f" OFFSET {int(offset)}"
        if limit is not None and limit <= 10_000:
            # Sort and cut on the narrow columns first; fetch whole rows only for the page (a wide top-N over a
            # million rows costs several times more).
            rowids = [r[0] for r in con.execute(f"SELECT rowid FROM events{where}{page}", params).fetchall()]
            df = con.execute(
                f"SELECT rowid AS _row, {cols} FROM events WHERE rowid IN (SELECT unnest(?::BIGINT[]))",
                [rowids],
            ).df()
            df = (
                df.set_index("_row").loc[rowids].reset_index(drop=True) if rowids else df.drop(columns="_row")
            )
        else:
            df = con.execute(f"SELECT {cols} FROM events{where}{page}", params).df()
        ids = df["event_id"].tolist()
        detail = self._details(ids, con) if ids else {}
        df["report_ids"] = [detail[i]["report_ids"] for i in ids] if ids else []
        if details:
            df["sources"] = [
                [{"name": s["name"], "stance": s["stance"]} for s in _unique_sources(detail[i]["sources"])]
                for i in ids
            ]
            df["evidence"] = [detail[i]["evidence"] for i in ids]
            df["figures"] = [detail[i]["figures"] for i in ids]
        df.attrs["total"] = int(total)
        return df

    def count_events(self, **filters) -> int:
        where, params = self._filters(**filters)
        return int(self._cur().execute(f"SELECT count(*) FROM events{where}", params).fetchone()[0])

    def event(self, event_id: str) -> dict | None:
        """One merged event with its sources (and the report each came from), evidence, figures, reports, tolls."""
        con = self._cur()
        df = con.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)}, first_report_id, created_at, updated_at FROM events "
            "WHERE event_id = ?",
            [event_id],
        ).df()
        if df.empty:
            return None
        e = records(df)[0]
        detail = self._details([event_id], con)[event_id]
        e["grade_reasons"] = e.get("grade_reasons") or []
        e["sources"] = _unique_sources(detail["sources"])
        e["source_reports"] = detail["sources"]
        e["evidence"] = detail["evidence"]
        e["figures"] = detail["figures"]
        e["report_ids"] = detail["report_ids"]
        e["reports"] = records(
            con.execute(
                "SELECT report_id, url, outlet, title, published, path FROM reports "
                "WHERE report_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY published, report_id",
                [detail["report_ids"]],
            ).df()
        )
        tolls = pd.DataFrame()
        if e.get("admin1") or e.get("country"):
            tolls = self.tolls(country=e.get("country") or None, admin1=e.get("admin1") or None, limit=50)
        e["tolls"] = records(tolls) if not tolls.empty else []
        return e

    def tolls(
        self,
        date_from=None,
        date_to=None,
        country=None,
        admin1=None,
        source=None,
        kind=None,
        report_id=None,
        limit: int | None = 1000,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Cumulative (and area) tolls, a time series per source and area: never summed into events."""
        where, params = [], []
        if date_from:
            where.append("coalesce(period_end, period_start) >= CAST(? AS DATE)")
            params.append(str(date_from)[:10])
        if date_to:
            where.append("coalesce(period_start, period_end) <= CAST(? AS DATE)")
            params.append(str(date_to)[:10])
        for col, val in (("country", country), ("admin1", admin1), ("kind", kind)):
            if val:
                where.append(f"lower({col}) = lower(?)")
                params.append(val)
        if source:
            where.append("t.source ILIKE ?")
            params.append(f"%{source}%")
        if report_id:
            where.append("t.report_id = ?")
            params.append(report_id)
        sql = (
            "SELECT t.toll_id, t.report_id, t.kind, t.killed, t.children, t.civilians, t.injured, t.period_start, "
            "t.period_end, t.country, t.admin1, t.location, t.source, t.evidence, r.published, r.outlet "
            "FROM tolls t LEFT JOIN reports r USING (report_id)"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY t.country, t.admin1, t.source, coalesce(t.period_end, t.period_start), r.published, t.toll_id"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        df = self._cur().execute(sql, params).df()
        df["evidence"] = [json.loads(v) if isinstance(v, str) else (v or []) for v in df["evidence"]]
        return df

    def reports(
        self,
        date_from=None,
        date_to=None,
        outlet=None,
        url=None,
        text=None,
        with_text: bool = False,
        limit: int | None = 1000,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Stored reports (newest first) with how many events each contributed to."""
        where, params = [], []
        if date_from:
            where.append("published >= CAST(? AS TIMESTAMPTZ)")
            params.append(str(date_from))
        if date_to:
            where.append("CAST(published AS DATE) <= CAST(? AS DATE)")
            params.append(str(date_to)[:10])
        if outlet:
            where.append("outlet ILIKE ?")
            params.append(f"%{outlet}%")
        if url:
            where.append("url = ?")
            params.append(url)
        if text:
            where.append("(text ILIKE ? OR title ILIKE ?)")
            params += [f"%{text}%"] * 2
        cols = "r.report_id, r.content_hash, r.url, r.outlet, r.title, r.published, r.path, r.ingested_at"
        if with_text:
            cols += ", r.text"
        sql = (
            f"SELECT {cols}, (SELECT count(DISTINCT event_id) FROM event_reports e WHERE e.report_id = r.report_id) "
            "AS events FROM reports r"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.published DESC, r.report_id"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return self._cur().execute(sql, params).df()

    def stats(self, top: int = 50, **filters) -> dict:
        """Counts and fatalities: totals, by week, by event type, by admin1, by actor (same filters as events)."""
        where, params = self._filters(**filters)
        con = self._cur()
        base = f"(SELECT * FROM events{where})"
        totals = con.execute(
            f"SELECT count(*) AS events, coalesce(sum(fatalities), 0)::BIGINT AS fatalities FROM {base}",
            params,
        ).fetchone()
        return {
            "events": int(totals[0]),
            "fatalities": int(totals[1]),
            "reports": int(con.execute("SELECT count(*) FROM reports").fetchone()[0]),
            "by_week": con.execute(
                f"SELECT date_trunc('week', event_date)::DATE AS week, count(*) AS events, "
                f"coalesce(sum(fatalities), 0)::BIGINT AS fatalities FROM {base} GROUP BY 1 ORDER BY 1",
                params,
            ).df(),
            "by_type": con.execute(
                f"SELECT event_type, sub_event_type, count(*) AS events, coalesce(sum(fatalities), 0)::BIGINT AS fatalities "
                f"FROM {base} GROUP BY 1, 2 ORDER BY events DESC, 1, 2",
                params,
            ).df(),
            "by_admin1": con.execute(
                f"SELECT country, admin1, count(*) AS events, coalesce(sum(fatalities), 0)::BIGINT AS fatalities "
                f"FROM {base} GROUP BY 1, 2 ORDER BY events DESC, 1, 2 LIMIT {int(top)}",
                params,
            ).df(),
            "by_actor": con.execute(
                f"SELECT actor, count(*) AS events, coalesce(sum(fatalities), 0)::BIGINT AS fatalities FROM ("
                f"SELECT actor1 AS actor, fatalities FROM {base} WHERE actor1 <> '' UNION ALL "
                f"SELECT actor2 AS actor, fatalities FROM {base} WHERE actor2 <> '') "
                f"GROUP BY 1 ORDER BY events DESC, 1 LIMIT {int(top)}",
                params + params,
            ).df(),
        }

    # --- the whole job --------------------------------------------------------------------------------------

    def ingest(
        self,
        items: Iterable[Report | InputError],
        progress: Callable[[str, str], None] | None = None,
        batch_size: int = 32,
        extract: Callable[[Iterable[Report]], Iterable[Extraction]] | None = None,
        commit_every: int = 64,
    ) -> IngestSummary:
        """Read, skip what is stored, extract, and write the reports ``commit_every`` to a transaction.

        A batch is committed whole or not at all, and at least every few seconds, so a killed run keeps every
        batch committed before the kill and a rerun skips those reports. A report that cannot be written fails
        alone: its batch is written again a report a transaction.

        ``items``: Reports, or InputErrors for inputs that could not be read (recorded as failed; the batch goes
        on). ``extract``: runs extraction over a stream of reports and yields one Extraction per report in order
        (default: this process, in batches; ``conflictwire.extract.engines.run`` for a pool or Dask). Writing
        stays in this process. ``progress(where, status)`` is called once per item; status is one of read-error,
        skipped, stored, replaced, failed.
        """
        summary = IngestSummary()
        pending: deque[tuple[Report, str]] = deque()

        def note(where: str, status: str) -> None:
            if progress is not None:
                progress(where, status)

        def todo() -> Iterator[Report]:
            # Stored already? Asked for 64 items at a time: one query each would cost as much as a short report.
            it = iter(items)
            while chunk := list(itertools.islice(it, 64)):
                hashes = [None if isinstance(x, InputError) else report_hash(x) for x in chunk]
                wanted = [h for h in hashes if h is not None]
                stored = {
                    r[0]
                    for r in self._cur()
                    .execute("SELECT content_hash FROM reports WHERE content_hash = ANY(?)", [wanted])
                    .fetchall()
                } if wanted else set()  # fmt: skip
                for item, h in zip(chunk, hashes, strict=True):
                    if isinstance(item, InputError):
                        summary.failed.append((item.where, item.reason))
                        note(item.where, "read-error")
                        continue
                    summary.read += 1
                    if h in stored:
                        summary.skipped += 1
                        note(_where(item), "skipped")
                        continue
                    pending.append((item, h))
                    yield item

        def again(retry: list[tuple[Report, str]]) -> Iterator[Report]:
            for report, h in retry:
                pending.append((report, h))
                yield report

        source = todo()
        stream = iter(extract(source)) if extract else _safe_extract(source, batch_size)
        batch: list[tuple[Report, str, object]] = []
        started = time.monotonic()
        while True:
            try:
                ex = next(stream)
            except StopIteration:
                break
            except Exception:
                if extract is None:
                    raise
                # The engine failed (a bad report in a worker's batch): the reports it held and the rest go
                # through this process one by one, so only the bad one fails.
                retry = list(pending)
                pending.clear()
                stream = _safe_extract(itertools.chain(again(retry), source), 1)
                extract = None
                continue
            report, h = pending.popleft()
            batch.append((report, h, ex))
            if len(batch) >= commit_every or time.monotonic() - started > _COMMIT_SECONDS:
                self._store_batch(batch, summary, note)
                batch, started = [], time.monotonic()
        self._store_batch(batch, summary, note)
        return summary

    def _store_batch(self, batch: list[tuple[Report, str, object]], summary: IngestSummary, note) -> None:
        """Several reports in one transaction: a commit costs more than a small report's rows."""
        if not batch:
            return
        done: list[tuple[Report, object]] = []
        with self._lock:
            self._con.execute("BEGIN TRANSACTION")
            try:
                self._known = self._look_up(batch)
                for report, h, ex in batch:
                    done.append((report, ex if isinstance(ex, Exception) else self._write_extraction(ex, h)))
                self._commit()
            except Exception:
                self._rollback()
                # One report could not be written: the batch goes again a report a transaction, so only it fails.
                for report, h, ex in batch:
                    self._store_one(report, h, ex, summary, note)
                return
            except BaseException:
                self._rollback()
                raise
        for report, r in done:
            self._tally(report, r, summary, note)

    def _look_up(self, batch: list[tuple[Report, str, object]]) -> dict:
        """What the database holds of a batch's reports, asked once for the batch rather than per report:
        their content hashes, stored reports with their ids or URLs, and incidents holding their event ids."""
        hashes, ids, urls, events = [], [], [], []
        for _, h, ex in batch:
            if isinstance(ex, Exception):
                continue
            hashes.append(h)
            for r in ex.reports:
                ids.append(r.report_id)
                if r.url:
                    urls.append(r.url)
                events += _event_ids(r, [e for e in ex.events if e.report_id in ("", r.report_id)])
        con = self._con
        wanted = set(ids)
        known: dict = {"reports": {}, "urls": {}}
        known["hashes"] = {
            r[0]
            for r in con.execute(
                "SELECT content_hash FROM reports WHERE content_hash = ANY(?)", [hashes]
            ).fetchall()
        }
        for rid, url in con.execute(
            "SELECT report_id, url FROM reports WHERE report_id = ANY(?) OR (url = ANY(?) AND url <> '')",
            [ids, urls],
        ).fetchall():
            if rid in wanted:
                known["reports"][rid] = {rid}
            if url:
                known["urls"].setdefault(url, set()).add(rid)
        known["events"] = {
            r[0]
            for r in con.execute("SELECT event_id FROM events WHERE event_id = ANY(?)", [events]).fetchall()
        }
        return known

    def _store_one(self, report: Report, h: str, ex, summary: IngestSummary, note) -> None:
        if isinstance(ex, Exception):
            self._tally(report, ex, summary, note)
            return
        try:
            r = self.add(ex, content_hash=h)
        except Exception as exc:
            where = _where(report)
            summary.failed.append((where, f"could not store: {type(exc).__name__}: {exc}"))
            note(where, "failed")
            return
        self._tally(report, r, summary, note)

    def _tally(self, report: Report, r: AddResult | Exception, summary: IngestSummary, note) -> None:
        where = _where(report)
        if isinstance(r, Exception):
            summary.failed.append((where, f"extraction failed: {type(r).__name__}: {r}"))
            note(where, "failed")
            return
        if r.skipped:
            summary.skipped += 1
            note(where, "skipped")
            return
        summary.stored += 1
        summary.replaced += r.replaced
        summary.events += r.events
        summary.merged += r.merged
        summary.tolls += r.tolls
        note(where, "replaced" if r.replaced else "stored")


def _event_ids(report: Report, events: list[Event]) -> list[str]:
    """Fills in the report and event ids that extraction left empty, and returns the event ids."""
    for i, raw in enumerate(events):
        raw.report_id = raw.report_id or report.report_id
        if not raw.event_id:
            raw.event_id = f"{report.report_id}-{i + 1}"
    return [raw.event_id for raw in events]


def _safe_extract(reports: Iterable[Report], batch_size: int) -> Iterator[Extraction | Exception]:
    """Extraction in this process, in batches through ``nlp.pipe``; a report that breaks it yields its exception."""
    from ..extract.pipeline import extract_report, extract_reports

    it = iter(reports)
    while batch := list(itertools.islice(it, batch_size)):
        try:
            outs: list = list(extract_reports(batch, batch_size=batch_size))
        except Exception:
            outs = []
            for report in batch:
                try:
                    outs.append(extract_report(report))
                except Exception as exc:
                    outs.append(exc)
        yield from outs


def _unique_sources(rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for s in rows:
        k = ((s.get("name") or "").casefold(), s.get("stance"))
        if k not in seen:
            seen.add(k)
            out.append(s)
    return out
