"""Turn input files into Reports. (Minimal: plain text. The ingest issue extends this to HTML, JSON, feeds, URLs.)"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Report
from .published import parse_published

# A .txt report may open with e-mail-style header lines ("Published: 2024-12-01T09:00:00Z") and a blank line.
_HEADER = re.compile(r"^(Title|Published|Outlet|URL):[ \t]*(.*)$", re.IGNORECASE)


def split_header(text: str) -> tuple[dict, str]:
    lines = text.split("\n")
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines) and (m := _HEADER.match(lines[i])):
        meta[m.group(1).lower()] = m.group(2).strip()
        i += 1
    if meta and i < len(lines) and not lines[i].strip():
        return meta, "\n".join(lines[i + 1 :])
    return {}, text


def read_text_file(path: str) -> str:
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a directory")
    data = p.read_bytes()
    if not data.strip():
        raise InputError(path, "the file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None


def read_txt(path: str, published=None, outlet=None) -> Report:
    meta, body = split_header(read_text_file(path))
    if not body.strip():
        raise InputError(path, "the report has no text")
    when = meta.get("published") or published
    if not when:
        raise InputError(path, "plain text carries no publication time: pass --published ISO8601")
    return Report(
        text=body,
        published=parse_published(when, where=path),
        outlet=meta.get("outlet") or outlet or "",
        title=meta.get("title", ""),
        url=meta.get("url", ""),
        path=path,
    )


def read_paths(paths: Iterable[str], published=None, outlet=None) -> Iterator[Report]:
    for path in paths:
        yield read_txt(path, published=published, outlet=outlet)
