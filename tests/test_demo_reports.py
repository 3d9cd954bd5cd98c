"""The project's own demo reports against the events a careful ACLED coder would write from them.

Each `demo/reports/NN_slug.txt` has a fixture `tests/fixtures/expected/NN_slug.json`, written from the text
before looking at the system's output: a list of events with the fields that must hold. An expected event is
found when an output event has its sub-event type, date and place (location, or admin1 for region-level events);
then its fatalities, country, actor1, admin1 and named sources' stances are checked. An output event with
fatalities that no expected event accounts for is an error too (a toll counted twice, or a background mention
turned into an event).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conflictwire.eval.matching import describe, fold, same_place
from conflictwire.extract.pipeline import extract_reports
from conflictwire.ingest.readers import read_paths
from conflictwire.model import Event

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "demo" / "reports"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
SLUGS = sorted(p.stem for p in REPORTS.glob("*.txt"))

TAXONOMY = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    },
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    },
}
HEADER_KEYS = ("Title", "Published", "Outlet", "URL")


def expected(slug: str) -> list[dict]:
    return json.loads((EXPECTED / f"{slug}.json").read_text(encoding="utf-8"))


def names(value) -> list[str]:
    """A fixture place is one name or a list of names a coder would accept (transliterations, the camp's town)."""
    return [value] if isinstance(value, str) else list(value or [])


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[Event]]:
    """Every demo report through the real pipeline once, as the `extract` command reads them."""
    paths = [str(REPORTS / f"{slug}.txt") for slug in SLUGS]
    reports = list(read_paths(paths))
    out = {}
    for slug, extraction in zip(SLUGS, extract_reports(reports), strict=True):
        out[slug] = extraction.events
    return out


# --- the reports and fixtures themselves -----------------------------------------------------------------------


def test_there_are_enough_reports_each_with_a_fixture():
    assert len(SLUGS) >= 16
    for slug in SLUGS:
        assert (EXPECTED / f"{slug}.json").exists(), f"no fixture for {slug}"
    assert {p.stem for p in EXPECTED.glob("*.json")} == set(SLUGS)


@pytest.mark.parametrize("slug", SLUGS)
def test_report_has_header_and_a_short_body(slug):
    text = (REPORTS / f"{slug}.txt").read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    keys = [line.split(":", 1)[0] for line in head.splitlines()]
    assert keys == list(HEADER_KEYS)
    assert ".invalid/" in head  # demo URLs must never resolve
    assert 120 <= len(body.split()) <= 300


@pytest.mark.parametrize("slug", SLUGS)
def test_fixture_uses_acled_terms(slug):
    events = expected(slug)
    assert events, "a fixture lists at least one event"
    for e in events:
        assert e["sub_event_type"] in TAXONOMY[e["event_type"]]
        assert "location" in e or "admin1" in e
        assert isinstance(e["fatalities"], int) and e["fatalities"] >= 0
        assert len(e["event_date"]) == 10 and e["country"]
        for s in e.get("sources", []):
            assert s["stance"] in ("report", "claim", "deny")


# --- the system against the fixtures ----------------------------------------------------------------------------


def place_matches(exp: dict, ev: Event) -> bool:
    if "location" in exp:
        return any(same_place(n, ev.location) for n in names(exp["location"]))
    return any(same_place(n, ev.admin1) for n in names(exp["admin1"]))


_MINOR_WORDS = {"for", "of", "the", "and", "in"}


def initials(name: str) -> str:
    """'Syrian Observatory for Human Rights' -> 'sohr': sources are often named by their acronym."""
    return "".join(w[0] for w in fold(name).split() if w not in _MINOR_WORDS)


def same_source(expected_name: str, got: str) -> bool:
    a, b = fold(expected_name), fold(got)
    if not (a and b):
        return False
    return a in b or b in a or initials(a) == b or initials(b) == a


def check_fields(exp: dict, ev: Event) -> list[str]:
    problems = []
    if ev.fatalities != exp["fatalities"]:
        problems.append(f"fatalities {ev.fatalities}, expected {exp['fatalities']}")
    if fold(ev.country) != fold(exp["country"]):
        problems.append(f"country {ev.country!r}, expected {exp['country']!r}")
    if ev.event_type != exp["event_type"]:
        problems.append(f"event_type {ev.event_type!r}, expected {exp['event_type']!r}")
    if "actor1" in exp and fold(ev.actor1) != fold(exp["actor1"]):
        problems.append(f"actor1 {ev.actor1!r}, expected {exp['actor1']!r}")
    if "admin1" in exp and "location" in exp and not same_place(exp["admin1"], ev.admin1):
        problems.append(f"admin1 {ev.admin1!r}, expected {exp['admin1']!r}")
    for want in exp.get("sources", []):
        stances = [s.stance for s in ev.sources if same_source(want["name"], s.name)]
        if want["stance"] not in stances:
            got = ", ".join(f"{s.name} ({s.stance})" for s in ev.sources) or "none"
            problems.append(f"source {want['name']} ({want['stance']}) missing; sources: {got}")
    return problems


@pytest.mark.parametrize("slug", SLUGS)
def test_report_yields_its_expected_events(slug, extracted):
    events = extracted[slug]
    problems: list[str] = []
    used: set[int] = set()
    for exp in expected(slug):
        where = exp.get("location", exp.get("admin1"))
        label = f"{exp['sub_event_type']} @ {where} {exp['event_date']}"
        candidates = [
            i
            for i, ev in enumerate(events)
            if i not in used
            and ev.sub_event_type == exp["sub_event_type"]
            and ev.event_date is not None
            and ev.event_date.isoformat() == exp["event_date"]
            and place_matches(exp, ev)
        ]
        if not candidates:
            problems.append(f"not found: {label}")
            continue
        # Of several candidates, judge the one that fits best (fewest field problems).
        best = min(candidates, key=lambda i: len(check_fields(exp, events[i])))
        used.add(best)
        problems += [f"{label}: {p}" for p in check_fields(exp, events[best])]
    for i, ev in enumerate(events):
        if i not in used and ev.fatalities:
            problems.append(f"unexpected event with fatalities: {describe(ev)}")
    if problems:
        listing = "\n  ".join(describe(e) for e in events) or "(no events)"
        pytest.fail(f"{slug}:\n- " + "\n- ".join(problems) + f"\noutput events:\n  {listing}")
