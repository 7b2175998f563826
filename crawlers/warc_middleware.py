"""A downloader middleware that writes each 2xx response of a request marked `meta["archive"]` to the WARC
archive, and leaves the ArchiveRef in `meta["archive_ref"]` for the spider's FetchedPage.

Reads HABARI_WARC_DIR (off when unset). At 560 it sees responses after redirects (600), decompression (590)
and meta refresh (580); records are compressed and written on one worker thread, off the reactor.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.statscollectors import StatsCollector

from crawlers import source_stats
from pipeline.page import FeedEntry, PageContext
from store.archive import Capture, WarcArchive

logger = logging.getLogger(__name__)
WARC_DIR = "HABARI_WARC_DIR"
ARCHIVE = "archive"  # request meta: archive this request's response
ARCHIVE_REF = "archive_ref"  # request meta: where it was archived


class WarcArchiveMiddleware:
    def __init__(self, archive: WarcArchive, stats: StatsCollector) -> None:
        self._archive = archive
        self._stats = stats
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc")  # one at a time: appends in order

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        directory = crawler.settings.get(WARC_DIR)
        if not directory:
            raise NotConfigured(f"{WARC_DIR} is not set: fetched pages are not archived")
        middleware = cls(WarcArchive(Path(directory)), crawler.stats)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    async def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.get(ARCHIVE) or not 200 <= response.status < 300:
            return response
        loop = asyncio.get_running_loop()
        try:
            request.meta[ARCHIVE_REF] = await loop.run_in_executor(
                self._writer, self._archive.write, capture(request, response)
            )
        except OSError as error:
            message = f"could not archive {response.url}: {error}"
            logger.error(message)
            self._stats.inc_value("habari_warc/write_errors")
            source = request.meta.get("source")
            if source is not None:
                source_stats.record_error(self._stats, source.id, message)
            return response
        self._stats.inc_value("habari_warc/records")
        return response

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        self._archive.close()


def capture(request: Request, response: Response) -> Capture:
    """The exchange as Scrapy saw it (Scrapy keeps header names in its own capitalisation), with the page's
    source and feed entry when the spider gave them, so that the archive alone can be processed again."""
    source = request.meta.get("source")
    context = None
    if source is not None:
        entry = request.meta.get("entry") or FeedEntry()
        context = PageContext(source.id, source.outlet, source.outlet_type.value, entry).to_json()
    return Capture(
        url=response.url,
        status=response.status,
        headers=_pairs(response.headers),
        payload=response.body,
        method=request.method,
        request_headers=_pairs(request.headers),
        protocol=response.protocol or "HTTP/1.1",
        ip_address=str(response.ip_address) if response.ip_address else None,
        context=context,
    )


def _pairs(headers: Headers) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values
    )
