"""Errors that carry a message a person can act on: what input, what is wrong."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: names the input (path, URL, line) and says what is wrong. The CLI exits 2 on it."""

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}" if where else reason)
