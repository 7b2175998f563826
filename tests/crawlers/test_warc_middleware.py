"""The WARC downloader middleware on hand-built Scrapy responses: what it archives, what it leaves alone,
where it puts the ref, its place after decompression and redirects, and switching itself off.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.settings.default_settings import DOWNLOADER_MIDDLEWARES_BASE
from scrapy.utils.test import get_crawler

from crawlers.scrapy_settings import scrapy_settings
from crawlers.warc_middleware import WarcArchiveMiddleware
from pipeline.page import FeedEntry, PageContext
from store.archive import WarcArchive
from tests.fakeweb import unreachable_source

BODY = b"<html><body><p>Habari za Bagamoyo</p></body></html>"
MIDDLEWARE = "crawlers.warc_middleware.WarcArchiveMiddleware"


@pytest.fixture
def middleware(tmp_path: Path) -> Iterator[WarcArchiveMiddleware]:
    crawler = get_crawler(settings_dict={"HABARI_WARC_DIR": str(tmp_path / "warc")})
    crawler.stats.open_spider()
    middleware = WarcArchiveMiddleware.from_crawler(crawler)
    yield middleware
    middleware.close()


def exchange(status: int = 200, archive: bool = True) -> tuple[Request, HtmlResponse]:
    request = Request("http://127.0.0.1:8081/articles/kisima", meta={"archive": archive},
                      headers={"User-Agent": "Habari/0.1", "Accept-Encoding": "gzip, deflate"})
    response = HtmlResponse(request.url, status=status, body=BODY, request=request, protocol="HTTP/1.1",
                            headers={"Content-Type": "text/html; charset=utf-8", "Content-Length": "42",
                                     "Set-Cookie": ["a=1", "b=2"]})
    return request, response


def test_a_marked_2xx_response_is_archived_and_its_ref_left_in_meta(middleware, tmp_path):
    request, response = exchange()

    assert asyncio.run(middleware.process_response(request, response)) is response
    ref = request.meta["archive_ref"]
    page = WarcArchive(tmp_path / "warc").read_record(ref)
    assert page.payload == BODY and page.url == request.url and page.status == 200
    assert [value for name, value in page.headers if name == "Set-Cookie"] == ["a=1", "b=2"]
    assert ("X-Archive-Orig-Content-Length", "42") in page.headers


def test_the_pages_source_and_feed_entry_are_kept_beside_it_for_reprocessing(middleware, tmp_path):
    request, response = exchange()
    entry = FeedEntry(title="Kisima kipya", published=datetime(2026, 11, 20, 6, 0, tzinfo=UTC), authors=("Asha",))
    request.meta.update(source=unreachable_source("sauti-rss"), entry=entry)

    asyncio.run(middleware.process_response(request, response))
    middleware.close()
    (archived,) = WarcArchive(tmp_path / "warc").captures()
    assert archived.ref == request.meta["archive_ref"]
    assert PageContext.from_json(archived.context) == PageContext("sauti-rss", "Dead Outlet", "online", entry)


@pytest.mark.parametrize(("status", "archive"), [(200, False), (404, True), (304, True), (503, True)])
def test_unmarked_and_non_2xx_responses_are_not_archived(middleware, tmp_path, status, archive):
    request, response = exchange(status, archive)

    assert asyncio.run(middleware.process_response(request, response)) is response
    assert "archive_ref" not in request.meta
    assert not (tmp_path / "warc").exists()


def test_it_switches_itself_off_without_a_directory():
    with pytest.raises(NotConfigured, match="HABARI_WARC_DIR is not set"):
        WarcArchiveMiddleware.from_crawler(get_crawler(settings_dict={}))


def test_it_sees_responses_after_redirects_and_decompression(make_settings):
    settings = scrapy_settings(make_settings())
    order = {**DOWNLOADER_MIDDLEWARES_BASE, **settings["DOWNLOADER_MIDDLEWARES"]}
    base = "scrapy.downloadermiddlewares."

    # process_response runs from the highest number down: after these three, before retries
    assert order[f"{base}redirect.RedirectMiddleware"] > order[MIDDLEWARE]
    assert order[f"{base}httpcompression.HttpCompressionMiddleware"] > order[MIDDLEWARE]
    assert order[f"{base}redirect.MetaRefreshMiddleware"] > order[MIDDLEWARE]
    assert settings["HABARI_WARC_DIR"] == str(make_settings().warc_dir)


def test_a_write_failure_is_the_sources_error_and_the_page_goes_on_unarchived(tmp_path):
    not_a_directory = tmp_path / "warc"
    not_a_directory.write_text("")
    crawler = get_crawler(settings_dict={"HABARI_WARC_DIR": str(not_a_directory)})
    crawler.stats.open_spider()
    middleware = WarcArchiveMiddleware.from_crawler(crawler)
    request, response = exchange()
    request.meta["source"] = unreachable_source("sauti-rss")

    assert asyncio.run(middleware.process_response(request, response)) is response
    middleware.close()
    assert "archive_ref" not in request.meta
    assert crawler.stats.get_value("habari_warc/write_errors") == 1
    assert crawler.stats.get_value("habari/sauti-rss/error").startswith(f"could not archive {request.url}: ")
