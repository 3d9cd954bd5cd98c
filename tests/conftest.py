"""Shared fixtures: a real DuckDB file seeded through the Store, and real `conflictwire serve` processes over it.

The web fixtures (tests/fixtures/web/*.txt) are short reports written for these tests. Their events are written
through `Store.add` as hand-coded events (the coding a person would give them), so that the API and dashboard tests
do not depend on how well extraction does; `POST /api/reports` tests go through the real extraction path.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest

from conflictwire.ingest.readers import read_txt
from conflictwire.model import Event, Evidence, Extraction, Source, Toll

ROOT = Path(__file__).resolve().parents[1]
WEB_FIXTURES = ROOT / "tests" / "fixtures" / "web"
ARTIFACTS = ROOT / "test-artifacts"
TOKEN = "test-token-5b1f"

BATTLES = "Battles"
REMOTE = "Explosions/Remote violence"
VAC = "Violence against civilians"

# Per fixture report: the events a coder would record, with the sentences (quoted from the report) as evidence.
CODED = {
    "kharkiv_drone.txt": [
        dict(
            event_date=date(2024, 11, 17),
            disorder_type="Political violence",
            event_type=REMOTE,
            sub_event_type="Air/drone strike",
            actor1="Military Forces of Russia (2000-)",
            inter1=8,
            actor2="Civilians (Ukraine)",
            inter2=7,
            interaction=78,
            civilian_targeting="Civilian targeting",
            iso=804,
            country="Ukraine",
            admin1="Kharkiv",
            location="Kharkiv",
            latitude=49.9935,
            longitude=36.2304,
            geo_precision=1,
            fatalities=3,
            sources=[Source("Regional governor", "report")],
            evidence=["Three people were killed when a Russian drone struck an apartment block in Kharkiv"],
        )
    ],
    "el_fasher_shelling.txt": [
        dict(
            event_date=date(2024, 12, 2),
            disorder_type="Political violence",
            event_type=REMOTE,
            sub_event_type="Shelling/artillery/missile attack",
            actor1="Rapid Support Forces",
            inter1=2,
            actor2="Civilians (Sudan)",
            inter2=7,
            interaction=27,
            civilian_targeting="Civilian targeting",
            iso=729,
            country="Sudan",
            admin1="North Darfur",
            location="El Fasher",
            latitude=13.6279,
            longitude=25.3494,
            geo_precision=1,
            fatalities=21,
            sources=[Source("local monitoring group", "report"), Source("Rapid Support Forces", "deny")],
            evidence=[
                "Rapid Support Forces shelled the main market in El Fasher on Monday, killing 21 civilians",
                "The RSF denied that its fighters had targeted the market and blamed the army.",
            ],
        )
    ],
    "saraqib_taken.txt": [
        dict(
            event_date=date(2024, 11, 30),
            disorder_type="Political violence",
            event_type=BATTLES,
            sub_event_type="Non-state actor overtakes territory",
            actor1="Hayat Tahrir al-Sham",
            inter1=2,
            actor2="Military Forces of Syria (2000-2024)",
            inter2=1,
            interaction=12,
            iso=760,
            country="Syria",
            admin1="Idlib",
            location="Saraqib",
            latitude=35.8641,
            longitude=36.8006,
            geo_precision=1,
            fatalities=12,
            sources=[Source("war monitor", "report")],
            evidence=[
                "Fighters led by Hayat Tahrir al-Sham took control of the town of Saraqib in Idlib province",
                "At least 12 combatants were killed in the fighting around the town, a war monitor said.",
            ],
        )
    ],
    "wad_madani_regained.txt": [
        dict(
            event_date=date(2025, 1, 11),
            disorder_type="Political violence",
            event_type=BATTLES,
            sub_event_type="Government regains territory",
            actor1="Military Forces of Sudan (2019-)",
            inter1=1,
            actor2="Rapid Support Forces",
            inter2=2,
            interaction=12,
            iso=729,
            country="Sudan",
            admin1="Al Jazirah",
            location="Wad Madani",
            latitude=14.4012,
            longitude=33.5199,
            geo_precision=1,
            fatalities=0,
            sources=[Source("Sudanese army", "claim")],
            evidence=["The Sudanese army said on Saturday it had recaptured Wad Madani"],
        )
    ],
    "dhaka_protest.txt": [
        dict(
            event_date=date(2024, 12, 20),
            disorder_type="Demonstrations",
            event_type="Protests",
            sub_event_type="Peaceful protest",
            actor1="Protesters (Bangladesh)",
            inter1=6,
            interaction=60,
            iso=50,
            country="Bangladesh",
            admin1="Dhaka",
            location="Dhaka",
            latitude=23.7104,
            longitude=90.4074,
            geo_precision=1,
            fatalities=0,
            sources=[Source("Test Wire", "report")],
            evidence=["Several thousand students marched peacefully through central Dhaka on Friday"],
        )
    ],
    "hostile_markup.txt": [
        dict(
            event_date=date(2024, 12, 9),
            disorder_type="Political violence",
            event_type=VAC,
            sub_event_type="Attack",
            actor1="Unidentified Armed Group (Nigeria)",
            inter1=3,
            actor2="Civilians (Nigeria)",
            inter2=7,
            interaction=37,
            civilian_targeting="Civilian targeting",
            iso=566,
            country="Nigeria",
            admin1="Borno",
            location="Maiduguri",
            latitude=11.8464,
            longitude=13.1603,
            geo_precision=2,
            fatalities=2,
            sources=[Source("police", "report")],
            # The whole sentence, markup included: the dashboard must show it as text.
            evidence=["Gunmen killed two villagers near Maiduguri <script>"],
        )
    ],
}
TOLLS = {
    "el_fasher_shelling.txt": [
        dict(
            killed=750,
            period_start=date(2024, 5, 10),
            period_end=date(2024, 12, 1),
            country="Sudan",
            admin1="North Darfur",
            source="UN human rights office",
        )
    ]
}
HOSTILE_EVENT_LOCATION = "Maiduguri"


def coded_extraction(path: Path) -> Extraction:
    """A fixture report with its hand-coded events; evidence offsets point into the report's text."""
    report = read_txt(str(path))
    events = []
    for i, spec in enumerate(CODED[path.name]):
        spec = dict(spec)
        evidence = []
        for sentence in spec.pop("evidence"):
            start = report.text.index(sentence)
            if sentence.endswith("<script>"):  # take the sentence to its full stop, markup and all
                end = report.text.index("\n", start) if "\n" in report.text[start:] else len(report.text)
            else:
                end = start + len(sentence)
            evidence.append(Evidence(report.report_id, report.text[start:end], start, end))
        ev = Event(
            event_id=f"{report.report_id}-{i + 1}",
            report_id=report.report_id,
            source=", ".join(s.name for s in spec["sources"]),
            notes=evidence[0].text,
            evidence=evidence,
            fatalities_low=spec["fatalities"],
            fatalities_high=spec["fatalities"],
            **spec,
        )
        events.append(ev)
    tolls = [Toll(report_id=report.report_id, **t) for t in TOLLS.get(path.name, [])]
    return Extraction(reports=[report], events=events, tolls=tolls)


