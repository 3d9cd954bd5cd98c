"""`conflictwire watch FEED...`: poll RSS/Atom feeds and ingest new entries into the store as they appear."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import app, fail, input_errors_exit_2


@app.command()
@input_errors_exit_2
def watch(
    feeds: Annotated[
        list[str], typer.Argument(help="Feed URLs (http/https) or feed files (.xml/.rss/.atom).")
    ],
    interval: Annotated[float, typer.Option(help="Seconds between the starts of two polls.")] = 300.0,
    db: Annotated[
        Path | None, typer.Option(help="DuckDB file (default: $CONFLICTWIRE_DB or the user data dir).")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit.")] = False,
    max_polls: Annotated[int | None, typer.Option(help="Stop after N polls.", min=1)] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Allow fetching from private, loopback and link-local addresses."
        ),
    ] = False,
    fetch_links: Annotated[
        bool,
        typer.Option(
            "--fetch-links/--no-fetch-links", help="Fetch the page of entries that are only a teaser."
        ),
    ] = True,
    published: Annotated[str, typer.Option(help="Publication time for entries that carry none.")] = "",
    outlet: Annotated[str, typer.Option(help="Outlet name for feeds that carry none.")] = "",
) -> None:
    """Poll feeds on an interval; ingest entries not seen before (or changed); print one line per feed and poll.

    Exits 2 when every poll of every feed failed, 0 otherwise (also on Ctrl-C).
    """
    from ..ingest.watch import FeedWatcher
    from ..store import Store

    if interval <= 0:
        fail(f"--interval: must be more than 0 seconds, not {interval:g}")
    polls = 1 if once else max_polls
    store = Store(str(db) if db else None)
    try:
        watcher = FeedWatcher.for_store(
            feeds,
            store,
            allow_private=allow_private,
            fetch_links=fetch_links,
            published=published or None,
            outlet=outlet or None,
        )
        results = []

        def show(r) -> None:
            results.append(r)
            typer.echo(r.line())

        try:
            watcher.run(interval, max_polls=polls, on_poll=show)
        except KeyboardInterrupt:
            typer.echo(f"stopped after {watcher.polls} poll(s)", err=True)
            return
    finally:
        store.close()
    if results and all(r.error for r in results):
        fail("every poll failed")
