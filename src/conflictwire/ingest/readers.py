"""Turn inputs into Reports: files, directories (recursive), globs and http(s) URLs.

Kinds, by suffix (or, for a URL, by content type): .txt (optional ``Title:``/``Published:``/``Outlet:``/``URL:``
header then a blank line), .html/.htm (trafilatura), .json, .jsonl/.ndjson, .csv, and RSS/Atom feeds
(.xml/.rss/.atom); any of them may be gzipped (``.jsonl.gz``). ``published`` and ``outlet`` are defaults for
inputs that carry none of their own.

Two entry points:
- ``iter_inputs`` yields a Report or an InputError per item and always goes on: one bad row, page or feed must
  not stop a batch (``conflictwire ingest``, ``watch``).
- ``read_paths`` raises the first InputError (``conflictwire extract`` fails with exit 2 before printing).
"""

from __future__ import annotations

import glob
import gzip
import os
import re
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from ..errors import InputError
from ..model import Report
from .published import parse_published

# A .txt report may open with e-mail-style header lines ("Published: 2024-12-01T09:00:00Z") and a blank line.
_HEADER = re.compile(r"^(Title|Published|Outlet|URL):[ \t]*(.*)$", re.IGNORECASE)
_GLOB_CHARS = re.compile(r"[*?\[]")
_PATHLIB_URL = re.compile(r"^(https?):/(?!/)", re.IGNORECASE)

KINDS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}


def split_header(text: str) -> tuple[dict, str]:
    lines = text.split("\n")
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines) and (m := _HEADER.match(lines[i].rstrip("\r"))):
        meta[m.group(1).lower()] = m.group(2).strip()
        i += 1
    if meta and i < len(lines) and not lines[i].strip():
        return meta, "\n".join(lines[i + 1 :])
    return {}, text


def suffix(path: str) -> str:
    """The suffix that names the kind: ``reports.jsonl.gz`` is JSONL."""
    sfx = [s.lower() for s in Path(path).suffixes]
    if sfx and sfx[-1] == ".gz":
        return sfx[-2] if len(sfx) > 1 else ""
    return sfx[-1] if sfx else ""


def read_bytes(path: str) -> bytes:
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a directory")
    try:
        data = p.read_bytes()
        if path.lower().endswith(".gz"):
            data = gzip.decompress(data)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    except EOFError:
        raise InputError(path, "the .gz file is truncated") from None
    if not data.strip():
        raise InputError(path, "the file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file, not text")
    return data


