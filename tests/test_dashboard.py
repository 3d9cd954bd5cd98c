"""The dashboard in headless Chromium (Debian's, driven by Playwright) against a real server and database.

Screenshots go to test-artifacts/. Every request the page makes must stay on the server: the map works offline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CODED, HOSTILE_EVENT_LOCATION, expected_events
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conflictwire.api.app import static_dir

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WITH_COORDS = sum(1 for specs in CODED.values() for s in specs if s.get("latitude") is not None)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium")
    if not (static_dir() / "app.js").exists():
        pytest.fail("the dashboard bundle is not built: run `make web`")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    yield b
    b.close()
    pw.stop()


class Watch:
    """Console errors, uncaught page errors and any request that leaves the server."""

    def __init__(self, page, origin: str):
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            if r.request.url.startswith(origin) or r.request.url.startswith("data:"):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)


@pytest.fixture
def page(browser, ro_server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.watch = Watch(pg, ro_server.url)
    pg.goto(ro_server.url + "/")
    pg.wait_for_selector("body[data-loaded]", state="attached", timeout=20_000)
    yield pg
    ctx.close()


def rows(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#events-table tbody tr",
        """trs => trs.map(tr => ({id: tr.dataset.eventId,
             cells: [...tr.children].map(td => td.textContent.trim())}))""",
    )


def wait_for_reload(page, before: str) -> None:
    page.wait_for_function("b => document.body.dataset.loaded !== b", arg=before, timeout=10_000)


MARKER_TOTAL = """() => document.querySelectorAll('.cw-marker').length +
    [...document.querySelectorAll('.marker-cluster span')].reduce((n, e) => n + parseInt(e.textContent, 10), 0)"""


def marker_total(page, expect: int) -> int:
    """Events on the map: single markers plus the counts on clusters, once clustering has settled."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"() => ({MARKER_TOTAL})() === {expect}", timeout=5_000)
    except PlaywrightTimeout:
        pass  # the caller's assertion shows what is there
    return page.evaluate(MARKER_TOTAL)


def test_page_loads_with_markers_and_no_errors(page, artifacts):
    page.wait_for_timeout(500)
    assert page.locator("#summary").text_content().startswith(f"{expected_events()} events")
    assert page.get_attribute("#map", "data-markers") == str(WITH_COORDS)
    assert marker_total(page, WITH_COORDS) == WITH_COORDS
    # The offline basemap: country outlines drawn from the bundled Natural Earth file.
    assert page.locator(".leaflet-overlay-pane path").count() > 100
    # Territorial events get their own layer: who took what, when.
    assert page.locator(".cw-territory").count() == 2
    assert len(rows(page)) == expected_events()
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert page.watch.errors == []
    assert page.watch.outside == []


def test_brushing_the_timeline_filters_the_table(page, artifacts):
    before = rows(page)
    over = page.locator("#timeline .u-over").bounding_box()
    y = over["y"] + over["height"] / 2
    loaded = page.get_attribute("body", "data-loaded")
    page.mouse.move(over["x"] + 2, y)
    page.mouse.down()
    page.mouse.move(over["x"] + over["width"] * 0.45, y, steps=8)
    page.mouse.up()
    wait_for_reload(page, loaded)
    after = rows(page)
    assert 0 < len(after) < len(before)
    assert page.locator("#timeline .u-select").bounding_box()["width"] > 10  # the brushed range stays drawn
    chosen = page.locator("#tl-range").text_content()
    start, end = (s.strip() for s in chosen.split("→"))
    assert all(start <= r["cells"][0] <= end for r in after), (chosen, after)
    page.screenshot(path=str(artifacts / "dashboard-brushed.png"), full_page=True)
    # Clearing the dates brings every event back.
    loaded = page.get_attribute("body", "data-loaded")
    page.click("#tl-clear")
    wait_for_reload(page, loaded)
    assert len(rows(page)) == len(before)
    assert page.watch.errors == []


def test_choosing_an_event_type_filters_table_and_map(page):
    loaded = page.get_attribute("body", "data-loaded")
    page.select_option("#f-type", "Battles")
    wait_for_reload(page, loaded)
    got = rows(page)
    assert len(got) == 2
    assert {r["cells"][1] for r in got} == {"Battles"}
    assert page.get_attribute("#map", "data-markers") == "2"
    loaded = page.get_attribute("body", "data-loaded")
    page.fill("#f-q", "market")
    wait_for_reload(page, loaded)
    assert rows(page) == []  # no battle at a market
    assert page.watch.errors == []


def test_sorting_the_table(page):
    loaded = page.get_attribute("body", "data-loaded")
    page.click("#events-table th[data-sort=fatalities]")
    wait_for_reload(page, loaded)
    deaths = [int(r["cells"][8]) for r in rows(page)]
    assert deaths == sorted(deaths, reverse=True)
    loaded = page.get_attribute("body", "data-loaded")
    page.click("#events-table th[data-sort=fatalities]")
    wait_for_reload(page, loaded)
    deaths = [int(r["cells"][8]) for r in rows(page)]
    assert deaths == sorted(deaths)


