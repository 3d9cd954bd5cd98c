"""Cross-report merging as pure functions over hand-built events: same incident or not, figures, grades."""

from __future__ import annotations

from datetime import date

import pytest

from conflictwire.merge import (
    best_figure,
    derive,
    grade,
    is_party,
    is_revision,
    member,
    merge_events,
    same_incident,
)
from conflictwire.model import Event, Evidence, Source

STRIKE = dict(
    disorder_type="Political violence",
    event_type="Explosions/Remote violence",
    sub_event_type="Air/drone strike",
    iso=760,
    country="Syria",
    admin1="Idlib",
    location="Idlib",
    latitude=35.9306,
    longitude=36.6339,
    geo_precision=1,
)


def ev(
    report_id: str, text: str = "", killed: int = 0, source: str = "Rescuers", stance: str = "report", **kw
):
    fields = dict(STRIKE)
    fields.update(event_date=date(2024, 12, 1))
    fields.update(kw)
    text = text or f"An air strike in Idlib killed {killed} people."
    return Event(
        event_id=f"{report_id}-e1",
        report_id=report_id,
        fatalities=killed,
        fatalities_low=killed,
        fatalities_high=killed,
        sources=[Source(source, stance)],
        evidence=[Evidence(report_id, text, 0, len(text))],
        **fields,
    )


def test_three_reports_of_one_strike_make_one_event():
    pub = {
        "r1": "2024-12-01T10:00:00+00:00",
        "r2": "2024-12-01T12:00:00+00:00",
        "r3": "2024-12-01T14:00:00+00:00",
    }
    out = merge_events(
        [
            ev("r1", "Five died when jets hit the Idlib market.", 5, "White Helmets"),
            ev("r2", "Seven people were killed at the market in Idlib.", 7, "SOHR"),
            ev("r3", "A strike on Idlib's market left nine dead.", 9, "Idlib Health Directorate"),
        ],
        pub,
    )
    assert len(out) == 1
    e = out[0]
    assert e.event_id == "r1-e1"  # the first report's id
    assert e.report_ids == ["r1", "r2", "r3"]
    assert (e.fatalities_low, e.fatalities, e.fatalities_high) == (5, 5, 9)  # most conservative at one time
    assert [s.name for s in e.sources] == ["White Helmets", "SOHR", "Idlib Health Directorate"]
    assert len(e.evidence) == 3
    assert e.grade == "fair"


def test_two_strikes_on_different_targets_in_one_city_stay_two():
    a = ev("r1", "A missile hit the city hospital in Idlib, killing two patients.", 2)
    b = ev("r2", "Shoppers died when a strike hit the main market in Idlib.", 4)
    assert not same_incident(member(a), member(b))
    assert len(merge_events([a, b])) == 2


def test_taken_to_hospital_is_not_a_target():
    a = ev("r1", "A strike hit the market in Idlib; the wounded were taken to hospital.", 4)
    b = ev("r2", "Four people died in a strike on a market in Idlib.", 4)
    assert same_incident(member(a), member(b))


def test_different_days_places_types_and_actors_stay_apart():
    base = ev("r1", killed=3)
    assert not same_incident(base, ev("r2", killed=3, event_date=date(2024, 12, 2)))
    # Saraqib is about 16 km from Idlib city.
    assert not same_incident(
        base, ev("r2", killed=3, location="Saraqib", latitude=35.8623, longitude=36.8006)
    )
    assert not same_incident(base, ev("r2", killed=3, event_type="Battles", sub_event_type="Armed clash"))
    armed = dict(actor1="Hayat Tahrir al-Sham", inter1=2)
    other = dict(actor1="Syrian National Army", inter1=2)
    assert not same_incident(ev("r1", **armed), ev("r2", **other))


def test_compatible_precisions_sub_types_and_actors_merge():
    day = ev("r1", killed=3)
    week = ev("r2", killed=3, event_date=date(2024, 11, 25), time_precision=2)  # the week of 25 Nov
    assert same_incident(day, week)
    month = ev("r2", killed=3, event_date=date(2024, 12, 1), time_precision=3)
    assert same_incident(day, month)
    assert not same_incident(day, ev("r2", killed=3, event_date=date(2024, 11, 1), time_precision=3))
    shelling = ev("r2", killed=3, sub_event_type="Shelling/artillery/missile attack")
    assert same_incident(day, shelling)
    # A region-level report (Idlib province, its capital as the point) fits a town in that province.
    region = ev("r2", killed=3, location="Idlib Governorate", geo_precision=3, latitude=35.8, longitude=36.6)
    assert same_incident(day, region)
    # One report blames Russian jets, another Syrian jets: one incident, contested attribution.
    ru = ev("r1", killed=3, actor1="Military Forces of Russia (2000-)", inter1=8)
    sy = ev("r2", killed=3, actor1="Military Forces of Syria (2000-2024)", inter1=1)
    assert same_incident(ru, sy)
    merged = merge_events([ru, sy])
    assert len(merged) == 1 and merged[0].grade == "contested"


