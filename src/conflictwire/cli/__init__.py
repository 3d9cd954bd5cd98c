"""The `conflictwire` command: a thin layer over the Python API. Each command group lives in its own module."""

from __future__ import annotations

# Importing the modules registers their commands on `app`.
from . import extract as _extract  # noqa: E402,F401,I001
from .common import app

for _name in ("store", "watch", "serve", "evaluate", "scale"):
    try:  # a command module that is not written yet should not break the others
        __import__(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{_name}":
            raise

__all__ = ["app"]
