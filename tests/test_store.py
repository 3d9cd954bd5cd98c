"""The DuckDB store on real files: merging on write, idempotence, replacement, atomic failure, queries."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from conflictwire.errors import InputError
from conflictwire.ingest.readers import iter_inputs, read_txt
from conflictwire.model import Event, Evidence, Extraction, Report, Source, Toll
from conflictwire.store import Store
from conflictwire.store import schema as store_schema

MULTI = Path(__file__).parent / "fixtures" / "multi"
TABLES = ("reports", "events", "event_reports", "event_sources", "evidence", "event_figures", "tolls")


def dump(path: Path) -> dict:
    """Every row of every table, in a stable order (timestamps included: nothing may be rewritten)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def report(text: str, published: str, outlet: str = "Test Wire", url: str = "") -> Report:
    return Report(text=text, published=datetime.fromisoformat(published), outlet=outlet, url=url)


def strike(r: Report, killed: int, source: str, stance: str = "report", **kw) -> Event:
    fields = dict(
        event_date=date(2024, 12, 1),
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
    fields.update(kw)
    return Event(
        event_id=f"{r.report_id}-1",
        report_id=r.report_id,
        fatalities=killed,
        fatalities_low=killed,
        fatalities_high=killed,
        sources=[Source(source, stance)],
        evidence=[Evidence(r.report_id, r.text, 0, len(r.text))],
        **fields,
    )


def one(r: Report, *events: Event, tolls=()) -> Extraction:
    return Extraction(reports=[r], events=list(events), tolls=list(tolls))


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "cw.duckdb")
    yield s
    s.close()


def test_a_new_database_has_the_schema_and_reopening_applies_nothing(tmp_path):
    path = tmp_path / "new.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    versions = con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    con.close()
    assert [v[0] for v in versions] == [n for n, _, _ in store_schema.MIGRATIONS]
    with Store(path) as s:
        assert s.schema_version == store_schema.LATEST
    with Store(path, read_only=True) as s:
        assert s.events().empty


