"""`conflictwire eval`: measure extraction against a human-coded file (CASE, UCDP-AEC, PITF, ACLED)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import app, dumps, fail, input_errors_exit_2

FORMATS = ("table", "json")


@app.command("eval")
@input_errors_exit_2
def eval_(
    dataset: Annotated[str, typer.Argument(help="case | ucdp | pitf | acled")],
    file: Annotated[Path, typer.Argument(help="The dataset's file (.tsv, .jsonl or .csv).")],
    limit: Annotated[int, typer.Option(help="Only the first N rows (0 = all).", min=0)] = 0,
    errors: Annotated[int, typer.Option(help="Show the N worst cases: text, gold and output.", min=0)] = 0,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Run extraction over an evaluation file and print its accuracy figures."""
    from ..eval import datasets
    from ..eval.report import errors_text, run, table

    dataset = dataset.lower()
    if dataset not in datasets.DATASETS:
        fail(f"DATASET: choose one of {', '.join(datasets.DATASETS)}, not {dataset!r}")
    if fmt not in FORMATS:
        fail(f"--format: choose one of {', '.join(FORMATS)}, not {fmt!r}")

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn(f"eval {dataset}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("rows", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run(dataset, file, limit=limit or None, progress=tick)

    if fmt == "json":
        sys.stdout.write(dumps(result.to_dict(errors=errors)) + "\n")
        return
    sys.stdout.write(table(result) + "\n")
    if errors:
        sys.stdout.write("\n" + errors_text(result, errors) + "\n")
