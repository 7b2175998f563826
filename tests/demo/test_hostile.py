"""Hostile quirks of the fake web: throttling, redirect loops, huge pages, gzip bombs, lying charsets and more."""
from __future__ import annotations

import gzip
import struct
import threading
import time
import zlib
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser
import httpx
import pytest
from lxml import etree

from habari.demo.hostile import (
    MIB,
    GzipBomb,
    HugePage,
    LyingCharset,
    MalformedFeed,
    PdfDocument,
    RedirectLoop,
    RetryLater,
    SlowPage,
    TrackingCopies,
    one_page_pdf,
)
from habari.demo.newsweb import NewsWeb
from habari.demo.site import NewsArticle, NewsSite

STORY = NewsArticle(
    slug="cafe-at-kaole",
    title="Café at Kaole — “a place to rest”",
    paragraphs=("The café’s owner says “karibu” to every visitor.", "Second paragraph."),
    published=datetime(2025, 6, 3, 6, 0, tzinfo=timezone.utc),
    author="Amina Salum",
    language="en",
)
OTHER = replace(STORY, slug="ferry-timetable", title="Ferry timetable", published=STORY.published - timedelta(hours=1))
SITE = NewsSite(id="en", name="Coast Observer", language="en", articles=(STORY, OTHER))


def _serve(*quirks) -> NewsWeb:
    web = NewsWeb([replace(SITE, quirks=quirks)])
    web.start()
    return web


@pytest.fixture
def serve():
    """Serves SITE with the given quirks; `serve(quirk, …)` returns its base URL."""
    webs: list[NewsWeb] = []

    def start(*quirks) -> str:
        webs.append(_serve(*quirks))
        return webs[-1].urls["en"]

    yield start
    for web in webs:
        web.stop()


