"""Store values into JSON-ready ones (NaN/NaT → null, numpy scalars → Python, dates → ISO)."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd


def value(v):
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, np.generic):
        return value(v.item())
    if isinstance(v, pd.Timestamp):
        # DuckDB DATE columns come back as midnight timestamps: a day, not an instant.
        return v.date().isoformat() if v == v.normalize() and v.tzinfo is None else v.isoformat()
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, np.ndarray):
        return [value(x) for x in v.tolist()]
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in v.items()}
    if hasattr(v, "to_dict"):
        return value(v.to_dict())
    return v
