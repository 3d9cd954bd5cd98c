"""`conflictwire serve`: the HTTP API and the map dashboard over one database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .common import app, input_errors_exit_2


@app.command()
@input_errors_exit_2
def serve(
    db: Annotated[
        Path | None, typer.Option(help="DuckDB file (default: $CONFLICTWIRE_DB or the user data directory).")
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    max_body: Annotated[int, typer.Option(help="Largest request body accepted, in bytes.")] = 1_000_000,
) -> None:
    """Serve the dashboard at / and the API at /api (docs at /docs). Writes need CONFLICTWIRE_TOKEN."""
    import uvicorn

    from ..api.app import create_app

    path = db or (Path(os.environ["CONFLICTWIRE_DB"]) if os.environ.get("CONFLICTWIRE_DB") else None)
    application = create_app(path, max_body=max_body)
    writable = "writes need the token" if os.environ.get("CONFLICTWIRE_TOKEN") else "read-only"
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    typer.echo(f"conflictwire: dashboard at http://{shown}:{port}/  (API docs /docs, {writable})", err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning")
