"""sources stage (stub until written)."""

from __future__ import annotations


def find(doc, outlet: str = "") -> list:
    return []
