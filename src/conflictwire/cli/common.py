"""Shared CLI plumbing: the typer app, exit code 2 on bad input, and printing events in the three formats."""

from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Callable, Iterable

import typer

from ..errors import InputError
from ..model import ACLED_COLUMNS, EXTRA_COLUMNS

app = typer.Typer(
    name="conflictwire",
    help="Read conflict reports; write an ACLED-style event database that shows its work.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"conflictwire: {message}", err=True)
    raise typer.Exit(code)


def input_errors_exit_2(func: Callable) -> Callable:
    """Turn InputError into a one-line message on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail(str(exc))

    return wrapper


def json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=json_default)


def csv_row(event: dict, columns: list[str]) -> list:
    row = []
    for col in columns:
        v = event.get(col)
        row.append("" if v is None else v)
    return row


def write_events(events: Iterable[dict], fmt: str, out=None, extra: list[str] | None = None) -> None:
    """events as jsonl or ACLED-ordered CSV (json is the caller's, since it wraps reports and tolls too)."""
    out = out or sys.stdout
    if fmt == "jsonl":
        for e in events:
            out.write(dumps(e) + "\n")
    elif fmt == "csv":
        columns = ACLED_COLUMNS + EXTRA_COLUMNS + list(extra or [])
        w = csv.writer(out)
        w.writerow(columns)
        for e in events:
            w.writerow(csv_row(e, columns))
    else:
        raise InputError("--format", f"unknown format {fmt!r}")


@app.callback()
def main() -> None:
    """Read conflict reports; write an ACLED-style event database that shows its work."""
