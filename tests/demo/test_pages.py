"""The fake web's HTML listings: link forms on the home page, endless pagination and calendar, tags, info pages."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html

from habari.demo.newsweb import NewsWeb
from habari.demo.pages import PAGE_SIZE, section_slugs
from habari.demo.site import NewsArticle, NewsSite

FIRST = NewsArticle(
    slug="mradi-wa-maji-dunda",
    title="Mradi wa maji Dunda",
    paragraphs=("Kisima kipya.",),
    published=datetime(2025, 6, 3, 6, 0, tzinfo=timezone.utc),
    author="Neema Said",
    language="sw",
)
STORIES = tuple(
    replace(FIRST, slug=f"habari-ya-kata-{n}", title=f"Habari ya kata {n}",
            published=FIRST.published - timedelta(days=n))
    for n in range(PAGE_SIZE + 2)
)
SITE = NewsSite(id="sw", name="Sauti ya Pwani", language="sw", articles=STORIES)
NEIGHBOUR = NewsSite(id="en", name="Pwani Herald", language="en",
                     articles=(replace(FIRST, slug="clinic-opens-in-dunda"),))


@pytest.fixture
def web():
    web = NewsWeb([SITE, NEIGHBOUR], hosts=("127.0.0.31", "127.0.0.32"))
    with web:
        yield web


@pytest.fixture
def base(web) -> str:
    return web.urls["sw"]


def _links(http, url: str) -> list[str]:
    """Every href on the page, as written."""
    response = http.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content).xpath("//a/@href")


def _rel(http, url: str, rel: str) -> str | None:
    found = html.fromstring(http.get(url).content).xpath(f'//a[@rel="{rel}"]/@href')
    return urljoin(url, found[0]) if found else None


def test_home_links_stories_relatively_absolutely_with_tracking_and_on_other_hosts(web, base, http):
    links = _links(http, f"{base}/")
    story = STORIES[0].slug

    assert f"/articles/{story}" in links
    assert f"{base}/articles/{story}?utm_source=home&utm_medium=web" in links
    assert f"{web.urls['en']}/articles/clinic-opens-in-dunda" in links
    assert urlsplit(web.urls["en"]).hostname != urlsplit(base).hostname
    for listing in ("/about", "/contact", "/tag/maji", "/section/habari", "/calendar/2025/06", "/rss.xml"):
        assert listing in links
        assert http.get(urljoin(base, listing)).status_code == 200


def test_section_pages_link_stories_dot_relative_and_tracked_and_go_on_for_ever(base, http):
    first = f"{base}/section/habari"
    links = _links(http, first)
    assert f"../articles/{STORIES[0].slug}" in links
    assert f"/articles/{STORIES[0].slug}?utm_source=habari&utm_medium=web" in links
    assert http.get(urljoin(first, f"../articles/{STORIES[0].slug}")).status_code == 200

    seen, url = [], first
    for _ in range(12):
        seen.append({link for link in _links(http, url) if "/articles/" in link and "utm_" not in link})
        url = _rel(http, url, "next")
    assert url == f"{base}/section/habari?page=13"
    assert [len(stories) for stories in seen[:3]] == [PAGE_SIZE, 2, 0]
    assert not any(seen[2:])


@pytest.mark.parametrize("path", ["/section/unknown", "/section/habari?page=0", "/section/habari?page=x",
                                  "/calendar/2025/13", "/calendar/0000/01", "/tag/unknown"])
def test_listings_that_do_not_exist_are_404(base, http, path):
    assert http.get(f"{base}{path}").status_code == 404


def test_calendar_months_link_the_previous_and_next_month_endlessly(base, http):
    june = f"{base}/calendar/2025/06"
    assert f"/articles/{STORIES[0].slug}" in _links(http, june)

    url = june
    for _ in range(30):
        url = _rel(http, url, "prev")
    assert url == f"{base}/calendar/2022/12"
    assert _rel(http, url, "next") == f"{base}/calendar/2023/01"
    assert _rel(http, f"{base}/calendar/2025/12", "next") == f"{base}/calendar/2026/01"


def test_english_sites_have_english_sections(web, http):
    assert section_slugs("en") == ("news", "politics", "business", "sport")
    assert http.get(f"{web.urls['en']}/section/news").status_code == 200
