"""The local news web itself: home page, RSS feed, robots.txt, article pages, escaping, publishing."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import feedparser
import httpx
import pytest

from habari.demo.newsweb import NewsArticle, NewsSite, NewsWeb

HOSTILE = NewsArticle(
    slug="hostile",
    title='Bagamoyo <script>alert("x")</script> & "friends"',
    paragraphs=("First <b>bold</b> & paragraph.", "Second </p><img src=x onerror=alert(1)> paragraph."),
    published=datetime(2025, 6, 2, 6, 30, tzinfo=timezone.utc),
    author="Juma <Mrisho>",
    language="en",
)
PLAIN = replace(HOSTILE, slug="plain", title="Plain story", paragraphs=("Just text.",), author="Neema Said",
                published=datetime(2025, 6, 3, 6, 30, tzinfo=timezone.utc))
SITE = NewsSite(id="test", name="Test <Times>", language="en", articles=(HOSTILE, PLAIN),
                robots_disallow=("/admin/", "/articles/plain"))


@pytest.fixture
def web():
    web = NewsWeb([SITE, replace(SITE, id="other", language="sw")])
    with web:
        yield web


def test_each_site_has_its_own_loopback_port(web):
    assert sorted(web.urls) == ["other", "test"]
    assert len(set(web.urls.values())) == 2
    assert all(url.startswith("http://127.0.0.1:") for url in web.urls.values())


def test_feed_is_valid_rss_newest_first_with_exact_texts(web):
    base = web.urls["test"]
    response = httpx.get(f"{base}/rss.xml")
    feed = feedparser.parse(response.content, response_headers={"content-type": response.headers["content-type"]})

    assert response.headers["content-type"].startswith("application/rss+xml")
    assert (feed.bozo, feed.version) == (False, "rss20")
    assert [e.link for e in feed.entries] == [f"{base}/articles/plain", f"{base}/articles/hostile"]
    hostile = feed.entries[1]
    assert hostile.title == HOSTILE.title
    assert hostile.author == "Juma <Mrisho>"
    assert hostile.published_parsed[:5] == (2025, 6, 2, 6, 30)


def test_article_page_has_metadata_text_and_boilerplate(web):
    base = web.urls["test"]
    page = httpx.get(f"{base}/articles/plain").text

    assert '<meta property="og:title" content="Plain story">' in page
    assert '<meta property="article:published_time" content="2025-06-03T06:30:00Z">' in page
    assert f'<link rel="canonical" href="{base}/articles/plain">' in page
    assert "<h1>Plain story</h1>" in page and '<time datetime="2025-06-03T06:30:00Z">' in page
    assert "<p>Just text.</p>" in page
    for boilerplate in ("<nav>", '<aside class="sidebar">', "<footer>"):
        assert boilerplate in page


def test_untrusted_text_is_escaped(web):
    page = httpx.get(f"{web.urls['test']}/articles/hostile").text

    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Test &lt;Times&gt;" in page


def test_robots_txt_lists_the_disallowed_paths(web):
    robots = httpx.get(f"{web.urls['test']}/robots.txt").text
    assert robots.splitlines() == ["User-agent: *", "Disallow: /admin/", "Disallow: /articles/plain"]


@pytest.mark.parametrize("path", ["/articles/missing", "/nowhere", "/articles/../rss.xml.bak"])
def test_unknown_paths_are_404(web, path):
    assert httpx.get(f"{web.urls['test']}{path}").status_code == 404


def test_published_article_appears_at_once_and_requests_are_recorded(web):
    base = web.urls["other"]
    fresh = replace(PLAIN, slug="fresh", title="Habari mpya", published=datetime.now(timezone.utc))
    web.publish("other", fresh)

    feed = feedparser.parse(httpx.get(f"{base}/rss.xml").content)
    assert feed.entries[0].title == "Habari mpya"
    assert "Habari mpya" in httpx.get(f"{base}/").text
    assert httpx.get(f"{base}/articles/fresh").status_code == 200
    assert web.site("other").requested == ["/rss.xml", "/", "/articles/fresh"]
    assert web.site("test").requested == []
