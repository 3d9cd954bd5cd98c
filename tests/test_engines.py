"""The same corpus through one process, a pool of two and a Dask LocalCluster gives the same events, field by field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from conflictwire.extract import engines
from conflictwire.model import Report

TEXTS = [
    "Shelling hit a market in Kharkiv on Tuesday, killing four civilians, regional officials said.",
    "Rebel fighters captured the town of Khanasir, south of Aleppo, on Sunday, according to a war monitor.",
    "Police fired tear gas at hundreds of protesters in Nairobi on Thursday.",
    "An air strike on a village near Kyaukme in Shan State killed six people on Monday, residents said.",
    "Gunmen killed 12 villagers in an attack near Djibo on Saturday, local sources reported.",
]


def corpus(n: int = 30) -> list[Report]:
    when = datetime(2024, 12, 3, 12, 0, tzinfo=UTC)
    return [
        Report(text=f"{TEXTS[i % len(TEXTS)]} (dispatch {i})", published=when, outlet="Demo Wire")
        for i in range(n)
    ]


def flatten(extractions) -> list[dict]:
    return [e.to_dict() for ex in extractions for e in ex.events] + [
        t.to_dict() for ex in extractions for t in ex.tolls
    ]


@pytest.fixture(scope="module")
def single():
    return list(engines.run(corpus(), engine="local", workers=1, batch_size=4))


def test_order_and_count_preserved(single):
    assert (
        sum(len(ex.events) for ex in single) >= len(single) // 2
    )  # the comparison below is not over nothing
    assert [ex.reports[0].report_id for ex in single] == [r.report_id for r in corpus()]


@pytest.mark.slow
def test_process_pool_matches_single_process(single):
    pooled = list(engines.run(corpus(), engine="processes", workers=2, batch_size=4))
    assert flatten(pooled) == flatten(single)


@pytest.mark.slow
def test_dask_local_cluster_matches_single_process(single):
    dasked = list(engines.run(corpus(), engine="dask", workers=2, batch_size=4))
    assert flatten(dasked) == flatten(single)


def test_unknown_engine_is_a_clear_error():
    from conflictwire.errors import InputError

    with pytest.raises(InputError, match="--engine"):
        list(engines.run(corpus(2), engine="spark"))


def _children(pid: int) -> list[int]:
    import subprocess

    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_pool_workers_end_when_the_ingest_that_started_them_is_killed(tmp_path):
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    corpus = tmp_path / "many.jsonl"
    with corpus.open("w") as f:
        for i in range(3000):
            text = f"Shelling killed {i % 9 + 1} people in Kherson on Monday, officials said. (Item {i}.)"
            f.write(
                json.dumps({"id": f"k{i}", "text": text, "published": "2024-12-03T10:00:00+00:00"}) + "\n"
            )
    cmd = [sys.executable, "-m", "conflictwire", "ingest", str(corpus), "--db", str(tmp_path / "k.duckdb")]
    proc = subprocess.Popen(
        cmd + ["--workers", "2", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            workers = [
                p for p in _children(proc.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()
            ]
            time.sleep(0.5)
        assert len(workers) >= 2, "the pool never started"
        time.sleep(3)  # let them take batches
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.5)
    left = [p for p in workers if _alive(p)]
    for p in left:
        os.kill(p, signal.SIGKILL)
    assert not left, f"workers outlived the killed ingest: {left}"
