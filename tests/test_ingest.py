"""Reading report files of every kind; a bad item is named (path, path:line) and the rest of the batch goes in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conflictwire.errors import InputError
from conflictwire.ingest.published import parse_published
from conflictwire.ingest.readers import iter_inputs, read_paths

FIX = Path(__file__).parent / "fixtures" / "ingest"


def split(items):
    reports = [i for i in items if not isinstance(i, InputError)]
    errors = {e.where: e.reason for e in items if isinstance(e, InputError)}
    return reports, errors


def test_txt_with_header():
    [r] = list(read_paths([str(FIX / "report.txt")]))
    assert r.title == "Drone strike on fuel depot near Odesa"
    assert r.outlet == "Harbour Courier"
    assert r.published.isoformat() == "2024-11-18T07:30:00+02:00"
    assert r.text.startswith("A drone struck") and "Published:" not in r.text


def test_txt_without_header_takes_the_defaults():
    path = str(FIX / "nested" / "bare.txt")
    with pytest.raises(InputError, match="no publication time") as err:
        list(read_paths([path]))
    assert err.value.where == path
    [r] = list(read_paths([path], published="2024-08-04T18:00:00+06:00", outlet="Delta Desk"))
    assert r.published.isoformat() == "2024-08-04T18:00:00+06:00" and r.outlet == "Delta Desk"


def test_html_main_text_and_metadata():
    [r] = list(read_paths([str(FIX / "page.html")]))
    assert r.title == "Shelling hits market in Kharkiv"
    assert r.outlet == "Northern Ledger"
    assert r.url == "https://ledger.example.org/2024/12/kharkiv-market"
    assert r.published.isoformat() == "2024-12-02T16:06:00+05:30"
    assert "three traders" in r.text
    assert "Home | World" not in r.text and "Copyright" not in r.text  # boilerplate left out


def test_html_without_main_text():
    path = str(FIX / "noarticle.html")
    [err] = list(iter_inputs([path]))
    assert isinstance(err, InputError) and err.where == path and "no main text" in err.reason


def test_jsonl_rows_and_bad_lines():
    path = str(FIX / "reports.jsonl")
    reports, errors = split(list(iter_inputs([path])))
    assert [r.report_id for r in reports] == ["r-001", "2"]  # id becomes report_id, numbers too
    assert reports[0].outlet == "Savannah Post" and reports[0].url.endswith("/kaduna-bus")
    assert reports[1].published.isoformat() == "2024-07-04T00:00:00+00:00"
    assert "invalid JSON" in errors[f"{path}:3"]
    assert "no publication date" in errors[f"{path}:4"]
    assert "no text" in errors[f"{path}:6"]
    assert "'the fifth of never'" in errors[f"{path}:7"]  # the unreadable value is named
    assert len(errors) == 4  # the blank line 5 is not an error


def test_jsonl_default_published_fills_only_missing_dates():
    path = str(FIX / "reports.jsonl")
    reports, errors = split(list(iter_inputs([path], published="2024-10-10")))
    by_id = {r.report_id: r for r in reports}
    assert by_id["r-004"].published.isoformat() == "2024-10-10T00:00:00+00:00"
    assert by_id["r-001"].published.isoformat() == "2024-10-08T12:00:00+01:00"
    assert f"{path}:4" not in errors


def test_csv_rows_with_a_multiline_cell():
    path = str(FIX / "reports.csv")
    reports, errors = split(list(iter_inputs([path])))
    assert [r.report_id for r in reports] == ["c1", "c2"]
    assert reports[0].title == "School shelled in Khan Younis"
    assert reports[0].published.isoformat() == "2024-06-12T09:15:00+00:00"
    assert "\n" in reports[1].text  # the quoted cell spans two lines
    # Rows are named by the line they start on, after the multi-line row.
    assert "no publication date" in errors[f"{path}:5"]
    assert "no text" in errors[f"{path}:6"]


def test_csv_without_text_column(tmp_path):
    p = tmp_path / "wrong.csv"
    p.write_text("headline,when\nA,2024-01-01\n", encoding="utf-8")
    [err] = list(iter_inputs([str(p)]))
    assert err.where == str(p) and "no 'text' column" in err.reason


def test_json_object_and_list():
    [r] = list(read_paths([str(FIX / "one.json")]))
    assert r.report_id == "nb-77" and r.outlet == "Nile Bulletin"  # content/date/source spellings
    assert r.published.isoformat() == "2024-09-16T14:20:00+02:00"  # an RFC 2822 date
    path = str(FIX / "list.json")
    reports, errors = split(list(iter_inputs([path])))
    assert len(reports) == 2 and reports[0].outlet == "Frontier Desk"
    assert list(errors) == [f"{path}[2]"]


def test_invalid_json_names_the_line(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{\n  "text": "x",\n  "published": 2024-01-01\n}\n', encoding="utf-8")
    [err] = list(iter_inputs([str(p)]))
    assert err.where == f"{p}:3" and "invalid JSON" in err.reason


def test_feed_file_entries():
    path = str(FIX / "feed.rss")
    reports, errors = split(list(iter_inputs([path], fetch=False)))
    assert [r.title for r in reports] == [
        "Shelling damages hospital wing in Kherson",
        "Teaser only: clashes reported near Bakhmut",
    ]
    first = reports[0]
    assert first.outlet == "Borderline News"
    assert first.published.isoformat() == "2024-12-03T08:15:00+02:00"  # the entry's own offset is kept
    assert first.url == "https://borderline.example.com/kherson-hospital"
    assert "surgical wing" in first.text and "<p>" not in first.text
    [(where, reason)] = errors.items()
    assert where.startswith(f"{path}#3") and "no text" in reason


def test_malformed_feed():
    path = str(FIX / "broken.rss")
    [err] = list(iter_inputs([path]))
    assert err.where == path and "malformed feed" in err.reason


def test_bad_files_are_named():
    cases = {
        "missing.txt": "no such file",
        "empty.txt": "empty",
        "archive.txt": "binary",
        "latin.txt": "not UTF-8",
    }
    for name, words in cases.items():
        [err] = list(iter_inputs([str(FIX / name)], published="2024-01-01"))
        assert isinstance(err, InputError) and err.where == str(FIX / name) and words in err.reason


def test_directory_is_read_recursively_and_a_bad_item_does_not_stop_the_batch():
    items = list(iter_inputs([str(FIX)], published="2024-12-01T00:00:00Z", fetch=False))
    reports, errors = split(items)
    paths = {r.path for r in reports}
    assert str(FIX / "nested" / "bare.txt") in paths  # recursive, and the default date applied
    assert str(FIX / "page.html") in paths and str(FIX / "reports.csv") in paths
    assert str(FIX / "httpserver.py") not in paths and str(FIX / "httpserver.py") not in errors
    assert len(reports) >= 12
    assert str(FIX / "empty.txt") in errors and str(FIX / "broken.rss") in errors
    # Every report after the first bad file still came through, in sorted path order.
    order = [i.path if not isinstance(i, InputError) else i.where for i in items]
    assert order.index(str(FIX / "report.txt")) > order.index(str(FIX / "empty.txt"))


def test_read_paths_raises_the_first_bad_input():
    with pytest.raises(InputError) as err:
        list(read_paths([str(FIX / "report.txt"), str(FIX / "empty.txt"), str(FIX / "page.html")]))
    assert err.value.where == str(FIX / "empty.txt")


def test_globs(tmp_path):
    for name in ("a.txt", "b.txt", "c.html"):
        shutil.copy(FIX / ("report.txt" if name.endswith("txt") else "page.html"), tmp_path / name)
    (tmp_path / "sub").mkdir()
    shutil.copy(FIX / "report.txt", tmp_path / "sub" / "d.txt")
    got = [r.path for r in read_paths([str(tmp_path / "*.txt")])]
    assert got == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    got = [r.path for r in read_paths([str(tmp_path / "**" / "*.txt")])]
    assert str(tmp_path / "sub" / "d.txt") in got and len(got) == 3
    [err] = list(iter_inputs([str(tmp_path / "*.nothing")]))
    assert "no file matches" in err.reason


def test_empty_directory(tmp_path):
    [err] = list(iter_inputs([str(tmp_path)]))
    assert err.where == str(tmp_path) and "no report files" in err.reason


def test_unknown_suffix_is_sniffed(tmp_path):
    p = tmp_path / "saved_page"
    shutil.copy(FIX / "page.html", p)
    [r] = list(read_paths([str(p)]))
    assert r.title == "Shelling hits market in Kharkiv"


def test_urls_are_refused_when_fetching_is_off():
    [err] = list(iter_inputs(["https://example.org/report"], fetch=False))
    assert err.where == "https://example.org/report" and "disabled" in err.reason


def test_large_jsonl_streams(tmp_path):
    p = tmp_path / "many.jsonl"
    with p.open("w", encoding="utf-8") as fh:
        for i in range(5000):
            fh.write(
                f'{{"id": "n{i}", "text": "Report number {i} about a clash.", "published": "2024-02-0{1 + i % 9}"}}\n'
            )
    it = iter_inputs([str(p)])
    first = next(it)  # the first report arrives before the file is read through
    assert first.report_id == "n0"
    assert sum(1 for _ in it) == 4999


@pytest.mark.parametrize(
    "value,iso",
    [
        ("2024-12-02T16:06:00+05:30", "2024-12-02T16:06:00+05:30"),
        ("2024-12-02T10:36:00Z", "2024-12-02T10:36:00+00:00"),
        ("Mon, 02 Dec 2024 10:36:00 GMT", "2024-12-02T10:36:00+00:00"),
        ("2 December 2024 16:06", "2024-12-02T16:06:00+00:00"),
    ],
)
def test_published_formats(value, iso):
    assert parse_published(value, where="x").isoformat() == iso


@pytest.mark.parametrize("value", ["yesterday", "3 hours ago", "31/31/2024", "soon"])
def test_published_refuses_relative_or_broken_dates(value):
    with pytest.raises(InputError, match=repr(value)):
        parse_published(value, where="row 3")


def test_atom_feed_content_and_dates():
    path = str(FIX / "feed.atom")
    first, undated = list(iter_inputs([path], fetch=False))
    assert (
        first.outlet == "Highland Observer" and first.url == "https://highland.example.org/sagaing-monastery"
    )
    assert first.published.isoformat() == "2024-11-30T18:20:00+06:30"
    assert "Four villagers" in first.text and "&lt;" not in first.text
    # An entry without a date of its own is no older than the feed's last update.
    assert undated.published.isoformat() == "2024-11-30T20:00:00+06:30" and undated.url == ""


def test_feed_entry_without_any_date(tmp_path):
    p = tmp_path / "nodates.rss"
    p.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet Desk</title>'
        "<item><title>Clash reported</title><guid>q-1</guid><description>Two militias fought over a water point "
        "north of the town on an unknown day, elders said.</description></item></channel></rss>",
        encoding="utf-8",
    )
    [err] = list(iter_inputs([str(p)], fetch=False))
    assert err.where.startswith(f"{p}#1") and "no date" in err.reason
    [r] = list(iter_inputs([str(p)], fetch=False, published="2024-04-04"))
    assert r.published.isoformat() == "2024-04-04T00:00:00+00:00" and r.outlet == "Quiet Desk"


def test_html_without_a_date():
    path = str(FIX / "nodate.html")
    with pytest.raises(InputError, match="no publication date") as err:
        list(read_paths([path]))
    assert err.value.where == path
    [r] = list(read_paths([path], published="2024-02-20T08:00:00+03:00", outlet="Horn Desk"))
    assert r.published.isoformat() == "2024-02-20T08:00:00+03:00" and r.outlet == "Horn Desk"


def test_which_feed_entries_are_teasers():
    from conflictwire.ingest.feeds import FeedEntry

    def entry(text, link="https://example.org/a", content=False):
        return FeedEntry("k", "f", "w", "t", link, text, content, None, "")

    long = "Soldiers and rebels fought for most of the day around the district office. " * 6
    assert entry("Fighting resumed overnight.").needs_fetch()
    assert entry(long + "The army said it had ...").needs_fetch()
    assert entry(long + "Read more").needs_fetch()
    assert not entry(long).needs_fetch()
    assert not entry("Short, but the full content.", content=True).needs_fetch()
    assert not entry("Short and nowhere to go.", link="").needs_fetch()


def test_a_url_flattened_by_pathlib_is_still_a_url():
    # `Path("https://example.org/a")` becomes "https:/example.org/a"; it must not be read as a missing file.
    [err] = list(iter_inputs([str(Path("https://example.org/a"))], fetch=False))
    assert err.where == "https://example.org/a" and "disabled" in err.reason


def test_windows_line_endings(tmp_path):
    p = tmp_path / "crlf.txt"
    p.write_bytes(
        b"Title: Night raid\r\nPublished: 2024-01-02T03:04:05Z\r\n\r\nTroops raided a village.\r\nTwo men were held.\r\n"
    )
    [r] = list(read_paths([str(p)]))
    assert r.title == "Night raid" and r.text == "Troops raided a village.\nTwo men were held.\n"


def test_gzipped_bulk_files(tmp_path):
    import gzip

    lines = [
        '{"id": "g1", "text": "Shells hit a bakery in Avdiivka on Sunday.", "published": "2024-01-07"}',
        '{"id": "g2", "text": "Police fired tear gas at marchers in Lagos.", "published": "2024-01-08"}',
    ]
    jl = tmp_path / "bulk.jsonl.gz"
    jl.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    cs = tmp_path / "bulk.csv.gz"
    cs.write_bytes(
        gzip.compress(b"id,text,published\nc9,Gunmen burned a police post in Tillaberi.,2024-01-09\n")
    )
    tx = tmp_path / "one.txt.gz"
    tx.write_bytes(gzip.compress((FIX / "report.txt").read_bytes()))
    got = [r.report_id for r in read_paths([str(tmp_path)])]  # found in the directory by their inner suffix
    assert set(got) == {"g1", "g2", "c9", list(read_paths([str(FIX / "report.txt")]))[0].report_id}
    broken = tmp_path / "cut.jsonl.gz"
    whole = gzip.compress(("\n".join(lines * 2000) + "\n").encode())
    broken.write_bytes(whole[: len(whole) // 2])
    items = list(iter_inputs([str(broken)]))
    assert not isinstance(items[0], InputError)  # what could be read went in
    assert isinstance(items[-1], InputError) and "cannot read further" in items[-1].reason


def test_a_file_named_twice_is_read_once():
    got = list(iter_inputs([str(FIX / "report.txt"), str(FIX / "*.txt"), str(FIX)], published="2024-01-01"))
    assert [getattr(r, "path", None) for r in got].count(str(FIX / "report.txt")) == 1
    assert [getattr(r, "where", None) for r in got].count(str(FIX / "empty.txt")) == 1


def test_ingest_cli_names_each_bad_input_and_stores_the_rest(tmp_path):
    """Issue 4's acceptance: malformed feed, HTML without text, CSV rows without a date, through the real CLI."""
    import os
    import subprocess
    import sys

    from conflictwire.store import Store

    src = tmp_path / "in"
    src.mkdir()
    for name in ("broken.rss", "noarticle.html", "reports.csv", "report.txt", "page.html"):
        shutil.copy(FIX / name, src / name)
    db = tmp_path / "cw.duckdb"
    cli = str(Path(sys.executable).parent / "conflictwire")
    run = subprocess.run(
        [cli, "ingest", str(src), "--db", str(db), "--no-fetch", "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "1000"},  # rich would wrap long paths at 80 columns
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert f"{src / 'broken.rss'}: malformed feed" in out
    assert f"{src / 'noarticle.html'}: no main text" in out
    assert f"{src / 'reports.csv'}:5: the record has no publication date" in out
    with Store(db) as store:
        stored = store.reports(limit=None)
    assert len(stored) == 4  # two CSV rows, the text report and the page
    assert set(stored["report_id"]) >= {"c1", "c2"}


def test_jsonl_saved_as_json(tmp_path):
    p = tmp_path / "export.json"
    p.write_text(
        '{"id": "a", "text": "Troops shelled a hamlet near Kalay.", "published": "2024-03-01"}\n'
        '{"id": "b", "text": "A mine hit a tractor near Hpakant.", "published": "2024-03-02"}\n'
        '{"id": "c", "text": "no date here"}\n',
        encoding="utf-8",
    )
    reports, errors = split(list(iter_inputs([str(p)])))
    assert [r.report_id for r in reports] == ["a", "b"]
    assert list(errors) == [f"{p}:3"]


def test_feed_html_fragments_become_plain_text():
    from conflictwire.ingest.feeds import html_to_text

    got = html_to_text(
        "<p>Shells hit <b>Kherson</b>.</p><script>track();</script><p>Two died &amp; six were hurt.</p>"
    )
    assert got == "Shells hit Kherson.\nTwo died & six were hurt."
