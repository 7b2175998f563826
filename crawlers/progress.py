"""Crawl progress: a Scrapy extension in the crawl's process sends running totals to the parent
every second, so a terminal can show them while a long crawl runs.

Reads HABARI_PROGRESS_PIPE (a ProgressPipe); off when it is unset.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawlers import source_stats

logger = logging.getLogger(__name__)
PROGRESS_PIPE = "HABARI_PROGRESS_PIPE"
INTERVAL_SECONDS = 1.0


class ProgressPipe:
    """The sending end of the pipe to the parent; Scrapy deep-copies its settings, and a copied
    Connection would close the descriptor, so copies share this one."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def __deepcopy__(self, memo: dict) -> ProgressPipe:
        return self

    def send(self, progress: CrawlProgress) -> None:
        self.connection.send(("progress", progress))


@dataclass(frozen=True)
class CrawlProgress:
    requests: int
    pages_fetched: int
    articles_indexed: int

    @classmethod
    def total(cls, parts: Iterable[CrawlProgress]) -> CrawlProgress:
        parts = list(parts)
        return cls(
            requests=sum(part.requests for part in parts),
            pages_fetched=sum(part.pages_fetched for part in parts),
            articles_indexed=sum(part.articles_indexed for part in parts),
        )


class ProgressReporter:
    def __init__(self, crawler: Crawler, pipe: ProgressPipe) -> None:
        self._stats = crawler.stats
        self._pipe = pipe
        self._loop = task.LoopingCall(self.send)
        crawler.signals.connect(self.start, signal=signals.spider_opened)
        crawler.signals.connect(self.stop, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        pipe = crawler.settings.get(PROGRESS_PIPE)
        if pipe is None:
            raise NotConfigured(f"{PROGRESS_PIPE} is not set: no one to report progress to")
        return cls(crawler, pipe)

    def start(self) -> None:
        self._loop.start(INTERVAL_SECONDS)

    def stop(self) -> None:
        if self._loop.running:
            self._loop.stop()

    def send(self) -> None:
        stats = self._stats.get_stats()
        totals = {
            name: sum(value for key, value in stats.items() if key.startswith("habari/") and key.endswith("/" + name))
            for name in (source_stats.PAGES_FETCHED, source_stats.ARTICLES_INDEXED)
        }
        self._pipe.send(CrawlProgress(
            requests=stats.get("downloader/request_count", 0),
            pages_fetched=totals[source_stats.PAGES_FETCHED],
            articles_indexed=totals[source_stats.ARTICLES_INDEXED],
        ))
