"""The local news web's servers: ports and hosts, article pages, escaping, publishing, the request log, black holes."""
from __future__ import annotations

import socket
import time
from dataclasses import replace
from datetime import datetime, timezone

import feedparser
import httpx
import pytest

from habari.demo.newsweb import NewsWeb
from habari.demo.site import NewsArticle, NewsSite

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


def test_feed_is_valid_rss_newest_first_with_exact_texts(web, http):
    base = web.urls["test"]
    response = http.get(f"{base}/rss.xml")
    feed = feedparser.parse(response.content, response_headers={"content-type": response.headers["content-type"]})

    assert response.headers["content-type"].startswith("application/rss+xml")
    assert (feed.bozo, feed.version) == (False, "rss20")
    assert [e.link for e in feed.entries] == [f"{base}/articles/plain", f"{base}/articles/hostile"]
    hostile = feed.entries[1]
    assert hostile.title == HOSTILE.title
    assert hostile.author == "Juma <Mrisho>"
    assert hostile.published_parsed[:5] == (2025, 6, 2, 6, 30)


def test_article_page_has_metadata_text_and_boilerplate(web, http):
    base = web.urls["test"]
    page = http.get(f"{base}/articles/plain").text

    assert '<meta property="og:title" content="Plain story">' in page
    assert '<meta property="article:published_time" content="2025-06-03T06:30:00Z">' in page
    assert f'<link rel="canonical" href="{base}/articles/plain">' in page
    assert "<h1>Plain story</h1>" in page and '<time datetime="2025-06-03T06:30:00Z">' in page
    assert "<p>Just text.</p>" in page
    for boilerplate in ("<nav>", '<aside class="sidebar">', "<footer>"):
        assert boilerplate in page


def test_untrusted_text_is_escaped(web, http):
    page = http.get(f"{web.urls['test']}/articles/hostile").text

    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Test &lt;Times&gt;" in page


@pytest.mark.parametrize("path", ["/articles/missing", "/nowhere", "/articles/../rss.xml.bak"])
def test_unknown_paths_are_404(web, path, http):
    assert http.get(f"{web.urls['test']}{path}").status_code == 404


def test_published_article_appears_at_once_and_requests_are_recorded(web, http):
    base = web.urls["other"]
    fresh = replace(PLAIN, slug="fresh", title="Habari za leo asubuhi", published=datetime.now(timezone.utc))
    web.publish("other", fresh)

    feed = feedparser.parse(http.get(f"{base}/rss.xml").content)
    assert feed.entries[0].title == "Habari za leo asubuhi"
    assert "Habari za leo asubuhi" in http.get(f"{base}/").text
    assert http.get(f"{base}/articles/fresh").status_code == 200
    assert web.site("other").requested == ["/rss.xml", "/", "/articles/fresh"]
    assert web.site("test").requested == []


def test_the_log_keeps_each_request_with_its_query_and_headers(web, http):
    base = web.urls["test"]
    http.get(f"{base}/rss.xml?x=1", headers={"If-None-Match": '"abc"', "User-Agent": "Habari-test"})
    http.get(f"{base}/rss.xml")

    first, second = web.site("test").requests
    assert first.path == "/rss.xml?x=1"
    assert first.headers["if-none-match"] == '"abc"' and first.headers["user-agent"] == "Habari-test"
    assert "if-none-match" not in second.headers
    assert web.site("test").times_requested("/rss.xml") == 2


def test_sites_can_each_have_a_loopback_host_of_their_own(http):
    hosts = ("127.0.0.21", "127.0.0.22")
    with NewsWeb([SITE, replace(SITE, id="other")], hosts=hosts) as urls:
        assert [url.rsplit(":", 1)[0] for url in urls.values()] == ["http://127.0.0.21", "http://127.0.0.22"]
        assert http.get(f"{urls['other']}/rss.xml").status_code == 200


def test_a_silent_site_accepts_reads_and_never_answers_and_still_stops_at_once(http):
    web = NewsWeb([replace(SITE, id="silent", silent=True), SITE])
    urls = web.start()
    host, port = urls["silent"].removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)), timeout=2)
    try:
        client.sendall(b'GET /rss.xml HTTP/1.1\r\nHost: silent\r\nIf-None-Match: "x"\r\n\r\n')
        client.settimeout(0.3)
        with pytest.raises(TimeoutError):
            client.recv(1)
        with pytest.raises(httpx.ReadTimeout):
            http.get(f"{urls['silent']}/", timeout=httpx.Timeout(2, read=0.3))
        assert http.get(f"{urls['test']}/").status_code == 200  # the rest of the web answers

        assert web.site("silent").requested == ["/rss.xml", "/"]
        assert web.site("silent").requests[0].headers["if-none-match"] == '"x"'
        started = time.monotonic()
        web.stop()
        assert time.monotonic() - started < 2
        client.settimeout(2)
        assert client.recv(1) == b""  # closed without a byte written
    finally:
        client.close()
        web.stop()
