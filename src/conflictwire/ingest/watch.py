"""Poll feeds and ingest the entries not seen before.

An entry is known by its id (else its link, else a hash of its words) and recognised as changed by a fingerprint
of its text and update time: a changed entry is ingested again (the store replaces that URL's contribution). What
was seen lives in memory, and across restarts it is derived from the store: an entry whose link is a stored
report's URL is not fetched again. Feeds are fetched with a conditional GET (ETag / Last-Modified), so an
unchanged feed costs one 304 and no parsing.

The watcher does not know about DuckDB: it hands Reports and InputErrors to ``ingest(items) -> summary`` (a
``Store.ingest``) and asks ``known_url(url) -> bool`` whether a link is stored already.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from ..errors import InputError
from ..model import Report
from .feeds import entry_report, iter_entries, parse_feed
from .fetch import check_url, fetch, make_client
from .readers import is_url, read_bytes

# A teaser whose linked page could not be fetched is tried again on later polls, this many times in all.
MAX_ATTEMPTS = 3


@dataclass
class FeedState:
    etag: str = ""
    last_modified: str = ""
    mtime: float | None = None  # for a feed file: skip parsing when unchanged
    seen: dict[str, str] = field(default_factory=dict)  # entry key -> fingerprint
    attempts: dict[str, int] = field(default_factory=dict)  # entry key -> failed fetches of its link


@dataclass
class PollResult:
    poll: int
    feed: str
    at: datetime
    entries: int = 0
    new: int = 0
    changed: int = 0
    not_modified: bool = False
    error: str = ""
    summary: object = None  # what ingest() returned for this feed's new entries

    def line(self) -> str:
        head = f"{self.at.strftime('%Y-%m-%dT%H:%M:%SZ')} poll {self.poll} {self.feed}:"
        if self.error:
            return f"{head} failed: {self.error}"
        if self.not_modified:
            return f"{head} not modified"
        text = f"{head} {self.entries} entries, {self.new} new, {self.changed} changed"
        s = self.summary
        if s is not None and (self.new or self.changed):
            failed = getattr(s, "failed", []) or []
            text += (
                f"; stored {getattr(s, 'stored', getattr(s, 'read', 0))}, skipped {getattr(s, 'skipped', 0)}, "
                f"failed {len(failed)}, events {getattr(s, 'events', 0)}, tolls {getattr(s, 'tolls', 0)}"
            )
            for where, reason in failed[:5]:
                text += f"\n  failed {where}: {reason}"
        return text


class FeedWatcher:
    def __init__(
        self,
        feeds: Iterable[str],
        ingest: Callable[[list[Report | InputError]], object],
        known_url: Callable[[str], bool] | None = None,
        allow_private: bool = False,
        fetch_links: bool = True,
        published=None,
        outlet=None,
    ):
        self.feeds = [str(f) for f in feeds]
        if not self.feeds:
            raise InputError("FEED", "give at least one feed (a URL or a file)")
        for f in self.feeds:
            if is_url(f):
                check_url(f)
            elif not os.path.isfile(f):
                raise InputError(f, "no such feed file (give an http(s) URL or a file)")
        self.ingest = ingest
        self.known_url = known_url
        self.allow_private = allow_private
        self.fetch_links = fetch_links
        self.published = published
        self.outlet = outlet
        self.state: dict[str, FeedState] = {f: FeedState() for f in self.feeds}
        self.polls = 0

    @classmethod
    def for_store(cls, feeds: Iterable[str], store, **kw) -> FeedWatcher:
        """A watcher writing into a ``conflictwire.store.Store``; stored report URLs count as seen."""

        def known(url: str) -> bool:
            return len(store.reports(url=url, limit=1)) > 0

        return cls(feeds, ingest=store.ingest, known_url=known, **kw)

    def poll(self) -> list[PollResult]:
        """One pass over every feed."""
        self.polls += 1
        client = make_client(self.allow_private)
        try:
            return [self._poll_feed(f, client) for f in self.feeds]
        finally:
            client.close()

    def run(
        self,
        interval: float,
        max_polls: int | None = None,
        on_poll: Callable[[PollResult], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> list[PollResult]:
        """Poll every ``interval`` seconds (measured start to start), ``max_polls`` times or until interrupted."""
        if interval <= 0:
            raise InputError("--interval", f"must be more than 0 seconds, not {interval}")
        results: list[PollResult] = []
        n = 0
        while max_polls is None or n < max_polls:
            started = time.monotonic()
            for r in self.poll():
                results.append(r)
                if on_poll:
                    on_poll(r)
            n += 1
            if max_polls is not None and n >= max_polls:
                break
            sleep(max(0.0, interval - (time.monotonic() - started)))
        return results

    # --- one feed ----------------------------------------------------------------------------------------------

    def _poll_feed(self, feed: str, client) -> PollResult:
        st = self.state[feed]
        res = PollResult(poll=self.polls, feed=feed, at=datetime.now(UTC))
        try:
            data = self._read_feed(feed, st, client)
            if data is None:
                res.not_modified = True
                return res
            parsed = parse_feed(data, feed)
        except InputError as exc:
            res.error = exc.reason
            return res
        fetcher = (
            partial(fetch, allow_private=self.allow_private, client=client) if self.fetch_links else None
        )
        items: list[Report | InputError] = []
        done: list[tuple[str, str]] = []  # (key, fingerprint) to mark seen once ingest() has run
        for entry in iter_entries(parsed, feed, outlet=self.outlet):
            res.entries += 1
            before = st.seen.get(entry.key)
            if before == entry.fingerprint:
                continue
            if before is None and entry.link and self.known_url and self.known_url(entry.link):
                st.seen[entry.key] = entry.fingerprint  # stored by an earlier run
                continue
            try:
                items.append(entry_report(entry, self.published, self.outlet, fetcher))
            except InputError as exc:
                items.append(exc)
                if exc.where == entry.link:  # the linked page could not be fetched: maybe next time
                    st.attempts[entry.key] = st.attempts.get(entry.key, 0) + 1
                    if st.attempts[entry.key] < MAX_ATTEMPTS:
                        continue
            if before is None:
                res.new += 1
            else:
                res.changed += 1
            done.append((entry.key, entry.fingerprint))
        if items:
            res.summary = self.ingest(items)
        for key, fp in done:
            st.seen[key] = fp
            st.attempts.pop(key, None)
        return res

    def _read_feed(self, feed: str, st: FeedState, client) -> bytes | None:
        """The feed's bytes, or None when it has not changed since the last poll."""
        if not is_url(feed):
            try:
                mtime = os.stat(feed).st_mtime
            except OSError:
                raise InputError(feed, "the feed file is gone") from None
            if st.mtime is not None and mtime == st.mtime:
                return None
            data = read_bytes(feed)
            st.mtime = mtime
            return data
        got = fetch(
            feed,
            allow_private=self.allow_private,
            etag=st.etag,
            last_modified=st.last_modified,
            client=client,
        )
        if got.not_modified:
            return None
        if got.kind == "html":  # a feed served as text/plain or octet-stream is still given a chance
            raise InputError(feed, f"a web page, not a feed (content type {got.content_type})")
        st.etag, st.last_modified = got.etag, got.last_modified
        return got.content
