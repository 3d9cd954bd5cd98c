"""Linking stage (stub until written)."""

from __future__ import annotations


def assemble(report, doc, found):
    return [], []
