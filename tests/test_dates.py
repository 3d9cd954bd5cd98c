"""The dates stage on sentences written for these tests, resolved against a publication time."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from conflictwire.extract import dates, nlp

# The seed report's publication time: Monday 2 December 2024, 16:06 in India.
MONDAY_IST = datetime.fromisoformat("2024-12-02T16:06:00+05:30")
SUNDAY_UTC = datetime.fromisoformat("2024-12-01T09:30:00+00:00")


def found(text: str, published: datetime = MONDAY_IST):
    doc = nlp.parse(nlp.normalise(text))
    out = dates.find(doc, published)
    for m in out:
        assert doc.text[m.start : m.end] == m.text  # offsets point at the words
    return out


def first(text: str, published: datetime = MONDAY_IST):
    out = found(text, published)
    assert out, f"no date found in {text!r}"
    return out[0]


def test_seed_phrasings_resolve_against_a_monday_publication():
    text = (
        "A rescue group said early Monday that dozens had died in raids. Jets hit the city centre on Sunday, "
        "officials said. On Friday night armed groups pushed into the northern city. Since November 27 the toll "
        "from the raids has climbed to 56."
    )
    got = [(m.text, m.date, m.precision, m.since) for m in found(text)]
    assert got == [
        ("early Monday", date(2024, 12, 2), 1, False),
        ("Sunday", date(2024, 12, 1), 1, False),
        ("Friday night", date(2024, 11, 29), 1, False),
        ("November 27", date(2024, 11, 27), 1, True),
    ]


def test_weekday_on_a_sunday_publication_means_that_day():
    assert first("The market was shelled on Sunday.", SUNDAY_UTC).date == date(2024, 12, 1)
    assert first("The market was shelled on Saturday.", SUNDAY_UTC).date == date(2024, 11, 30)
    # a Monday named in a Sunday report is the Monday six days before
    assert first("The market was shelled on Monday.", SUNDAY_UTC).date == date(2024, 11, 25)
    assert first("The market was shelled last Sunday.", SUNDAY_UTC).date == date(2024, 11, 24)


def test_friday_night_from_a_monday_is_the_friday_before():
    m = first(
        "Fighters entered the town on Friday night.", datetime.fromisoformat("2024-03-11T08:00:00+02:00")
    )
    assert m.date == date(2024, 3, 8) and m.precision == 1


def test_publication_day_is_taken_in_its_own_timezone():
    # 20:00 on Sunday in New York is already Monday in UTC: the report still speaks from Sunday
    late_sunday = datetime.fromisoformat("2024-12-01T20:00:00-05:00")
    assert first("Two drones struck the depot today.", late_sunday).date == date(2024, 12, 1)
    assert first("Two drones struck the depot on Monday.", late_sunday).date == date(2024, 11, 25)
    # 01:00 on Monday in India is still Sunday in UTC: "yesterday" is Sunday
    early_monday = datetime.fromisoformat("2024-12-02T01:00:00+05:30")
    assert first("The convoy was ambushed yesterday.", early_monday).date == date(2024, 12, 1)


@pytest.mark.parametrize(
    ("text", "day", "precision"),
    [
        ("Shelling resumed last week along the front.", date(2024, 11, 25), 2),
        ("Clashes broke out earlier this month near the border.", date(2024, 12, 1), 3),
        ("The militia seized the town in November.", date(2024, 11, 1), 3),
        ("The base was attacked on 2 January 2021.", date(2021, 1, 2), 1),
        ("The base was attacked on Dec 1, officials said.", date(2024, 12, 1), 1),
        ("The base was attacked on the 1st of December.", date(2024, 12, 1), 1),
        ("The base was attacked yesterday.", date(2024, 12, 1), 1),
        ("The base was attacked two days ago.", date(2024, 11, 30), 1),
        ("The base was attacked on 2024-11-28 at dawn.", date(2024, 11, 28), 1),
    ],
)
def test_absolute_and_relative_expressions(text, day, precision):
    m = first(text)
    assert (m.date, m.precision) == (day, precision)


def test_year_absent_means_the_most_recent_such_day_not_after_publication():
    new_year = datetime.fromisoformat("2021-01-05T10:00:00+06:30")
    assert first("Artillery hit the village on 30 December.", new_year).date == date(2020, 12, 30)
    assert first("Artillery hit the village on 3 January.", new_year).date == date(2021, 1, 3)
    assert first("Artillery hit the village in December.", new_year).date == date(2020, 12, 1)


def test_weekday_with_a_date_is_one_mention_of_that_date():
    out = found("Troops withdrew on Wednesday, Sept. 15, after heavy losses.")
    assert len(out) == 1
    assert out[0].date == date(2024, 9, 15) and out[0].text.startswith("Wednesday")


def test_ranges_carry_an_end_date():
    m = first("Fighting raged between 3 and 5 May around the airport.")
    assert (m.date, m.end_date) == (date(2024, 5, 3), date(2024, 5, 5))
    m = first("Fighting raged from 28 November to 1 December.")
    assert (m.date, m.end_date) == (date(2024, 11, 28), date(2024, 12, 1))


def test_since_marks_a_period_not_an_event_day():
    out = found(
        "The war, under way since 2011, has displaced millions. Since November 27 raids have intensified."
    )
    assert [(m.date, m.since) for m in out] == [(date(2011, 1, 1), True), (date(2024, 11, 27), True)]
    assert first("Over the past week, 40 people died.").since


def test_clock_times_quantities_and_modal_verbs_are_not_dates():
    text = "At 04:06 PM about four million people may march to the capital; 2,000 troops were sent."
    assert found(text) == []


def test_naive_publication_time_and_bad_type():
    assert first("Raids hit the town on Sunday.", datetime(2024, 12, 2, 12, 0)).date == date(2024, 12, 1)
    with pytest.raises(TypeError):
        dates.find(nlp.parse("on Sunday"), "2024-12-02")


def test_dateline_with_a_dash():
    m = first(
        "KABUL, Sept. 3 -- Fighters overran two checkpoints.",
        datetime.fromisoformat("2021-09-05T10:00:00+04:30"),
    )
    assert m.date == date(2021, 9, 3)
