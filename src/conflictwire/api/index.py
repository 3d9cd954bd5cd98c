"""An in-memory read index of the events table, so `/api/events` answers in milliseconds over a million rows.

While `conflictwire serve` runs it holds the database's write lock, so every change comes through this process
(`POST /api/reports`); the backend drops the index after a write and builds it again. Its answers are the Store's
(`Store.events` filter and sort rules, tested side by side in tests/test_api.py): a column scan in DuckDB costs
tens to hundreds of milliseconds per filter over 1M rows on a small machine, a numpy mask over dictionary codes
costs one or two.

- Low-cardinality text columns (country, types, actors, grade...) are dictionary codes: a filter matches the few
  distinct values in Python and then selects rows by code.
- Free text: the store matches each query word as a substring of `search_text`. Words carry no spaces, so that is
  the same as "some whitespace-separated chunk contains the word": the index keeps the chunks' vocabulary with the
  rows each occurs in.
- Sorts are computed once per key and kept; ties go by event_id ascending, nulls last, as in the store.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from ..model import ACLED_COLUMNS

OUT_COLUMNS = ACLED_COLUMNS + ["fatalities_low", "fatalities_high", "grade", "report_id"]
CATEGORICAL = (
    "country",
    "admin1",
    "location",
    "event_type",
    "sub_event_type",
    "grade",
    "actor1",
    "actor2",
    "assoc_actor_1",
    "assoc_actor_2",
    "source",
)
NUMERIC = (
    "event_date",
    "fatalities",
    "fatalities_high",
    "iso",
    "latitude",
    "longitude",
    "updated_at",
    "created_at",
)


class Categorical:
    def __init__(self, array: pa.Array):
        enc = array.dictionary_encode()
        self.codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
        self.values = enc.dictionary.to_pylist()
        self.lower = [v.lower() if isinstance(v, str) else "" for v in self.values]
        self._rank = None

    def rows_where(self, match) -> np.ndarray:
        """Rows whose value (lower-cased) satisfies match(value)."""
        hits = [i for i, v in enumerate(self.lower) if match(v)]
        if not hits:
            return np.zeros(len(self.codes), dtype=bool)
        if len(hits) <= 8:  # a few values: comparing codes is ~100× faster than a lookup-table gather
            m = self.codes == hits[0]
            for h in hits[1:]:
                m |= self.codes == h
            return m
        lut = np.zeros(len(self.values) + 1, dtype=bool)  # last slot: null (code -1)
        lut[hits] = True
        return lut[self.codes]

    def sort_key(self) -> tuple[np.ndarray, np.ndarray]:
        if self._rank is None:
            order = sorted(range(len(self.values)), key=lambda i: self.values[i])
            rank = np.empty(len(self.values) + 1, dtype=np.int64)
            rank[order] = np.arange(len(order))
            rank[-1] = 0
            self._rank = rank
        return self._rank[self.codes].astype(np.float64), self.codes < 0


class EventIndex:
    def __init__(self, con):
        """con: a DuckDB connection or cursor on the store's database."""
        select = ", ".join(f'"{c}"' for c in OUT_COLUMNS if c != "report_id")
        table = con.sql(
            f"SELECT {select}, first_report_id AS report_id, "
            "epoch_ms(updated_at) AS updated_at_ms, epoch_ms(created_at) AS created_at_ms "
            "FROM events ORDER BY event_id"
        ).to_arrow_table()
        table = table.combine_chunks()
        self.n = table.num_rows
        self.rows = table.select(OUT_COLUMNS)
        self.cat = {c: Categorical(table.column(c).combine_chunks()) for c in CATEGORICAL}
        self.num: dict[str, np.ndarray] = {}
        for c in NUMERIC:
            src = {"updated_at": "updated_at_ms", "created_at": "created_at_ms"}.get(c, c)
            col = table.column(src).combine_chunks()
            if c == "event_date":
                col = col.cast(pa.int32())
            self.num[c] = col.cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False)
        self.fat = np.nan_to_num(self.num["fatalities"], nan=0.0)
        self.words, self.offsets, self.postings = self._postings(con)
        self._orders: dict[str, np.ndarray] = {}
        self._ranks: dict[str, np.ndarray] = {}

    @staticmethod
    def _postings(con):
        # Same row numbering as above (ORDER BY event_id); duplicates within a row are harmless for a mask.
        t = con.sql(
            "SELECT w, list(pos) AS rows FROM ("
            "  SELECT pos, unnest(regexp_split_to_array(coalesce(search_text, ''), '\\s+')) AS w FROM ("
            "    SELECT row_number() OVER (ORDER BY event_id) - 1 AS pos, search_text FROM events)"
            ") WHERE w <> '' GROUP BY w"
        ).to_arrow_table()
        rows = t.column("rows").combine_chunks()
        words = t.column("w").to_pylist()
        if not words:
            return [], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return words, rows.offsets.to_numpy(), rows.values.to_numpy(zero_copy_only=False)

    # --- filters (Store._filters' rules) ---------------------------------------------------------------------

    def mask(self, f: dict) -> np.ndarray | None:
        m: np.ndarray | None = None

        def both(x: np.ndarray) -> None:
            nonlocal m
            m = x if m is None else (m & x)

        days = self.num["event_date"]
        if f.get("date_from"):
            both(days >= _days(f["date_from"]))
        if f.get("date_to"):
            both(days <= _days(f["date_to"]))
        if f.get("country"):
            values = [f["country"]] if isinstance(f["country"], (str, int)) else list(f["country"])
            names = {str(v).lower() for v in values if not str(v).isdigit()}
            isos = [int(v) for v in values if str(v).isdigit()]
            hit = self.cat["country"].rows_where(lambda v: v in names)
            if isos:
                hit |= np.isin(self.num["iso"], isos)
            both(hit)
        for col in ("admin1", "event_type", "sub_event_type", "grade"):
            v = f.get(col)
            if v:
                wanted = {x.lower() for x in ([v] if isinstance(v, str) else v) if x not in (None, "")}
                if wanted:
                    both(self.cat[col].rows_where(lambda s, w=wanted: s in w))
        if f.get("actor"):
            needle = str(f["actor"]).lower()
            hit = np.zeros(self.n, dtype=bool)
            for col in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
                cat = self.cat[col]
                if any(needle in s for s in cat.lower):  # most rows have no associated actors at all
                    hit |= cat.rows_where(lambda s: needle in s)
            both(hit)
        if f.get("source"):
            needle = str(f["source"]).lower()
            both(self.cat["source"].rows_where(lambda s: needle in s))
        if f.get("text"):
            for word in str(f["text"]).casefold().split():
                both(self._text_rows(word))
        if f.get("bbox"):
            minlon, minlat, maxlon, maxlat = (float(x) for x in f["bbox"])
            lon, lat = self.num["longitude"], self.num["latitude"]
            both((lon >= minlon) & (lon <= maxlon) & (lat >= minlat) & (lat <= maxlat))
        return m

    def _text_rows(self, word: str) -> np.ndarray:
        hit = np.zeros(self.n, dtype=bool)
        for i, w in enumerate(self.words):
            if word in w:
                hit[self.postings[self.offsets[i] : self.offsets[i + 1]]] = True
        return hit

    # --- order and pages -------------------------------------------------------------------------------------

    def order(self, sort: str) -> np.ndarray:
        cached = self._orders.get(sort)
        if cached is not None:
            return cached
        desc = sort.startswith("-")
        key = sort.lstrip("-")
        pos = np.arange(self.n)
        if key == "event_id":
            order = pos[::-1].copy() if desc else pos
        else:
            if key in self.cat:
                k, null = self.cat[key].sort_key()
            else:
                k = self.num[key]
                null = np.isnan(k)
                k = np.where(null, 0.0, k)
            # lexsort: the last key is the primary one. Nulls last, then the value, then event_id ascending.
            order = np.lexsort((pos, -k if desc else k, null))
        rank = np.empty(self.n, dtype=np.int64)
        rank[order] = pos
        self._orders[sort] = order
        self._ranks[sort] = rank
        return order

    def page(self, f: dict, sort: str, limit: int | None, offset: int) -> tuple[int, list[dict]]:
        m = self.mask(f)
        order = self.order(sort)
        if m is None:
            total = self.n
            end = total if limit is None else min(total, offset + limit)
            chosen = order[offset:end]
        else:
            # Only the matching rows are ranked, and only the first offset+limit of them fully sorted.
            sel = np.flatnonzero(m)
            total = len(sel)
            end = total if limit is None else min(total, offset + limit)
            r = self._ranks[sort][sel]
            if 0 < end < total:
                top = np.argpartition(r, end - 1)[:end]
                sel, r = sel[top], r[top]
            chosen = sel[np.argsort(r, kind="stable")][offset:end]
        if offset >= total:
            return total, []
        rows = self.rows.take(pa.array(chosen)).to_pylist()
        for row in rows:  # arrow gives Python values already; only days need their ISO form for JSON
            d = row.get("event_date")
            if d is not None:
                row["event_date"] = d.isoformat()
        return total, rows


