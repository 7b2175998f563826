"""Runs one crawl of the configured sources in a fresh child process; returns an outcome per source.

Twisted's reactor cannot restart, so each crawl gets its own process and a scheduler can crawl again and again.
In the service the processes fork from a server that has already imported Scrapy and the pipeline, so a poll
starts at once; a one-shot command (`habari add-url`, `habari crawl`) forks them from itself instead.
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
from multiprocessing.context import ForkContext, ForkServerContext
from urllib.parse import urlsplit

# Scrapy's download handler, imported before the pipeline: its import inspects the stack, which costs a look at
# every module loaded so far (0.2 s now, 1.6 s once scikit-learn and the rest are loaded).
import scrapy.core.downloader.handlers.http11  # noqa: F401
from scrapy.crawler import AsyncCrawlerProcess

from crawlers.progress import PROGRESS_PIPE, CrawlProgress, ProgressPipe
from crawlers.scrapy_settings import LOCAL_WEB, POLITE, CrawlLimits, scrapy_settings
from crawlers.source_stats import (
    NOT_FETCHED,
    SourceOutcome,
    failed_outcomes,
    outcomes_from_stats,
)
from crawlers.spider import LISTING_NAMES, NewsSpider
from pipeline.normalise import doc_id_for
from settings.config import Language, OutletType, Source, SourceKind
from settings.environment import Settings
from store import ArticleStore, StoreError, open_store

logger = logging.getLogger("habari.crawl")

ProgressCallback = Callable[[CrawlProgress], None]
SUBMITTED = "submitted"  # the source id of pages the officer submits one by one


def crawl(
    settings: Settings,
    source_ids: Iterable[str] | None = None,
    limits: CrawlLimits | None = None,
    on_progress: ProgressCallback | None = None,
    index: bool = True,
    fork_server: bool = True,
) -> list[SourceOutcome]:
    """Crawl the given sources (default: every enabled one); every source gets an outcome, logged
    and kept in the store's source history. Limits default to POLITE, or LOCAL_WEB when settings
    say every source is on this machine; `on_progress` receives running totals every second.
    With `index` off, pages are fetched and archived but not indexed. With `fork_server` off the crawl
    processes fork from this process (a one-shot command, which has imported the crawler already)."""
    sources = _select(settings, source_ids)
    started_at = datetime.now(timezone.utc)
    job = CrawlJob(settings, tuple(sources), limits or _default_limits(settings), refetch=False, index=index,
                   fork_server=fork_server)
    outcomes = _run_in_child(job, on_progress)
    _record_runs(settings, outcomes, started_at)
    return outcomes


@dataclass(frozen=True)
class Submission:
    """What `submit_url` did with one address: the source it was crawled as, and the crawl's outcome."""

    url: str
    source: Source
    outcome: SourceOutcome

    @property
    def refused_as_listing(self) -> bool:
        """The page was fetched and found to be a home or section page (the one way a fetched page fails)."""
        return self.source.kind is SourceKind.page and not self.outcome.ok and self.outcome.pages_fetched > 0

    @property
    def problem(self) -> str | None:
        """Why the page was not fetched or not indexed, in one line naming the address; None when it was."""
        outcome = self.outcome
        if not outcome.ok:
            reason = (outcome.error or "").removeprefix(f"{LISTING_NAMES[self.source.kind]} {self.url}: ")
            return f"{self.url}: {reason}" if self.refused_as_listing else f"could not fetch {self.url}: {reason}"
        if self.source.kind is SourceKind.page and not outcome.articles_indexed:
            reasons = [*outcome.rejected, *(f"the {stage} stage failed" for stage in outcome.failed)]
            return f"{self.url} was fetched but not indexed: {'; '.join(reasons) or 'no article'}"
        return None


def submit_url(settings: Settings, url: str, limits: CrawlLimits | None = None, as_section: bool = False,
               fork_server: bool = True) -> Submission:
    """Fetch and index one page now, even if it was fetched before (`habari add-url`), under the source of its
    article if it is indexed already, else of a configured source on its site; a home or section page is
    refused. With `as_section` the page is crawled as a section page instead: the articles it links to that
    were not fetched before. `fork_server` as for `crawl`."""
    source = _submitted_source(settings, url, SourceKind.section if as_section else SourceKind.page)
    job = CrawlJob(settings, (source,), limits or _default_limits(settings), refetch=not as_section,
                   fork_server=fork_server, refuse_listings=True)
    (outcome,) = _run_in_child(job)
    return Submission(url, source, outcome)


def _submitted_source(settings: Settings, url: str, kind: SourceKind) -> Source:
    """The submitted page as a source of its own kind, with the id, outlet, outlet type and language of the source
    its article was indexed from, or of the configured source on its site, or else of the site itself."""
    try:
        with open_store(settings) as store:
            indexed = _indexed_source(store, url)
    except StoreError as error:
        logger.warning("the store could not say whether %s is indexed: %s", url, error)
        indexed = None
    host = urlsplit(url).netloc
    same_site = next((source for source in settings.config.sources if urlsplit(source.url).netloc == host), None)
    configured = {source.id: source for source in settings.config.sources}
    if indexed is not None:
        source_id, outlet, outlet_type = indexed
        base = configured.get(source_id)
        language = base.language if base else Language.mixed
        return Source(id=source_id, outlet=outlet, outlet_type=outlet_type or OutletType.online, kind=kind, url=url,
                      language=language)
    if same_site is not None:
        return same_site.model_copy(update={"kind": kind, "url": url})
    return Source(id=SUBMITTED, outlet=urlsplit(url).hostname or url, outlet_type=OutletType.online, kind=kind,
                  url=url, language=Language.mixed)


def _indexed_source(store: ArticleStore, url: str) -> tuple[str, str, str | None] | None:
    """The source id, outlet and outlet type of the article indexed from this address, if there is one."""
    article = store.get(doc_id_for(url))
    return (article.source_id, article.outlet, article.outlet_type) if article else None


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
    fork_server: bool = True  # fork the crawl processes from the fork server, else from the calling process
    refuse_listings: bool = False


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


def _crawl_processes(fork_server: bool = True) -> ForkServerContext | ForkContext:
    """The fork server's context (started and warmed up once, about 8 s), or plain fork from this process."""
    if not fork_server:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["crawlers.preload"])  # read when the fork server starts
    return context


def _child_outcomes(job: CrawlJob, on_progress: ProgressCallback | None) -> list[SourceOutcome]:
    context = _crawl_processes(job.fork_server)
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
        crawler, sources=job.sources, search_terms=job.settings.config.watch.search_terms, refetch=job.refetch,
        refuse_listings=job.refuse_listings,
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
