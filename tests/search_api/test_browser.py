"""The web page in a real headless Chromium: signing in through the form (screenshots at 1280 and 390 pixels in
/tmp/screens), search, boolean queries, highlights, a facet, a folded story,
the newest-first order, the histogram, the article page; no script runs.

Uses Debian's chromium through Playwright; where CI is set, a missing browser fails instead of skipping.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import uvicorn

from settings.environment import REPO_ROOT, Settings, StoreBackend
from search_api import create_app
from search_api.roles import Role
from store import Article, open_store
from store.models import Entities
from tests.builders import make_article
from tests.search_api.conftest import CORPUS, PASSWORD, ROAD_STORY, STORIES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("HABARI_TEST_ARTIFACTS", REPO_ROOT / "test-artifacts")) / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def served(settings: Settings, articles: Iterable[Article]) -> Iterator[str]:
    """The app on a real uvicorn server over a SQLite store holding `articles`; yields its address."""
    store = open_store(settings)
    store.upsert(articles)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(settings, store)
    app.state.users.add("afisa", Role.officer, PASSWORD)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
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
def site_url(make_settings) -> Iterator[str]:
    """The app over the test corpus."""
    with served(make_settings(store=StoreBackend.sqlite), (*CORPUS, *STORIES)) as url:
        yield url


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: no Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site_url):
    """A signed-in page on the search page; it records any dialog a script would open."""
    page = browser.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site_url)
    sign_in(page)
    return page


def sign_in(page) -> None:
    page.fill("#name", "afisa")
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_selector("#q")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_login_form_signs_in_and_leads_to_the_page_asked_for(browser, site_url, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{site_url}/?q=bagamoyo")
    assert page.url == f"{site_url}/login?next=%2F%3Fq%3Dbagamoyo"
    assert page.inner_text("h1") == "Ingia · Sign in" and page.locator("nav").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"auth_login_{width}.png", full_page=True)
    page.fill("#name", "afisa")
    page.fill("#password", "not the password")
    page.click("form[action='/login'] button")
    assert "Wrong name or password" in page.inner_text("p.error")
    page.screenshot(path=SCREENSHOTS / f"auth_login_wrong_{width}.png", full_page=True)
    sign_in(page)
    assert page.url == f"{site_url}/?q=bagamoyo" and page.locator("li.hit").count() == 3
    assert "afisa (officer)" in page.inner_text("form.signed-in")
    page.screenshot(path=SCREENSHOTS / f"auth_signed_in_{width}.png")
    page.click("form.signed-in button")
    page.wait_for_selector("form[action='/login']")
    page.goto(site_url)
    assert page.url.startswith(f"{site_url}/login")


def search(page, query: str) -> None:
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_selector("p.total")


def test_search_shows_highlighted_results_and_runs_no_feed_script(page):
    search(page, "bagamoyo")
    assert page.locator("li.hit").count() == 3  # the Kaole water story, the road story, the hostile article
    assert page.locator("li.hit mark").first.inner_text().lower() == "bagamoyo"
    assert page.get_by_text("<script>alert(1)</script> Bagamoyo roads").count() == 1
    assert page.dialogs == []


def test_a_facet_narrows_the_results_and_the_article_page_opens(page):
    search(page, "bagamoyo")
    page.locator("details.facets a", has_text="Kiswahili").click()
    page.wait_for_selector("a.active")
    assert page.locator("li.hit").count() == 2
    page.locator("details.facets a", has_text="Maji · Water").click()
    page.wait_for_selector("details.facets a.active >> text=Maji · Water")
    assert page.locator("li.hit").count() == 1
    page.locator("li.hit a", has_text="Soma").click()
    page.wait_for_load_state()
    assert "kijiji cha Kaole" in page.inner_text("body")
    assert page.dialogs == []


def test_a_boolean_query_finds_the_right_stories(page):
    search(page, "(maji OR barabara) AND NOT kaole")
    assert "of 3 stories (6 articles)" in page.inner_text("p.total")
    titles = page.locator("li.hit h3").all_inner_texts()
    assert "Wakazi wa Mapinga walalamikia uhaba wa maji" in titles and "Taarifa ya maji bila tarehe" in titles
    assert any(title in titles for title in (member.title for member in ROAD_STORY))
    assert "kaole" not in page.inner_text("ol.hits").lower()
    search(page, "maji -kaole")
    assert page.locator("li.hit").count() == 2 and "kaole" not in page.inner_text("ol.hits").lower()


def test_a_folded_story_opens_and_closes(page):
    search(page, "barabara")
    story = page.locator("li.hit details.story-others")
    others = story.locator("li a")
    assert story.locator("summary").inner_text() == "na vyombo 3 vingine · and 3 other outlets"
    assert not others.first.is_visible()
    story.locator("summary").click()
    assert story.get_attribute("open") is not None and others.count() == 3
    assert all(others.nth(index).is_visible() for index in range(3))
    assert "IPP Media (Nipashe, The Guardian)" in story.inner_text()
    story.locator("summary").click()
    assert story.get_attribute("open") is None and not others.first.is_visible()
    story.locator("summary").click()
    others.first.click()
    page.wait_for_selector("article.story")
    assert "Msata" in page.inner_text("article.story h1")


def test_newest_first_lists_dates_descending_and_keeps_the_choice(page):
    search(page, "maji OR barabara")
    page.select_option("select[name=sort]", "newest")
    page.select_option("select[name=collapse]", "false")
    page.click("form.search button")
    page.wait_for_selector("p.total")
    assert page.locator("select[name=sort]").input_value() == "newest"
    assert page.locator("select[name=collapse]").input_value() == "false"
    times = page.locator("li.hit > p.meta time").evaluate_all("found => found.map(time => time.dateTime)")
    assert page.locator("li.hit").count() == 7 and len(times) == 6  # the undated one comes last, with no time
    assert times == sorted(times, reverse=True)
    assert page.locator("li.hit").last.locator("time").count() == 0


def test_the_histogram_counts_the_dated_results(page):
    search(page, "maji OR barabara")
    page.select_option("select[name=collapse]", "false")
    page.click("form.search button")
    page.wait_for_selector("figure.histogram")
    counts = page.locator("figure.histogram .bar").evaluate_all(
        "found => found.map(bar => [bar.dataset.day, Number(bar.dataset.count), bar.querySelector('title').textContent])")
    dated = page.locator("li.hit > p.meta time").count()
    assert sum(count for _, count, _ in counts) == dated == 6
    assert [day for day, _, _ in counts] == ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]
    assert all(label == f"{day}: {count}" for day, count, label in counts)
    width = page.locator("figure.histogram svg").bounding_box()["width"]
    assert width <= page.viewport_size["width"]
    page.locator("figure.histogram a.bar[data-day='2026-03-03']").click()
    page.wait_for_selector("p.total")
    assert page.locator("input[name=from]").input_value() == "2026-03-03"
    assert "of 2 articles" in page.inner_text("p.total")
    assert page.dialogs == []


def test_the_api_docs_render_with_no_request_outside_habari(page, site_url):
    outside: list[str] = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site_url)
               else (outside.append(route.request.url), route.abort()))
    page.goto(f"{site_url}/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert "/api/search" in page.inner_text(".swagger-ui")
    assert outside == [] and page.locator(".swagger-ui .opblock").count() >= 4


PAGE_WEIGHT_LIMIT = 100_000  # bytes a search page may transfer on a 3G connection, everything it loads included
REAL_ARTICLES = REPO_ROOT / "bench" / "data" / "dedupe" / "labelled.jsonl"


def year_of_coverage() -> list[Article]:
    """360 articles of real length (three real texts of the dedupe set each, about 420 words) from 12 outlets,
    with as many people, places and organisations as the facets can list."""
    rows = [json.loads(line) for line in REAL_ARTICLES.read_text(encoding="utf-8").splitlines()]
    articles = []
    for number, row in enumerate(rows[:360]):
        text = "\n\n".join(rows[(number + shift) % len(rows)]["text"] for shift in range(3))
        articles.append(make_article(
            f"real-{number}", title=row["title"], text=text, language=row["language"],
            url=f"https://news{number % 12}.example.tz/habari/{row['doc_id']}", outlet=f"Gazeti la {number % 12}",
            source_id=f"source-{number % 12}", published=datetime(2026, 1, 1, tzinfo=timezone.utc)
            + timedelta(hours=number * 24), about_council=number % 3 == 0, topics=(f"topic-{number % 9}",),
            sentiment=("positive", "neutral", "negative")[number % 3], cluster_id=f"story-{number // 2}",
            entities=Entities(people=tuple(f"Mtu Wa {number % 40} Na {shift}" for shift in range(5)),
                              places=(f"Kata {number % 30}",), organisations=(f"Taasisi {number % 25}",)),
        ))
    return articles


@pytest.fixture
def full_site_url(make_settings) -> Iterator[str]:
    with served(make_settings(store=StoreBackend.sqlite), year_of_coverage()) as url:
        yield url


@pytest.mark.parametrize("path", ["/?q=halmashauri", "/?q=halmashauri&collapse=false", "/", "/articles/real-7"])
def test_a_page_transfers_under_100_kb_and_nothing_from_outside(browser, full_site_url, path):
    page = browser.new_page()
    page.goto(full_site_url)
    sign_in(page)
    transferred, outside = [], []
    page.on("response", lambda response: transferred.append(len(response.body())))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(full_site_url)
               else (outside.append(route.request.url), route.abort()))
    page.goto(full_site_url + path)
    page.wait_for_load_state("load")
    assert page.locator("li.hit").count() > 0 or path.startswith("/articles/")
    assert outside == [] and 0 < sum(transferred) < PAGE_WEIGHT_LIMIT, (sum(transferred), len(transferred))


def test_on_a_phone_the_results_come_first_and_the_facets_unfold_on_a_tap(browser, site_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{site_url}/?q=maji")
    sign_in(page)
    facet = page.locator("details.facets a", has_text="Kiswahili")
    assert not facet.is_visible()
    first_hit = page.locator("li.hit").first.bounding_box()
    assert first_hit["y"] < 844 * 0.8, first_hit  # the first result is on the first screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.locator("details.facets > summary").click()
    assert facet.is_visible()
    facet.click()
    page.wait_for_selector("p.total")
    assert page.locator("details.facets[open] a.active", has_text="Kiswahili").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-390-facet.png"), full_page=True)
