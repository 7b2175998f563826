"""Runs one crawl of the configured sources in a fresh child process; returns an outcome per source.

Twisted's reactor cannot restart, so each crawl gets its own process and a scheduler can crawl again and again.
"""
from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterable, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection

from scrapy.crawler import AsyncCrawlerProcess

from crawlers.feed_spider import FeedSpider
from crawlers.scrapy_settings import LOCAL_WEB, POLITE, CrawlLimits, scrapy_settings
from crawlers.source_stats import NOT_FETCHED, SourceOutcome, failed_outcomes, outcomes_from_stats
from habari.config import Source, SourceKind
from habari.settings import Settings

logger = logging.getLogger("habari.crawl")

SUPPORTED_KINDS = frozenset({SourceKind.rss})


def crawl(
    settings: Settings, source_ids: Iterable[str] | None = None, limits: CrawlLimits | None = None
) -> list[SourceOutcome]:
    """Crawl the given sources (default: every enabled one); every source gets an outcome, logged.

    Limits default to POLITE, or LOCAL_WEB when settings say every source is on this machine.
    """
    limits = limits or (LOCAL_WEB if settings.local_web else POLITE)
    sources = _select(settings, source_ids)
    outcomes = {
        source.id: SourceOutcome(source.id, ok=False, error=f"kind '{source.kind.value}' is not supported yet")
        for source in sources if source.kind not in SUPPORTED_KINDS
    }
    runnable = [source for source in sources if source.kind in SUPPORTED_KINDS]
    if runnable:
        outcomes.update((outcome.source_id, outcome) for outcome in _run_in_child(settings, runnable, limits))
    ordered = [outcomes[source.id] for source in sources]
    for outcome in ordered:
        logger.log(logging.INFO if outcome.ok else logging.WARNING, "source %s", outcome.describe())
    return ordered


def _select(settings: Settings, source_ids: Iterable[str] | None) -> list[Source]:
    if source_ids is None:
        return [source for source in settings.config.sources if source.enabled]
    return [settings.config.source(source_id) for source_id in source_ids]


def _run_in_child(settings: Settings, sources: Sequence[Source], limits: CrawlLimits) -> list[SourceOutcome]:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(settings, sources, limits, sender), name="habari-crawl")
    child.start()
    sender.close()  # the child holds the only sending end, so its death ends recv() with EOFError
    try:
        outcomes = receiver.recv()
    except EOFError:
        outcomes = None
    finally:
        receiver.close()
        child.join()
    if outcomes is None:
        return failed_outcomes((s.id for s in sources), f"the crawl process died (exit code {child.exitcode})")
    return outcomes


def _child_main(settings: Settings, sources: Sequence[Source], limits: CrawlLimits, sender: Connection) -> None:
    try:
        outcomes = _crawl_here(settings, sources, limits)
    except Exception as error:
        logger.exception("the crawl failed")
        outcomes = failed_outcomes((s.id for s in sources), _crawl_failed(error))
    sender.send(outcomes)
    sender.close()


def _crawl_here(settings: Settings, sources: Sequence[Source], limits: CrawlLimits) -> list[SourceOutcome]:
    process = AsyncCrawlerProcess(scrapy_settings(settings, limits))
    # An unreachable host's robots.txt is logged with a full traceback; the feed's own failure
    # is reported in the source's outcome instead, in one line.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    crawler = process.create_crawler(FeedSpider)
    task = process.crawl(crawler, sources=sources)
    process.start()
    failure = task.exception() if task.done() and not task.cancelled() else None
    outcomes = outcomes_from_stats(crawler.stats.get_stats(), (s.id for s in sources))
    if failure is None:
        return outcomes
    logger.error("the crawl failed", exc_info=failure)
    message = _crawl_failed(failure)
    return [replace(o, ok=False, error=message) if o.error in (None, NOT_FETCHED) else o for o in outcomes]


def _crawl_failed(error: BaseException) -> str:
    return f"the crawl failed: {type(error).__name__}: {error}"
