"""Bulk files: JSON (one report object or a list), JSONL (one report a line) and CSV (one report a row).

A record has text, published, outlet, url, title and id; ``id`` becomes the report_id (so an evaluation can tie
each event back to its line). Rows are read lazily, one at a time, so a file of a million reports streams. A bad
row is an InputError naming ``path:line``; the rows around it still go in.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Iterator

from ..errors import InputError
from ..model import Report
from .published import parse_published

# The first key present wins. The second names are what common scrapers and exports call the same thing.
TEXT_KEYS = ("text", "content", "body")
PUBLISHED_KEYS = ("published", "date", "published_at", "datetime")
OUTLET_KEYS = ("outlet", "source", "sitename")
TITLE_KEYS = ("title", "headline")
URL_KEYS = ("url", "link")
ID_KEYS = ("id", "report_id")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a CSV cell holding a whole article is normal here


def _first(rec: dict, keys: tuple[str, ...]):
    for k in keys:
        v = rec.get(k)
        if v is not None and str(v).strip() != "":
            return v
    return None


def report_from_record(rec, where: str, published=None, outlet=None, path: str = "") -> Report:
    if not isinstance(rec, dict):
        raise InputError(
            where, f"expected a report object with 'text' and 'published', got {type(rec).__name__}"
        )
    text = _first(rec, TEXT_KEYS)
    if text is None:
        raise InputError(where, "the record has no text (expected a 'text' or 'content' field)")
    if not isinstance(text, str):
        raise InputError(where, f"'text' must be a string, not {type(text).__name__}")
    when = _first(rec, PUBLISHED_KEYS)
    if when is None:
        when = published
    if when is None or str(when).strip() == "":
        raise InputError(
            where, "the record has no publication date ('published' or 'date'); or pass --published"
        )
    rid = _first(rec, ID_KEYS)
    src = _first(rec, OUTLET_KEYS)
    return Report(
        text=text,
        published=parse_published(when, where=where),
        outlet=str(src if src is not None else (outlet or "")),
        title=str(_first(rec, TITLE_KEYS) or ""),
        url=str(_first(rec, URL_KEYS) or ""),
        path=path,
        report_id=str(rid) if rid is not None else "",
    )


_JSONL = object()


def open_binary(path: str):
    """The file's bytes as a stream; ``.gz`` files are decompressed as they are read (bulk exports are large)."""
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


def _lines(fh, path: str):
    """(line number, bytes) pairs; a truncated or corrupt .gz ends with an InputError instead of a traceback."""
    lineno = 0
    try:
        for lineno, line in enumerate(fh, start=1):  # noqa: B007 - lineno is read after the loop
            yield lineno, line
    except (OSError, EOFError) as exc:
        yield lineno + 1, InputError(f"{path}:{lineno + 1}", f"cannot read further: {exc}")


def _check_bytes(path: str, data: bytes) -> None:
    if not data.strip():
        raise InputError(path, "the file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file, not text")


def iter_json(
    path: str, published=None, outlet=None, data: bytes | None = None
) -> Iterator[Report | InputError]:
    try:
        if data is None:
            with open_binary(path) as fh:
                raw = fh.read()
        else:
            raw = data
        _check_bytes(path, raw)
        try:
            obj = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" and raw.lstrip()[:1] == b"{" and exc.lineno > 1:
                obj = _JSONL  # one object a line saved as .json: read it as JSONL, naming each line
            else:
                raise InputError(
                    f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg} (column {exc.colno})"
                ) from None
    except InputError as exc:
        yield exc
        return
    except (OSError, EOFError) as exc:
        yield InputError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return
    if obj is _JSONL:
        yield from iter_jsonl(path, published, outlet, data=raw)
        return
    if isinstance(obj, dict) and isinstance(obj.get("reports"), list):
        obj = obj["reports"]  # the shape `extract --format json` and `reports` print
    items = obj if isinstance(obj, list) else [obj]
    if not items:
        yield InputError(path, "the JSON list holds no reports")
    for i, rec in enumerate(items):
        where = path if not isinstance(obj, list) else f"{path}[{i}]"
        try:
            yield report_from_record(rec, where, published, outlet, path=path)
        except InputError as exc:
            yield exc


def iter_jsonl(
    path: str, published=None, outlet=None, data: bytes | None = None
) -> Iterator[Report | InputError]:
    try:
        fh = open_binary(path) if data is None else io.BytesIO(data)
        head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else data[:8192]
    except (OSError, EOFError) as exc:
        yield InputError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return
    with fh:
        if b"\x00" in head:
            yield InputError(path, "binary file, not text")
            return
        any_line = False
        for lineno, line in _lines(fh, path):
            if isinstance(line, InputError):
                yield line
                return
            if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            any_line = True
            where = f"{path}:{lineno}"
            try:
                rec = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield InputError(where, f"not UTF-8 text (byte {exc.start})")
                continue
            except json.JSONDecodeError as exc:
                yield InputError(where, f"invalid JSON line: {exc.msg} (column {exc.colno})")
                continue
            try:
                yield report_from_record(rec, where, published, outlet, path=path)
            except InputError as exc:
                yield exc
        if not any_line:
            yield InputError(path, "the file is empty")


def iter_csv(
    path: str, published=None, outlet=None, data: bytes | None = None
) -> Iterator[Report | InputError]:
    try:
        if data is None:
            with open_binary(path) as head_fh:
                raw = head_fh.read(8192)
        else:
            raw = data[:8192]
        _check_bytes(path, raw)
        if data is None:
            fh = io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", newline="")
        else:
            fh = io.StringIO(data.decode("utf-8-sig"))
    except (OSError, EOFError) as exc:
        yield InputError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return
    except UnicodeDecodeError as exc:
        yield InputError(path, f"not UTF-8 text (byte {exc.start})")
        return
    except InputError as exc:
        yield exc
        return
    with fh:
        reader = csv.DictReader(fh)
        try:
            fields = [f.strip().lower() for f in (reader.fieldnames or [])]
        except (UnicodeDecodeError, csv.Error) as exc:
            yield InputError(path, f"cannot read the CSV header: {exc}")
            return
        if not any(k in fields for k in TEXT_KEYS):
            yield InputError(path, f"the CSV has no 'text' column (columns: {', '.join(fields) or 'none'})")
            return
        reader.fieldnames = fields
        while True:
            start = reader.line_num + 1  # a quoted cell may span lines: name the line the row starts on
            try:
                row = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                yield InputError(f"{path}:{start}", f"not UTF-8 text (byte {exc.start}); stopped reading")
                return
            except (OSError, EOFError) as exc:  # a truncated .gz
                yield InputError(f"{path}:{start}", f"cannot read further: {exc}")
                return
            except csv.Error as exc:
                yield InputError(f"{path}:{start}", f"malformed CSV: {exc}")
                continue
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue
            try:
                yield report_from_record(row, f"{path}:{start}", published, outlet, path=path)
            except InputError as exc:
                yield exc
