"""The linker on hand-made mentions over a real spaCy Doc: stages are tested on their own, this tests the rules
that tie their answers into events (retellings, parts and wholes, tolls, denials)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conflictwire.extract import events, nlp
from conflictwire.extract.mentions import (
    ActorMention,
    Attribution,
    CountMention,
    DateMention,
    Mentions,
    PlaceMention,
    TriggerMention,
)
from conflictwire.model import Report

TEXT = (
    "Jets kill 20 in strikes on rebel areas\n"
    "Government jets struck rebel-held areas of Idlib province on Saturday, killing at least 20 people, "
    "the rescue service said.\n"
    "One raid hit a market in Ariha, where six people died.\n"
    "The army denied hitting civilians.\n"
    "Since 1 March the toll from the air campaign has reached 90, including 30 children."
)
PUBLISHED = datetime(2024, 3, 10, 9, 0, tzinfo=UTC)  # a Sunday


def at(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    return i, i + len(sub)


def place(sub, name, kind, admin1="Idlib", nth=0, precision=1):
    s, e = at(TEXT, sub, nth)
    return PlaceMention(s, e, sub, name, "Syria", 760, admin1, "", 35.9, 36.6, precision, kind)


def trigger(sub, sub_type="Air/drone strike", nth=0, weight=1.0):
    s, e = at(TEXT, sub, nth)
    return TriggerMention(s, e, sub, "Explosions/Remote violence", sub_type, "Political violence", weight)


def count(sub, n, **kw):
    s, e = at(TEXT, sub)
    return CountMention(s, e, sub, n, n, n, "killed", **kw)


@pytest.fixture(scope="module")
def result():
    doc = nlp.parse(TEXT)
    army = at(TEXT, "Government jets")
    found = Mentions(
        places=[place("Idlib province", "Idlib", "region", precision=3), place("Ariha", "Ariha", "town")],
        actors=[
            ActorMention(*army, "Government jets", "Military Forces of Syria (2000-2024)", 1, "Syria"),
            ActorMention(
                *at(TEXT, "The army"), "The army", "Military Forces of Syria (2000-2024)", 1, "Syria"
            ),
        ],
        dates=[
            DateMention(*at(TEXT, "on Saturday"), "on Saturday", date(2024, 3, 9)),
            DateMention(*at(TEXT, "Since 1 March"), "Since 1 March", date(2024, 3, 1), since=True),
        ],
        counts=[
            count("20", 20),
            count("at least 20 people", 20, at_least=True),
            count("six people", 6),
            count("90", 90, cumulative=True),
            CountMention(
                *at(TEXT, "30 children"), "30 children", 30, 30, 30, "killed", "children", part_of=True
            ),
        ],
        triggers=[
            trigger("strikes"),
            trigger("struck"),
            trigger("raid", weight=0.6),
            TriggerMention(
                *at(TEXT, "hitting"),
                "hitting",
                "Explosions/Remote violence",
                "Air/drone strike",
                "x",
                negated=True,
            ),
            trigger("air campaign"),
        ],
        attributions=[
            Attribution(*at(TEXT, "the rescue service said"), "the rescue service said", "Rescue service"),
            Attribution(*at(TEXT, "The army denied"), "The army denied", "Syrian army", "deny", party=True),
        ],
    )
    report = Report(text=TEXT, published=PUBLISHED, outlet="Demo Wire")
    return events.assemble(report, doc, found)


def test_headline_is_a_retelling_not_a_second_event(result):
    evs, _ = result
    assert sum(e.fatalities for e in evs) == 20, [(e.location, e.fatalities) for e in evs]


def test_part_inside_whole_keeps_its_own_toll_and_the_day_adds_up(result):
    evs, tolls = result
    ariha = next(e for e in evs if e.location == "Ariha")
    assert ariha.fatalities == 6
    assert ariha.event_date == date(
        2024, 3, 9
    )  # carried from the paragraph before? no: from the report's day
    rest = [e for e in evs if e.location == "Idlib"]
    assert rest and rest[0].fatalities == 14
    whole = [t for t in tolls if t.kind == "incident"]
    assert whole and whole[0].killed == 20


def test_cumulative_toll_is_not_an_event(result):
    evs, tolls = result
    cum = [t for t in tolls if t.kind == "cumulative"]
    assert len(cum) == 1
    assert (cum[0].killed, cum[0].children, cum[0].period_start) == (90, 30, date(2024, 3, 1))
    assert all("90" not in ev.text for e in evs for ev in e.evidence)


def test_denial_falls_on_the_party_events(result):
    evs, _ = result
    for e in evs:
        assert ("Syrian army", "deny") in {(s.name, s.stance) for s in e.sources}
        assert e.actor1 == "Military Forces of Syria (2000-2024)"


def test_every_event_has_evidence_date_and_place(result):
    evs, _ = result
    for e in evs:
        assert e.evidence and e.event_date and e.location and e.latitude is not None
        assert all(TEXT[ev.start : ev.end] == ev.text for ev in e.evidence)


def _types(text: str, published: str) -> list[tuple[str, int]]:
    import conflictwire

    return [(e.sub_event_type, e.fatalities) for e in conflictwire.extract(text, published).events]


def test_a_clash_in_which_the_attackers_took_the_town_is_one_territory_event():
    text = (
        "Al Shabaab fighters killed 14 soldiers in an assault on an army base in Puntland on Thursday, an officer "
        "said. The militants then took over the nearby town of Qandala after the troops fled."
    )
    got = _types(text, "2024-06-14T10:00:00+00:00")
    assert got == [("Non-state actor overtakes territory", 14)]


def test_an_army_regaining_the_sites_it_was_attacked_at_keeps_the_clash():
    text = (
        "JNIM militants attacked a gendarmerie school in Bamako at dawn on Tuesday and fought soldiers for hours. "
        "The army later said it had regained control of the school. At least 30 people were killed."
    )
    got = dict(_types(text, "2024-09-17T18:00:00+00:00"))
    assert "Armed clash" in got and got["Armed clash"] == 30


def test_a_place_and_its_province_after_a_comma_are_one_address_not_a_list():
    # The gazetteer may file the place in another province; the toll still belongs to the one event.
    text = "At least 10 civilians were killed after a government airplane shelled East Jebel Marra, North Darfur, on Friday."
    got = _types(text, "2013-01-13T00:00:00+00:00")
    assert got == [("Shelling/artillery/missile attack", 10)]
