"""Safe fetching against a real HTTP server on 127.0.0.1 (allowed only with allow_private=True)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.ingest.httpserver import FixtureServer

from conflictwire.errors import InputError
from conflictwire.ingest.fetch import address_problem, fetch
from conflictwire.ingest.readers import iter_inputs, read_paths

FIX = Path(__file__).parent / "fixtures" / "ingest"
PAGE = (FIX / "page.html").read_bytes()

TEASER_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Lakeside Monitor</title><link>{base}/</link>
<item><title>Clashes at a ferry landing near Bukavu</title><link>{base}/ferry</link><guid>lm-1</guid>
<pubDate>Sat, 07 Dec 2024 18:00:00 +0200</pubDate><description>Read the full story.</description></item>
<item><title>Dead link</title><link>{base}/gone</link><guid>lm-2</guid>
<pubDate>Sat, 07 Dec 2024 19:00:00 +0200</pubDate><description>More soon.</description></item>
</channel></rss>"""

FERRY_PAGE = """<html><head><title>Clashes at a ferry landing near Bukavu</title>
<meta property="og:site_name" content="Lakeside Monitor"></head><body><article>
<h1>Clashes at a ferry landing near Bukavu</h1>
<p>Soldiers and fighters of an armed group exchanged fire for about an hour at a ferry landing south of Bukavu on
Saturday afternoon, according to a local civil society leader who spoke by telephone.</p>
<p>Two fighters were killed, he said, and boats stopped crossing the lake until the evening. The army did not
comment on the fighting, which came a day after a patrol was ambushed on the same road.</p>
</article></body></html>"""


@pytest.fixture
def server():
    with FixtureServer() as srv:
        yield srv


def test_loopback_is_refused_without_allow_private(server):
    url = server.add("/page", PAGE)
    with pytest.raises(InputError) as err:
        fetch(url)
    assert err.value.where == url
    assert "loopback" in err.value.reason and "--allow-private" in err.value.reason
    assert server.hits("/page") == 0  # refused before any byte was sent
    # The batch reader reports it and goes on.
    items = list(iter_inputs([url, str(FIX / "report.txt")]))
    assert isinstance(items[0], InputError) and "loopback" in items[0].reason
    assert items[1].title == "Drone strike on fuel depot near Odesa"


def test_names_and_spellings_of_private_addresses_are_refused():
    for url in ("http://localhost/", "http://[::1]/", "http://0x7f000001/", "http://169.254.169.254/latest"):
        with pytest.raises(InputError, match="refused"):
            fetch(url)
    assert address_problem("10.1.2.3").startswith("private")
    assert address_problem("169.254.1.1").startswith("link-local")
    assert address_problem("224.0.0.1").startswith("multicast")
    assert address_problem("240.0.0.1").startswith("reserved")
    assert address_problem("::ffff:127.0.0.1").startswith("loopback")
    assert address_problem("100.64.0.1") is not None
    assert address_problem("93.184.216.34") is None


def test_only_http_and_https():
    for url in ("ftp://example.org/a.txt", "file:///etc/passwd", "gopher://example.org/"):
        with pytest.raises(InputError, match="only http and https"):
            fetch(url)


def test_html_page_by_url(server):
    url = server.add("/kharkiv", PAGE)
    [report] = list(read_paths([url], allow_private=True))
    assert report.title == "Shelling hits market in Kharkiv"
    assert report.outlet == "Northern Ledger"
    assert report.published.isoformat() == "2024-12-02T16:06:00+05:30"
    assert report.url == url
    assert "covered market" in report.text and "Copyright" not in report.text
    assert "conflictwire" in server.requests[-1][1]["user-agent"]


