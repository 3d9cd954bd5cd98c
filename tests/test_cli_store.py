"""`conflictwire ingest | events | export | tolls | reports` on real database files, and in real processes."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from conflictwire.cli import app
from conflictwire.model import ACLED_COLUMNS

MULTI = Path(__file__).parent / "fixtures" / "multi"
CLI = [
    sys.executable,
    "-c",
    "import sys; from conflictwire.cli import app; sys.argv[0] = 'conflictwire'; app()",
]
runner = CliRunner()

# Varied reports for volume tests, written from templates in our own words.
PLACES = ["Idlib", "Aleppo", "Homs", "Kharkiv", "Kherson", "Zaporizhzhia", "Omdurman", "El Fasher", "Nyala", "Marib",
          "Taiz", "Hodeidah", "Khan Younis", "Rafah", "Goma", "Mandalay", "Lashio", "Gao", "Mopti", "Kidal"]  # fmt: skip
WEAPONS = ["An air strike", "A drone", "Artillery shells", "A missile"]
TARGETS = [
    "a market",
    "a residential building",
    "a school",
    "a bakery",
    "a fuel depot",
    "a checkpoint",
    "a bridge",
]
SAID = ["local rescuers said", "a monitoring group said", "hospital officials said", "residents said"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def write_corpus(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    paths = []
    for i in range(n):
        published = start + timedelta(days=(i * 37) % 360, hours=i % 13)
        place = PLACES[(i * 7) % len(PLACES)]
        day = DAYS[(published.weekday() - 1) % 7]  # the day before publication
        killed = 1 + (i * 5) % 17
        if i % 6 == 5:
            body = f"Several hundred people marched in {place} on {day} against the price of bread (bulletin {i})."
        else:
            body = (
                f"{WEAPONS[i % len(WEAPONS)]} hit {TARGETS[i % len(TARGETS)]} in {place} on {day}, "
                f"killing {killed} people, {SAID[i % len(SAID)]} (bulletin {i})."
            )
        path = folder / f"r{i:04d}.txt"
        path.write_text(
            f"Title: Bulletin {i}\nPublished: {published.isoformat()}\nOutlet: Template Wire\n\n{body}\n"
        )
        paths.append(path)
    return paths


def content(db: Path) -> dict:
    """Every table's rows without the clock columns (ingested_at, created_at, updated_at)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in (
            "reports",
            "events",
            "event_reports",
            "event_sources",
            "evidence",
            "event_figures",
            "tolls",
        ):
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            keep = [c for c in cols if c not in ("ingested_at", "created_at", "updated_at")]
            quoted = ", ".join(f'"{c}"' for c in keep)
            out[table] = con.execute(f"SELECT {quoted} FROM {table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def everything(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in sorted(tables)}
    finally:
        con.close()


@pytest.fixture(scope="module")
def multi_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("multi") / "multi.duckdb"
    result = runner.invoke(app, ["ingest", str(MULTI), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_ingest_prints_a_summary_and_a_second_run_skips_everything(multi_db):
    n = len(list(MULTI.glob("*.txt")))
    before = everything(multi_db)
    result = runner.invoke(app, ["ingest", str(MULTI), "--db", str(multi_db)])
    assert result.exit_code == 0
    assert f"reports read: {n}, stored: 0" in result.output
    assert f"skipped (already stored): {n}" in result.output
    assert everything(multi_db) == before


def test_events_formats_carry_extract_keys_plus_grade_and_report_ids(multi_db):
    out = runner.invoke(app, ["events", "--db", str(multi_db), "--format", "json", "--text", "idlib"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["total"] == len(doc["events"]) == 1
    e = doc["events"][0]
    for key in ACLED_COLUMNS + [
        "fatalities_low",
        "fatalities_high",
        "sources",
        "evidence",
        "grade",
        "report_ids",
    ]:
        assert key in e, key
    assert len(e["report_ids"]) == 3 and (e["fatalities_low"], e["fatalities_high"]) == (5, 9)
    assert e["grade"] in ("confirmed", "fair", "weak", "contested") and e["grade_reasons"]

    lines = runner.invoke(app, ["events", "--db", str(multi_db), "--format", "jsonl", "--limit", "0"]).stdout
    events = [json.loads(line) for line in lines.splitlines()]
    assert len(events) >= 4  # Idlib (merged), two Kharkiv strikes, Omdurman
    assert len({e["event_id"] for e in events}) == len(events)

    text = runner.invoke(app, ["events", "--db", str(multi_db), "--format", "csv", "--limit", "0"]).stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][: len(ACLED_COLUMNS)] == ACLED_COLUMNS
    assert "grade" in rows[0] and "report_ids" in rows[0]
    assert len(rows) == len(events) + 1

    table = runner.invoke(app, ["events", "--db", str(multi_db), "--country", "Ukraine"])
    assert table.exit_code == 0 and "Kharkiv" in table.stdout and "Idlib" not in table.stdout


def test_export_csv_geojson_parquet(multi_db, tmp_path):
    n = json.loads(runner.invoke(app, ["events", "--db", str(multi_db), "--format", "json"]).stdout)["total"]
    out = runner.invoke(app, ["export", "--db", str(multi_db), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == n and list(rows[0])[: len(ACLED_COLUMNS)] == ACLED_COLUMNS
    gj = tmp_path / "events.geojson"
    assert (
        runner.invoke(
            app, ["export", "--db", str(multi_db), "--format", "geojson", "--out", str(gj)]
        ).exit_code
        == 0
    )
    doc = json.loads(gj.read_text())
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == n
    f = doc["features"][0]
    assert f["geometry"]["type"] == "Point" and len(f["geometry"]["coordinates"]) == 2
    assert "sources" in f["properties"] and "grade" in f["properties"]
    pq = tmp_path / "events.parquet"
    assert (
        runner.invoke(
            app, ["export", "--db", str(multi_db), "--format", "parquet", "--out", str(pq)]
        ).exit_code
        == 0
    )
    df = pd.read_parquet(pq)
    assert len(df) == n and {"event_id", "fatalities_low", "report_ids"} <= set(df.columns)
    assert runner.invoke(app, ["export", "--db", str(multi_db), "--format", "parquet"]).exit_code == 2


def test_tolls_and_reports_commands(multi_db):
    out = runner.invoke(app, ["reports", "--db", str(multi_db), "--format", "json"])
    reports = json.loads(out.stdout)["reports"]
    assert len(reports) == len(list(MULTI.glob("*.txt")))
    assert {r["outlet"] for r in reports} >= {"Levant Wire", "Orient Daily", "Northwest Monitor"}
    assert all(r["events"] >= 1 for r in reports)
    tolls = runner.invoke(app, ["tolls", "--db", str(multi_db), "--format", "json"])
    assert tolls.exit_code == 0 and "tolls" in json.loads(tolls.stdout)


def test_bad_inputs_and_options_exit_2(tmp_path):
    db = tmp_path / "x.duckdb"
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    undated = tmp_path / "undated.txt"
    undated.write_text("Gunmen attacked a village near Goma on Monday.\n")
    result = runner.invoke(
        app, ["ingest", str(empty), str(undated), str(tmp_path / "missing.txt"), "--db", str(db)]
    )
    assert result.exit_code == 2
    assert "failed: 3" in result.output
    for p in (empty, undated, tmp_path / "missing.txt"):
        assert str(p) in result.output
    # One good report among the bad ones: exit 0, and the bad ones are still listed.
    mixed = runner.invoke(app, ["ingest", str(empty), str(MULTI / "kharkiv_market.txt"), "--db", str(db)])
    assert mixed.exit_code == 0 and "failed: 1" in mixed.output and str(empty) in mixed.output
    assert runner.invoke(app, ["events", "--db", str(tmp_path / "nope.duckdb")]).exit_code == 2
    assert runner.invoke(app, ["events", "--db", str(db), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["events", "--db", str(db), "--date-from", "last tuesday"]).exit_code == 2
    assert runner.invoke(app, ["events", "--db", str(db), "--sort", "nonsense"]).exit_code == 2
    assert runner.invoke(app, ["export", "--db", str(db), "--format", "kml"]).exit_code == 2
    assert runner.invoke(app, ["ingest", str(tmp_path / "nothing-here"), "--db", str(db)]).exit_code == 2


def test_db_from_environment(tmp_path):
    db = tmp_path / "env.duckdb"
    env_result = runner.invoke(
        app, ["ingest", str(MULTI / "kharkiv_hospital.txt")], env={"CONFLICTWIRE_DB": str(db)}
    )
    assert env_result.exit_code == 0, env_result.output
    assert db.exists()
    listed = runner.invoke(app, ["events", "--format", "jsonl"], env={"CONFLICTWIRE_DB": str(db)})
    assert "Kharkiv" in listed.stdout


@pytest.mark.slow
def test_killing_ingest_midway_keeps_committed_reports_and_a_rerun_finishes(tmp_path):
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, 160)
    killed_db = tmp_path / "killed.duckdb"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([*CLI, "ingest", str(corpus), "--db", str(killed_db), "-q"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    wal = Path(str(killed_db) + ".wal")
    deadline = time.monotonic() + 900  # a loaded CI machine can take minutes to load the pipeline
    # Reports are committed one by one into the write-ahead log: kill once some are in, long before the end.
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 200_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    con = duckdb.connect(str(killed_db))  # opens: the log replays
    stored = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    # Every stored report is whole: each has its event rows (every bulletin yields one event).
    without_events = con.execute(
        "SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 FROM event_reports e WHERE e.report_id = r.report_id)"
    ).fetchone()[0]
    con.close()
    assert 0 < stored < len(paths), f"{stored} of {len(paths)} reports stored when killed"
    assert without_events == 0

    rerun = subprocess.run([*CLI, "ingest", str(corpus), "--db", str(killed_db), "-q"], capture_output=True,
                           text=True, timeout=600)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert f"skipped (already stored): {stored}" in rerun.stderr

    clean_db = tmp_path / "clean.duckdb"
    clean = subprocess.run([*CLI, "ingest", str(corpus), "--db", str(clean_db), "-q"], capture_output=True,
                           text=True, timeout=600)  # fmt: skip
    assert clean.returncode == 0, clean.stderr
    assert content(killed_db) == content(clean_db)


@pytest.mark.slow
def test_a_thousand_reports_ingested_twice_leave_the_database_identical(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 1000)
    db = tmp_path / "thousand.duckdb"
    first = subprocess.run([*CLI, "ingest", str(corpus), "--db", str(db), "-q"], capture_output=True, text=True,
                           timeout=1200)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "stored: 1000" in first.stderr
    before = everything(db)
    assert len(before["reports"]) == 1000 and len(before["events"]) > 100
    second = subprocess.run([*CLI, "ingest", str(corpus), "--db", str(db), "-q"], capture_output=True, text=True,
                            timeout=1200)  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "skipped (already stored): 1000" in second.stderr
    assert everything(db) == before


@pytest.mark.slow
def test_ingest_on_worker_processes_writes_the_same_database(tmp_path):
    """Extraction on a pool (issue 6), writing in the main process: the same rows as one process."""
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    assert runner.invoke(app, ["ingest", str(MULTI), "--db", str(one), "-q"]).exit_code == 0
    pooled = subprocess.run([*CLI, "ingest", str(MULTI), "--db", str(two), "-q", "--workers", "2", "--batch-size", "2"],
                            capture_output=True, text=True, timeout=600)  # fmt: skip
    assert pooled.returncode == 0, pooled.stderr
    assert content(one) == content(two)