def seed_database(path: Path) -> None:
    from conflictwire.store import Store

    store = Store(path)
    try:
        for f in sorted(WEB_FIXTURES.glob("*.txt")):
            store.add(coded_extraction(f))
    finally:
        store.close()


def expected_events() -> int:
    return sum(len(v) for v in CODED.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    db: Path
    proc: subprocess.Popen
    token: str | None

    def get(self, path: str, **kw) -> httpx.Response:
        return httpx.get(self.url + path, timeout=30, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return httpx.post(self.url + path, timeout=120, **kw)


def start_server(db: Path, token: str | None, log: Path) -> Server:
    """`conflictwire serve` in its own process on a free port; returns once /api/health answers."""
    port = free_port()
    env = dict(os.environ)
    env.pop("CONFLICTWIRE_TOKEN", None)
    if token:
        env["CONFLICTWIRE_TOKEN"] = token
    cli = Path(sys.executable).with_name("conflictwire")
    cmd = [str(cli), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    out = open(log, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text()}")
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return Server(url, db, proc, token)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start in time: {log.read_text()}")


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("webdb") / "seed.duckdb"
    seed_database(path)
    return path


def _copy_db(src: Path, dest_dir: Path) -> Path:
    dest = dest_dir / src.name
    shutil.copy(src, dest)
    wal = src.with_name(src.name + ".wal")
    if wal.exists():
        shutil.copy(wal, dest.with_name(dest.name + ".wal"))
    return dest


@pytest.fixture(scope="session")
def ro_server(seeded_db, tmp_path_factory):
    """A server with no token: read-only. Shared by read tests; nothing may change its database."""
    d = tmp_path_factory.mktemp("ro")
    server = start_server(_copy_db(seeded_db, d), None, d / "server.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def rw_server(seeded_db, tmp_path_factory):
    """A server with a token, over its own copy of the database (write tests change it)."""
    d = tmp_path_factory.mktemp("rw")
    server = start_server(_copy_db(seeded_db, d), TOKEN, d / "server.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
