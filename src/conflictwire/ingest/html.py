"""HTML pages: main text and metadata with trafilatura (boilerplate, menus and comments left out)."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import InputError
from ..model import Report
from .published import parse_published

# Keep the time of day and offset when the page gives them (article:published_time and the like): "yesterday"
# in a report published at 01:00 +05:30 is a different day than in UTC.
_DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True, "extensive_search": True}
# Shorter than this, what trafilatura found is a caption or a cookie banner, not a report.
MIN_TEXT_CHARS = 40


def report_from_html(
    html: str | bytes, where: str, url: str = "", published=None, outlet=None, path: str = ""
) -> Report:
    """One Report from one page. The page's own date and site name win over the ``published``/``outlet`` defaults."""
    import trafilatura  # heavy import; only pages need it

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise InputError(where, f"cannot parse the HTML: {exc}") from None
    meta = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    text = (meta.get("text") or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        raise InputError(where, "no main text found in the HTML page")
    when = meta.get("date") or published
    if not when:
        raise InputError(where, "the page carries no publication date: pass --published ISO8601")
    page_url = url or meta.get("url") or ""
    site = meta.get("sitename") or outlet or (urlsplit(page_url).hostname or "" if page_url else "")
    return Report(
        text=text,
        published=parse_published(when, where=where),
        outlet=site,
        title=(meta.get("title") or "").strip(),
        url=page_url,
        path=path,
    )
