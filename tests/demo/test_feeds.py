"""The fake web's feeds and sitemaps: conditional GET, sitemap index, news and monthly sitemaps, search, robots."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

import feedparser
import httpx
import pytest
from lxml import etree

from habari.demo.feeds import NEWS_NS, SITEMAP_NS
from habari.demo.newsweb import NewsWeb
from habari.demo.site import NewsArticle, NewsSite

NS = {"s": SITEMAP_NS, "news": NEWS_NS}
NEWEST = NewsArticle(
    slug="maji-safi-kaole",
    title='Maji safi <Kaole> & "Dunda"',
    paragraphs=("Kisima kipya cha MAJI kimekamilika.",),
    published=datetime(2025, 6, 3, 6, 0, tzinfo=timezone.utc),
    author="Neema Said",
    language="sw",
)
YESTERDAY = replace(NEWEST, slug="barabara-ya-zinga", title="Barabara ya Zinga", paragraphs=("Ukarabati waanza.",),
                    published=NEWEST.published - timedelta(days=1))
LAST_MONTH = replace(NEWEST, slug="soko-la-mapinga", title="Soko la Mapinga", paragraphs=("Wafanyabiashara.",),
                     published=datetime(2025, 5, 10, 8, 0, tzinfo=timezone.utc))
SITE = NewsSite(id="sw", name="Sauti & Pwani", language="sw", articles=(NEWEST, YESTERDAY, LAST_MONTH),
                robots_disallow=("/admin/",))


@pytest.fixture
def web():
    web = NewsWeb([SITE])
    with web:
        yield web


@pytest.fixture
def base(web) -> str:
    return web.urls["sw"]


def _xml(response: httpx.Response) -> etree._Element:
    return etree.fromstring(response.content)


@pytest.mark.parametrize("path", ["/rss.xml", "/sitemap_index.xml", "/sitemap-news.xml", "/sitemap-2025-05.xml"])
def test_feed_and_sitemaps_answer_304_to_their_etag_or_date_with_no_body(base, path, http):
    first = http.get(f"{base}{path}")
    etag, modified = first.headers["etag"], first.headers["last-modified"]

    assert first.status_code == 200 and etag.startswith('"')
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", W/{etag}'}, {"If-None-Match": "*"},
                    {"If-Modified-Since": modified}, {"If-Modified-Since": "Wed, 31 Dec 2025 00:00:00 GMT"}):
        again = http.get(f"{base}{path}", headers=headers)
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag), headers
        assert "content-length" not in again.headers
    for headers in ({"If-None-Match": '"stale"'}, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"},
                    {"If-None-Match": '"stale"', "If-Modified-Since": modified}, {"If-Modified-Since": "junk"}):
        assert http.get(f"{base}{path}", headers=headers).content == first.content, headers


def test_last_modified_is_the_newest_story_and_a_new_story_changes_the_etag(web, base, http):
    first = http.get(f"{base}/rss.xml")
    assert first.headers["last-modified"] == "Tue, 03 Jun 2025 06:00:00 GMT"

    later = datetime(2025, 6, 3, 8, tzinfo=timezone.utc)
    web.publish("sw", replace(NEWEST, slug="habari-mpya-ya-leo", published=later))
    again = http.get(f"{base}/rss.xml", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200 and again.headers["etag"] != first.headers["etag"]
    assert again.headers["last-modified"] == "Tue, 03 Jun 2025 08:00:00 GMT"


def test_sitemap_index_points_at_the_news_sitemap_and_each_month_with_lastmod(base, http):
    index = _xml(http.get(f"{base}/sitemap_index.xml"))

    assert etree.QName(index).localname == "sitemapindex"
    entries = [(e.findtext("s:loc", namespaces=NS), e.findtext("s:lastmod", namespaces=NS))
               for e in index.findall("s:sitemap", NS)]
    assert entries == [
        (f"{base}/sitemap-news.xml", "2025-06-03T06:00:00Z"),
        (f"{base}/sitemap-2025-06.xml", "2025-06-03T06:00:00Z"),
        (f"{base}/sitemap-2025-05.xml", "2025-05-10T08:00:00Z"),
    ]
    for loc, _ in entries:
        assert http.get(loc).status_code == 200


def test_news_sitemap_has_the_news_tags_escaped_and_a_lastmod_on_every_entry(base, http):
    response = http.get(f"{base}/sitemap-news.xml")
    urlset = _xml(response)

    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    assert b"&lt;Kaole&gt; &amp;" in response.content
    urls = urlset.findall("s:url", NS)
    assert [u.findtext("s:loc", namespaces=NS) for u in urls] == [
        f"{base}/articles/maji-safi-kaole", f"{base}/articles/barabara-ya-zinga",  # not last month's story
    ]
    assert all(u.findtext("s:lastmod", namespaces=NS) for u in urls)
    news = urls[0].find("news:news", NS)
    assert news.findtext("news:title", namespaces=NS) == NEWEST.title
    assert news.findtext("news:publication_date", namespaces=NS) == "2025-06-03T06:00:00Z"
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Sauti & Pwani"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "sw"


def test_monthly_sitemaps_list_that_months_stories_and_an_edit_moves_lastmod(web, base, http):
    may = _xml(http.get(f"{base}/sitemap-2025-05.xml"))
    listed = [u.findtext("s:loc", namespaces=NS) for u in may.findall("s:url", NS)]
    assert listed == [f"{base}/articles/soko-la-mapinga"]
    assert http.get(f"{base}/sitemap-2024-01.xml").status_code == 404

    web.publish("sw", replace(LAST_MONTH, updated=datetime(2025, 6, 1, 12, tzinfo=timezone.utc)))
    edited = _xml(http.get(f"{base}/sitemap-2025-05.xml"))
    assert edited.findtext("s:url/s:lastmod", namespaces=NS) == "2025-06-01T12:00:00Z"
    assert 'content="2025-06-01T12:00:00Z"' in http.get(f"{base}/articles/soko-la-mapinga").text


@pytest.mark.parametrize(("term", "slugs"), [
    ("maji", ["maji-safi-kaole"]),  # in the title, and in the text as "MAJI"
    ("UKARABATI WAANZA", ["barabara-ya-zinga"]),
    ("Kenya", []),
    ("", []),
])
def test_search_feed_lists_the_stories_containing_the_term_ignoring_case(base, term, slugs, http):
    feed = feedparser.parse(http.get(f"{base}/search/rss?q={quote_plus(term)}").content)

    assert not feed.bozo
    assert [entry.link.rsplit("/", 1)[-1] for entry in feed.entries] == slugs


def test_robots_txt_lists_the_disallowed_paths_and_the_sitemap_index(base, http):
    robots = http.get(f"{base}/robots.txt").text
    assert robots.splitlines() == ["User-agent: *", "Disallow: /admin/", "", f"Sitemap: {base}/sitemap_index.xml"]
