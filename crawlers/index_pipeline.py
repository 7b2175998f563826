"""Scrapy's item pipeline as a thin adapter: each FetchedPage goes through `pipeline.Pipeline`.

Articles are upserted into the store in batches, under their stories' current ids (`pipeline.indexing`); rejections,
failed pages and store failures are counted per source.
A page's fetch is recorded only once its article is indexed or rejected, or its failure is kept in the store (to be
processed again from the archive, not fetched again): a batch the store refused is fetched again.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from crawlers import source_stats
from crawlers.scrapy_settings import HABARI_SETTINGS, INDEX_BATCH_SIZE
from settings.environment import Settings
from pipeline import Failed, FetchedPage, Pipeline, Rejected
from pipeline.indexing import StoryIndexer
from store import Article, ArticleStore, StoreError, open_store
from store.models import FailedPage, FetchRecord

logger = logging.getLogger(__name__)


class IndexPipeline:
    def __init__(self, settings: Settings, stats: StatsCollector, batch_size: int) -> None:
        self._settings = settings
        self._stats = stats
        self._batch_size = batch_size
        self._batch: list[Article] = []
        self._settled: list[FetchRecord] = []  # fetches of pages rejected since the last flush
        self._unsettled: list[FetchRecord] = []  # fetches of the articles in the batch
        self._failures: list[tuple[FailedPage, list[FetchRecord]]] = []  # pages failed since the last flush
        self._failed_before: set[str] = set()  # URLs of the pages with a failure in the store
        self._batch_urls: list[str] = []  # the URLs the articles in the batch were fetched from
        self._rejected_urls: list[str] = []
        self._indexed_sources: set[str] = set()
        self._store: ArticleStore | None = None
        self._pipeline: Pipeline | None = None
        self._indexer: StoryIndexer | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        settings = crawler.settings.get(HABARI_SETTINGS)
        if settings is None:
            raise NotConfigured(f"{HABARI_SETTINGS} is not set: there is no store to index into")
        return cls(settings, crawler.stats, crawler.settings.getint(INDEX_BATCH_SIZE, 100))

    def open_spider(self) -> None:
        self._store = open_store(self._settings)
        self._failed_before = {failure.url for failure in self._store.failed_pages()}
        self._pipeline = Pipeline.from_settings(self._settings)
        self._indexer = StoryIndexer(self._store, self._pipeline.stories)
        self._indexer.index([])  # merges an earlier run made but did not carry to the store

    def process_item(self, item: object) -> object:
        if not isinstance(item, FetchedPage):
            return item
        result = self._pipeline.process_page(item)
        if isinstance(result, Failed):
            logger.error("processing %s failed in the %s stage: %s", item.url, result.stage, result.message)
            source_stats.fail(self._stats, item.source_id, result.stage)
            failure = FailedPage(item.url, item.source_id, result.stage, result.message, datetime.now(UTC), item.archive)
            self._failures.append((failure, _fetches(item)))
        elif isinstance(result, Rejected):
            source_stats.reject(self._stats, item.source_id, result.reason)
            self._settled.extend(_fetches(item))
            self._rejected_urls.append(item.url)
        else:
            self._batch.append(result)
            self._unsettled.extend(_fetches(item))
            self._batch_urls.append(item.url)
        if len(self._batch) + len(self._failures) >= self._batch_size:
            self._flush()
        return item

    def close_spider(self) -> None:
        try:
            self._flush()
            if self._indexed_sources:
                self._store.refresh()
        except StoreError as error:
            self._record_store_error(self._indexed_sources, f"the store could not refresh: {error}")
        finally:
            for opened in (self._store, self._pipeline):  # either may not be, if open_spider failed
                if opened is not None:
                    opened.close()

    def _flush(self) -> None:
        batch, self._batch = self._batch, []
        settled, self._settled = self._settled, []
        unsettled, self._unsettled = self._unsettled, []
        settled += self._record_failures()
        processed, self._rejected_urls = self._rejected_urls, []
        batch_urls, self._batch_urls = self._batch_urls, []
        if batch:
            source_ids = {article.source_id for article in batch}
            try:
                self._indexer.index(batch)
                outcome = source_stats.ARTICLES_INDEXED
                self._indexed_sources |= source_ids
                processed += batch_urls
            except StoreError as error:
                self._record_store_error(
                    source_ids, f"could not index {len(batch)} articles (fetched again on the next poll): {error}"
                )
                outcome, unsettled = source_stats.ARTICLES_NOT_INDEXED, []
            for article in batch:
                source_stats.count(self._stats, article.source_id, outcome)
        self._save_fetches(settled + unsettled)
        self._clear_failures([url for url in processed if url in self._failed_before])

    def _record_failures(self) -> list[FetchRecord]:
        """Keep the failed pages in the store; their fetches, to record once they are kept (a failure the store
        refused is fetched and processed again on the next poll)."""
        failures, self._failures = self._failures, []
        if not failures:
            return []
        try:
            self._store.record_failures(failure for failure, _ in failures)
        except StoreError as error:
            message = f"could not record {len(failures)} failed pages (fetched again on the next poll): {error}"
            self._record_store_error({failure.source_id for failure, _ in failures}, message)
            return []
        self._failed_before |= {failure.url for failure, _ in failures}
        return [record for _, records in failures for record in records]

    def _clear_failures(self, urls: list[str]) -> None:
        """Forget the earlier failures of pages that were indexed or rejected now."""
        if not urls:
            return
        try:
            self._store.clear_failures(urls)
        except StoreError as error:  # kept, the failure is only processed again: the upsert is idempotent
            logger.error("could not clear %d failures: %s", len(urls), error)
            return
        self._failed_before -= set(urls)

    def _save_fetches(self, records: list[FetchRecord]) -> None:
        if not records:
            return
        try:
            self._store.save_fetch_records(records)
        except StoreError as error:  # the pages are fetched again next time, and their upserts are idempotent
            logger.error("could not record %d fetches: %s", len(records), error)

    def _record_store_error(self, source_ids: Iterable[str], message: str) -> None:
        logger.error("%s (sources: %s)", message, ", ".join(sorted(source_ids)))
        for source_id in source_ids:
            source_stats.record_error(self._stats, source_id, message)


def _fetches(page: FetchedPage) -> list[FetchRecord]:
    return [page.fetch] if page.fetch is not None else []