def _count(key: np.ndarray, weights: np.ndarray, space: int):
    """Distinct keys with their counts and weight sums: bincount when the key space is small (no sort)."""
    if space <= 5_000_000:
        counts = np.bincount(key, minlength=space)
        sums = np.bincount(key, weights=weights, minlength=space)
        present = np.flatnonzero(counts)
        return present, counts[present], sums[present]
    uniq, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    return uniq, counts, np.bincount(inv, weights=weights, minlength=len(uniq))


def _sort_key(v):
    return (v is None, v if v is not None else "")


def _groups(index: EventIndex, m: np.ndarray, cols: tuple[str, ...]) -> list[tuple[tuple, int, int]]:
    """(values, events, fatalities) per distinct combination of the categorical columns among rows m."""
    fat = index.fat
    codes = [index.cat[c].codes[m] + 1 for c in cols]  # 0 = null
    sizes = [len(index.cat[c].values) + 1 for c in cols]
    key = np.zeros(int(m.sum()), dtype=np.int64)
    for c, size in zip(codes, sizes, strict=True):
        key = key * size + c
    uniq, counts, sums = _count(key, fat[m], int(np.prod(sizes)))
    out = []
    for k, n, f in zip(uniq.tolist(), counts.tolist(), sums.tolist(), strict=True):
        vals = []
        for col, size in zip(reversed(cols), reversed(sizes), strict=True):
            code = k % size
            k //= size
            vals.append(index.cat[col].values[code - 1] if code else None)
        out.append((tuple(reversed(vals)), n, int(f)))
    out.sort(key=lambda g: (-g[1], *(_sort_key(v) for v in g[0])))
    return out


