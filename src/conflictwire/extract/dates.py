"""dates stage (stub until written)."""

from __future__ import annotations


def find(doc, published) -> list:
    return []
