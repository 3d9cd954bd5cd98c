"""Where extraction runs: this process, a pool of local processes, or a Dask cluster.

Extraction is a pure function of one report, so every engine gives the same events with the same ids; they differ
only in where the spaCy pipeline runs. Reports go out in batches (each worker pipes a batch through ``nlp.pipe``)
and results come back in input order, with a bounded number of batches in flight so that a corpus of millions of
reports streams through in bounded memory.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator

from ..errors import InputError
from ..model import Extraction, Report

ENGINES = ("local", "processes", "dask")


def extract_batch(reports: list[Report]) -> list[Extraction]:
    """One batch in one worker: the pipeline is loaded once per process (``nlp.load`` is cached)."""
    from .pipeline import extract_reports

    return list(extract_reports(reports))


def _exit_with(parent: int) -> None:
    """Worker initializer: end this worker when the process that started it is gone (killed ingest, Ctrl-C).

    A pool's workers wait on a queue whose other end a SIGKILL never closes cleanly: without this they would
    live on, each holding a spaCy pipeline.
    """
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="conflictwire-parent-watch").start()


def _batches(items: Iterable[Report], size: int) -> Iterator[list[Report]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _ordered(submit, batches: Iterator[list[Report]], in_flight: int, result) -> Iterator[Extraction]:
    """Keep at most ``in_flight`` batches submitted; yield their results in submission order."""
    queue: deque = deque()
    for batch in batches:
        queue.append(submit(batch))
        if len(queue) >= in_flight:
            yield from result(queue.popleft())
    while queue:
        yield from result(queue.popleft())


def run(
    reports: Iterable[Report],
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    batch_size: int = 32,
) -> Iterator[Extraction]:
    """Extractions of ``reports``, one per report, in input order, whatever the engine."""
    if engine not in ENGINES:
        raise InputError("--engine", f"choose one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "local" and workers <= 1:
        from .pipeline import extract_reports

        yield from extract_reports(reports, batch_size=batch_size)
        return
    if engine in ("local", "processes"):
        yield from _run_processes(reports, max(workers, 1), batch_size)
    else:
        yield from _run_dask(reports, workers, scheduler, batch_size)


def _run_processes(reports, workers: int, batch_size: int) -> Iterator[Extraction]:
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked copy of a parent that already holds spaCy and DuckDB handles is fragile.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_exit_with, initargs=(os.getpid(),)
    ) as pool:
        yield from _ordered(
            lambda b: pool.submit(extract_batch, b),
            _batches(reports, batch_size),
            workers * 2,
            lambda f: f.result(),
        )


def _run_dask(reports, workers: int, scheduler: str | None, batch_size: int) -> Iterator[Extraction]:
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        n = max(len(client.scheduler_info().get("workers", {})), 1)
        yield from _ordered(
            lambda b: client.submit(extract_batch, b, pure=False),
            _batches(reports, batch_size),
            n * 2,
            lambda f: f.result(),
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
