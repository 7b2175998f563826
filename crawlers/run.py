"""Runs one crawl of the configured sources in a fresh child process; returns an outcome per source.

Twisted's reactor cannot restart, so each crawl gets its own process and a scheduler can crawl again and again.
The processes fork from a server that has already imported Scrapy and the pipeline, so a poll starts at once.
"""
from __future__ import annotations

import logging
import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from urllib.parse import urlsplit

from scrapy.crawler import AsyncCrawlerProcess

from crawlers.progress import PROGRESS_PIPE, CrawlProgress, ProgressPipe
from crawlers.scrapy_settings import LOCAL_WEB, POLITE, CrawlLimits, scrapy_settings
from crawlers.source_stats import (
    NOT_FETCHED,
    SourceOutcome,
    failed_outcomes,
    outcomes_from_stats,
)
from crawlers.spider import NewsSpider
from settings.config import Language, OutletType, Source, SourceKind
from settings.environment import Settings
from store import StoreError, open_store

logger = logging.getLogger("habari.crawl")

ProgressCallback = Callable[[CrawlProgress], None]
SUBMITTED = "submitted"  # the source id of pages the officer submits one by one


def crawl(
    settings: Settings,
    source_ids: Iterable[str] | None = None,
    limits: CrawlLimits | None = None,
    on_progress: ProgressCallback | None = None,
    index: bool = True,
) -> list[SourceOutcome]:
    """Crawl the given sources (default: every enabled one); every source gets an outcome, logged
    and kept in the store's source history. Limits default to POLITE, or LOCAL_WEB when settings
    say every source is on this machine; `on_progress` receives running totals every second.
    With `index` off, pages are fetched and archived but not indexed."""
    sources = _select(settings, source_ids)
    started_at = datetime.now(timezone.utc)
    job = CrawlJob(settings, tuple(sources), limits or _default_limits(settings), refetch=False, index=index)
    outcomes = _run_in_child(job, on_progress)
    _record_runs(settings, outcomes, started_at)
    return outcomes


def submit_url(settings: Settings, url: str, limits: CrawlLimits | None = None) -> SourceOutcome:
    """Fetch and index one page now, even if it was fetched before (`habari add-url`)."""
    host = urlsplit(url).hostname or url
    source = Source(
        id=SUBMITTED, outlet=host, outlet_type=OutletType.online, kind=SourceKind.page, url=url,
        language=Language.mixed,
    )
    (outcome,) = _run_in_child(CrawlJob(settings, (source,), limits or _default_limits(settings), refetch=True))
    return outcome


def _select(settings: Settings, source_ids: Iterable[str] | None) -> list[Source]:
    if source_ids is None:
        return [source for source in settings.config.sources if source.enabled]
    return [settings.config.source(source_id) for source_id in source_ids]


def _record_runs(settings: Settings, outcomes: Sequence[SourceOutcome], started_at: datetime) -> None:
    finished_at = datetime.now(timezone.utc)
    try:
        with open_store(settings) as store:
            for outcome in outcomes:
                store.record_source_run(outcome.as_run(started_at, finished_at))
    except StoreError as error:
        logger.error("the crawl's outcomes could not be kept in the store: %s", error)


@dataclass(frozen=True)
class CrawlJob:
    """One crawl as the child process receives it."""

    settings: Settings
    sources: tuple[Source, ...]
    limits: CrawlLimits
    refetch: bool
    index: bool = True


def _default_limits(settings: Settings) -> CrawlLimits:
    return LOCAL_WEB if settings.local_web else POLITE


def _run_in_child(job: CrawlJob, on_progress: ProgressCallback | None = None) -> list[SourceOutcome]:
    """Run the spider in fresh processes; log and return one outcome per source, in order."""
    outcomes = _sharded_outcomes(job, on_progress) if job.sources else []
    for outcome in outcomes:
        logger.log(logging.INFO if outcome.ok else logging.WARNING, "source %s", outcome.describe())
    return outcomes


