"""Crawling the fake news web with the archive on: every indexed article's ArchiveRef reads back the exact
bytes its site served (gzip-encoded pages too, stored decoded) and only article pages are archived.
"""
from __future__ import annotations

import gzip
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from warcio.archiveiterator import ArchiveIterator

from store.archive import WarcArchive
from crawlers.run import crawl
from crawlers.scrapy_settings import LOCAL_WEB
from habari.demo.content import demo_sources
from habari.demo.newsweb import ROUTES, NewsWeb
from habari.demo.site import LiveSite, Request, Response, Route
from search_api import create_app
from tests.search_api.conftest import signed_in
from store import open_store
from tests.builders import all_articles, with_sources
from tests.fakeweb import ENGLISH_SITE


def served(url: str, accept_encoding: str = "identity") -> bytes:
    """The page's bytes as the site sends them to a plain client."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})) as page:
        return page.read()


def archived_targets(directory: Path) -> list[str]:
    targets = []
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as stream:
            targets += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)
                        if r.rec_type == "response"]
    return targets


def gzipped(route: Route) -> Route:
    """The route, its body gzip-encoded for clients that accept it."""
    def serve(site: LiveSite, request: Request) -> Response:
        response = route(site, request)
        if "gzip" not in request.headers.get("accept-encoding", ""):
            return response
        return replace(response, body=gzip.compress(response.body),
                       headers=(*response.headers, ("Content-Encoding", "gzip")))

    return serve


@pytest.fixture
def gzip_web() -> Iterator[NewsWeb]:
    web = NewsWeb((ENGLISH_SITE,), routes=tuple((pattern, gzipped(route)) for pattern, route in ROUTES))
    with web:
        yield web


def test_every_indexed_article_keeps_the_exact_bytes_served(store_settings, store, news_sources):
    settings = with_sources(store_settings, news_sources)
    crawl(settings, limits=LOCAL_WEB)

    articles = all_articles(store)
    archive = WarcArchive(settings.warc_dir)
    assert len(articles) == 4 and all(article.archive is not None for article in articles)
    for article in articles:
        page = archive.read_record(article.archive)
        assert (page.url, page.status) == (article.url, 200)
        assert page.payload == served(article.url)
    assert sorted(archived_targets(archive.directory)) == sorted(article.url for article in articles)

    snapshot = signed_in(TestClient(create_app(settings, store))).get(f"/articles/{articles[0].doc_id}/snapshot/raw")
    assert snapshot.status_code == 200 and snapshot.content == served(articles[0].url)


def test_gzip_encoded_pages_are_archived_decoded_with_headers_that_say_so(make_settings, gzip_web):
    settings = with_sources(make_settings(), demo_sources((ENGLISH_SITE,), gzip_web.urls))
    crawl(settings, limits=LOCAL_WEB)

    with open_store(settings) as store:
        articles = all_articles(store)
    archive = WarcArchive(settings.warc_dir)
    assert len(articles) == 2
    for article in articles:
        page = archive.read_record(article.archive)
        assert page.payload == served(article.url)
        assert page.header("Content-Encoding") is None
        assert page.header("Content-Length") == str(len(page.payload))
        assert page.header("X-Archive-Orig-Content-Length") == str(len(served(article.url, "gzip")))