def test_retry_later_refuses_the_first_requests_to_a_path_then_answers(serve, http):
    base = serve(RetryLater(r"/rss\.xml", status=429, times=2, retry_after=7))

    answers = [http.get(f"{base}/rss.xml?try={n}") for n in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert [a.headers.get("retry-after") for a in answers] == ["7", "7", None]
    assert http.get(f"{base}/").status_code == 200  # other paths are not throttled


def test_retry_later_can_be_503_on_a_sitemap(serve, http):
    base = serve(RetryLater(r"/sitemap-news\.xml", status=503, retry_after=2))

    first, second = http.get(f"{base}/sitemap-news.xml"), http.get(f"{base}/sitemap-news.xml")
    assert (first.status_code, first.headers["retry-after"], second.status_code) == (503, "2", 200)


def test_redirect_loop_never_lands(serve, http):
    base = serve(RedirectLoop(STORY.slug))

    hops, url = [], f"{base}/articles/{STORY.slug}"
    for _ in range(5):
        response = http.get(url)
        assert response.status_code == 302
        hops.append(response.headers["location"])
        url = urljoin(url, hops[-1])
    assert hops == ["/loop/a", "/loop/b", "/loop/a", "/loop/b", "/loop/a"]
    with pytest.raises(httpx.TooManyRedirects):
        http.get(f"{base}/articles/{STORY.slug}", follow_redirects=True)


def test_huge_page_streams_exactly_its_size_as_one_html_page(serve, http):
    base = serve(HugePage(STORY.slug))

    with http.stream("GET", f"{base}/articles/{STORY.slug}") as response:
        chunks = response.iter_raw()
        head = next(chunks)
        total, last = len(head), head
        for chunk in chunks:
            total, last = total + len(chunk), chunk
    assert int(response.headers["content-length"]) == total == 50 * MIB
    assert head.startswith(b"<!DOCTYPE html>") and "Café at Kaole".encode() in head
    assert last.endswith(b"</html>\n")


def test_gzip_bomb_is_about_a_megabyte_that_inflates_past_a_gigabyte(serve, http):
    base = serve(GzipBomb(STORY.slug))

    with http.stream("GET", f"{base}/articles/{STORY.slug}") as response:
        body = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) == len(body) < 1.1 * MIB
    inflated_size = struct.unpack("<I", body[-4:])[0]  # ISIZE: the inflated length modulo 2**32
    assert inflated_size > 1024 * MIB
    inflater = zlib.decompressobj(31)
    assert len(inflater.decompress(body[: len(body) // 8], 64 * MIB)) == 64 * MIB
    assert inflater.unconsumed_tail  # an eighth of the bytes inflate to more than 64 MiB


def test_a_small_gzip_bomb_is_a_valid_gzip_of_the_story_title_and_blanks(serve, http):
    base = serve(GzipBomb(STORY.slug, inflated_mib=3))

    with http.stream("GET", f"{base}/articles/{STORY.slug}") as response:
        raw = b"".join(response.iter_raw())
    page = gzip.decompress(raw)  # checks the CRC and length too
    assert page.startswith(b"<!DOCTYPE html>") and "Café at Kaole".encode() in page[:200]
    assert len(page) - page.index(b"<body>") - len(b"<body>") == 3 * MIB and page.endswith(b" ")


def test_lying_charset_header_says_latin_1_over_a_utf8_page(serve, http):
    base = serve(LyingCharset(STORY.slug))

    response = http.get(f"{base}/articles/{STORY.slug}")
    assert response.headers["content-type"] == "text/html; charset=iso-8859-1"
    page = response.content.decode("utf-8")
    assert '<meta charset="utf-8">' in page and "“karibu”" in page and "café’s" in page
    assert "“karibu”" not in response.content.decode("iso-8859-1")


def test_malformed_feed_is_cut_off_and_ends_in_junk(serve, http):
    base = serve(MalformedFeed())

    body = http.get(f"{base}/rss.xml").content
    assert body.startswith(b"<?xml") and b"</rss>" not in body and body.endswith(b"&za")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(body)
    assert feedparser.parse(body).bozo


def test_tracking_copies_list_the_same_story_under_tracking_parameters(serve, http):
    base = serve(TrackingCopies(STORY.slug))

    links = [entry.link for entry in feedparser.parse(http.get(f"{base}/rss.xml").content).entries]
    copies = [link for link in links if STORY.slug in link]
    assert len(copies) == 4 and len(links) == 5
    assert {urlsplit(link).path for link in copies} == {f"/articles/{STORY.slug}"}
    assert {key for link in copies for key in parse_qs(urlsplit(link).query)} == {
        "utm_source", "utm_medium", "utm_campaign", "fbclid", "gclid",
    }
    pages = {http.get(link).text for link in copies}
    assert len(pages) == 1


def test_slow_page_answers_late_but_a_stopping_web_does_not_wait(http):
    web = _serve(SlowPage(STORY.slug, seconds=0.4), SlowPage(OTHER.slug, seconds=60))
    base = web.urls["en"]
    try:
        started = time.monotonic()
        assert http.get(f"{base}/articles/{STORY.slug}").status_code == 200
        assert time.monotonic() - started >= 0.4

        waiting = threading.Thread(target=lambda: httpx.get(f"{base}/articles/{OTHER.slug}", timeout=5))
        waiting.start()
        time.sleep(0.2)
    finally:
        web.stop()
    waiting.join(2)
    assert not waiting.is_alive()  # answered as the web stopped, not after 60 s


def test_pdf_document_is_listed_as_a_pdf_file_and_served_as_one(serve, http):
    base = serve(PdfDocument(STORY.slug))

    links = [entry.link for entry in feedparser.parse(http.get(f"{base}/rss.xml").content).entries]
    assert f"{base}/files/{STORY.slug}.pdf" in links
    response = http.get(f"{base}/files/{STORY.slug}.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-1.4") and response.content.endswith(b"%%EOF\n")


def test_one_page_pdf_has_a_correct_cross_reference_table():
    document = one_page_pdf("Bajeti (2025) \\ muhtasari")

    startxref = int(document.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert document[startxref:].startswith(b"xref\n0 6\n")
    offsets = [int(line[:10]) for line in document[startxref:].split(b"\n")[3:8]]
    assert [document[offset:].split(b"\n")[0] for offset in offsets] == [b"%d 0 obj" % n for n in range(1, 6)]
    assert b"(Bajeti \\(2025\\) \\\\ muhtasari) Tj" in document
