"""store: the embedded DuckDB event database (reports, merged events, sources, evidence, figures, tolls)."""

from __future__ import annotations

from .db import AddResult, IngestSummary, Store, default_path, records, report_hash

__all__ = ["AddResult", "IngestSummary", "Store", "default_path", "records", "report_hash"]
