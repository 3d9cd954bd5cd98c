"""The HTTP API (FastAPI) over the event store; `conflictwire serve` runs it with the dashboard."""

from __future__ import annotations


def create_app(*args, **kwargs):
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["create_app"]