def stats(index: EventIndex, f: dict, top: int = 50) -> dict:
    """Store.stats' answer (same groups, order and limits) computed over the index, plus by_country."""
    m = index.mask(f)
    if m is None:
        m = np.ones(index.n, dtype=bool)
    days = index.num["event_date"][m]
    fat = index.fat[m]
    known = ~np.isnan(days)
    d = days[known].astype(np.int64)
    weeks = d - (d + 3) % 7  # DuckDB's date_trunc('week'): the Monday (1970-01-01 was a Thursday)
    first = int(weeks.min()) if len(weeks) else 0
    uniq, counts, sums = _count(weeks - first, fat[known], int(weeks.max()) - first + 1 if len(weeks) else 0)
    uniq = uniq + first
    epoch = date(1970, 1, 1)
    by_week = [
        {"week": (epoch + timedelta(days=int(w))).isoformat(), "events": int(n), "fatalities": int(s)}
        for w, n, s in zip(uniq.tolist(), counts.tolist(), sums.tolist(), strict=True)
    ]
    if (~known).any():  # the store's GROUP BY keeps undated events as a week of their own, last
        by_week.append({"week": None, "events": int((~known).sum()), "fatalities": int(fat[~known].sum())})
    by_type = [
        {"event_type": et, "sub_event_type": st, "events": n, "fatalities": k}
        for (et, st), n, k in _groups(index, m, ("event_type", "sub_event_type"))
    ]
    by_admin1 = [
        {"country": c, "admin1": a, "events": n, "fatalities": k}
        for (c, a), n, k in _groups(index, m, ("country", "admin1"))[:top]
    ]
    by_country = [
        {"country": c, "events": n, "fatalities": k} for (c,), n, k in _groups(index, m, ("country",)) if c
    ]
    actors: dict[str, list[int]] = {}
    for col in ("actor1", "actor2"):
        for (name,), n, k in _groups(index, m, (col,)):
            if name:  # the store's `actor <> ''` leaves out empty and missing actors
                acc = actors.setdefault(name, [0, 0])
                acc[0] += n
                acc[1] += k
    by_actor = [
        {"actor": a, "events": n, "fatalities": k}
        for a, (n, k) in sorted(actors.items(), key=lambda x: (-x[1][0], x[0]))[:top]
    ]
    return {
        "events": int(m.sum()),
        "fatalities": int(fat.sum()),
        "by_week": by_week,
        "by_type": by_type,
        "by_admin1": by_admin1,
        "by_actor": by_actor,
        "by_country": by_country,
    }


def _days(d) -> int:
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return (d - date(1970, 1, 1)).days


__all__ = ["EventIndex", "OUT_COLUMNS", "stats"]
