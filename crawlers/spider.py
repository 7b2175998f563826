"""The one spider: reads each source's listings (feed, sitemap, section page, search feed, page),
and fetches the article pages on them that were not fetched before, as FetchedPage items.

Listings are fetched with conditional GET; a 304 ends that listing at no further cost. What was fetched is
recorded in the store for the seen-check: listings when the crawl ends, article pages once indexed or rejected
(at once in a crawl that does not index). A sitemap source reads only its window (crawlers/sitemap_window.py).
"""
from __future__ import annotations

import hashlib
import logging
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from crawlers import source_stats
from crawlers.feeds import FeedError, parse_feed
from crawlers.links import ArticleLink, SeenFilter, web_address
from crawlers.scrapy_settings import HABARI_SETTINGS, INDEXING
from crawlers.sections import listing_evidence, read_section
from crawlers.sitemap_window import SitemapPoll
from crawlers.sitemaps import SitemapError, parse_sitemap
from settings.config import Source, SourceKind
from pipeline.page import FetchedPage
from store import ArticleStore, open_store
from store.models import FetchRecord

logger = logging.getLogger(__name__)

MAX_SITEMAP_DEPTH = 2
MAX_LISTINGS_PER_SOURCE = 50
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
RECORD_BATCH = 100
# Scrapy's words for a body over DOWNLOAD_MAXSIZE, as announced or as received, and once decompressed
_OVER_SIZE_CAP = ("larger than download max size", "exceeded DOWNLOAD_MAXSIZE")
ROBOTS_FORBIDDEN = "Forbidden by robots.txt"  # Scrapy's RobotsTxtMiddleware's words
UNFINISHED = "not fetched before the crawl ended"
NOT_A_WEB_ADDRESS = "not a web address"
LISTING_NAMES = {
    SourceKind.rss: "feed",
    SourceKind.search: "search feed",
    SourceKind.sitemap: "sitemap",
    SourceKind.section: "section page",
    SourceKind.page: "page",
}


