"""`conflictwire extract`: print what reports say, without storing anything."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..model import Extraction
from .common import app, dumps, fail, input_errors_exit_2, write_events

FORMATS = ("json", "jsonl", "csv")


@app.command()
@input_errors_exit_2
def extract(
    paths: Annotated[
        list[str],
        typer.Argument(help="Report files, folders, globs or URLs: .txt .html .json .jsonl .csv, feeds."),
    ],
    published: Annotated[
        str, typer.Option(help="Publication time (ISO 8601) for inputs that carry none.")
    ] = "",
    outlet: Annotated[str, typer.Option(help="Outlet name for inputs that carry none.")] = "",
    fmt: Annotated[str, typer.Option("--format", help="json | jsonl | csv")] = "json",
    fetch: Annotated[bool, typer.Option(help="Fetch URLs and the pages behind feed teasers.")] = True,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow URLs on private or loopback addresses.")
    ] = False,
) -> None:
    """Print the events and tolls each report describes. Never merges across reports."""
    from ..extract.pipeline import extract_reports
    from ..ingest.readers import read_paths

    if fmt not in FORMATS:
        fail(f"--format: choose one of {', '.join(FORMATS)}, not {fmt!r}")
    # Read every input first so that a bad one stops the run before anything is printed.
    reports = list(
        read_paths(
            paths,
            published=published or None,
            outlet=outlet or None,
            fetch=fetch,
            allow_private=allow_private,
        )
    )
    result = Extraction()
    for one in extract_reports(reports):
        result.extend(one)
    if fmt == "json":
        sys.stdout.write(dumps(result.to_dict()) + "\n")
    else:
        write_events((e.to_dict() for e in result.events), fmt)
