"""The same corpus through one process, a pool of two and a Dask LocalCluster gives the same events, field by field."""

from __future__ import annotations

from datetime import UTC, datetime

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