def test_content_type_decides_the_reader(server):
    txt = server.add("/note", "Shells fell on a village near Idlib on Sunday.", content_type="text/plain")
    with pytest.raises(InputError, match="no publication time"):
        list(read_paths([txt], allow_private=True))
    [report] = list(read_paths([txt], published="2024-05-05T10:00:00Z", allow_private=True))
    assert report.text.startswith("Shells fell") and report.url == txt
    png = server.add("/map.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    [item] = list(iter_inputs([png], allow_private=True))
    assert isinstance(item, InputError) and "image/png" in item.reason


def test_feed_by_url_fetches_teaser_links(server):
    base = server.url("")
    feed = server.add(
        "/feed", TEASER_FEED.format(base=base), content_type="application/rss+xml; charset=utf-8"
    )
    server.add("/ferry", FERRY_PAGE)
    items = list(iter_inputs([feed], allow_private=True))
    report, failed = items
    assert "exchanged fire for about an hour" in report.text  # from the linked page, not the teaser
    assert report.published.isoformat() == "2024-12-07T18:00:00+02:00"  # the entry's date, the page has none
    assert report.url == f"{base}/ferry" and report.outlet == "Lakeside Monitor"
    assert isinstance(failed, InputError) and failed.where == f"{base}/gone" and "404" in failed.reason


def test_feed_file_without_fetching_keeps_the_summary(server, tmp_path):
    server.add("/ferry", FERRY_PAGE)
    feed = tmp_path / "teasers.rss"
    feed.write_text(TEASER_FEED.format(base=server.url("")), encoding="utf-8")
    items = list(iter_inputs([str(feed)], fetch=False))
    assert [i.title for i in items] == ["Clashes at a ferry landing near Bukavu", "Dead link"]
    assert items[0].text == "Clashes at a ferry landing near Bukavu\n\nRead the full story."
    assert server.requests == []  # fetch=False never touches the network
    # With fetching on but loopback not allowed, the teaser's link is refused and named.
    refused = list(iter_inputs([str(feed)]))
    assert all(isinstance(i, InputError) and "loopback" in i.reason for i in refused)


def test_redirects_are_followed_and_bounded(server):
    server.add("/final", PAGE)
    one = server.redirect("/moved", "/final", status=301)
    got = fetch(one, allow_private=True)
    assert got.status == 200 and got.final_url.endswith("/final") and got.kind == "html"

    loop = server.redirect("/loop-a", "/loop-b")
    server.redirect("/loop-b", "/loop-a")
    with pytest.raises(InputError, match="redirect loop"):
        fetch(loop, allow_private=True)

    for i in range(7):
        server.redirect(f"/hop{i}", f"/hop{i + 1}")
    server.add("/hop7", PAGE)
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch(server.url("/hop0"), allow_private=True)
    assert fetch(server.url("/hop2"), allow_private=True).status == 200  # five hops are fine

    bad = server.redirect("/to-file", "file:///etc/passwd")
    with pytest.raises(InputError, match="refused URL file:///etc/passwd"):
        fetch(bad, allow_private=True)


def test_size_cap_declared_and_streamed(server):
    big = b"<html><body>" + b"<p>filler text</p>" * 400_000 + b"</body></html>"  # about 7 MB
    declared = server.add("/big", big)
    with pytest.raises(InputError, match="over the 5242880-byte cap"):
        fetch(declared, allow_private=True)
    streamed = server.add("/big-stream", big, chunked=True)  # no Content-Length: counted while reading
    with pytest.raises(InputError, match="over the 5242880-byte cap; stopped reading"):
        fetch(streamed, allow_private=True)
    small = server.add("/small-stream", b"<html><body><p>short</p></body></html>", chunked=True)
    assert fetch(small, allow_private=True).content.endswith(b"</html>")


def test_total_time_limit(server):
    slow = server.add("/slow", b"x" * 20_000, content_type="text/plain", trickle=0.2)
    with pytest.raises(InputError, match="total time limit"):
        fetch(slow, allow_private=True, timeout=1.0)


def test_total_time_limit_holds_while_headers_trickle(server):
    import time

    slow = server.add("/slowloris", slow_headers=0.05)  # each byte comes well within the read timeout
    started = time.monotonic()
    with pytest.raises(InputError, match="total time limit"):
        fetch(slow, allow_private=True, timeout=1.0)
    assert time.monotonic() - started < 3


def test_http_errors_name_the_status(server):
    with pytest.raises(InputError, match="HTTP 404"):
        fetch(server.url("/nothing-here"), allow_private=True)
    server.add("/boom", "oops", status=500, content_type="text/plain")
    with pytest.raises(InputError, match="HTTP 500"):
        fetch(server.url("/boom"), allow_private=True)


def test_conditional_get(server):
    url = server.add(
        "/feed.xml", (FIX / "feed.rss").read_bytes(), content_type="application/rss+xml", etag='"v1"'
    )
    first = fetch(url, allow_private=True)
    assert first.etag == '"v1"' and first.kind == "feed"
    again = fetch(url, allow_private=True, etag=first.etag)
    assert again.not_modified and again.content == b""
    assert server.requests[-1][1]["if-none-match"] == '"v1"'


def test_https_through_the_guarded_connection(tmp_path):
    """TLS still verifies the host name although the socket is opened to the checked IP address."""
    import shutil as sh
    import ssl
    import subprocess

    from conflictwire.ingest.fetch import make_client

    if not sh.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    with FixtureServer() as srv:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        srv.httpd.socket = ctx.wrap_socket(srv.httpd.socket, server_side=True)
        srv.add("/secure", PAGE)
        with make_client(allow_private=True, cafile=str(cert)) as client:
            got = fetch(f"https://localhost:{srv.port}/secure", allow_private=True, client=client)
            assert got.status == 200 and got.kind == "html"
            # The certificate names localhost, not 127.0.0.1: verification is by name, so this must fail.
            with pytest.raises(InputError, match="cannot fetch"):
                fetch(f"https://127.0.0.1:{srv.port}/secure", allow_private=True, client=client)
        with pytest.raises(InputError, match="refused"):
            fetch(f"https://localhost:{srv.port}/secure")
