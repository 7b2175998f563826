"""Re-analysis of what Habari already holds, fetching nothing: every archived page through the whole chain
again (stage `extract`), or every stored article's text through the analysis stages (stage `analyse`).

Results are upserted in batches under the same document ids; after each batch a checkpoint is saved, so a
stopped run resumes where it was. Story membership already assigned is kept (an article keeps its story, or takes
the one its story was merged into).
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from enum import Enum
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError
from w3lib.encoding import http_content_type_encoding

from pipeline.chain import Analysis, Document, Failed, Pipeline, Rejected
from pipeline.dedupe import StoryClusters
from pipeline.indexing import StoryIndexer
from pipeline.normalise import canonical_url, doc_id_for
from pipeline.page import FeedEntry, FetchedPage, PageContext
from settings.config import HabariConfig, first_problem
from settings.environment import Settings
from store import Article, ArticleSelection, ArticleStore
from store.archive import ArchivedCapture, ArchiveError, ArchiveProblem, WarcArchive
from store.models import ArchiveRef, FailedPage

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
WORKER_CHUNK = 8  # jobs sent to a worker process at a time
NO_SOURCE = "no source known for the page (archived before pages kept their source)"
NOT_SELECTED = "not from the sources asked for"


class Stage(str, Enum):
    extract = "extract"  # from the archived page: extraction and every stage after it
    analyse = "analyse"  # from the stored text: mentions, topics, tone, entities (for changed watch rules)


@dataclass(frozen=True)
class ReprocessRequest:
    """What to re-process: pages fetched on or after `since` (a UTC day), from these sources (any if empty)."""

    stage: Stage = Stage.extract
    since: date | None = None
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checkpoint:
    """Where a run of `request` had got to: the last archive record or the last doc_id whose result is stored."""

    request: ReprocessRequest
    record: ArchiveRef | None = None
    doc_id: str | None = None
    done: int = 0


@dataclass
class ReprocessTally:
    """What a run did so far: items read, articles written, and why the others were not."""

    read: int = 0
    indexed: int = 0
    resumed_after: int = 0  # items a previous, stopped run had already done
    skipped: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)  # by the stage that raised
    problems: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.resumed_after + self.read


_CHECKPOINT = TypeAdapter(Checkpoint)


class CheckpointFile:
    """The checkpoint of the run in progress, kept as JSON in the data folder and replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, request: ReprocessRequest) -> Checkpoint | None:
        """The saved checkpoint if it is for this same request; one for another request is ignored."""
        try:
            saved = _CHECKPOINT.validate_json(self.path.read_bytes())
        except FileNotFoundError:
            return None
        except ValidationError as error:
            logger.warning("%s is not a checkpoint (%s): starting from the beginning", self.path,
                           first_problem(error, "the file"))
            return None
        return saved if saved.request == request else None

    def save(self, checkpoint: Checkpoint) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_bytes(_CHECKPOINT.dump_json(checkpoint))
        os.replace(partial, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Job:
    """One item for the pipeline: an archived page or a stored article; or why there is nothing to do."""

    position: Checkpoint
    page: FetchedPage | None = None
    stored: Article | None = None
    skipped: str | None = None


@dataclass(frozen=True)
class _Outcome:
    """What came of a job, with the page it was (for the store's record of failed pages)."""

    position: Checkpoint
    result: Article | Rejected | Failed | str  # a str: why there was nothing to do
    page: PageRef | None = None


@dataclass(frozen=True)
class PageRef:
    url: str
    source_id: str
    archive: ArchiveRef | None


class Reprocessor:
    """Runs one request over the archive or the store, with `workers` processes for the pipeline (each its own,
    sharing the story file as crawls do); `progress` is told the tally after every batch. A page whose processing
    fails is kept in the store's failed pages, as in a crawl, and a failed page indexed now is cleared."""

    def __init__(self, pipeline: PipelineSpec, store: ArticleStore, archive: WarcArchive,
                 checkpoints: CheckpointFile, workers: int = 1) -> None:
        self._pipeline = pipeline
        self._store = store
        self._archive = archive
        self._checkpoints = checkpoints
        self._workers = workers

    def run(self, request: ReprocessRequest, resume: bool = True,
            progress: Callable[[ReprocessTally], None] | None = None) -> ReprocessTally:
        """Process everything the request selects, resuming a stopped run of the same request unless told not
        to; the checkpoint is removed once the whole selection is done."""
        start = self._checkpoints.load(request) if resume else None
        tally = ReprocessTally(resumed_after=start.done if start else 0)
        failed_before = {failure.url: failure for failure in self._store.failed_pages()}
        jobs = self._archive_jobs(request, start, tally) if request.stage is Stage.extract else \
            self._store_jobs(request, start, tally, list(failed_before.values()))
        pending = _Pending(failed_before)
        position = start or Checkpoint(request)
        with StoryClusters(self._pipeline.stories_path) as stories, \
                _worked(jobs, self._pipeline, self._workers) as outcomes:
            indexer = StoryIndexer(self._store, stories)
            for outcome in outcomes:
                tally.read += 1
                pending.add(outcome, tally)
                position = replace(outcome.position, done=tally.done)
                if len(pending.articles) >= BATCH_SIZE:
                    self._write(indexer, pending, position, tally, progress)
            self._write(indexer, pending, position, tally, progress)
        self._store.refresh()
        self._checkpoints.clear()
        return tally

    def _write(self, indexer: StoryIndexer, pending: _Pending, position: Checkpoint, tally: ReprocessTally,
               progress: Callable[[ReprocessTally], None] | None) -> None:
        articles, failures, settled = pending.take()
        tally.indexed += indexer.index(articles)  # with none, it still applies the merges an earlier run left
        if failures:
            self._store.record_failures(failures)
        if settled:
            self._store.clear_failures(settled)
        self._checkpoints.save(position)
        if progress is not None:
            progress(tally)

    def _archive_jobs(self, request: ReprocessRequest, start: Checkpoint | None, tally: ReprocessTally
                      ) -> Iterator[_Job]:
        for found in self._archive.captures(request.since, start.record if start else None):
            if isinstance(found, ArchiveProblem):
                tally.problems.append(f"{found.warc_file} at offset {found.offset}: {found.reason}")
                continue
            position = Checkpoint(request, record=found.ref)
            context = self._context(found, tally)
            if context is None:
                yield _Job(position, skipped=NO_SOURCE)
            elif request.source_ids and context.source_id not in request.source_ids:
                yield _Job(position, skipped=NOT_SELECTED)
            else:
                yield _Job(position, page=_page(found, context))

    def _context(self, capture: ArchivedCapture, tally: ReprocessTally) -> PageContext | None:
        """The context the crawl recorded; for pages archived before it was, the stored article's, or the one
        configured source on the page's host."""
        if capture.context is not None:
            try:
                return PageContext.from_json(capture.context)
            except ValueError as error:
                tally.problems.append(f"{capture.ref.warc_file} at offset {capture.ref.offset}: {error}")
        stored = self._store.get(doc_id_for(canonical_url(capture.page.url)))
        if stored is not None:
            entry = FeedEntry(stored.title, stored.published, stored.summary, stored.authors)
            return PageContext(stored.source_id, stored.outlet, stored.outlet_type, entry)
        host = urlsplit(capture.page.url).hostname
        on_host = [source for source in self._pipeline.config.sources if urlsplit(source.url).hostname == host]
        if len(on_host) != 1:
            return None
        return PageContext(on_host[0].id, on_host[0].outlet, on_host[0].outlet_type.value)

    def _store_jobs(self, request: ReprocessRequest, start: Checkpoint | None, tally: ReprocessTally,
                    failures: list[FailedPage]) -> Iterator[_Job]:
        """The stored articles, then the pages whose processing failed (they have no stored text: they go
        through the whole chain from their archived copy; a resumed run takes them all again)."""
        since = datetime.combine(request.since, time(), UTC) if request.since else None
        selection = ArticleSelection(request.source_ids, since, start.doc_id if start else None)
        position = start or Checkpoint(request)
        for stored in self._store.articles(selection):
            position = Checkpoint(request, doc_id=stored.doc_id)
            yield _Job(position, stored=stored)
        sources = {source.id: source for source in self._pipeline.config.sources}
        for failure in failures:
            if request.source_ids and failure.source_id not in request.source_ids:
                continue
            source = sources.get(failure.source_id)
            if failure.archive is None or source is None:
                tally.problems.append(f"{failure.url} failed in the {failure.stage} stage and cannot be processed"
                                      f" again: {'no archived copy' if source else 'its source is not configured'}")
                continue
            try:
                archived = self._archive.read_record(failure.archive)
            except ArchiveError as error:
                tally.problems.append(f"{failure.url} failed in the {failure.stage} stage: {error}")
                continue
            context = PageContext(source.id, source.outlet, source.outlet_type.value)
            yield _Job(position, page=_page(ArchivedCapture(failure.archive, archived), context))


def _page(capture: ArchivedCapture, context: PageContext) -> FetchedPage:
    return FetchedPage(
        url=capture.page.url,
        body=capture.page.payload,
        fetched_at=capture.page.fetched_at,
        source_id=context.source_id,
        outlet=context.outlet,
        outlet_type=context.outlet_type,
        encoding=http_content_type_encoding(capture.page.header("Content-Type") or ""),
        entry=context.entry,
        archive=capture.ref,
    )


@dataclass(frozen=True)
class PipelineSpec:
    """What each worker builds its pipeline from: the config, the story clusters' file, the extra stages."""

    config: HabariConfig
    stories_path: Path | None
    extra_stages: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> PipelineSpec:
        """The pipeline of crawls, as `Pipeline.from_settings` builds it."""
        return cls(settings.config, settings.stories_path, tuple(settings.extra_stages))


class _Pending:
    """The outcomes since the last write: articles to upsert, failures to record, failed pages now settled."""

    def __init__(self, failed_before: dict[str, FailedPage]) -> None:
        self._failed_before = failed_before
        self.articles: list[Article] = []
        self._failures: list[FailedPage] = []
        self._settled: list[str] = []

    def add(self, outcome: _Outcome, tally: ReprocessTally) -> None:
        result, page = outcome.result, outcome.page
        if isinstance(result, Failed):
            tally.failed[result.stage] += 1
            if page is not None:
                self._failures.append(FailedPage(page.url, page.source_id, result.stage, result.message,
                                                 datetime.now(UTC), page.archive))
            else:
                tally.problems.append(f"{result.url}: the {result.stage} stage failed: {result.message}")
            return
        if isinstance(result, Article):
            self.articles.append(result)
        else:
            tally.skipped[result.reason if isinstance(result, Rejected) else result] += 1
        if page is not None and page.url in self._failed_before:
            self._settled.append(page.url)

    def take(self) -> tuple[list[Article], list[FailedPage], list[str]]:
        taken = self.articles, self._failures, self._settled
        self.articles, self._failures, self._settled = [], [], []
        for url in taken[2]:
            self._failed_before.pop(url, None)
        return taken


class _Worker:
    """The pipeline in one process: what comes of each job."""

    def __init__(self, spec: PipelineSpec) -> None:
        self.pipeline = Pipeline.open(spec.config, spec.stories_path, spec.extra_stages)

    def handle(self, job: _Job) -> _Outcome:
        if job.page is not None:
            page = PageRef(job.page.url, job.page.source_id, job.page.archive)
            return _Outcome(job.position, self.pipeline.process_page(job.page), page)
        if job.stored is not None:
            document = Document(job.stored.url, job.stored.title, job.stored.text, job.stored.published)
            analysis = self.pipeline.analyse(document)
            return _Outcome(job.position, analysis if isinstance(analysis, Failed) else
                            with_analysis(job.stored, analysis))
        return _Outcome(job.position, job.skipped or "")


_PROCESS_WORKER: _Worker | None = None


def _start_worker(spec: PipelineSpec) -> None:
    global _PROCESS_WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the main process's to handle
    _PROCESS_WORKER = _Worker(spec)
    atexit.register(_PROCESS_WORKER.pipeline.close)


def _handle_in_worker(job: _Job) -> _Outcome:
    assert _PROCESS_WORKER is not None
    return _PROCESS_WORKER.handle(job)


@contextmanager
def _worked(jobs: Iterator[_Job], spec: PipelineSpec, workers: int) -> Iterator[Iterator[_Outcome]]:
    """The jobs' outcomes in the jobs' order, from this process or from a pool of `workers` processes."""
    if workers <= 1:
        worker = _Worker(spec)
        try:
            yield map(worker.handle, jobs)
        finally:
            worker.pipeline.close()
        return
    spawned = multiprocessing.get_context("spawn")  # fresh processes: forking would copy the store's threads
    with spawned.Pool(workers, _start_worker, (spec,)) as pool:
        yield pool.imap(_handle_in_worker, jobs, chunksize=WORKER_CHUNK)


def with_analysis(article: Article, analysis: Analysis) -> Article:
    """The stored article with what the analysis stages found now; its story is the one it already had."""
    return replace(article, **analysis.article_fields())