def decode_text(data: bytes, where: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(where, f"not UTF-8 text (byte {exc.start})") from None
    return text.replace("\r\n", "\n")  # a file saved on Windows reads the same as on Linux


def read_text_file(path: str) -> str:
    return decode_text(read_bytes(path), path)


def report_from_text(
    text: str, where: str, published=None, outlet=None, url: str = "", path: str = ""
) -> Report:
    meta, body = split_header(text)
    if not body.strip():
        raise InputError(where, "the report has no text")
    when = meta.get("published") or published
    if not when:
        raise InputError(where, "plain text carries no publication time: pass --published ISO8601")
    return Report(
        text=body,
        published=parse_published(when, where=where),
        outlet=meta.get("outlet") or outlet or "",
        title=meta.get("title", ""),
        url=meta.get("url", "") or url,
        path=path,
    )


def read_txt(path: str, published=None, outlet=None) -> Report:
    return report_from_text(read_text_file(path), path, published, outlet, path=path)


def is_url(s: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", s))


def kind_of(path: str) -> str:
    """Kind from the suffix; for an unknown suffix, from the first bytes (a report saved without one)."""
    kind = KINDS.get(suffix(path))
    if kind:
        return kind
    from .fetch import sniff_kind

    try:
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except OSError:
        return "text"  # read_bytes will name the problem
    kind = sniff_kind("", head)
    if kind == "text" and head.lstrip()[:1] in (b"{", b"["):
        return "json"
    return "text" if kind == "unknown" else kind


def expand(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Files, URLs, directories (recursively, report files only, in sorted order) and glob patterns.

    A file named twice (``dir`` and ``dir/*.txt``) is read once."""
    seen: set[str] = set()
    for item in _expand(paths):
        if isinstance(item, str):
            key = item if is_url(item) else os.path.realpath(item)
            if key in seen:
                continue
            seen.add(key)
        yield item


def _expand(paths: Iterable[str]) -> Iterator[str | InputError]:
    for raw in paths:
        path = str(raw)
        if not os.path.exists(path):
            # A URL passed through pathlib.Path lost a slash ("https:/example.org/a"): put it back.
            path = _PATHLIB_URL.sub(r"\1://", path)
        if is_url(path):
            yield path
        elif os.path.isdir(path):
            found = False
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and suffix(name) in KINDS:
                        found = True
                        yield os.path.join(root, name)
            if not found:
                yield InputError(path, f"no report files ({', '.join(sorted(KINDS))}) in the directory")
        elif not os.path.exists(path) and _GLOB_CHARS.search(path):
            matches = sorted(m for m in glob.glob(path, recursive=True) if os.path.isfile(m))
            if not matches:
                yield InputError(path, "no file matches the pattern")
            yield from matches
        else:
            yield path


def iter_inputs(
    paths: Iterable[str],
    published=None,
    outlet=None,
    fetch: bool = True,
    allow_private: bool = False,
) -> Iterator[Report | InputError]:
    """Every report in ``paths``; a bad item yields an InputError (where = path, path:line or URL) and reading goes on.

    ``fetch=False`` never touches the network: URLs are refused and feed entries keep their own summaries.
    """
    client = None
    try:
        for item in expand(paths):
            if isinstance(item, InputError):
                yield item
                continue
            if is_url(item):
                if not fetch:
                    yield InputError(item, "fetching URLs is disabled")
                    continue
                if client is None:
                    from .fetch import make_client

                    client = make_client(allow_private)
                yield from _iter_url(item, published, outlet, client, allow_private)
            else:
                fetcher = _fetcher(allow_private) if fetch else None
                yield from _iter_file(item, published, outlet, fetcher)
    finally:
        if client is not None:
            client.close()


def read_paths(
    paths: Iterable[str], published=None, outlet=None, fetch: bool = True, allow_private: bool = False
) -> Iterator[Report]:
    """Like iter_inputs, but the first bad input raises its InputError."""
    for item in iter_inputs(
        paths, published=published, outlet=outlet, fetch=fetch, allow_private=allow_private
    ):
        if isinstance(item, InputError):
            raise item
        yield item


def _fetcher(allow_private: bool):
    from .fetch import fetch

    return partial(fetch, allow_private=allow_private)


def _iter_file(path: str, published, outlet, fetcher) -> Iterator[Report | InputError]:
    from . import bulk

    kind = kind_of(path)
    if kind in ("jsonl", "csv"):  # streamed row by row; they check their own bytes
        if not os.path.isfile(path):
            yield InputError(path, "no such file" if not os.path.exists(path) else "is not a file")
            return
        reader = bulk.iter_jsonl if kind == "jsonl" else bulk.iter_csv
        yield from reader(path, published, outlet)
        return
    try:
        data = read_bytes(path)
    except InputError as exc:
        yield exc
        return
    yield from iter_data(data, kind, path, published, outlet, fetcher, path=path)


def iter_data(data: bytes, kind: str, where: str, published, outlet, fetcher, url: str = "", path: str = ""):
    """Reports in one document already in memory (a file's bytes or a fetched body)."""
    from . import bulk

    try:
        if kind == "json":
            yield from bulk.iter_json(where, published, outlet, data=data)
        elif kind == "jsonl":
            yield from bulk.iter_jsonl(where, published, outlet, data=data)
        elif kind == "csv":
            yield from bulk.iter_csv(where, published, outlet, data=data)
        elif kind == "feed":
            from .feeds import iter_feed

            yield from iter_feed(data, where, published, outlet, fetcher=fetcher, path=path)
        elif kind == "html":
            from .html import report_from_html

            yield report_from_html(data, where, url=url, published=published, outlet=outlet, path=path)
        elif kind == "text":
            yield report_from_text(decode_text(data, where), where, published, outlet, url=url, path=path)
        else:
            yield InputError(where, f"cannot read content of this type ({kind})")
    except InputError as exc:
        yield exc


def _iter_url(url: str, published, outlet, client, allow_private: bool) -> Iterator[Report | InputError]:
    from .fetch import fetch

    try:
        got = fetch(url, allow_private=allow_private, client=client)
    except InputError as exc:
        yield exc
        return
    kind = got.kind
    if kind == "unknown":
        yield InputError(url, f"cannot read content of type {got.content_type!r}")
        return
    if kind == "text" and not got.content.strip():
        yield InputError(url, "the response is empty")
        return
    fetcher = partial(fetch, allow_private=allow_private, client=client)
    data = got.content if kind != "text" else got.text().encode("utf-8")
    yield from iter_data(data, kind, url, published, outlet, fetcher, url=url)
