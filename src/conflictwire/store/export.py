"""Exports of the merged events: ACLED-ordered CSV, GeoJSON for maps, Parquet for analysis."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import ACLED_COLUMNS, EXTRA_COLUMNS
from .db import Store, records

FORMATS = ("csv", "geojson", "parquet")
# After ACLED's columns and extract's extras: what merging adds.
MERGE_COLUMNS = ["grade", "grade_reasons", "report_ids"]
PAGE = 5000


def iter_events(store: Store, details: bool = True, **filters) -> Iterator[dict]:
    """Every event matching the filters as a JSON-ready dict, a page at a time (bounded memory)."""
    offset = 0
    while True:
        df = store.events(limit=PAGE, offset=offset, details=details, sort="event_date,event_id", **filters)
        if df.empty:
            return
        for e in records(df):
            e["report_id"] = e.get("first_report_id") or ""
            yield e
        offset += len(df)
        if len(df) < PAGE:
            return


def flat(e: dict) -> dict:
    """List columns as ';'-joined text, for CSV."""
    out = dict(e)
    out["report_ids"] = ";".join(e.get("report_ids") or [])
    out["grade_reasons"] = "; ".join(e.get("grade_reasons") or [])
    return out


def write_csv(store: Store, out, **filters) -> int:
    columns = ACLED_COLUMNS + EXTRA_COLUMNS + MERGE_COLUMNS
    w = csv.writer(out)
    w.writerow(columns)
    n = 0
    for e in iter_events(store, details=False, **filters):
        f = flat(e)
        w.writerow(["" if f.get(c) is None else f.get(c) for c in columns])
        n += 1
    return n


def feature(e: dict) -> dict:
    geometry = None
    if e.get("longitude") is not None and e.get("latitude") is not None:
        geometry = {"type": "Point", "coordinates": [e["longitude"], e["latitude"]]}
    props = {k: v for k, v in e.items() if k not in ("latitude", "longitude")}
    return {"type": "Feature", "id": e["event_id"], "geometry": geometry, "properties": props}


def write_geojson(store: Store, out, **filters) -> int:
    """A FeatureCollection, written feature by feature so a large database does not sit in memory."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for e in iter_events(store, details=True, **filters):
        out.write((",\n" if n else "") + json.dumps(feature(e), ensure_ascii=False, default=str))
        n += 1
    out.write("\n]}\n")
    return n


def write_parquet(store: Store, path: str | Path, **filters) -> int:
    import pandas as pd

    frames = []
    offset = 0
    while True:
        df = store.events(limit=100_000, offset=offset, sort="event_date,event_id", **filters)
        if df.empty:
            break
        frames.append(df)
        offset += len(df)
        if len(df) < 100_000:
            break
    if frames:
        df = pd.concat(frames, ignore_index=True)
    else:
        df = store.events(limit=0, **filters)
    df = df.drop(columns=[c for c in ("created_at", "updated_at") if c in df.columns])
    try:
        df.to_parquet(path, index=False)
    except OSError as exc:
        raise InputError(str(path), f"cannot write: {exc}") from None
    return len(df)