def test_events_placed_only_in_a_country_never_merge():
    # "Syria" with the capital as its point would otherwise sit within reach of Damascus events and of each other.
    vague = dict(location="Syria", admin1="", latitude=33.51, longitude=36.29, geo_precision=3)
    assert not same_incident(ev("r1", killed=2, **vague), ev("r2", killed=2, **vague))
    nowhere = dict(location="", admin1="", latitude=None, longitude=None, geo_precision=None)
    assert not same_incident(ev("r1", killed=2, **nowhere), ev("r2", killed=2, **nowhere))
    assert not same_incident(ev("r1", killed=2, **vague), ev("r2", killed=2))


def test_events_of_one_report_never_merge():
    a = ev("r1", killed=3)
    b = ev("r1", killed=3)
    b.event_id = "r1-e2"
    assert not same_incident(a, b)
    assert len(merge_events([a, b])) == 2


def test_merged_event_takes_the_more_precise_date_and_place():
    vague = ev("r1", killed=2, event_date=date(2024, 11, 25), time_precision=2, geo_precision=3,
               location="Idlib Governorate", latitude=35.8, longitude=36.6)  # fmt: skip
    exact = ev("r2", killed=2)
    e = merge_events([vague, exact], {"r1": "2024-12-01T08:00:00Z", "r2": "2024-12-01T09:00:00Z"})[0]
    assert e.event_id == "r1-e1"
    assert (e.event_date, e.time_precision) == (date(2024, 12, 1), 1)
    assert (e.location, e.geo_precision) == ("Idlib", 1)


@pytest.mark.parametrize(
    "text,revised",
    [
        ("The death toll from Friday's strike has risen to 12.", True),
        ("Nine have now died, rescuers said.", True),
        ("The toll climbed to 15 on Sunday.", True),
        ("Officials updated the number of dead to 20.", True),
        ("A drone strike killed six people on Friday.", False),
        ("It is not known who fired the missile.", False),  # "now" inside "known" is no revision
    ],
)
def test_revision_wording(text, revised):
    assert is_revision(text) is revised


def test_a_toll_revised_two_days_later_supersedes():
    first = ev("r1", "A drone strike on the bus station killed six people on Friday.", 6)
    later = ev("r2", "The death toll from Friday's strike on the bus station has risen to 12.", 12)
    e = merge_events([first, later], {"r1": "2024-03-08T16:00:00Z", "r2": "2024-03-10T07:00:00Z"})[0]
    assert (e.fatalities_low, e.fatalities, e.fatalities_high) == (6, 12, 12)
    revised = {f["report_id"]: f["revised"] for f in e.figures}
    assert revised == {"r1": False, "r2": True}


def test_a_reports_own_range_stays_in_the_incidents_range():
    a = ev("r1", "Between five and eight people died in the strike.", 5)
    a.fatalities_high = 8
    b = ev("r2", "Six died in the strike, rescuers said.", 6)
    e = merge_events([a, b], {"r1": "2024-12-01T10:00:00Z", "r2": "2024-12-01T11:00:00Z"})[0]
    assert (e.fatalities_low, e.fatalities, e.fatalities_high) == (5, 5, 8)
    alone = derive([member(a)])
    assert (alone.fatalities_low, alone.fatalities, alone.fatalities_high) == (5, 5, 8)


def test_revision_wording_at_the_same_time_does_not_supersede():
    figures = [
        {"report_id": "a", "killed": 5, "published": "2024-12-01T10:00:00+00:00", "revised": False},
        {"report_id": "b", "killed": 8, "published": "2024-12-01T11:00:00+00:00", "revised": True},
    ]
    assert best_figure(figures) == 5


