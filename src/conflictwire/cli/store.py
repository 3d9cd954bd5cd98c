"""`conflictwire ingest | events | export | tolls | reports`: the event database from the command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from .common import app, dumps, fail, input_errors_exit_2, write_events

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file (default: $CONFLICTWIRE_DB, else the user data directory)."),
]
LIST_FORMATS = ("json", "jsonl", "csv", "table")


def _open(db: Path | None, read_only: bool = False):
    from ..store import Store

    return Store(db, read_only=read_only)


# --- ingest ---------------------------------------------------------------------------------------------------

_LOG_EVERY = 10_000  # reports between progress lines when stderr is not a terminal


@app.command()
@input_errors_exit_2
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories, globs, feeds or URLs: .txt .html .json .jsonl .csv .xml/.rss."
        ),
    ],
    db: DbOption = None,
    published: Annotated[
        str, typer.Option(help="Publication time (ISO 8601) for inputs that carry none.")
    ] = "",
    outlet: Annotated[str, typer.Option(help="Outlet name for inputs that carry none.")] = "",
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow fetching from private and loopback addresses.")
    ] = False,
    no_fetch: Annotated[bool, typer.Option("--no-fetch", help="Never touch the network.")] = False,
    workers: Annotated[int, typer.Option(help="Extraction processes (1: this process).")] = 1,
    engine: Annotated[str, typer.Option(help="local | processes | dask")] = "local",
    scheduler: Annotated[
        str, typer.Option(help="Dask scheduler address (engine dask; default a LocalCluster).")
    ] = "",
    batch_size: Annotated[int, typer.Option(help="Reports per extraction batch.")] = 32,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Store reports, their events merged with the stored ones, and their tolls. Idempotent: a report already
    stored is skipped; a changed version of a stored URL replaces that report's contribution."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..ingest.readers import iter_inputs

    store = _open(db)
    items = iter_inputs(
        paths,
        published=published or None,
        outlet=outlet or None,
        fetch=not no_fetch,
        allow_private=allow_private,
    )
    extract = None
    if workers > 1 or engine != "local":
        from ..extract import engines

        if engine not in engines.ENGINES:
            fail(f"--engine: choose one of {', '.join(engines.ENGINES)}, not {engine!r}")

        def extract(reports):
            return engines.run(
                reports, engine=engine, workers=workers, scheduler=scheduler or None, batch_size=batch_size
            )

    err = Console(stderr=True)
    counts = {"stored": 0, "skipped": 0, "failed": 0}
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]ingest[/bold]"),
        BarColumn(),
        TextColumn("{task.completed} reports"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=False,
    ) as bar:
        task = bar.add_task("", total=None)
        # Without a terminal (a log, a pipe) the bar is off: a plain line every so many reports instead.
        log_lines = not quiet and not err.is_terminal
        started = time.monotonic()

        def progress(where: str, status: str) -> None:
            key = {"replaced": "stored", "read-error": "failed"}.get(status, status)
            counts[key] = counts.get(key, 0) + 1
            line = f"stored {counts['stored']} skipped {counts['skipped']} failed {counts['failed']}"
            bar.update(task, advance=1, description=line)
            done = counts["stored"] + counts["skipped"] + counts["failed"]
            if log_lines and done % _LOG_EVERY == 0:
                rate = done / max(time.monotonic() - started, 1e-9)
                typer.echo(f"ingest: {done} reports: {line} ({rate:.0f}/s)", err=True)

        try:
            summary = store.ingest(items, progress=progress, batch_size=batch_size, extract=extract)
        finally:
            store.close()

    # Plain lines, not rich: a summary must not be re-wrapped when stderr is a pipe or a log.
    typer.echo(
        f"reports read: {summary.read}, stored: {summary.stored} (replaced {summary.replaced}), "
        f"skipped (already stored): {summary.skipped}, failed: {len(summary.failed)}",
        err=True,
    )
    for where, reason in summary.failed:
        typer.echo(f"  failed: {where}: {reason}", err=True)
    typer.echo(
        f"events: {summary.events} new, {summary.merged} merged into stored events; tolls: {summary.tolls}",
        err=True,
    )
    typer.echo(f"database: {store.path}", err=True)
    if summary.read == 0 and not summary.failed:
        fail("no reports found in the inputs given")
    if summary.failed and summary.stored == 0 and summary.skipped == 0:
        raise typer.Exit(2)


# --- listing --------------------------------------------------------------------------------------------------


def _print_table(rows: list[dict], columns: list[str], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in columns])
    Console(width=None if sys.stdout.isatty() else 200).print(table)


def _print_rows(rows: list[dict], fmt: str, key: str, total: int | None = None) -> None:
    import csv

    if fmt == "json":
        doc = {key: rows}
        if total is not None:
            doc["total"] = total
        sys.stdout.write(dumps(doc) + "\n")
    elif fmt == "jsonl":
        for r in rows:
            sys.stdout.write(dumps(r) + "\n")
    elif fmt == "csv":
        columns = list(rows[0].keys()) if rows else []
        w = csv.writer(sys.stdout)
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else (dumps(r[c]) if isinstance(r[c], (list, dict)) else r[c])
                        for c in columns])  # fmt: skip


@app.command()
@input_errors_exit_2
def events(
    db: DbOption = None,
    date_from: Annotated[str, typer.Option(help="First event date (YYYY-MM-DD).")] = "",
    date_to: Annotated[str, typer.Option(help="Last event date (YYYY-MM-DD).")] = "",
    country: Annotated[str, typer.Option(help="Country name or ISO numeric code.")] = "",
    admin1: Annotated[str, typer.Option(help="First-level region.")] = "",
    event_type: Annotated[str, typer.Option(help="ACLED event type, e.g. 'Battles'.")] = "",
    sub_event_type: Annotated[str, typer.Option(help="ACLED sub-event type, e.g. 'Air/drone strike'.")] = "",
    actor: Annotated[str, typer.Option(help="Part of an actor's name.")] = "",
    source: Annotated[str, typer.Option(help="Part of a source's name.")] = "",
    grade: Annotated[str, typer.Option(help="confirmed | fair | weak | contested")] = "",
    text: Annotated[str, typer.Option(help="Words that must all appear (place, actors, evidence).")] = "",
    bbox: Annotated[str, typer.Option(help="minlon,minlat,maxlon,maxlat")] = "",
    sort: Annotated[
        str, typer.Option(help="Column, '-' for descending; commas for several.")
    ] = "-event_date",
    limit: Annotated[int, typer.Option(help="At most this many events (0: all).")] = 100,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="json | jsonl | csv | table")] = "table",
) -> None:
    """List the merged events: extract's keys plus grade, grade_reasons and report_ids."""
    from ..store import records
    from ..store.export import MERGE_COLUMNS, flat

    if fmt not in LIST_FORMATS:
        fail(f"--format: choose one of {', '.join(LIST_FORMATS)}, not {fmt!r}")
    if date_from:
        _check_date("--date-from", date_from)
    if date_to:
        _check_date("--date-to", date_to)
    store = _open(db, read_only=True)
    try:
        df = store.events(
            date_from=date_from or None,
            date_to=date_to or None,
            country=country or None,
            admin1=admin1 or None,
            event_type=event_type or None,
            sub_event_type=sub_event_type or None,
            actor=actor or None,
            source=source or None,
            grade=grade or None,
            text=text or None,
            bbox=bbox or None,
            sort=sort,
            limit=limit or None,
            offset=offset,
            details=fmt in ("json", "jsonl"),
        )
    finally:
        store.close()
    rows = records(df)
    for r in rows:
        r["report_id"] = r.pop("first_report_id", "") or ""
        r.pop("created_at", None)
        r.pop("updated_at", None)
    if fmt == "json":
        sys.stdout.write(dumps({"events": rows, "total": df.attrs.get("total", len(rows))}) + "\n")
    elif fmt == "jsonl":
        write_events(rows, "jsonl")
    elif fmt == "csv":
        write_events((flat(r) for r in rows), "csv", extra=MERGE_COLUMNS)
    else:
        _print_table(
            rows,
            [
                "event_id",
                "event_date",
                "sub_event_type",
                "actor1",
                "actor2",
                "location",
                "admin1",
                "country",
                "fatalities",
                "grade",
                "source",
            ],
            f"{len(rows)} of {df.attrs.get('total', len(rows))} events",
        )