class NewsSpider(scrapy.Spider):
    name = "habari"

    def __init__(self, sources: Sequence[Source], search_terms: Sequence[str] = (), refetch: bool = False,
                 refuse_listings: bool = False, **kwargs: Any) -> None:
        """`refuse_listings`: a `page` source's page that is a home or section page fails its source, saying so,
        instead of being indexed as an article (a page the officer submits)."""
        super().__init__(**kwargs)
        self.sources = tuple(sources)
        self.search_terms = tuple(search_terms)
        self.refetch = refetch
        self.refuse_listings = refuse_listings
        self.store: ArticleStore
        self.seen: SeenFilter
        self.requested = Counter[tuple[str, str]]()  # (source id, "article" | "listing") -> requests made
        self.answered = Counter[tuple[str, str]]()  # ... -> requests whose response or failure came back
        self.over_cap: set[str] = set()  # sources with more new links than their per-run cap
        self.listed: set[tuple[str, str]] = set()  # (source id, URL) of the listings requested, each once a run
        self.records: list[FetchRecord] = []
        self.listing_records: list[tuple[str, FetchRecord]] = []  # (source id, record), kept when the crawl ends
        self.indexing = True
        self.sitemaps: SitemapPoll

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.store = open_store(crawler.settings[HABARI_SETTINGS])
        spider.seen = SeenFilter(spider.store)
        spider.sitemaps = SitemapPoll(crawler.settings[HABARI_SETTINGS].sitemaps_path)
        spider.indexing = crawler.settings.getbool(INDEXING, True)
        crawler.signals.connect(spider.close_store, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            if source.kind is SourceKind.page:
                for request in self.article_requests(source, [ArticleLink(source.url)]):
                    yield request
                source_stats.count(self.crawler.stats, source.id, source_stats.LISTING_LINKS)
                continue
            urls = [source.search_url(term) for term in self.search_terms] if source.kind is SourceKind.search else [
                source.url
            ]
            for url in urls:
                yield self.listing_request(source, url, depth=0)

    def listing_request(self, source: Source, url: str, depth: int) -> scrapy.Request:
        self.requested[source.id, "listing"] += 1
        self.listed.add((source.id, canonicalize_url(url)))
        headers = {}
        record = self.store.fetch_records([url]).get(url)
        if record and record.etag:
            headers["If-None-Match"] = record.etag
        if record and record.last_modified:
            headers["If-Modified-Since"] = record.last_modified
        return scrapy.Request(
            url, callback=self.parse_listing, errback=self.listing_failed, headers=headers, dont_filter=True,
            meta={"source": source, "depth": depth, "link_url": url, "handle_httpstatus_list": [304]},
        )

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        source: Source = response.meta["source"]
        stats = self.crawler.stats
        self.answered[source.id, "listing"] += 1
        if source.kind is SourceKind.sitemap:
            self.sitemaps.listing_read(source.id)
        if response.status == 304:
            source_stats.count(stats, source.id, source_stats.NOT_MODIFIED)
            source_stats.count(stats, source.id, source_stats.LISTING_LINKS, 0)
            return
        self.listing_records.append((source.id, fetch_record(response)))
        try:
            read_links, read_listings = self.read_listing(response, source)
        except (FeedError, SitemapError, OSError) as error:
            self.listing_error(source, response.url, str(error))
            return
        except Exception as error:  # noqa: BLE001 (a bug not found yet fails this source, named, not the crawl)
            logger.exception("%s: could not read %s", source.id, response.url)
            self.listing_error(source, response.url, f"could not be read: {type(error).__name__}: {error}")
            return
        links = [replace(link, url=url) for link in read_links if (url := web_address(link.url, response.url))]
        listings = [url for listed in read_listings if (url := web_address(listed, response.url))]
        if unusable := len(read_links) + len(read_listings) - len(links) - len(listings):
            source_stats.count(stats, source.id, source_stats.REJECTED + NOT_A_WEB_ADDRESS, unusable)
        source_stats.count(stats, source.id, source_stats.LISTING_LINKS, len(links))
        depth = response.meta["depth"]
        for url in listings:
            if (source.id, canonicalize_url(url)) in self.listed:
                continue
            if self.requested[source.id, "listing"] < MAX_LISTINGS_PER_SOURCE:
                yield self.listing_request(source, url, depth + 1)
        yield from self.article_requests(source, links)

    def read_listing(self, response: Response, source: Source) -> tuple[list[ArticleLink], list[str]]:
        """The article links on a listing, and the further listings to visit."""
        depth = response.meta["depth"]
        if source.kind in (SourceKind.rss, SourceKind.search):
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            feed = parse_feed(response.body, content_type)
            if feed.problem:
                self.listing_error(source, response.url, feed.problem)
            return feed.links, []
        if source.kind is SourceKind.sitemap:
            body = response.body
            if body[:2] == b"\x1f\x8b":
                try:
                    body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
                except (EOFError, zlib.error) as error:  # cut off, or not deflate at all
                    raise SitemapError(f"not a readable gzip file: {error}") from None
            sitemap = parse_sitemap(body)
            window = self.sitemaps.window(source.id)
            children = [child.url for child in sitemap.children if window.covers(child.changed_at)]
            return window.unhandled(sitemap.links), children if depth < MAX_SITEMAP_DEPTH else []
        if not isinstance(response, HtmlResponse):
            if depth == 0:
                raise FeedError(f"a section page must be HTML, not {_content_type(response)}")
            return [], []  # a feed or file linked from the section: not a page to read links from
        section = read_section(response, source)
        return section.articles, section.listings if depth < source.max_depth else []

    def article_requests(self, source: Source, links: Iterable[ArticleLink]) -> Iterator[scrapy.Request]:
        if self.refetch:
            fresh = list(links)
            for link in fresh:
                self.seen.mark(link.url)
        else:
            fresh = self.seen.new_links(links)
        for link in fresh:
            if self.requested[source.id, "article"] >= source.max_pages:
                source_stats.reject(self.crawler.stats, source.id, f"over the cap of {source.max_pages} pages a run")
                self.over_cap.add(source.id)
                continue
            self.requested[source.id, "article"] += 1
            yield scrapy.Request(
                link.url, callback=self.parse_article, errback=self.article_failed, dont_filter=True,
                meta={"source": source, "entry": link.entry, "link_url": link.url, "changed_at": link.changed_at,
                      "archive": True},
            )

    def parse_article(self, response: Response) -> Iterator[FetchedPage]:
        source: Source = response.meta["source"]
        source_stats.count(self.crawler.stats, source.id, source_stats.PAGES_FETCHED)
        self.answered[source.id, "article"] += 1
        self.mark_handled(source, response.meta)
        fetch: FetchRecord | None = fetch_record(response)
        if not isinstance(response, HtmlResponse):
            self.remember(fetch)
            source_stats.reject(self.crawler.stats, source.id, f"not HTML ({_content_type(response)})")
            return
        if self.refuse_listings and source.kind is SourceKind.page and (found := listing_evidence(response, source)):
            self.remember(fetch)
            self.listing_error(source, response.meta["link_url"], found.describe())
            return
        if not self.indexing:  # otherwise the index pipeline records it once the article is indexed or rejected
            self.remember(fetch)
            fetch = None
        yield FetchedPage(
            url=response.url,
            body=response.body,
            fetched_at=fetch.fetched_at,
            source_id=source.id,
            outlet=source.outlet,
            outlet_type=source.outlet_type.value,
            encoding=_declared_charset(response),
            entry=response.meta["entry"],
            archive=response.meta.get("archive_ref"),
            fetch=fetch,
        )

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on errback failures
        source: Source = request.meta["source"]
        self.answered[source.id, "listing"] += 1
        if request.meta["depth"] > 0 and forbidden_by_robots(failure):  # a link on a listing: obeyed, not an error
            source_stats.count(self.crawler.stats, source.id, source_stats.ROBOTS_FORBIDDEN)
            return
        self.listing_error(source, request.url, describe_failure(failure))

    def listing_error(self, source: Source, url: str, message: str) -> None:
        source_stats.record_error(self.crawler.stats, source.id, f"{LISTING_NAMES[source.kind]} {url}: {message}")

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source: Source = request.meta["source"]
        self.answered[source.id, "article"] += 1
        if source.kind is SourceKind.page:  # the source's one page: its failure is the source's
            self.listing_error(source, request.meta["link_url"], describe_failure(failure))
        elif forbidden_by_robots(failure):
            source_stats.count(self.crawler.stats, source.id, source_stats.ROBOTS_FORBIDDEN)
            self.mark_handled(source, request.meta)
        else:
            source_stats.reject(self.crawler.stats, source.id, describe_failure(failure))

    def mark_handled(self, source: Source, meta: dict[str, Any]) -> None:
        """A sitemap entry fetched (or forbidden): its window skips it until its lastmod changes."""
        if source.kind is SourceKind.sitemap and meta["changed_at"] is not None:
            self.sitemaps.handled(source.id, meta["link_url"], meta["changed_at"])

    def remember(self, record: FetchRecord) -> None:
        """Keep a fetch's record; written to the store in batches."""
        self.records.append(record)
        if len(self.records) >= RECORD_BATCH:
            self.save_records()

    def save_records(self) -> None:
        records, self.records = self.records, []
        if records:
            self.store.save_fetch_records(records)

    def close_store(self) -> None:
        try:
            self.count_unfinished()
            self.records.extend(self.settled_listing_records())
            self.save_records()
            self.save_sitemap_windows()
        finally:
            self.store.close()
            self.sitemaps.close()

    def count_unfinished(self) -> None:
        """Requests still waiting when the crawl ended (its time limit), counted against their sources."""
        for (source_id, kind), requested in self.requested.items():
            if (waiting := requested - self.answered[source_id, kind]) > 0:
                source_stats.count(self.crawler.stats, source_id, source_stats.REJECTED + UNFINISHED, waiting)

    def left_behind(self, source_id: str) -> bool:
        """Whether this poll left links of the source unread or unsettled: it failed, the store refused some of
        its articles, it had more than its cap, or the crawl ended before every request came back."""
        stats = self.crawler.stats
        return (
            source_stats.get(stats, source_id, source_stats.ERROR) is not None
            or bool(source_stats.get(stats, source_id, source_stats.ARTICLES_NOT_INDEXED))
            or bool(source_stats.get(stats, source_id, source_stats.REJECTED + UNFINISHED))
            or source_id in self.over_cap
        )

    def settled_listing_records(self) -> Iterator[FetchRecord]:
        """The listings' records, kept at the end (the index pipeline has closed by then): a source that left
        links behind keeps none of its validators, so its next poll reads each listing whole and fetches those
        links instead of hearing 304."""
        for source_id, record in self.listing_records:
            if self.left_behind(source_id):
                record = replace(record, etag=None, last_modified=None)
            yield record

    def save_sitemap_windows(self) -> None:
        """A sitemap source's window moves on only when its poll left nothing behind; the entries of a source
        whose articles the store refused are not kept (the store's fetch records tell which were indexed)."""
        for source_id in self.sitemaps.sources_read():
            refused = source_stats.get(self.crawler.stats, source_id, source_stats.ARTICLES_NOT_INDEXED)
            self.sitemaps.save(source_id, moves_on=not self.left_behind(source_id), keeps_handled=not refused)


def fetch_record(response: Response) -> FetchRecord:
    """The fetch's validators and content hash, under the URL the listing gave (redirects keep it in meta)."""
    header = response.headers.get
    return FetchRecord(
        url=response.meta["link_url"],
        fetched_at=datetime.now(timezone.utc),
        status=response.status,
        etag=_text(header("ETag")),
        last_modified=_text(header("Last-Modified")),
        content_sha256=hashlib.sha256(response.body).hexdigest(),
    )


def forbidden_by_robots(failure: Failure) -> bool:
    return bool(failure.check(IgnoreRequest)) and failure.getErrorMessage() == ROBOTS_FORBIDDEN


def describe_failure(failure: Failure) -> str:
    """A short reason, the same for every page that fails the same way (rejections are counted by reason):
    'HTTP 404 Not Found', 'Forbidden by robots.txt', 'timed out after 30 s', 'over the size cap', 'DNS lookup
    failed: ...'."""
    if failure.check(HttpError):
        status = failure.value.response.status
        try:
            return f"HTTP {status} {HTTPStatus(status).phrase}"
        except ValueError:  # a status HTTP does not name
            return f"HTTP {status}"
    message = failure.getErrorMessage()
    if failure.check(DownloadTimeoutError):
        request = getattr(failure, "request", None)
        timeout = request.meta.get("download_timeout") if request is not None else None
        return f"timed out after {timeout:g} s" if timeout else "timed out"
    if any(words in message for words in _OVER_SIZE_CAP):  # Scrapy's message names the URL: one reason for all
        return "over the size cap"
    if failure.check(IgnoreRequest):
        return message or "request ignored"
    return message or failure.type.__name__


def _content_type(response: Response) -> str:
    return response.headers.get("Content-Type", b"unknown type").decode("latin-1").split(";")[0]


def _declared_charset(response: Response) -> str | None:
    """The charset the HTTP header declares, if any; the pipeline decides whether to believe it."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None
