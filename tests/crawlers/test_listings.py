"""Listings read without a network: sitemaps and news sitemaps, section links, feeds' change dates."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from scrapy.http import HtmlResponse

from crawlers.feeds import FeedError, parse_feed
from crawlers.sections import is_article_url, read_section
from crawlers.sitemaps import SitemapError, parse_sitemap
from settings.config import Source

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://mwangaza.example/habari/maji-kaole-wakamilika</loc>
    <news:news><news:publication>
      <news:name>Mwangaza</news:name><news:language>sw</news:language></news:publication>
      <news:publication_date>2026-11-27T08:30:00+03:00</news:publication_date>
      <news:title>Maji &amp; Kaole</news:title></news:news></url>
  <url><loc>https://mwangaza.example/habari/barabara-ya-zinga-yakamilika</loc><lastmod>2026-11-20</lastmod></url>
  <url><lastmod>2026-11-20</lastmod></url>
</urlset>"""
INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://mwangaza.example/sitemap-news.xml</loc><lastmod>2026-11-28T06:00:00Z</lastmod></sitemap>
<sitemap><loc>https://mwangaza.example/sitemap-2024-01.xml</loc></sitemap></sitemapindex>"""


def test_news_sitemap_entries_keep_title_and_dates_in_utc():
    sitemap = parse_sitemap(NEWS_SITEMAP)
    news, plain = sitemap.links
    assert news.url.endswith("maji-kaole-wakamilika")
    assert news.entry.title == "Maji & Kaole"
    assert news.entry.published == news.changed_at == datetime(2026, 11, 27, 5, 30, tzinfo=timezone.utc)
    assert plain.changed_at == datetime(2026, 11, 20, tzinfo=timezone.utc) and plain.entry.published is None
    assert sitemap.children == []


def test_sitemap_index_lists_its_sitemaps():
    sitemap = parse_sitemap(INDEX)
    assert [c.url for c in sitemap.children] == [
        "https://mwangaza.example/sitemap-news.xml",
        "https://mwangaza.example/sitemap-2024-01.xml",
    ]
    assert sitemap.children[0].changed_at == datetime(2026, 11, 28, 6, tzinfo=timezone.utc)
    assert sitemap.children[1].changed_at is None


@pytest.mark.parametrize("body", [b"<html><body>not a sitemap</body></html>", b"", b"\x00\x01 junk"])
def test_a_document_that_is_not_a_sitemap_is_an_error(body):
    with pytest.raises(SitemapError):
        parse_sitemap(body)


def test_entities_in_a_sitemap_are_not_expanded():
    hostile = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.example/x-y-z&e;</loc></url></urlset>"""
    links = parse_sitemap(hostile).links
    assert all("root:" not in link.url for link in links)


def test_a_feed_keeps_the_entry_update_time_as_its_change_time():
    feed = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>A</title><link href="https://a.example/story-one-here"/><updated>2026-11-28T07:00:00Z</updated></entry>
</feed>"""
    (link,) = parse_feed(feed, "application/atom+xml").links
    assert link.changed_at == datetime(2026, 11, 28, 7, tzinfo=timezone.utc)
    with pytest.raises(FeedError):
        parse_feed(b"<html><body>Service unavailable</body></html>", "text/html")


def test_a_feed_cut_off_halfway_keeps_its_entries_and_names_the_problem():
    whole = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>A</title><link>https://a.example/story-one-here</link></item>
<item><title>B</title><link>https://a.example/story-two-here</link></item></channel></rss>"""
    cut = whole[: whole.index(b"<item><title>B")] + b"<item><title>Habari &za"

    feed = parse_feed(cut, "application/rss+xml")
    assert [link.url for link in feed.links] == ["https://a.example/story-one-here"]
    assert feed.problem.startswith("not valid RSS/Atom: ") and "(article links read: 1)" in feed.problem
    served_as_html = parse_feed(whole, "text/html; charset=utf-8")  # a mere slip of the server: no problem
    assert len(served_as_html.links) == 2 and served_as_html.problem is None


def test_section_pages_split_articles_from_listings_and_skip_traps_and_other_sites():
    source = Source(
        id="s", outlet="S", outlet_type="online", kind="section", url="https://s.example/", language="sw",
        deny=(r"/private/",),
    )
    body = b"""<html><body>
<a href="/habari/mradi-wa-maji-kaole?utm_source=home">Mradi wa maji</a>
<a href="https://s.example/2026/11/28/zahanati">Zahanati</a>
<a href="/section/siasa">Siasa</a><a href="/section/siasa?page=2">2</a><a href="/section/siasa?page=9">9</a>
<a href="/calendar/2026/11">Kalenda</a><a href="/2026/11/">Novemba</a>
<a href="/tag/bagamoyo-dc-habari">tag</a><a href="/private/siri-ya-bajeti-mpya">siri</a>
<a href="https://other.example/habari/story-from-elsewhere">other</a>
</body></html>"""
    page = read_section(HtmlResponse("https://s.example/", body=body, encoding="utf-8"), source)
    assert {link.url for link in page.articles} == {
        "https://s.example/habari/mradi-wa-maji-kaole?utm_source=home",
        "https://s.example/2026/11/28/zahanati",
    }
    assert page.articles[0].entry.title == "Mradi wa maji"
    assert set(page.listings) == {
        "https://s.example/section/siasa",
        "https://s.example/section/siasa?page=2",
        "https://s.example/tag/bagamoyo-dc-habari",
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/habari/mradi-wa-maji-kaole", True),
        ("https://a.example/news/2026/11/28/maji", True),
        ("https://a.example/story/1234567", True),
        ("https://a.example/section/habari", False),
        ("https://a.example/tag/bagamoyo-district-council", False),
        ("https://a.example/", False),
    ],
)
def test_article_urls_are_told_by_shape(url, expected):
    assert is_article_url(url) is expected
