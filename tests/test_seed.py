"""Issue 2's acceptance on the report the project started from (../shared/seed), through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_c5c1f8db929ba75d.txt"
pytestmark = pytest.mark.skipif(not SEED.exists(), reason="the shared seed report is not beside the checkout")


@pytest.fixture(scope="module")
def out() -> dict:
    cmd = [sys.executable, "-m", "conflictwire", "extract", str(SEED)]
    cmd += ["--published", "2024-12-02T16:06:00+05:30", "--outlet", "Myind", "--format", "json"]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def events(out, sub_type):
    return [e for e in out["events"] if e["sub_event_type"] == sub_type]


def test_idlib_city_strike(out):
    idlib = [
        e for e in events(out, "Air/drone strike") if e["location"] == "Idlib" and e["geo_precision"] == 1
    ]
    assert len(idlib) == 1
    e = idlib[0]
    assert e["event_date"] == "2024-12-01"
    assert e["fatalities"] == 7
    assert e["actor1"].startswith(("Military Forces of Russia", "Military Forces of Syria"))
    assert "White Helmets" in {s["name"] for s in e["sources"]}


def test_denial_is_a_deny_source(out):
    deny = {s["name"] for e in out["events"] for s in e["sources"] if s["stance"] == "deny"}
    assert any("Syria" in n for n in deny) and any("Russia" in n for n in deny)


def test_strike_deaths_of_the_day_add_up_to_25_at_most(out):
    day = [e for e in events(out, "Air/drone strike") if e["event_date"] == "2024-12-01"]
    assert 0 < sum(e["fatalities"] for e in day) <= 25
    whole = [t for t in out["tolls"] if t["killed"] == 25]
    assert whole or sum(e["fatalities"] for e in day) == 25


def test_cumulative_toll_carried_by_no_event(out):
    toll = [t for t in out["tolls"] if t["killed"] == 56]
    assert len(toll) == 1
    assert toll[0]["kind"] == "cumulative"
    assert toll[0]["period_start"] == "2024-11-27"
    assert toll[0]["children"] == 20
    assert all(e["fatalities"] != 56 for e in out["events"])
    assert not any("56" in ev["text"] for e in out["events"] for ev in e["evidence"] if e["fatalities"])


def test_territory_taken_at_khanasir_and_sheikh_najjar(out):
    taken = events(out, "Non-state actor overtakes territory")
    khanasir = [e for e in taken if e["location"] == "Khanasir"]
    assert khanasir and khanasir[0]["admin1"] == "Aleppo" and khanasir[0]["event_date"] == "2024-12-01"
    najjar = [e for e in taken if "Sheikh Najjar" in e["location"]]
    assert najjar and najjar[0]["admin1"] == "Aleppo"


def test_insurgents_enter_aleppo_on_friday(out):
    aleppo = [e for e in out["events"] if e["location"] == "Aleppo" and e["event_date"] == "2024-11-29"]
    assert any(e["sub_event_type"] in ("Non-state actor overtakes territory", "Armed clash") for e in aleppo)


def test_army_claim_of_regained_territory(out):
    regained = events(out, "Government regains territory")
    assert regained
    assert "claim" in {s["stance"] for e in regained for s in e["sources"]}


def test_every_event_placed_dated_and_evidenced(out):
    text = SEED.read_text(encoding="utf-8")
    for e in out["events"]:
        assert e["event_date"] and e["location"] and e["latitude"] is not None and e["geo_precision"]
        assert e["evidence"]
        for ev in e["evidence"]:
            assert (
                text[ev["start"] : ev["end"]]
                .replace("\u2019", "'")
                .replace("\u201c", '"')
                .replace("\u201d", '"')
                == ev["text"]
            )