def test_opening_a_file_that_is_not_a_database_is_an_input_error(tmp_path):
    bad = tmp_path / "notes.duckdb"
    bad.write_text("this is a text file, not a database\n" * 50)
    with pytest.raises(InputError) as err:
        Store(bad)
    assert str(bad) in str(err.value)
    with pytest.raises(InputError, match="no such database"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    with pytest.raises(InputError, match="cannot make its folder") as err:
        Store(blocker / "cw.duckdb")  # a file stands where the database's folder would be
    assert str(blocker / "cw.duckdb") in str(err.value)


def test_three_reports_of_one_strike_become_one_event(store):
    r1 = report("Jets hit the Idlib market at dawn; rescuers counted five dead.", "2024-12-01T08:00:00+00:00")
    r2 = report(
        "Seven people died in the raid on Idlib's market, monitors said.", "2024-12-01T11:00:00+00:00"
    )
    r3 = report(
        "Health officials in Idlib put the market strike's dead at nine.", "2024-12-01T13:00:00+00:00"
    )
    a = store.add(one(r1, strike(r1, 5, "White Helmets")))
    b = store.add(one(r2, strike(r2, 7, "SOHR")))
    c = store.add(one(r3, strike(r3, 9, "Idlib Health Directorate")))
    assert (a.events, b.merged, c.merged) == (1, 1, 1)
    df = store.events()
    assert len(df) == 1
    row = df.iloc[0]
    assert row.event_id == f"{r1.report_id}-1"  # stable: the first report's event id
    assert (row.fatalities_low, row.fatalities, row.fatalities_high) == (5, 5, 9)
    assert list(row.report_ids) == [r1.report_id, r2.report_id, r3.report_id]
    e = store.event(row.event_id)
    assert [s["name"] for s in e["sources"]] == ["White Helmets", "SOHR", "Idlib Health Directorate"]
    assert {s["report_id"] for s in e["source_reports"]} == {r1.report_id, r2.report_id, r3.report_id}
    assert sorted(f["killed"] for f in e["figures"]) == [5, 7, 9]
    assert len(e["evidence"]) == 3 and len(e["reports"]) == 3
    assert e["grade"] == "fair" and e["grade_reasons"]


def test_two_strikes_in_one_city_on_one_day_stay_two(store):
    r1 = report(
        "A missile struck the children's hospital in Idlib, killing two.", "2024-12-01T08:00:00+00:00"
    )
    r2 = report(
        "A second strike hit the vegetable market in Idlib, killing four.", "2024-12-01T15:00:00+00:00"
    )
    store.add(one(r1, strike(r1, 2, "Doctors")))
    store.add(one(r2, strike(r2, 4, "Residents")))
    df = store.events(sort="fatalities")
    assert list(df.fatalities) == [2, 4]
    assert all(len(ids) == 1 for ids in df.report_ids)


def test_a_toll_revised_two_days_later_supersedes(store):
    r1 = report(
        "A drone strike on the Omdurman bus station killed six on Friday.", "2024-03-08T16:00:00+00:00"
    )
    r2 = report("The toll from Friday's bus station strike has risen to 12.", "2024-03-10T07:00:00+00:00")
    kw = dict(event_date=date(2024, 3, 8), iso=729, country="Sudan", admin1="Khartoum", location="Omdurman",
              latitude=15.6445, longitude=32.4777)  # fmt: skip
    store.add(one(r1, strike(r1, 6, "Emergency Room", **kw)))
    store.add(one(r2, strike(r2, 12, "Emergency Room", **kw)))
    df = store.events()
    assert len(df) == 1
    assert (df.fatalities_low[0], df.fatalities[0], df.fatalities_high[0]) == (6, 12, 12)
    figures = store.event(df.event_id[0])["figures"]
    assert [(f["killed"], f["revised"]) for f in figures] == [(6, False), (12, True)]


def test_the_same_report_twice_changes_nothing(store):
    r = report("Shelling hit Idlib's market; five died.", "2024-12-01T08:00:00+00:00")
    store.add(
        one(r, strike(r, 5, "Rescuers"), tolls=[Toll(killed=40, country="Syria", report_id=r.report_id)])
    )
    before = dump_store(store)
    again = report(
        "Shelling hit Idlib's market;\n five died.", "2024-12-01T08:00:00+00:00"
    )  # only spacing differs
    assert store.has_report(again)
    assert store.add(one(again, strike(again, 5, "Rescuers"))).skipped
    assert dump_store(store) == before


def dump_store(store: Store) -> dict:
    con = store._cur()
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def test_a_changed_version_of_a_url_replaces_its_contribution(store):
    url = "https://example.org/idlib-strike"
    other = report("Monitors say seven died in the Idlib market strike.", "2024-12-01T09:00:00+00:00")
    v1 = report("Five killed as jets hit Idlib market.", "2024-12-01T08:00:00+00:00", url=url)
    store.add(one(v1, strike(v1, 5, "Rescuers"), tolls=[Toll(killed=30, report_id=v1.report_id)]))
    store.add(one(other, strike(other, 7, "Monitors")))
    event_id = store.events().event_id[0]
    v2 = report(
        "Three killed as jets hit Idlib market, rescuers corrected.", "2024-12-01T10:00:00+00:00", url=url
    )
    assert not store.has_report(v2)
    result = store.add(one(v2, strike(v2, 3, "Rescuers")))
    assert result.replaced == 1
    df = store.events()
    assert list(df.event_id) == [event_id]  # the incident keeps its id
    e = store.event(event_id)
    assert sorted(f["killed"] for f in e["figures"]) == [3, 7]
    assert v1.report_id not in e["report_ids"] and v2.report_id in e["report_ids"]
    assert all(v["report_id"] != v1.report_id for v in e["evidence"])
    assert (e["fatalities_low"], e["fatalities_high"]) == (3, 7)
    assert store.tolls().empty  # v1's toll went with it
    assert set(store.reports().report_id) == {v2.report_id, other.report_id}


def test_a_replaced_report_whose_old_event_lives_on_gets_a_fresh_id_for_a_new_incident(store):
    v1 = Report(text="Jets hit the Idlib market; five dead.", published=datetime.fromisoformat("2024-12-01T08:00:00+00:00"),
                report_id="feed-7")  # fmt: skip
    other = report("Monitors counted six dead at the Idlib market.", "2024-12-01T09:00:00+00:00")
    store.add(one(v1, strike(v1, 5, "Rescuers")))
    store.add(one(other, strike(other, 6, "Monitors")))
    v2 = Report(text="Correction: the strike hit Aleppo, not Idlib.", published=datetime.fromisoformat("2024-12-01T10:00:00+00:00"),
                report_id="feed-7")  # fmt: skip
    moved = strike(v2, 5, "Rescuers", location="Aleppo", admin1="Aleppo", latitude=36.2, longitude=37.16)
    assert moved.event_id == "feed-7-1"  # the same id the first version's event had
    result = store.add(one(v2, moved))
    assert result.replaced == 1 and result.events == 1
    df = store.events(sort="location")
    assert list(df.location) == ["Aleppo", "Idlib"]
    assert list(df.event_id) == ["feed-7-1-2", "feed-7-1"]  # Idlib keeps its id, Aleppo gets a new one
    assert list(df.report_ids[1]) == [other.report_id]


def test_replacing_a_report_whose_event_had_no_other_report_deletes_the_event(store):
    url = "https://example.org/clash"
    v1 = report("Clashes in Idlib killed two fighters.", "2024-12-01T08:00:00+00:00", url=url)
    store.add(one(v1, strike(v1, 2, "Monitors")))
    v2 = report("A protest in Idlib ended peacefully.", "2024-12-02T08:00:00+00:00", url=url)
    protest = strike(v2, 0, "Monitors", event_type="Protests", sub_event_type="Peaceful protest",
                     event_date=date(2024, 12, 2))  # fmt: skip
    store.add(one(v2, protest))
    df = store.events()
    assert list(df.sub_event_type) == ["Peaceful protest"]
    con = store._cur()
    for table in ("event_sources", "evidence", "event_figures", "event_reports"):
        orphans = con.execute(
            f"SELECT count(*) FROM {table} WHERE event_id = ?", [f"{v1.report_id}-1"]
        ).fetchone()
        assert orphans[0] == 0, table


def test_a_failed_report_leaves_nothing_half_written(store):
    good = report("Five died in the Idlib market strike.", "2024-12-01T08:00:00+00:00")
    store.add(one(good, strike(good, 5, "Rescuers")))
    before = dump_store(store)
    bad = report("A report whose second event carries a broken country code.", "2024-12-01T09:00:00+00:00")
    first = strike(bad, 7, "Monitors")
    # The database refuses this row (iso is an INTEGER column), after the first event was already written.
    second = strike(
        bad, 3, "Monitors", location="Saraqib", iso="seven-six-zero", latitude=35.86, longitude=36.8
    )
    second.event_id = f"{bad.report_id}-2"
    with pytest.raises(duckdb.Error):
        store.add(one(bad, first, second, tolls=[Toll(killed=50, report_id=bad.report_id)]))
    # The first event had merged into the stored one before the second failed: all of it is rolled back.
    assert dump_store(store) == before
    assert not store.has_report(bad)


def test_ingest_records_bad_inputs_and_goes_on(store, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(MULTI / "idlib_market_1.txt", src / "a.txt")
    (src / "empty.txt").write_text("")
    (src / "nodate.txt").write_text("Gunmen attacked a village near Goma on Monday, killing three.\n")
    seen = []
    summary = store.ingest(iter_inputs([str(src)]), progress=lambda where, status: seen.append(status))
    assert summary.read == 1 and summary.stored == 1
    failed = dict(summary.failed)
    assert set(failed) == {str(src / "empty.txt"), str(src / "nodate.txt")}
    assert "empty" in failed[str(src / "empty.txt")]
    assert sorted(seen) == ["read-error", "read-error", "stored"]
    again = store.ingest(iter_inputs([str(src / "a.txt")]))
    assert (again.read, again.skipped, again.stored) == (1, 1, 0)


def test_ingest_of_the_multi_fixtures_merges_across_reports(store):
    """End to end from text: three reports of the Idlib market strike, two Kharkiv strikes on one day."""
    paths = [str(p) for p in sorted(MULTI.glob("*.txt"))]
    summary = store.ingest(iter_inputs(paths))
    assert summary.failed == [] and summary.stored == len(paths)
    ids = {read_txt(str(MULTI / f"idlib_market_{i}.txt")).report_id for i in (1, 2, 3)}
    idlib = store.events(text="idlib market", details=True)
    assert len(idlib) == 1
    row = idlib.iloc[0]
    assert set(row.report_ids) == ids
    assert (row.fatalities_low, row.fatalities_high) == (5, 9)
    assert row.fatalities in (5, 7, 9)
    assert row.sub_event_type == "Air/drone strike" and str(row.event_date)[:10] == "2024-12-01"
    assert len({s["name"] for s in row.sources}) >= 3
    kharkiv = store.events(text="kharkiv")
    assert len(kharkiv) == 2
    assert sorted(kharkiv.fatalities) == [2, 4]
    # Omdurman: six dead on the day, "has risen to 12" two days later supersedes.
    omdurman = store.events(text="omdurman")
    assert len(omdurman) == 1
    assert (omdurman.fatalities_low[0], omdurman.fatalities[0], omdurman.fatalities_high[0]) == (6, 12, 12)
    assert len(omdurman.report_ids[0]) == 2


def test_queries_filter_sort_and_page(store):
    rows = [
        ("Idlib", "Idlib", "Syria", 760, 35.93, 36.63, date(2024, 12, 1), "Air/drone strike", 3, "White Helmets"),
        ("Aleppo", "Aleppo", "Syria", 760, 36.20, 37.16, date(2024, 11, 29), "Armed clash", 12, "SOHR"),
        ("Kharkiv", "Kharkiv", "Ukraine", 804, 49.98, 36.25, date(2024, 5, 21), "Shelling/artillery/missile attack",
         4, "Ukrainian police"),
        ("El Fasher", "North Darfur", "Sudan", 729, 13.63, 25.35, date(2024, 6, 2), "Shelling/artillery/missile attack",
         9, "MSF"),
    ]  # fmt: skip
    types = {
        "Air/drone strike": "Explosions/Remote violence",
        "Armed clash": "Battles",
        "Shelling/artillery/missile attack": "Explosions/Remote violence",
    }
    for i, (loc, adm, country, iso, lat, lon, day, sub, killed, src) in enumerate(rows):
        r = report(f"Report {i}: {sub} in {loc} killed {killed}.", f"{day.isoformat()}T20:00:00+00:00")
        store.add(
            one(
                r,
                strike(r, killed, src, location=loc, admin1=adm, country=country, iso=iso, latitude=lat,
                       longitude=lon, event_date=day, sub_event_type=sub, event_type=types[sub],
                       actor1="Military Forces of Russia (2000-)" if country != "Sudan" else "Rapid Support Forces"),
                tolls=[Toll(killed=killed * 10, country=country, admin1=adm, report_id=r.report_id,
                            period_start=date(2024, 1, 1), period_end=day, source=src)],
            )
        )  # fmt: skip
    assert len(store.events()) == 4
    assert set(store.events(country="Syria").location) == {"Idlib", "Aleppo"}
    assert set(store.events(country=804).location) == {"Kharkiv"}
    assert set(store.events(admin1="north darfur").location) == {"El Fasher"}
    assert set(store.events(date_from="2024-06-01", date_to="2024-11-30").location) == {"El Fasher", "Aleppo"}
    assert set(store.events(event_type="Battles").location) == {"Aleppo"}
    assert set(store.events(sub_event_type="Air/drone strike").location) == {"Idlib"}
    assert set(store.events(actor="rapid support").location) == {"El Fasher"}
    assert set(store.events(source="msf").location) == {"El Fasher"}
    assert set(store.events(grade="weak").location) == {"Idlib", "Aleppo", "El Fasher"}
    assert set(store.events(grade="confirmed").location) == {"Kharkiv"}  # police are state forces: a party
    assert set(store.events(text="report 2 kharkiv").location) == {"Kharkiv"}
    assert set(store.events(bbox="30,30,40,40").location) == {"Idlib", "Aleppo"}
    assert set(store.events(bbox=(20, 10, 30, 20)).location) == {"El Fasher"}
    by_deaths = store.events(sort="-fatalities", limit=2, offset=1)
    assert list(by_deaths.location) == ["El Fasher", "Kharkiv"] and by_deaths.attrs["total"] == 4
    assert list(store.events(sort="event_date").location)[0] == "Kharkiv"
    with pytest.raises(InputError):
        store.events(sort="text; drop table events")
    with pytest.raises(InputError):
        store.events(bbox="1,2,3")
    assert store.count_events(country="Syria") == 2
    assert store.event("no-such-id") is None
    tolls = store.tolls(country="Syria")
    assert sorted(tolls.killed) == [30, 120]
    assert list(store.tolls(source="police").admin1) == ["Kharkiv"]
    assert len(store.reports()) == 4
    assert list(store.reports(date_from="2024-11-01").published.dt.month) == [12, 11]
    stats = store.stats()
    assert stats["events"] == 4 and stats["fatalities"] == 3 + 12 + 4 + 9
    by_type = dict(zip(stats["by_type"].sub_event_type, stats["by_type"].events, strict=True))
    assert by_type["Shelling/artillery/missile attack"] == 2
    by_actor = dict(zip(stats["by_actor"].actor, stats["by_actor"].fatalities, strict=True))
    assert by_actor["Military Forces of Russia (2000-)"] == 3 + 12 + 4
    assert store.stats(country="Sudan")["fatalities"] == 9
    weeks = stats["by_week"]  # ISO weeks start on Monday: 29 Nov and 1 Dec 2024 share one
    assert [str(w)[:10] for w in weeks.week] == ["2024-05-20", "2024-05-27", "2024-11-25"]
    assert list(weeks.events) == [1, 1, 2]


def test_an_engine_that_fails_midway_hands_its_reports_back_to_this_process(tmp_path):
    """A pool or Dask worker dying on a batch must not lose the reports it held: they are extracted here."""
    from conflictwire.extract.pipeline import extract_reports

    pulled = []

    def failing_engine(reports):
        # Pulls reports ahead of what it yields (as a pool does), then dies when it has taken the fourth.
        held = []
        for r in reports:
            pulled.append(r.report_id)
            held.append(r)
            if len(pulled) == 4:
                raise RuntimeError("worker lost")
            if len(held) == 2:
                yield from extract_reports(held[:1])
                held = held[1:]
        yield from extract_reports(held)

    paths = [str(p) for p in sorted(MULTI.glob("*.txt"))]
    with Store(tmp_path / "engine.duckdb") as flaky:
        summary = flaky.ingest(iter_inputs(paths), extract=failing_engine)
        assert len(pulled) == 4  # the engine did die, holding reports it had not returned
        assert summary.failed == [] and summary.stored == len(paths)
        got = (sorted(flaky.reports().report_id), sorted(flaky.events(limit=None).event_id))
    with Store(tmp_path / "plain.duckdb") as plain:
        plain.ingest(iter_inputs(paths))
        want = (sorted(plain.reports().report_id), sorted(plain.events(limit=None).event_id))
    assert got == want


def _rows_without_times(path: Path) -> dict:
    """Every row of every table, timestamps left out (two runs write at different times)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for t in TABLES:
            cols = [c for c, kind, *_ in con.execute(f"DESCRIBE {t}").fetchall() if "TIMESTAMP" not in kind]
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[t] = con.execute(f"SELECT {quoted} FROM {t} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def _batch_corpus() -> list[Report]:
    """The multi fixtures, a copy of one differing only in spacing, and two versions of one URL."""
    reports = [read_txt(str(p)) for p in sorted(MULTI.glob("*.txt"))]
    twin = reports[0]
    reports.insert(2, Report(text=twin.text.replace(". ", ".  ", 1), published=twin.published, outlet="Echo"))
    url = "https://example.org/kharkiv-update"
    reports.insert(3, Report(text="Two people died when a missile hit Kharkiv on Sunday, officials said.",
                             published=datetime.fromisoformat("2024-12-02T09:00:00+02:00"), url=url))  # fmt: skip
    reports.append(Report(text="Four people died when a missile hit Kharkiv on Sunday, officials said.",
                          published=datetime.fromisoformat("2024-12-02T15:00:00+02:00"), url=url))  # fmt: skip
    return reports


def test_ingest_in_batches_writes_what_one_report_at_a_time_writes(tmp_path):
    """Batched commits, rows held back until a flush and the incidents held in memory change nothing stored:
    also with a repeat and a replaced URL inside one batch, and when a second run reads the incidents back."""
    corpus = _batch_corpus()
    runs = {}
    for name, every in (("single", 1), ("batched", 64)):
        with Store(tmp_path / f"{name}.duckdb") as s:
            summary = s.ingest(corpus, commit_every=every)
            assert summary.failed == [] and summary.skipped == 1 and summary.replaced == 1, name
        runs[name] = _rows_without_times(tmp_path / f"{name}.duckdb")
    # Two runs: the second holds nothing at first and reads the Idlib incident (three reports) back.
    for part in (corpus[:4], corpus[4:]):
        with Store(tmp_path / "resumed.duckdb") as s:
            assert s.ingest(part).failed == []
    runs["resumed"] = _rows_without_times(tmp_path / "resumed.duckdb")
    assert runs["batched"] == runs["single"]
    assert runs["resumed"] == runs["single"]
    assert (
        len(runs["single"]["reports"]) == len(corpus) - 2
    )  # the repeat skipped, the first URL version replaced


def test_a_report_that_cannot_be_written_fails_alone_in_its_batch(tmp_path):
    good = [
        report(f"Jets struck Idlib on day {i}; {i} died.", f"2024-12-0{i}T08:00:00+00:00") for i in (1, 2, 3)
    ]
    bad = report("A report whose event carries a broken country code.", "2024-12-01T09:00:00+00:00")
    corpus = [good[0], bad, good[1], good[2]]

    def engine(reports):
        for r in reports:
            n = int(r.report_id == bad.report_id) or 1
            e = strike(r, n, "Monitors", event_date=r.published.date())
            if r is bad or r.report_id == bad.report_id:
                e.iso = "seven-six-zero"  # the database refuses this row (iso is an INTEGER column)
            yield one(r, e)

    with Store(tmp_path / "cw.duckdb") as s:
        seen = []
        summary = s.ingest(corpus, extract=engine, progress=lambda where, status: seen.append(status))
        assert summary.stored == 3 and len(summary.failed) == 1
        assert "could not store" in summary.failed[0][1]
        assert sorted(s.reports().report_id) == sorted(r.report_id for r in good)
        assert not s.has_report(bad)
        assert sorted(seen) == ["failed", "stored", "stored", "stored"]
    with Store(tmp_path / "clean.duckdb") as s:
        s.ingest(good, extract=engine)
    assert _rows_without_times(tmp_path / "cw.duckdb") == _rows_without_times(tmp_path / "clean.duckdb")
