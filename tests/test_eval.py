"""The evaluation harness: loaders, matching rules, metric arithmetic, and the `conflictwire eval` command.

The data files here are tiny ones written for these tests, in the four datasets' formats; the real evaluation
files are never copied into the project.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conflictwire.errors import InputError
from conflictwire.eval import datasets, matching, metrics, report
from conflictwire.model import Event, Evidence

# --- tiny files in each format ---------------------------------------------------------------------------------

CASE_ROWS = [
    ("1", "Government jets bombed a market town in the north on Tuesday, killing nine people.", "AIR_STRIKE"),
    (
        "3",
        'Thousands marched peacefully through the capital demanding the release of "political" prisoners.',
        "PEACE_PROTEST",
    ),
    (
        "5",
        "A strong earthquake flattened dozens of homes in the mountain valley overnight.",
        "NATURAL_DISASTER",
    ),
    ("7", "The two foreign ministers met in Geneva to discuss trade and visas.", "DIPLO"),
]


def write_case(path):
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id\tEventSnippet\tSubType\n")
        for row in CASE_ROWS:
            fh.write("\t".join(row) + "\n")
    return path


def write_ucdp(path):
    recs = [
        {
            "id": 11,
            "source_article": "Shelling hits town\nArtillery fire struck the town of Maarat al-Numan in Idlib on "
            "Monday, killing three civilians, local medics said.",
            "source_date": "2021-03-02 00:00",
            "deaths_low": 3,
            "deaths_high": 4,
            "location_root_name": "Syria",
            "location_adm1_name": "Idlib governorate",
            "location_adm2_name": "Maarrat an Nu'man district",
            "location_where_name": "Maarat al Numan town",
            "side_a_name": "Government of Syria",
            "side_b_name": "Civilians",
            "start_date": "2021-03-01",
            "end_date": "2021-03-01",
        },
        {
            "id": 12,
            "source_article": "Fighting flared in the hills overnight, officials said, without naming a place.",
            "source_date": "2021-05-10 00:00",
            "deaths_low": 0,
            "deaths_high": 2,
            "location_root_name": "Yemen",
            "location_adm1_name": "Marib governorate",
            "location_adm2_name": "",
            "location_where_name": "",
            "side_a_name": "Government of Yemen",
            "side_b_name": "Ansarallah",
            "start_date": "2021-05-09",
            "end_date": "2021-05-09",
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    return path


PITF_COLUMNS = [
    "event_id",
    "start_date",
    "end_date",
    "country",
    "region_admin1",
    "district_admin2",
    "locality",
    "latitude",
    "longitude",
    "deaths_number",
    "injured_number",
    "description",
]


def write_pitf(path):
    rows = [
        [
            "P1",
            "2014-06-03",
            "",
            "NGA",
            "Borno State",
            "",
            "Maiduguri",
            "11.8464",
            "13.1603",
            "6",
            "2",
            "Gunmen on motorbikes shot dead six traders at a market in Maiduguri on Tuesday, police said.",
        ],
        [
            "P2",
            "2014-07",
            "",
            "SOM",
            "Banadir",
            "",
            "Mogadishu",
            "2.0469",
            "45.3182",
            "dozens",
            "",
            "A car bomb tore through a busy street in Mogadishu, killing dozens, witnesses said.",
        ],
        [
            "P3",
            "2015-01-10",
            "",
            "CAF",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "Militiamen burned several villages, residents said, but no toll was given.",
        ],
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(PITF_COLUMNS)
        w.writerows(rows)
    return path


ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "fatalities",
    "notes",
]


def write_acled(path):
    rows = [
        [
            "MMR1",
            "2021-04-12T00:00:00Z",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
            "Unidentified Armed Group (Myanmar)",
            "Civilians (Myanmar)",
            "Myanmar",
            "Yangon",
            "Yangon-West",
            "Kamayut",
            "16.8306",
            "96.1318",
            "2",
            "On 12 April 2021, in Kamayut township (Yangon), a parcel bomb went off outside a tea shop, "
            "killing two people.",
        ],
        [
            "MMR3",
            "2021-05-20T00:00:00Z",
            "Explosions/Remote violence",
            "Air/drone strike",
            "Military Forces of Myanmar (2021-)",
            "",
            "Myanmar",
            "Sagaing",
            "Kale",
            "Kale",
            "23.1917",
            "94.0514",
            "0",
            "On 20 May 2021, military jets bombed hills near Kale (Sagaing); no casualties were reported.",
        ],
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ACLED_COLUMNS)
        w.writerows(rows)
    return path


WRITERS = {
    "case": ("case.tsv", write_case),
    "ucdp": ("ucdp.jsonl", write_ucdp),
    "pitf": ("pitf.csv", write_pitf),
    "acled": ("acled.csv", write_acled),
}


def event(**kw) -> Event:
    return Event(**kw)


# --- loaders ---------------------------------------------------------------------------------------------------


def test_case_loader_maps_codes_and_non_events_to_none(tmp_path):
    rows = datasets.load("case", write_case(tmp_path / "c.tsv"))
    assert [r.id for r in rows] == ["1", "3", "5", "7"]
    assert [r.gold["sub_event_type"] for r in rows] == [
        "Air/drone strike",
        "Peaceful protest",
        datasets.NONE,
        datasets.NONE,
    ]
    # the bare quote marks in a snippet survive (no CSV quoting in a TSV)
    assert '"political"' in rows[1].text
    assert rows[0].report().report_id == "1"


def test_ucdp_loader_dates_and_names(tmp_path):
    rows = datasets.load("ucdp", write_ucdp(tmp_path / "u.jsonl"))
    assert rows[0].published == datetime(2021, 3, 2, tzinfo=UTC)
    assert rows[0].gold["start_date"] == date(2021, 3, 1)
    assert rows[0].gold["place"] == "Maarat al Numan town"
    assert rows[1].gold["deaths_high"] == 2


def test_pitf_loader_month_only_date_and_word_deaths(tmp_path):
    rows = datasets.load("pitf", write_pitf(tmp_path / "p.csv"))
    assert rows[1].published.date() == date(2014, 7, 1)
    assert rows[1].gold["deaths_number"] == "dozens"
    assert rows[2].gold["latitude"] is None


def test_acled_loader_uses_event_date_as_publication(tmp_path):
    rows = datasets.load("acled", write_acled(tmp_path / "a.csv"), limit=1)
    assert len(rows) == 1
    assert rows[0].id == "MMR1"
    assert rows[0].published.date() == date(2021, 4, 12)
    assert rows[0].gold["fatalities"] == 2


def test_loader_errors_name_the_input(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        datasets.load("case", tmp_path / "missing.tsv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column") as exc:
        datasets.load("acled", wrong)
    assert str(wrong) in str(exc.value)
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tEventSnippet\tSubType\n1\tSomething happened.\tWEATHER\n", encoding="utf-8")
    with pytest.raises(InputError, match="WEATHER"):
        datasets.load("case", bad)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.jsonl:1"):
        datasets.load("ucdp", broken)
    with pytest.raises(InputError, match="unknown dataset"):
        datasets.load("gdelt", wrong)


# --- matching rules --------------------------------------------------------------------------------------------


def test_place_names_normalise_and_match_fuzzily():
    assert matching.normalise_place("Deir ez-Zor Governorate") == "deir ez zor"
    assert matching.normalise_place("Raḩabah district") == "rahabah"
    assert matching.same_place("Deir ez Zor governorate", "Deir ez-Zor")
    assert matching.same_place("Maarat al Numan town", "Maarrat al-Nu'man")
    assert matching.same_place("Idlib city", "Idlib")
    assert not matching.same_place("Homs", "Hama")
    assert not matching.same_place("South-West region", "North-West")
    assert not matching.same_place("", "Idlib")


def test_place_parts_and_qualified_names():
    # a part named by a direction is the same place; a name in brackets or after a slash is an alternative
    assert matching.same_place("Shan-North", "Shan state")
    assert matching.same_place("Yangon", "Yangon (North) district")
    assert matching.same_place("Kandahar", "Arghandab district (Kandahar)")
    assert matching.same_place("Ayn al Arab", "Kobane/Ayn al Arab town")
    assert matching.same_place("Kirkuk", "Muhafazat Kirkuk")
    assert matching.same_place("Babanki", "Babanki Tungoh village")
    # but a short head, a road between towns, or a different place sharing a word is not
    assert not matching.same_place("Homs", "Homs - Palmyra road")
    assert not matching.same_place("Qala", "Qala-i-Naw town")
    assert not matching.same_place("Yangon", "Mandalay - Yangon highway")
    assert not matching.same_place("Dimashq", "Rif Dimashq governorate")
    assert not matching.same_place("West", "South-West region")


def test_text_support_for_gold_place():
    text = "Artillery fire struck al-Baghouz in the east of the province."
    assert matching.text_mentions_place(text, "Baghouz village")
    assert not matching.text_mentions_place(text, "Raqqa governorate")
    # transliterations that differ in vowels or apostrophes still count as named
    assert matching.text_mentions_place("Shells fell on the Qunaitara countryside.", "Quneitra governorate")
    assert matching.text_mentions_place("SANA'A, Oct. 3 - Police said", "Şan‘ā’ city")
    assert matching.same_place("Sana'a", "Sanaa")


def test_dates_within_slack():
    s, e = date(2021, 3, 1), date(2021, 3, 3)
    assert matching.within_dates(date(2021, 2, 28), s, e)
    assert matching.within_dates(date(2021, 3, 4), s, e)
    assert not matching.within_dates(date(2021, 3, 5), s, e)
    assert not matching.within_dates(None, s, e)


def test_haversine_known_distance():
    # Paris - London, about 344 km
    assert 340 < matching.haversine_km(48.8566, 2.3522, 51.5074, -0.1278) < 348
    assert matching.haversine_km(10.0, 10.0, 10.0, 10.0) == 0


def test_death_words():
    assert matching.parse_deaths("7") == 7
    assert matching.parse_deaths("dozens") == 12
    assert matching.parse_deaths("``dozens''") == 12
    assert matching.parse_deaths("") is None
    assert matching.parse_deaths("several") is None


def test_first_event_is_the_first_told():
    late = event(sub_event_type="Armed clash", evidence=[Evidence("r", "x", 200, 210)])
    early = event(sub_event_type="Air/drone strike", evidence=[Evidence("r", "y", 5, 20)])
    bare = event(sub_event_type="Arrests")
    assert matching.first_event([bare, late, early]) is early
    assert matching.first_sub_event_type([bare, late, early]) == "Air/drone strike"
    assert matching.first_sub_event_type([]) == datasets.NONE


def test_score_ucdp_matches_on_date_and_place_and_sums_tolls(tmp_path):
    row = datasets.load("ucdp", write_ucdp(tmp_path / "u.jsonl"))[0]
    hit = event(event_date=date(2021, 3, 2), location="Maarrat al-Nu'man", admin1="Idlib", fatalities=2)
    also = event(event_date=date(2021, 3, 1), location="Kafr Nubl", admin1="Idlib", fatalities=1)
    elsewhere = event(event_date=date(2021, 3, 1), location="Aleppo", admin1="Aleppo", fatalities=9)
    s = matching.score_ucdp(row, [hit, also, elsewhere])
    assert s.checks == {"event_found": True, "fatalities_in_range": True}  # 2 + 1 = 3 within 3-4
    s = matching.score_ucdp(row, [hit])
    assert s.checks["fatalities_in_range"] is False  # 2 < 3
    late = event(event_date=date(2021, 3, 5), location="Maarrat al-Nu'man", fatalities=3)
    assert matching.score_ucdp(row, [late]).checks["event_found"] is False
    assert s.supported


def test_score_pitf_exact_toll_and_25_km(tmp_path):
    rows = datasets.load("pitf", write_pitf(tmp_path / "p.csv"))
    near = event(latitude=11.90, longitude=13.10, fatalities=4)  # ~9 km from the coded point
    far = event(latitude=12.30, longitude=13.60, fatalities=2)  # ~70 km away
    s = matching.score_pitf(rows[0], [near, far])
    assert s.checks == {"fatalities_exact": True, "place_25km": True}
    s = matching.score_pitf(rows[0], [far])
    assert s.checks == {"fatalities_exact": False, "place_25km": False}
    assert matching.score_pitf(rows[1], [event(fatalities=12)]).checks["fatalities_exact"] is True
    # no death number, no point: neither metric applies
    assert matching.score_pitf(rows[2], []).checks == {"fatalities_exact": None, "place_25km": None}
    # a description that never names the coded place is counted apart
    assert matching.score_pitf(rows[0], []).supported
    unnamed = datasets.Row(
        "P9", "Gunmen killed six traders in the city on Tuesday.", rows[0].published, rows[0].gold
    )
    assert not matching.score_pitf(unnamed, [near]).supported
    table = {m.name: m for m in metrics.summarise("pitf", [matching.score_pitf(unnamed, [near])])}
    assert table["place within 25 km"].n == 1
    assert table["place within 25 km, text names the place"].n == 0


def test_score_acled_first_event_fields(tmp_path):
    row = datasets.load("acled", write_acled(tmp_path / "a.csv"))[0]
    good = event(
        event_type="Explosions/Remote violence",
        sub_event_type="Remote explosive/landmine/IED",
        actor1="unidentified armed group (Myanmar)",
        admin1="Yangon",
        event_date=date(2021, 4, 12),
        latitude=16.83,
        longitude=96.13,
        fatalities=2,
        evidence=[Evidence("MMR1", "...", 0, 10)],
    )
    s = matching.score_acled(row, [good])
    assert s.failures == []
    wrong = event(sub_event_type="Grenade", fatalities=1, evidence=[Evidence("MMR1", "...", 50, 60)])
    s = matching.score_acled(row, [wrong, good])
    assert s.checks["sub_event_type"] is True  # the first told is `good`
    assert s.checks["fatalities_exact"] is False  # 2 + 1 != 2
    s = matching.score_acled(row, [])
    assert set(s.failures) >= {"event_type", "fatalities_exact", "fatalities_exact_gt0", "place_10km"}


# --- metric arithmetic -----------------------------------------------------------------------------------------


def test_f1_of_a_known_confusion():
    # gold A A B B C, predicted A B B B A:
    # A: P 1/2, R 1/2, F1 .5 | B: P 2/3, R 1, F1 .8 | C: never predicted, F1 0
    pairs = [("A", "A"), ("A", "B"), ("B", "B"), ("B", "B"), ("C", "A")]
    c = metrics.classification(pairs)
    assert c["accuracy"] == pytest.approx(3 / 5)
    assert c["macro_f1"] == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert c["weighted_f1"] == pytest.approx((0.5 * 2 + 0.8 * 2 + 0.0 * 1) / 5)
    by_label = {s.label: s for s in metrics.per_class(pairs)}
    assert by_label["B"].precision == pytest.approx(2 / 3)
    assert by_label["C"].support == 1 and by_label["C"].predicted == 0


def test_label_only_predicted_counts_in_macro_not_weighted():
    pairs = [("A", "A"), ("A", "X")]
    c = metrics.classification(pairs)
    # A: P 1, R .5, F1 2/3; X: no gold, F1 0
    assert c["macro_f1"] == pytest.approx((2 / 3) / 2)
    assert c["weighted_f1"] == pytest.approx(2 / 3)


def test_rate_skips_rows_the_check_does_not_apply_to():
    m = metrics.rate("x", [True, False, None, True])
    assert (m.hits, m.n) == (2, 3)
    assert m.value == pytest.approx(2 / 3)
    assert metrics.rate("y", [None]).value is None


def test_ucdp_summary_counts_noisy_labels_separately(tmp_path):
    rows = datasets.load("ucdp", write_ucdp(tmp_path / "u.jsonl"))
    scored = [matching.score_ucdp(r, []) for r in rows]
    assert [s.supported for s in scored] == [True, False]  # row 12 names no place at all
    table = {m.name: m for m in metrics.summarise("ucdp", scored)}
    assert table["noisy labels (no gold place named in the text)"].hits == 1
    assert table["event found, labels the text supports"].n == 1
    # no events: sum 0 is within 0-2 for row 12 but not within 3-4 for row 11
    assert table["fatalities within range"].hits == 1


# --- end to end through the real pipeline ----------------------------------------------------------------------


@pytest.mark.parametrize("dataset", datasets.DATASETS)
def test_run_scores_every_row_consistently(tmp_path, dataset):
    name, writer = WRITERS[dataset]
    result = report.run(dataset, writer(tmp_path / name))
    assert result.rows == len(datasets.load(dataset, tmp_path / name))
    for m in result.metrics:
        assert m.value is None or 0.0 <= m.value <= 1.0
        if m.hits is not None and m.n:
            assert m.value == pytest.approx(m.hits / m.n)
    text = report.table(result)
    assert text.count("\n| ") >= len(result.metrics)
    data = result.to_dict(errors=2)
    assert len(data["errors"]) <= 2
    for err in data["errors"]:
        assert err["failed"] and err["gold"] and err["output"]


def run_cli(*args):
    """The installed `conflictwire` command, as a user runs it."""
    exe = Path(sys.executable).parent / "conflictwire"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300)


def test_cli_eval_json_and_errors(tmp_path):
    path = write_case(tmp_path / "case.tsv")
    proc = run_cli("eval", "case", str(path), "--format", "json", "--errors", "3")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["dataset"] == "case" and data["rows"] == 4
    names = [m["name"] for m in data["metrics"]]
    assert names == ["sub_event_type weighted F1", "sub_event_type macro F1", "sub_event_type accuracy"]
    acc = data["metrics"][2]
    assert acc["value"] == pytest.approx(acc["hits"] / 4)
    assert len(data["errors"]) == min(3, 4 - acc["hits"])

    proc = run_cli("eval", "case", str(path), "--limit", "2", "--errors", "1")
    assert proc.returncode == 0, proc.stderr
    assert "| metric | value | rows |" in proc.stdout
    assert "(2 rows" in proc.stdout


def test_cli_eval_bad_input_exits_2(tmp_path):
    proc = run_cli("eval", "gdelt", str(tmp_path / "x.csv"))
    assert proc.returncode == 2 and "gdelt" in proc.stderr
    proc = run_cli("eval", "pitf", str(tmp_path / "nothing.csv"))
    assert proc.returncode == 2 and "nothing.csv" in proc.stderr and "no such file" in proc.stderr
    path = write_case(tmp_path / "case.tsv")
    proc = run_cli("eval", "case", str(path), "--format", "xml")
    assert proc.returncode == 2 and "--format" in proc.stderr