def _sharded_outcomes(job: CrawlJob, on_progress: ProgressCallback | None) -> list[SourceOutcome]:
    """Up to `crawl_processes` children crawl at once, each host's sources in one of them, so
    per-host politeness holds while both cores work."""
    shards = host_shards(job.sources, job.settings.crawl_processes)
    if len(shards) == 1:
        return _child_outcomes(job, on_progress)
    latest: dict[int, CrawlProgress] = {}

    def shard_progress(index: int) -> ProgressCallback | None:
        if on_progress is None:
            return None

        def report(progress: CrawlProgress) -> None:
            latest[index] = progress
            on_progress(CrawlProgress.total(latest.values()))

        return report

    with ThreadPoolExecutor(len(shards), thread_name_prefix="crawl-shard") as pool:
        futures = [
            pool.submit(_child_outcomes, replace(job, sources=shard), shard_progress(index))
            for index, shard in enumerate(shards)
        ]
        by_source = {outcome.source_id: outcome for future in futures for outcome in future.result()}
    return [by_source[source.id] for source in job.sources]


def host_shards(sources: Sequence[Source], processes: int) -> list[tuple[Source, ...]]:
    """Sources split into at most `processes` groups, all sources of one host in the same group,
    hosts with the most sources placed first, each on the group with the fewest sources so far."""
    by_host: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        by_host[urlsplit(source.url).hostname or source.url].append(source)
    shards: list[list[Source]] = [[] for _ in range(max(1, min(processes, len(by_host))))]
    for host_sources in sorted(by_host.values(), key=len, reverse=True):
        min(shards, key=len).extend(host_sources)
    return [tuple(shard) for shard in shards]


def start_fork_server() -> None:
    """Start the server crawl processes fork from now rather than at the first crawl, and return once it
    serves (importing and warming up take about 8 s of one core)."""
    ready = _crawl_processes().Process(target=int, name="habari-crawl-ready")  # the first fork waits for it
    ready.start()
    ready.join()


def _crawl_processes() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["crawlers.preload"])  # read when the fork server starts
    return context


def _child_outcomes(job: CrawlJob, on_progress: ProgressCallback | None) -> list[SourceOutcome]:
    context = _crawl_processes()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(job, sender), name="habari-crawl")
    child.start()
    sender.close()  # the child holds the only sending end, so its death ends recv() with EOFError
    outcomes = None
    try:
        while outcomes is None:
            kind, payload = receiver.recv()
            if kind == "progress" and on_progress is not None:
                on_progress(payload)
            elif kind == "done":
                outcomes = payload
    except EOFError:
        pass
    finally:
        receiver.close()
        child.join()
    if outcomes is None:
        return failed_outcomes((s.id for s in job.sources), f"the crawl process died (exit code {child.exitcode})")
    return outcomes


def _child_main(job: CrawlJob, sender: Connection) -> None:
    try:
        outcomes = _crawl_here(job, sender)
    except Exception as error:
        logger.exception("the crawl failed")
        outcomes = failed_outcomes((s.id for s in job.sources), _crawl_failed(error))
    sender.send(("done", outcomes))
    sender.close()


def _crawl_here(job: CrawlJob, sender: Connection) -> list[SourceOutcome]:
    settings = scrapy_settings(job.settings, job.limits, job.index)
    process = AsyncCrawlerProcess({**settings, PROGRESS_PIPE: ProgressPipe(sender)})
    # An unreachable host's robots.txt is logged with a full traceback; the feed's own failure
    # is reported in the source's outcome instead, in one line.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    crawler = process.create_crawler(NewsSpider)
    task = process.crawl(
        crawler, sources=job.sources, search_terms=job.settings.config.watch.search_terms, refetch=job.refetch
    )
    process.start()
    failure = task.exception() if task.done() and not task.cancelled() else None
    try:
        stats = crawler.stats.get_stats()
    except RuntimeError:  # the crawl failed before Scrapy made its stats: every source gets the failure
        stats = {}
    outcomes = outcomes_from_stats(stats, (s.id for s in job.sources))
    if failure is None:
        return outcomes
    logger.error("the crawl failed", exc_info=failure)
    message = _crawl_failed(failure)
    return [replace(o, ok=False, error=message) if o.error in (None, NOT_FETCHED) else o for o in outcomes]


def _crawl_failed(error: BaseException) -> str:
    return f"the crawl failed: {type(error).__name__}: {error}"