def _check_date(option: str, value: str) -> None:
    from datetime import date

    try:
        date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(option, f"cannot read {value!r} as a date (YYYY-MM-DD)") from None


@app.command()
@input_errors_exit_2
def export(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv | geojson | parquet")] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    date_from: Annotated[str, typer.Option(help="First event date (YYYY-MM-DD).")] = "",
    date_to: Annotated[str, typer.Option(help="Last event date (YYYY-MM-DD).")] = "",
    country: Annotated[str, typer.Option(help="Country name or ISO numeric code.")] = "",
    event_type: Annotated[str, typer.Option(help="ACLED event type.")] = "",
    grade: Annotated[str, typer.Option(help="confirmed | fair | weak | contested")] = "",
) -> None:
    """Write every merged event (or those matching the filters) as CSV in ACLED's column order, GeoJSON or Parquet."""
    from ..store import export as ex

    if fmt not in ex.FORMATS:
        fail(f"--format: choose one of {', '.join(ex.FORMATS)}, not {fmt!r}")
    if fmt == "parquet" and out is None:
        fail("--format parquet is binary: give --out FILE")
    for option, value in (("--date-from", date_from), ("--date-to", date_to)):
        if value:
            _check_date(option, value)
    filters = {
        "date_from": date_from or None,
        "date_to": date_to or None,
        "country": country or None,
        "event_type": event_type or None,
        "grade": grade or None,
    }
    store = _open(db, read_only=True)
    try:
        if fmt == "parquet":
            n = ex.write_parquet(store, out, **filters)
        else:
            handle = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
            try:
                writer = ex.write_csv if fmt == "csv" else ex.write_geojson
                n = writer(store, handle, **filters)
            finally:
                if out:
                    handle.close()
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        sys.stderr.close()
        raise typer.Exit(0) from None
    except OSError as exc:
        raise InputError(str(out), f"cannot write: {exc.strerror or exc}") from None
    finally:
        store.close()
    if out:
        typer.echo(f"{n} events written to {out}", err=True)


