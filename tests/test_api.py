"""The HTTP API against a real `conflictwire serve` process over a real DuckDB file (fixtures in conftest.py)."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from conftest import CODED, TOKEN, expected_events

from conflictwire.model import ACLED_COLUMNS

ODESA = (
    "Russian missiles struck the port city of Odesa on Friday, killing 10 people and wounding dozens, "
    "Ukrainian officials said."
)


def all_events(server) -> list[dict]:
    r = server.get("/api/events", params={"limit": 1000})
    assert r.status_code == 200
    return r.json()["events"]


def ids(resp: httpx.Response) -> set[str]:
    assert resp.status_code == 200, resp.text
    return {e["event_id"] for e in resp.json()["events"]}


def test_lists_every_event_with_acled_fields(ro_server):
    r = ro_server.get("/api/events")
    body = r.json()
    assert body["total"] == expected_events() == len(body["events"])
    for e in body["events"]:
        assert set(ACLED_COLUMNS) <= set(e)
        assert e["event_date"][:4] in ("2024", "2025") and len(e["event_date"]) == 10


@pytest.mark.parametrize(
    "params, expect",
    [
        ({"country": "Sudan"}, {"El Fasher", "Wad Madani"}),
        ({"country": "sudan", "admin1": "North Darfur"}, {"El Fasher"}),
        ({"event_type": "Battles"}, {"Saraqib", "Wad Madani"}),
        (
            {"sub_event_type": ["Air/drone strike", "Peaceful protest"]},
            {"Kharkiv", "Dhaka"},
        ),
        ({"date_from": "2024-12-01", "date_to": "2024-12-10"}, {"El Fasher", "Maiduguri"}),
        ({"actor": "rapid support"}, {"El Fasher", "Wad Madani"}),
        ({"q": "market"}, {"El Fasher"}),
        ({"q": "students dhaka"}, {"Dhaka"}),
        ({"bbox": "20,5,40,20"}, {"El Fasher", "Wad Madani"}),
        ({"bbox": "30,45,40,55", "event_type": "Explosions/Remote violence"}, {"Kharkiv"}),
        ({"country": "Chad"}, set()),
    ],
)
def test_filters(ro_server, params, expect):
    r = ro_server.get("/api/events", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert {e["location"] for e in body["events"]} == expect
    assert body["total"] == len(expect)


def test_grade_and_source_filters_agree_with_the_records(ro_server):
    events = all_events(ro_server)
    for grade in {e["grade"] for e in events}:
        want = {e["event_id"] for e in events if e["grade"] == grade}
        assert ids(ro_server.get("/api/events", params={"grade": grade})) == want
    want = {e["event_id"] for e in events if "monitor" in (e["source"] or "").lower()}
    assert want, "fixture events name monitors as sources"
    assert ids(ro_server.get("/api/events", params={"source": "monitor"})) == want


def test_pagination_covers_everything_once_and_keeps_the_total(ro_server):
    seen: list[str] = []
    for offset in range(0, 8, 2):
        body = ro_server.get(
            "/api/events", params={"limit": 2, "offset": offset, "sort": "event_date"}
        ).json()
        assert body["total"] == expected_events()
        assert len(body["events"]) <= 2
        seen += [e["event_id"] for e in body["events"]]
    assert len(seen) == len(set(seen)) == expected_events()


def test_sorting(ro_server):
    dates = [
        e["event_date"] for e in ro_server.get("/api/events", params={"sort": "event_date"}).json()["events"]
    ]
    assert dates == sorted(dates)
    dates = [
        e["event_date"] for e in ro_server.get("/api/events", params={"sort": "-event_date"}).json()["events"]
    ]
    assert dates == sorted(dates, reverse=True)
    deaths = [
        e["fatalities"] for e in ro_server.get("/api/events", params={"sort": "-fatalities"}).json()["events"]
    ]
    assert deaths == sorted(deaths, reverse=True) and deaths[0] == 21


@pytest.mark.parametrize(
    "params, status, word",
    [
        ({"bbox": "1,2,3"}, 400, "bbox"),
        ({"bbox": "a,b,c,d"}, 400, "bbox"),
        ({"sort": "password"}, 400, "sort"),
        ({"grade": "excellent"}, 400, "grade"),
        ({"date_from": "2024-12-10", "date_to": "2024-12-01"}, 400, "date_from"),
        ({"date_from": "last tuesday"}, 422, "date_from"),
        ({"limit": 0}, 422, "limit"),
        ({"offset": -1}, 422, "offset"),
    ],
)
def test_bad_parameters_are_json_errors_naming_the_parameter(ro_server, params, status, word):
    r = ro_server.get("/api/events", params=params)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert word in r.json()["error"]


def test_geojson(ro_server):
    r = ro_server.get("/api/events.geojson", params={"country": "Sudan"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 2
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "Point"
        assert (lon, lat) == (f["properties"]["longitude"], f["properties"]["latitude"])
        assert 20 < lon < 40 and 10 < lat < 20  # Sudan: longitude first, as GeoJSON wants


def test_csv_in_acled_column_order(ro_server):
    r = ro_server.get("/api/events.csv", params={"sort": "event_date"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    header, data = rows[0], rows[1:]
    assert header[: len(ACLED_COLUMNS)] == ACLED_COLUMNS
    assert len(data) == expected_events()
    first = dict(zip(header, data[0], strict=True))
    assert first["location"] == "Kharkiv" and first["event_date"] == "2024-11-17"
    assert first["inter1"] == "8" and first["iso"] == "804" and first["fatalities"] == "3"
    assert first["report_id"]
    # Filters apply to exports too.
    sudan = list(
        csv.DictReader(io.StringIO(ro_server.get("/api/events.csv", params={"country": "Sudan"}).text))
    )
    assert {row["location"] for row in sudan} == {"El Fasher", "Wad Madani"}


def test_event_detail_has_sources_stances_grade_evidence_and_area_tolls(ro_server):
    [fasher] = ro_server.get("/api/events", params={"q": "market"}).json()["events"]
    r = ro_server.get(f"/api/events/{fasher['event_id']}")
    assert r.status_code == 200
    e = r.json()
    stances = {s["name"]: s["stance"] for s in e["sources"]}
    assert stances == {"local monitoring group": "report", "Rapid Support Forces": "deny"}
    assert e["grade"] == "contested" and e["grade_reasons"]
    spec = CODED["el_fasher_shelling.txt"][0]
    assert [ev["text"] for ev in e["evidence"]] == spec["evidence"]
    report = ro_server.get("/api/reports", params={"text": "true"}).json()["reports"]
    text = next(r["text"] for r in report if r["report_id"] == e["evidence"][0]["report_id"])
    for ev in e["evidence"]:
        assert text[ev["start"] : ev["end"]] == ev["text"]
    assert e["figures"] and e["figures"][0]["killed"] == 21
    assert [t["killed"] for t in e["tolls"]] == [750]
    assert e["tolls"][0]["period_start"] == "2024-05-10"


def test_tolls_endpoint(ro_server):
    body = ro_server.get("/api/tolls").json()
    assert body["total"] == 1
    assert body["tolls"][0]["admin1"] == "North Darfur"
    assert ro_server.get("/api/tolls", params={"country": "Syria"}).json()["total"] == 0


def test_stats_add_up(ro_server):
    s = ro_server.get("/api/stats").json()
    events = all_events(ro_server)
    assert s["events"] == len(events)
    assert s["fatalities"] == sum(e["fatalities"] for e in events)
    assert sum(w["events"] for w in s["by_week"]) == len(events)
    assert all(len(w["week"]) == 10 for w in s["by_week"])
    assert {c["country"]: c["events"] for c in s["by_country"]}["Sudan"] == 2
    battles = sum(t["events"] for t in s["by_type"] if t["event_type"] == "Battles")
    assert battles == 2
    assert any(a["actor"] == "Rapid Support Forces" and a["events"] == 2 for a in s["by_actor"])
    filtered = ro_server.get("/api/stats", params={"country": "Sudan"}).json()
    assert filtered["events"] == 2 and filtered["fatalities"] == 21


def test_reports_listing(ro_server):
    body = ro_server.get("/api/reports").json()
    assert body["total"] == len(CODED)
    assert all("text" not in r for r in body["reports"])
    assert {r["outlet"] for r in body["reports"]} == {"Test Wire"}


def test_unknown_event_and_path_are_json_404(ro_server):
    r = ro_server.get("/api/events/no-such-id")
    assert r.status_code == 404 and "no-such-id" in r.json()["error"]
    r = ro_server.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["error"]


def test_read_only_server_refuses_writes_and_writes_nothing(ro_server):
    before = ro_server.get("/api/reports").json()["total"]
    r = ro_server.post("/api/reports", json={"text": ODESA, "published": "2024-11-15T12:00:00Z"})
    assert r.status_code == 403
    assert "read-only" in r.json()["error"]
    r = ro_server.post(
        "/api/reports",
        json={"text": ODESA, "published": "2024-11-15T12:00:00Z"},
        headers={"Authorization": "Bearer anything"},
    )
    assert r.status_code == 403
    assert ro_server.get("/api/reports").json()["total"] == before
    assert ro_server.get("/api/health").json()["writable"] is False


def test_wrong_or_missing_token_is_401_and_writes_nothing(rw_server):
    before = rw_server.get("/api/reports").json()["total"]
    for headers in ({"Authorization": "Bearer not-the-token"}, {}, {"Authorization": f"Basic {TOKEN}"}):
        r = rw_server.post(
            "/api/reports", json={"text": ODESA, "published": "2024-11-15T12:00:00Z"}, headers=headers
        )
        assert r.status_code == 401, headers
        assert r.headers.get("www-authenticate") == "Bearer"
        assert "token" in r.json()["error"]
    assert rw_server.get("/api/reports").json()["total"] == before


def test_right_token_ingests_and_the_event_appears(rw_server):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    payload = {
        "text": ODESA,
        "published": "2024-11-15T18:30:00+02:00",
        "outlet": "Test Wire",
        "title": "Missile strike on Odesa",
        "url": "https://example.org/test-wire/odesa-missiles",
    }
    before = rw_server.get("/api/reports").json()["total"]
    r = rw_server.post("/api/reports", json=payload, headers=auth)
    assert r.status_code == 201, r.text
    created = r.json()
    reports = rw_server.get("/api/reports").json()
    assert reports["total"] == before + 1
    assert created["report_id"] in {x["report_id"] for x in reports["reports"]}
    # The same text again changes nothing.
    again = rw_server.post("/api/reports", json=payload, headers=auth)
    assert again.status_code == 200 and again.json()["skipped"] is True
    assert rw_server.get("/api/reports").json()["total"] == before + 1
    # The extracted event is served like any other.
    assert created["events"], f"extraction found no event in: {ODESA}"
    e = rw_server.get(f"/api/events/{created['events'][0]}").json()
    assert created["report_id"] in e["report_ids"]
    assert any("Odesa" in ev["text"] for ev in e["evidence"])
    found = rw_server.get("/api/events", params={"q": "odesa"}).json()
    assert created["events"][0] in {x["event_id"] for x in found["events"]}


def test_bad_report_bodies_are_json_errors(rw_server):
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    before = rw_server.get("/api/reports").json()["total"]
    r = rw_server.post("/api/reports", content=b"{not json", headers=auth)
    assert r.status_code == 422 and r.json()["error"]
    r = rw_server.post("/api/reports", json={"text": ODESA}, headers=auth)
    assert r.status_code == 422 and "published" in r.json()["error"]
    r = rw_server.post("/api/reports", json={"text": ODESA, "published": "sometime soon"}, headers=auth)
    assert r.status_code == 400 and "published" in r.json()["error"]
    r = rw_server.post("/api/reports", json={"text": "   ", "published": "2024-11-15"}, headers=auth)
    assert r.status_code == 400 and "text" in r.json()["error"]
    assert rw_server.get("/api/reports").json()["total"] == before


def test_huge_body_is_413_and_writes_nothing(rw_server):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = rw_server.get("/api/reports").json()["total"]
    huge = {"text": "Shelling was reported. " * 100_000, "published": "2024-11-15T12:00:00Z"}  # ~2.3 MB
    r = rw_server.post("/api/reports", json=huge, headers=auth)
    assert r.status_code == 413
    assert "limit" in r.json()["error"]

    # A chunked body declares no length: it is counted as it arrives.
    def chunks():
        for _ in range(30):
            yield b"x" * 100_000

    r = rw_server.post("/api/reports", content=chunks(), headers={**auth, "Content-Type": "application/json"})
    assert r.status_code == 413
    assert rw_server.get("/api/reports").json()["total"] == before


def test_docs_are_served_without_a_cdn(ro_server):
    r = ro_server.get("/docs")
    assert r.status_code == 200
    assert "cdn" not in r.text.lower() and "https://" not in r.text
    assert "/static/docs/swagger-ui-bundle.js" in r.text
    assert ro_server.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    spec = ro_server.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/reports", "/api/stats"} <= set(spec["paths"])


def test_dashboard_page_is_served_with_a_strict_policy(ro_server):
    r = ro_server.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert ro_server.get("/static/app.js").status_code == 200
    assert ro_server.get("/static/countries-50m.json").status_code == 200


# --- the read index answers exactly as the Store does ---------------------------------------------------------


def _synthetic_db(path):
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("api_latency", ROOT / "benchmarks" / "api_latency.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.build(path, 4000)
    return bench


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from conflictwire.store import Store

    path = tmp_path_factory.mktemp("synthetic") / "synthetic.duckdb"
    bench = _synthetic_db(path)
    store = Store(path)
    yield store, bench
    store.close()


INDEX_CASES = [
    {},
    {"country": "Sudan"},
    {"country": "sudan", "admin1": ["North Darfur", "khartoum"]},
    {"country": "729"},
    {"event_type": "Battles", "date_from": "2020-01-01", "date_to": "2021-06-30"},
    {"sub_event_type": ["Air/drone strike", "Peaceful protest"]},
    {"actor": "forces of"},
    {"actor": "HOUTHI"},
    {"source": "monitor"},
    {"grade": "contested", "country": "Yemen"},
    {"text": "market"},
    {"text": "sudan hospital"},
    {"text": "place 12"},
    {"bbox": [30.0, 10.0, 34.0, 15.0]},
    {"bbox": [30.0, 10.0, 34.0, 15.0], "text": "camp", "date_from": "2019-03-01"},
    {"country": "Atlantis"},
]
SORTS = ["-event_date", "event_date", "-fatalities", "fatalities_high", "country", "-admin1", "location"]
SORTS += ["event_type", "-sub_event_type", "grade", "-event_id", "updated_at"]


def test_read_index_answers_like_the_store(synthetic):
    from conflictwire.api.index import EventIndex

    store, _ = synthetic
    index = EventIndex(store._cur())
    assert index.n == 4000
    for f in INDEX_CASES:
        for sort in SORTS:
            df = store.events(**f, sort=sort, limit=40, offset=15)
            total, rows = index.page(f, sort, 40, 15)
            assert total == df.attrs["total"], (f, sort)
            assert [r["event_id"] for r in rows] == df["event_id"].tolist(), (f, sort)
    # Rows carry the same values as the store's.
    one = store.events(country="Syria", limit=1)
    _, [row] = index.page({"country": "Syria"}, "-event_date", 1, 0)
    for col in ("event_id", "location", "actor1", "fatalities", "latitude", "iso", "grade"):
        assert row[col] == one[col].iloc[0], col


def test_read_index_stats_match_the_store(synthetic):
    from conflictwire.api.backend import Backend, EventFilters
    from conflictwire.api.index import EventIndex, stats

    store, _ = synthetic
    index = EventIndex(store._cur())
    backend = Backend(store=store, use_index=False)
    for f in INDEX_CASES:
        mine = stats(index, f)
        theirs = backend.stats(EventFilters(**{k: v for k, v in f.items() if k != "text"}, q=f.get("text")))
        for key in ("events", "fatalities", "by_week", "by_type", "by_admin1", "by_actor", "by_country"):
            assert mine[key] == theirs[key], (f, key)


def test_backend_answers_the_same_before_and_after_its_index_is_built(seeded_db, tmp_path):
    import shutil

    from conflictwire.api.app import event_filters
    from conflictwire.api.backend import Backend

    path = tmp_path / "copy.duckdb"
    shutil.copy(seeded_db, path)
    slow = Backend(path, use_index=False)  # every answer from Store.events / Store.stats
    try:
        fast = Backend(store=slow.store)  # the same database through the read index
        assert fast.index_ready and not slow.index_ready
        for params in ({}, {"country": "Sudan"}, {"q": "market"}, {"event_type": ["Battles"]}):
            f = event_filters(**params)
            for sort in ("-event_date", "fatalities", "country"):
                assert fast.events(f, sort, 4, 1) == slow.events(f, sort, 4, 1), (params, sort)
            assert fast.stats(f) == slow.stats(f), params
    finally:
        slow.close()
