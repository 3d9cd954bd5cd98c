"""RSS/Atom feeds with feedparser: one Report per entry.

An entry's text is its full content when the feed carries it, else its summary. Many feeds carry only a headline
and a teaser and a link: then, when fetching is allowed, the linked page is fetched and read as HTML (with the
entry's date and the feed's title as defaults). Entries are yielded lazily so ``watch`` can skip the ones it has
already seen before paying for a fetch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..errors import InputError
from ..model import Report
from .published import parse_published

# A summary shorter than this, or one that trails off, is a teaser: the report itself is behind the link.
SHORT_SUMMARY_CHARS = 300
_ELLIPSES = ("...", "\u2026", "[\u2026]", "[...]")
_MORE = ("read more", "continue reading", "read the full story")


@dataclass
class FeedEntry:
    """One entry, read but not yet turned into a Report (no network used yet)."""

    key: str  # stable identity across polls: the entry id, else its link, else a hash of its words
    fingerprint: str  # changes when the entry is edited (new content or updated time)
    where: str
    title: str
    link: str
    text: str  # content or summary, as plain text
    has_content: bool
    published: object  # raw value for parse_published, or None
    outlet: str

    def needs_fetch(self) -> bool:
        if not self.link or self.has_content:
            return False
        text = self.text.strip()
        low = text.lower()
        return (
            len(text) < SHORT_SUMMARY_CHARS
            or low.endswith(_ELLIPSES)
            or low.rstrip(" .:\u00bb>").endswith(_MORE)
        )


def html_to_text(fragment: str) -> str:
    """Plain text of an entry's HTML fragment (feeds put <p>, <a> and entities in their summaries)."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except (
        Exception
    ):  # lxml refuses some fragments (e.g. only a comment); the raw text is better than nothing
        return fragment.strip()
    for junk in root.xpath("//script|//style"):  # embedded players and trackers are not report text
        junk.drop_tree()
    for br in root.iter("br", "p", "div", "li"):
        br.tail = "\n" + (br.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def parse_feed(data: bytes | str, where: str):
    """feedparser's result; a feed that is broken AND yields nothing is an InputError, a quirky one is read."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.get("bozo"):
            exc = parsed.get("bozo_exception")
            raise InputError(where, f"malformed feed: {exc or 'unreadable'}")
        if not parsed.get("version"):
            raise InputError(where, "not an RSS or Atom feed")
    return parsed


def iter_entries(parsed, where: str, outlet=None) -> Iterator[FeedEntry]:
    # dict.get, not FeedParserDict.get: the latter maps "updated" to "published" with a DeprecationWarning.
    feed_title = (dict.get(parsed.feed, "title") or "").strip()
    feed_date = dict.get(parsed.feed, "published") or dict.get(parsed.feed, "updated")
    for i, e in enumerate(parsed.entries, start=1):
        content = ""
        if e.get("content"):
            content = "\n\n".join(html_to_text(c.get("value", "")) for c in e.content if c.get("value"))
        summary = html_to_text(e.get("summary", "") or "")
        text = content if len(content) >= len(summary) else summary
        link = (e.get("link") or "").strip()
        if not link.lower().startswith(("http://", "https://")):
            link = ""  # feedparser copies a non-URL <guid> into link; that is no page to fetch
        title = html_to_text(e.get("title", "") or "")
        ident = (e.get("id") or "").strip() or link
        raw = "\x1f".join([title, text, link])
        key = ident or "sha:" + hashlib.sha256(raw.encode()).hexdigest()[:16]
        when = dict.get(e, "published") or dict.get(e, "updated") or dict.get(e, "created") or feed_date
        fp_src = raw + "\x1f" + str(dict.get(e, "updated") or dict.get(e, "published") or "")
        yield FeedEntry(
            key=key,
            fingerprint=hashlib.sha256(fp_src.encode()).hexdigest()[:16],
            where=f"{where}#{i}" + (f" ({link})" if link else ""),
            title=title,
            link=link,
            text=text,
            has_content=bool(content),
            published=when,
            outlet=feed_title or (outlet or ""),
        )


def entry_report(
    entry: FeedEntry,
    published=None,
    outlet=None,
    fetcher: Callable[[str], object] | None = None,
    path: str = "",
) -> Report:
    """The Report of one entry; ``fetcher(url)`` (a ``fetch`` bound to its limits) is used for teaser entries."""
    when = entry.published or published
    site = entry.outlet or outlet or ""
    if fetcher is not None and entry.needs_fetch():
        from .html import report_from_html

        got = fetcher(entry.link)
        if got.kind == "html":
            rep = report_from_html(got.content, where=entry.link, url=entry.link, published=when, outlet=site)
            if not rep.title:
                rep.title = entry.title
            return rep
        if got.kind == "text":
            return Report(
                text=got.text(),
                published=parse_published(when, where=entry.where) if when else _no_date(entry),
                outlet=site,
                title=entry.title,
                url=entry.link,
            )
        # Anything else behind the link (a PDF, an image): fall back to what the feed itself says.
    text = entry.text or ""
    if not text.strip():
        if entry.link and fetcher is None:
            raise InputError(entry.where, "the entry has no text and fetching its link is disabled")
        raise InputError(entry.where, "the entry has no text")
    if not when:
        _no_date(entry)
    # The headline is part of what the outlet said; teasers often carry the place and toll only in it.
    body = text if not entry.title or text.startswith(entry.title) else f"{entry.title}\n\n{text}"
    return Report(
        text=body,
        published=parse_published(when, where=entry.where),
        outlet=site,
        title=entry.title,
        url=entry.link,
        path=path,
    )


def _no_date(entry: FeedEntry):
    raise InputError(entry.where, "the entry and its feed carry no date: pass --published ISO8601")


def iter_feed(
    data: bytes | str,
    where: str,
    published=None,
    outlet=None,
    fetcher: Callable[[str], object] | None = None,
    path: str = "",
) -> Iterator[Report | InputError]:
    try:
        parsed = parse_feed(data, where)
    except InputError as exc:
        yield exc
        return
    for entry in iter_entries(parsed, where, outlet=outlet):
        try:
            yield entry_report(entry, published, outlet, fetcher, path=path)
        except InputError as exc:
            yield exc