def click_marker(page, event_id: str) -> None:
    """Click clusters (which zoom in) until the event's own marker shows, then click it."""
    target = page.locator(f'.cw-marker[data-event-id="{event_id}"]')
    for _ in range(12):
        if target.count():
            # A click that lands while Leaflet is still animating a zoom can miss the marker under a loaded CPU:
            # let the map settle, and click again if the panel has not opened.
            for _ in range(3):
                page.wait_for_function("!document.querySelector('.leaflet-zoom-anim')")
                page.wait_for_timeout(300)
                target.first.click()
                try:
                    page.locator("#panel").wait_for(state="visible", timeout=5000)
                    return
                except PlaywrightTimeout:
                    continue
            return
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(600)
    raise AssertionError(f"no marker for {event_id}")


def test_clicking_a_marker_opens_the_event_panel_with_evidence(page, ro_server, artifacts):
    [fasher] = ro_server.get("/api/events", params={"q": "market"}).json()["events"]
    click_marker(page, fasher["event_id"])
    panel = page.locator("#panel")
    panel.wait_for(state="visible")
    page.wait_for_selector("#panel .evidence blockquote")
    quotes = page.locator("#panel .evidence blockquote").all_text_contents()
    assert quotes == CODED["el_fasher_shelling.txt"][0]["evidence"]
    # Extracted words are highlighted within the sentences.
    assert "El Fasher" in page.locator("#panel mark.hl-place").all_text_contents()
    assert "21" in page.locator("#panel mark.hl-count").all_text_contents()
    assert "Rapid Support Forces" in page.locator("#panel mark.hl-actor").all_text_contents()
    sources = page.locator("#panel .sources li").all_text_contents()
    assert any("Rapid Support Forces" in s and "deny" in s for s in sources)
    assert any("local monitoring group" in s and "report" in s for s in sources)
    assert "contested" in page.locator("#panel").text_content()
    assert "750" in page.locator("#panel table.tolls").text_content()
    assert page.locator(f'.cw-marker.selected[data-event-id="{fasher["event_id"]}"]').count() == 1
    page.screenshot(path=str(artifacts / "dashboard-event-panel.png"), full_page=True)
    assert page.watch.errors == []


def test_report_markup_is_shown_as_text_and_never_runs(page, artifacts):
    page.locator("#events-table tbody tr", has_text=HOSTILE_EVENT_LOCATION).click()
    page.wait_for_selector("#panel .evidence blockquote")
    quote = page.locator("#panel .evidence blockquote").first.text_content()
    assert '<script>window.__cw_xss = "script"</script>' in quote
    assert "<img src=x onerror=" in quote
    notes = page.locator("#panel .notes").text_content()
    assert "<script>" in notes
    page.wait_for_timeout(300)
    assert page.evaluate("window.__cw_xss") is None
    assert page.locator("#panel script, #panel img, #events-table script, #events-table img").count() == 0
    page.locator("#panel .evidence").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "dashboard-hostile-text.png"), full_page=True)
    assert page.watch.errors == []


def test_online_tiles_are_off_until_switched_on(page):
    page.wait_for_timeout(300)
    assert page.watch.outside == []
    page.get_by_label("Online map tiles (OpenStreetMap)").check()
    page.wait_for_timeout(500)
    # Requests to the tile server were made (and refused by this test: there is no internet here).
    assert any("tile.openstreetmap.org" in u for u in page.watch.outside)


def test_bundle_is_built_into_the_package_and_not_committed():
    import subprocess

    root = Path(__file__).resolve().parents[1]
    assert (static_dir() / "index.html").exists()
    assert (root / "src/conflictwire/web/frontend/package-lock.json").exists()
    tracked = subprocess.run(
        ["git", "ls-files", "src/conflictwire/web/static", "src/conflictwire/web/frontend/node_modules"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if tracked.returncode == 0:  # only inside a git checkout
        assert tracked.stdout.strip() == ""


def test_posted_report_with_markup_goes_through_extraction_and_shows_as_text(browser, rw_server, artifacts):
    from conftest import TOKEN

    text = (
        "Gunmen killed four farmers in the village of Gwoza in Borno state on Tuesday "
        '<script>window.__cw_xss = "pipeline"</script>, police said. Residents said '
        '<img src=x onerror="window.__cw_xss = 1"> the attackers burned several homes.'
    )
    r = rw_server.post(
        "/api/reports",
        json={"text": text, "published": "2024-12-11T08:00:00Z", "outlet": "Test Wire"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 201, r.text
    [event_id] = r.json()["events"]
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    watch = Watch(page, rw_server.url)
    try:
        page.goto(rw_server.url + "/")
        page.wait_for_selector("body[data-loaded]", state="attached")
        page.locator(f'#events-table tbody tr[data-event-id="{event_id}"]').click()
        page.wait_for_selector("#panel .evidence blockquote")
        shown = page.locator("#panel").text_content()
        assert '<script>window.__cw_xss = "pipeline"</script>' in shown
        assert page.evaluate("window.__cw_xss") is None
        assert page.locator("#panel script, #panel img").count() == 0
        page.locator("#panel .evidence").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "dashboard-posted-markup.png"))
        assert watch.errors == []
    finally:
        ctx.close()
