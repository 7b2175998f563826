"""The listing readers are total: any bytes give a sitemap or SitemapError, a feed or FeedError; any link text
gives a fetchable address or None; any listed entries give the window's choice. Never another exception."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import scrapy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawlers.feeds import FeedError, parse_feed
from crawlers.links import ArticleLink, web_address
from crawlers.sitemap_window import SitemapWindow
from crawlers.sitemaps import SitemapError, parse_sitemap
from pipeline.normalise import canonical_url

BUDGET = settings(max_examples=200, deadline=None)
URL_LIKE = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A(https?|ftp|javascript|mailto)?:?(//)?[\[\]a-z0-9.:@%-]{0,20}(/[a-z0-9?=&#%.-]{0,12}){0,3}\Z"),
)
W3C_DATE = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?\Z"),
)


def sitemap_document(entries: list[tuple[str, str, str]]) -> bytes:
    rows = "".join(
        f"<{kind}><loc>{loc}</loc><lastmod>{lastmod}</lastmod></{kind}>" for kind, loc, lastmod in entries
    )
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'.encode(
        errors="surrogatepass"
    )


@BUDGET
@given(st.binary(max_size=400))
def test_any_bytes_are_a_sitemap_or_a_sitemap_error(body: bytes):
    try:
        parse_sitemap(body)
    except SitemapError:
        pass


def xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@BUDGET
@given(st.lists(st.tuples(st.sampled_from(["url", "sitemap"]), URL_LIKE.map(xml_text), W3C_DATE.map(xml_text)),
                max_size=6))
@example([("url", "https://gazeti.example.tz/a", "0001-01-01T00:00:00+01:00")])  # before year 1 in UTC
def test_any_entries_read_with_utc_lastmods_or_none(entries: list[tuple[str, str, str]]):
    try:
        sitemap = parse_sitemap(sitemap_document(entries))
    except SitemapError:
        return
    for changed_at in [link.changed_at for link in sitemap.links] + [child.changed_at for child in sitemap.children]:
        assert changed_at is None or changed_at.utcoffset() == timedelta(0)


@BUDGET
@given(st.binary(max_size=400), st.sampled_from(["", "application/rss+xml", "text/html; charset=rot13"]))
@example(b"", "")  # an empty body: feedparser gives no version at all
def test_any_bytes_are_a_feed_or_a_feed_error(body: bytes, content_type: str):
    try:
        parse_feed(body, content_type)
    except FeedError:
        pass


@BUDGET
@given(URL_LIKE)
def test_any_link_is_a_fetchable_address_or_none(link: str):
    address = web_address(link, "https://gazeti.example.tz/habari/rss.xml")

    if address is not None:
        assert address.startswith(("http://", "https://"))
        scrapy.Request(address)  # accepted by the downloader
        canonical_url(address)  # and by the seen-check


@BUDGET
@given(st.lists(st.tuples(URL_LIKE.map(lambda path: f"https://gazeti.example.tz/{path}"),
                          st.none() | st.datetimes(timezones=st.just(UTC))), max_size=8))
def test_the_window_takes_every_listed_entry_inside_it_not_handled_with_its_lastmod(entries):
    links = [ArticleLink(url, changed_at=changed_at) for url, changed_at in entries if web_address(url, url)]
    since = datetime(2026, 12, 1, tzinfo=UTC)
    handled = {canonical_url(link.url): link.changed_at for link in links[::2] if link.changed_at is not None}
    window = SitemapWindow(since, handled)

    kept = window.unhandled(links)
    for link in links:
        inside = link.changed_at is None or link.changed_at >= since
        seen = link.changed_at is not None and handled.get(canonical_url(link.url)) == link.changed_at
        assert (link in kept) == (inside and not seen)
