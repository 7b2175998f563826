"""The web page in a real headless Chromium: search, highlights, a facet, the article page, no script runs.

Uses Debian's chromium through Playwright; where CI is set, a missing browser fails instead of skipping.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from habari.settings import StoreBackend
from search_api import create_app
from store import open_store
from tests.search_api.conftest import CORPUS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def site_url(make_settings) -> Iterator[str]:
    """The app on a real uvicorn server over a filled SQLite store."""
    settings = make_settings(store=StoreBackend.sqlite)
    store = open_store(settings)
    store.upsert(CORPUS)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, store), host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture
def page(site_url):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: no Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(site_url)
        yield page
        browser.close()


def test_search_shows_highlighted_results_and_runs_no_feed_script(page):
    page.fill("#q", "bagamoyo")
    page.press("#q", "Enter")
    page.wait_for_selector("ol.hits")
    assert page.locator("li.hit").count() == 3
    assert page.locator("li.hit mark").first.inner_text().lower() == "bagamoyo"
    assert page.get_by_text("<script>alert(1)</script> Bagamoyo roads").count() == 1
    assert page.dialogs == []


def test_a_facet_narrows_the_results_and_the_article_page_opens(page):
    page.fill("#q", "bagamoyo")
    page.press("#q", "Enter")
    page.locator("aside.facets a", has_text="Kiswahili").click()
    page.wait_for_selector("a.active")
    assert page.locator("li.hit").count() == 1
    page.locator("li.hit a", has_text="Soma").click()
    page.wait_for_load_state()
    assert "kijiji cha Kaole" in page.inner_text("body")
    assert page.dialogs == []