def test_a_later_revision_keeps_the_conservative_rule_among_current_figures():
    figures = [
        {"report_id": "a", "killed": 5, "published": "2024-12-01T10:00:00+00:00", "revised": False},
        {"report_id": "b", "killed": 14, "published": "2024-12-03T10:00:00+00:00", "revised": True},
        {"report_id": "c", "killed": 11, "published": "2024-12-03T12:00:00+00:00", "revised": False},
    ]
    assert best_figure(figures) == 11
    assert best_figure([]) == 0


def test_grades_follow_airwars():
    one = derive([member(ev("r1", killed=2, source="Local residents"))])
    assert one.grade == "weak" and one.grade_reasons
    two = derive(
        [member(ev("r1", killed=2, source="Rescuers")), member(ev("r2", killed=2, source="Monitors"))]
    )
    assert two.grade == "fair"
    claimed = derive([member(ev("r1", killed=2, source="Russian Ministry of Defence", stance="claim"))])
    assert claimed.grade == "confirmed"
    assert "Russian Ministry of Defence" in claimed.grade_reasons[0]
    army_said = ev(
        "r1", killed=2, source="Syrian army", actor1="Military Forces of Syria (2000-2024)", inter1=1
    )
    assert grade(army_said)[0] == "confirmed"
    denied = derive(
        [
            member(ev("r1", killed=2, source="White Helmets")),
            member(ev("r2", killed=2, source="Russian Ministry of Defence", stance="deny")),
        ]
    )
    assert denied.grade == "contested"
    assert any("denied by Russian Ministry of Defence" in r for r in denied.grade_reasons)
    competing = derive(
        [
            member(ev("r1", killed=2, source="Islamic State", stance="claim")),
            member(ev("r2", killed=2, source="JNIM", stance="claim")),
        ]
    )
    assert competing.grade == "contested"


def test_parties_are_known_from_the_actor_dictionary():
    """A source name the actor dictionary knows as armed is a party; rescuers and monitors are not."""
    assert is_party("Syrian Arab Army", "report", ev("r1"))
    assert is_party("Houthis", "report", ev("r1"))
    assert not is_party("White Helmets", "report", ev("r1"))
    assert not is_party("SOHR", "report", ev("r1"))
    assert not is_party("residents", "report", ev("r1"))
    assert derive([member(ev("r1", killed=3, source="Syrian Arab Army"))]).grade == "confirmed"
    assert derive([member(ev("r1", killed=3, source="White Helmets"))]).grade == "weak"


def test_an_outlet_passing_on_a_source_is_not_another_source():
    e = ev("r1", killed=2, source="Levant Wire")
    e.sources.append(Source("the White Helmets"))
    alone = derive([member(e, outlet="Levant Wire")], outlets=["Levant Wire"])
    assert alone.grade == "weak" and alone.grade_reasons == ["one source: the White Helmets"]
    # Two outlets that name no source are two reports of their own.
    a, b = ev("r1", killed=2, source="Levant Wire"), ev("r2", killed=2, source="Orient Daily")
    both = derive([member(a), member(b)], outlets=["Levant Wire", "Orient Daily"])
    assert both.grade == "fair"
    # "the Omdurman Emergency Room" and "Omdurman Emergency Room" are one source.
    c, d = (
        ev("r1", killed=2, source="the Omdurman Emergency Room"),
        ev("r2", killed=2, source="Omdurman Emergency Room"),
    )
    assert derive([member(c), member(d)]).grade == "weak"
    assert member(e, outlet="Levant Wire").figures[0]["source"] == "the White Helmets"


def test_blocked_merge_matches_the_plain_pairwise_answer():
    """The blocked merge must find every pair a plain all-pairs comparison finds (no missed incidents)."""
    import random

    rng = random.Random(7)
    events = []
    for i in range(300):
        day = date(2024, 12, 1 + rng.randrange(5))
        lat = 35.9 + rng.choice([0, 0.01, 0.3, 0.6])
        events.append(ev(f"r{i}", killed=rng.randrange(1, 9), event_date=day, latitude=lat,
                         location=f"L{lat:.2f}"))  # fmt: skip
    merged = merge_events(events)
    # All-pairs reference: an incident for each event that matches no earlier incident's first event.
    groups: list[Event] = []
    for e in events:
        m = member(e)
        for g in groups:
            if same_incident(g, m):
                break
        else:
            groups.append(m)
    assert len(merged) == len(groups)
    assert sum(len(e.report_ids) for e in merged) == len(events)
