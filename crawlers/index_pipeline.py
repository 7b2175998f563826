"""Scrapy's item pipeline as a thin adapter: each FetchedPage goes through `pipeline.Pipeline`.

Articles are upserted into the store in batches; rejections and store failures are counted per source. A page's
fetch is recorded only once its article is indexed or rejected: a batch the store refused is fetched again.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from crawlers import source_stats
from crawlers.scrapy_settings import HABARI_SETTINGS, INDEX_BATCH_SIZE
from settings.environment import Settings
from pipeline import FetchedPage, Pipeline, Rejected
from store import Article, ArticleStore, StoreError, open_store
from store.models import FetchRecord

logger = logging.getLogger(__name__)


class IndexPipeline:
    def __init__(self, settings: Settings, stats: StatsCollector, batch_size: int) -> None:
        self._settings = settings
        self._stats = stats
        self._batch_size = batch_size
        self._batch: list[Article] = []
        self._settled: list[FetchRecord] = []  # fetches of pages rejected since the last flush
        self._unsettled: list[FetchRecord] = []  # fetches of the articles in the batch
        self._indexed_sources: set[str] = set()
        self._store: ArticleStore | None = None
        self._pipeline: Pipeline | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        settings = crawler.settings.get(HABARI_SETTINGS)
        if settings is None:
            raise NotConfigured(f"{HABARI_SETTINGS} is not set: there is no store to index into")
        return cls(settings, crawler.stats, crawler.settings.getint(INDEX_BATCH_SIZE, 100))

    def open_spider(self) -> None:
        self._store = open_store(self._settings)
        self._pipeline = Pipeline.open(self._settings.config, self._settings.stories_path)

    def process_item(self, item: object) -> object:
        if not isinstance(item, FetchedPage):
            return item
        result = self._pipeline.process_page(item)
        if isinstance(result, Rejected):
            source_stats.reject(self._stats, item.source_id, result.reason)
            self._settled.extend(_fetches(item))
            return item
        self._batch.append(result)
        self._unsettled.extend(_fetches(item))
        if len(self._batch) >= self._batch_size:
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
        if batch:
            source_ids = {article.source_id for article in batch}
            try:
                self._store.upsert(batch)
                outcome = source_stats.ARTICLES_INDEXED
                self._indexed_sources |= source_ids
            except StoreError as error:
                self._record_store_error(
                    source_ids, f"could not index {len(batch)} articles (fetched again on the next poll): {error}"
                )
                outcome, unsettled = source_stats.ARTICLES_NOT_INDEXED, []
            for article in batch:
                source_stats.count(self._stats, article.source_id, outcome)
        self._save_fetches(settled + unsettled)

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
