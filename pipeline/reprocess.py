"""Re-analysis of what Habari already holds, fetching nothing: every archived page through the whole chain
again (stage `extract`), or every stored article's text through the analysis stages (stage `analyse`).

Results are upserted in batches under the same document ids; after each batch a checkpoint is saved, so a
stopped run resumes where it was. Story membership already assigned is kept (an article keeps its story).
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

from pipeline.chain import Analysis, Document, Pipeline, Rejected
from pipeline.normalise import canonical_url, doc_id_for
from pipeline.page import FeedEntry, FetchedPage, PageContext
from settings.config import HabariConfig
from store import Article, ArticleSelection, ArticleStore
from store.archive import ArchivedCapture, ArchiveProblem, WarcArchive
from store.models import ArchiveRef

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
            logger.warning("%s is not a checkpoint (%s): starting from the beginning", self.path, error.errors()[0]["msg"])
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


class Reprocessor:
    """Runs one request over the archive or the store, with `workers` processes for the pipeline (each its own,
    sharing the story file as crawls do); `progress` is told the tally after every batch."""

    def __init__(self, config: HabariConfig, stories_path: Path | None, store: ArticleStore, archive: WarcArchive,
                 checkpoints: CheckpointFile, workers: int = 1) -> None:
        self._config = config
        self._stories_path = stories_path
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
        jobs = self._archive_jobs(request, start, tally) if request.stage is Stage.extract else \
            self._store_jobs(request, start, tally)
        batch: list[Article] = []
        position = start or Checkpoint(request)
        with _worked(jobs, self._config, self._stories_path, self._workers) as results:
            for job, outcome in results:
                tally.read += 1
                if isinstance(outcome, Article):
                    batch.append(outcome)
                else:
                    tally.skipped[outcome] += 1
                position = replace(job.position, done=tally.done)
                if len(batch) >= BATCH_SIZE:
                    self._write(batch, position, tally, progress)
                    batch = []
        self._write(batch, position, tally, progress)
        self._store.refresh()
        self._checkpoints.clear()
        return tally

    def _write(self, batch: list[Article], position: Checkpoint, tally: ReprocessTally,
               progress: Callable[[ReprocessTally], None] | None) -> None:
        if batch:
            tally.indexed += self._store.upsert(batch)
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
        on_host = [source for source in self._config.sources if urlsplit(source.url).hostname == host]
        if len(on_host) != 1:
            return None
        return PageContext(on_host[0].id, on_host[0].outlet, on_host[0].outlet_type.value)

    def _store_jobs(self, request: ReprocessRequest, start: Checkpoint | None, tally: ReprocessTally
                    ) -> Iterator[_Job]:
        since = datetime.combine(request.since, time(), UTC) if request.since else None
        selection = ArticleSelection(request.source_ids, since, start.doc_id if start else None)
        for stored in self._store.articles(selection):
            yield _Job(Checkpoint(request, doc_id=stored.doc_id), stored=stored)


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


class _Worker:
    """The pipeline in one process: a job's article, or the reason it gives none."""

    def __init__(self, config: HabariConfig, stories_path: Path | None) -> None:
        self.pipeline = Pipeline.open(config, stories_path)

    def handle(self, job: _Job) -> tuple[_Job, Article | str]:
        if job.page is not None:
            result = self.pipeline.process_page(job.page)
            return _light(job), result.reason if isinstance(result, Rejected) else result
        if job.stored is not None:
            document = Document(job.stored.url, job.stored.title, job.stored.text, job.stored.published)
            return _light(job), with_analysis(job.stored, self.pipeline.analyse(document))
        return job, job.skipped or ""


def _light(job: _Job) -> _Job:
    """The job without its page or article: what comes back from a worker is only where it was."""
    return _Job(job.position)


_PROCESS_WORKER: _Worker | None = None


def _start_worker(config: HabariConfig, stories_path: Path | None) -> None:
    global _PROCESS_WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the main process's to handle
    _PROCESS_WORKER = _Worker(config, stories_path)
    atexit.register(_PROCESS_WORKER.pipeline.close)


def _handle_in_worker(job: _Job) -> tuple[_Job, Article | str]:
    assert _PROCESS_WORKER is not None
    return _PROCESS_WORKER.handle(job)


@contextmanager
def _worked(jobs: Iterator[_Job], config: HabariConfig, stories_path: Path | None, workers: int
            ) -> Iterator[Iterator[tuple[_Job, Article | str]]]:
    """The jobs' outcomes in the jobs' order, from this process or from a pool of `workers` processes."""
    if workers <= 1:
        worker = _Worker(config, stories_path)
        try:
            yield map(worker.handle, jobs)
        finally:
            worker.pipeline.close()
        return
    spawned = multiprocessing.get_context("spawn")  # fresh processes: forking would copy the store's threads
    with spawned.Pool(workers, _start_worker, (config, stories_path)) as pool:
        yield pool.imap(_handle_in_worker, jobs, chunksize=WORKER_CHUNK)


def with_analysis(article: Article, analysis: Analysis) -> Article:
    """The stored article with what the analysis stages found now; its story is the one it already had."""
    return replace(article, **analysis.article_fields())
