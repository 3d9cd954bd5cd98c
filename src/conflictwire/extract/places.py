"""places stage (stub until written): returns no mentions."""

from __future__ import annotations


def find(doc) -> list:
    return []
