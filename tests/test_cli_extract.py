"""`conflictwire extract` on bad input: one clear line naming the input, exit code 2, nothing printed on stdout."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conflictwire", "extract", *args], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "content, extra, reason",
    [
        (None, [], "no such file"),
        (b"", ["--published", "2024-01-01"], "empty"),
        (b"\x00\x01binary\x00", ["--published", "2024-01-01"], "binary"),
        (b"caf\xe9 bombed\xff", ["--published", "2024-01-01"], "UTF-8"),
        (b"Shelling hit the town on Monday.", [], "--published"),
        (b"Shelling hit the town on Monday.", ["--published", "last Tuesday-ish"], "last Tuesday-ish"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, content, extra, reason):
    path = tmp_path / "report.txt"
    if content is not None:
        path.write_bytes(content)
    res = run(str(path), *extra)
    assert res.returncode == 2
    assert str(path) in res.stderr and reason in res.stderr
    assert res.stdout == ""
    assert "Traceback" not in res.stderr


def test_jsonl_input_events_carry_report_id(tmp_path):
    path = tmp_path / "corpus.jsonl"
    rows = [
        {
            "id": "r-1",
            "text": "Gunmen killed five villagers near Djibo on Sunday, residents said.",
            "published": "2024-05-06T08:00:00Z",
            "outlet": "Demo Wire",
        },
        {
            "id": "r-2",
            "text": "Police fired tear gas at hundreds of protesters in Nairobi on Tuesday.",
            "published": "2024-06-26T08:00:00Z",
            "outlet": "Demo Wire",
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    res = run(str(path), "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    events = [json.loads(line) for line in res.stdout.splitlines()]
    assert {e["report_id"] for e in events} == {"r-1", "r-2"}


def test_csv_output_uses_acled_column_order(tmp_path):
    from conflictwire.model import ACLED_COLUMNS

    path = tmp_path / "r.txt"
    path.write_text("Shelling killed three civilians in Kherson on Monday, officials said.", encoding="utf-8")
    res = run(str(path), "--published", "2024-11-05T09:00:00+02:00", "--format", "csv")
    assert res.returncode == 0, res.stderr
    header = res.stdout.splitlines()[0].split(",")
    assert header[: len(ACLED_COLUMNS)] == ACLED_COLUMNS
