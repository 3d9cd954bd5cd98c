"""`python -m conflictwire` runs the CLI."""

from conflictwire.cli import app

app()