@app.command()
@input_errors_exit_2
def tolls(
    db: DbOption = None,
    country: Annotated[str, typer.Option(help="Country name.")] = "",
    admin1: Annotated[str, typer.Option(help="First-level region.")] = "",
    source: Annotated[str, typer.Option(help="Part of a source's name.")] = "",
    date_from: Annotated[str, typer.Option(help="Periods ending on or after (YYYY-MM-DD).")] = "",
    date_to: Annotated[str, typer.Option(help="Periods starting on or before (YYYY-MM-DD).")] = "",
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 1000,
    fmt: Annotated[str, typer.Option("--format", help="json | jsonl | csv | table")] = "table",
) -> None:
    """Cumulative tolls as a time series per area and source (never summed into events)."""
    columns = ["country", "admin1", "location", "source", "kind", "period_start", "period_end", "killed",
               "children", "published", "report_id"]  # fmt: skip
    _list(db, fmt, "tolls", columns, lambda store: store.tolls(
        date_from=date_from or None,
        date_to=date_to or None,
        country=country or None,
        admin1=admin1 or None,
        source=source or None,
        limit=limit or None,
    ))  # fmt: skip


def _list(db, fmt: str, label: str, columns: list[str], query) -> None:
    """Run one read-only query on the store and print its rows as a table or in a list format."""
    from ..store import records

    if fmt not in LIST_FORMATS:
        fail(f"--format: choose one of {', '.join(LIST_FORMATS)}, not {fmt!r}")
    store = _open(db, read_only=True)
    try:
        rows = records(query(store))
    finally:
        store.close()
    if fmt == "table":
        _print_table(rows, columns, f"{len(rows)} {label}")
    else:
        _print_rows(rows, fmt, label)


@app.command()
@input_errors_exit_2
def reports(
    db: DbOption = None,
    outlet: Annotated[str, typer.Option(help="Part of the outlet's name.")] = "",
    date_from: Annotated[str, typer.Option(help="Published on or after (ISO 8601).")] = "",
    date_to: Annotated[str, typer.Option(help="Published on or before (YYYY-MM-DD).")] = "",
    text: Annotated[str, typer.Option(help="Words in the title or text.")] = "",
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 100,
    fmt: Annotated[str, typer.Option("--format", help="json | jsonl | csv | table")] = "table",
) -> None:
    """The stored reports, newest first, with how many events each told."""
    columns = ["report_id", "published", "outlet", "title", "events", "url", "path"]
    _list(db, fmt, "reports", columns, lambda store: store.reports(
        outlet=outlet or None,
        date_from=date_from or None,
        date_to=date_to or None,
        text=text or None,
        limit=limit or None,
    ))  # fmt: skip
