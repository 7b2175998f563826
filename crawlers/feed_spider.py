"""The spider for `kind: rss` sources: reads each feed with feedparser and fetches every entry's page.

Each HTML article response becomes a FetchedPage item; a feed that fails is recorded as its source's error.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

import feedparser
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.html import remove_tags, replace_entities

from crawlers import source_stats
from habari.config import Source
from pipeline.page import FeedEntry, FetchedPage


class FeedSpider(scrapy.Spider):
    name = "habari-feeds"

    def __init__(self, sources: Sequence[Source], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = tuple(sources)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            yield scrapy.Request(
                str(source.url), callback=self.parse_feed, errback=self.feed_failed,
                meta={"source": source}, dont_filter=True,
            )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        source: Source = response.meta["source"]
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        feed = feedparser.parse(response.body, response_headers={"content-type": content_type})
        if not feed.entries and (feed.bozo or not feed.version):
            problem = feed.get("bozo_exception") or "no RSS or Atom document found"
            message = f"feed {response.url} is not valid RSS/Atom: {problem}"
            source_stats.record_error(self.crawler.stats, source.id, message)
            return
        source_stats.record_feed_entries(self.crawler.stats, source.id, len(feed.entries))
        for entry in feed.entries:
            link = entry.get("link")
            if not link:
                source_stats.reject(self.crawler.stats, source.id, "feed entry without a link")
                continue
            yield response.follow(
                link, callback=self.parse_article, errback=self.article_failed,
                meta={"source": source, "entry": feed_entry(entry)},
            )

    def parse_article(self, response: Response) -> Iterator[FetchedPage]:
        source: Source = response.meta["source"]
        source_stats.count(self.crawler.stats, source.id, source_stats.PAGES_FETCHED)
        if not isinstance(response, HtmlResponse):
            content_type = response.headers.get("Content-Type", b"unknown type").decode("latin-1").split(";")[0]
            source_stats.reject(self.crawler.stats, source.id, f"not HTML ({content_type})")
            return
        yield FetchedPage(
            url=response.url,
            body=response.body,
            fetched_at=datetime.now(timezone.utc),
            source_id=source.id,
            outlet=source.outlet,
            encoding=response.encoding,
            entry=response.meta["entry"],
        )

    def feed_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on errback failures
        source: Source = request.meta["source"]
        source_stats.record_error(self.crawler.stats, source.id, f"feed {request.url}: {describe_failure(failure)}")

    def article_failed(self, failure: Failure) -> None:
        source: Source = failure.request.meta["source"]  # type: ignore[attr-defined]
        source_stats.reject(self.crawler.stats, source.id, describe_failure(failure))


def feed_entry(entry: feedparser.FeedParserDict) -> FeedEntry:
    """What a feed entry says about its page; the summary as plain text."""
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return FeedEntry(
        title=entry.get("title", ""),
        published=datetime(*published[:6], tzinfo=timezone.utc) if published else None,
        summary=replace_entities(remove_tags(entry.get("summary", ""))),
        authors=tuple(author["name"] for author in entry.get("authors", ()) if author.get("name")),
    )


def describe_failure(failure: Failure) -> str:
    """A short reason: 'HTTP 404', 'Forbidden by robots.txt', 'DNS lookup failed: ...'."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    if failure.check(IgnoreRequest):
        return failure.getErrorMessage() or "request ignored"
    return failure.getErrorMessage() or failure.type.__name__
