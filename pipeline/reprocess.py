"""Re-analysis of what Habari already holds, fetching nothing: every archived page through the whole chain
again (stage `extract`), or every stored article's text through the analysis stages (stage `analyse`).

Results are upserted in batches under the same document ids; after each batch a checkpoint is saved, so a
stopped run resumes where it was. Story membership already assigned is kept (an article keeps its story).
"""
from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
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
from settings.config import Source
from store import Article, ArticleSelection, ArticleStore
from store.archive import ArchivedCapture, ArchiveProblem, WarcArchive
from store.models import ArchiveRef

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
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


class Reprocessor:
    """Runs one request over the archive or the store; `progress` is told the tally after every batch."""

    def __init__(self, pipeline: Pipeline, store: ArticleStore, archive: WarcArchive, sources: tuple[Source, ...],
                 checkpoints: CheckpointFile) -> None:
        self._pipeline = pipeline
        self._store = store
        self._archive = archive
        self._sources = {source.id: source for source in sources}
        self._checkpoints = checkpoints

    def run(self, request: ReprocessRequest, resume: bool = True,
            progress: Callable[[ReprocessTally], None] | None = None) -> ReprocessTally:
        """Process everything the request selects, resuming a stopped run of the same request unless told not
        to; the checkpoint is removed once the whole selection is done."""
        start = self._checkpoints.load(request) if resume else None
        tally = ReprocessTally(resumed_after=start.done if start else 0)
        results = self._from_archive(request, start, tally) if request.stage is Stage.extract else \
            self._from_store(request, start, tally)
        batch: list[Article] = []
        position = start or Checkpoint(request)
        for article, reached in results:
            if article is not None:
                batch.append(article)
            position = replace(reached, done=tally.done)
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

    def _from_archive(self, request: ReprocessRequest, start: Checkpoint | None, tally: ReprocessTally
                      ) -> Iterator[tuple[Article | None, Checkpoint]]:
        for found in self._archive.captures(request.since, start.record if start else None):
            if isinstance(found, ArchiveProblem):
                tally.problems.append(f"{found.warc_file} at offset {found.offset}: {found.reason}")
                continue
            tally.read += 1
            yield self._page_article(found, request, tally), Checkpoint(request, record=found.ref)

    def _page_article(self, capture: ArchivedCapture, request: ReprocessRequest, tally: ReprocessTally
                      ) -> Article | None:
        context = self._context(capture, tally)
        if context is None:
            tally.skipped[NO_SOURCE] += 1
            return None
        if request.source_ids and context.source_id not in request.source_ids:
            tally.skipped[NOT_SELECTED] += 1
            return None
        page = FetchedPage(
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
        result = self._pipeline.process_page(page)
        if isinstance(result, Rejected):
            tally.skipped[result.reason] += 1
            return None
        return result

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
        on_host = [source for source in self._sources.values() if urlsplit(source.url).hostname == host]
        if len(on_host) != 1:
            return None
        return PageContext(on_host[0].id, on_host[0].outlet, on_host[0].outlet_type.value)

    def _from_store(self, request: ReprocessRequest, start: Checkpoint | None, tally: ReprocessTally
                    ) -> Iterator[tuple[Article | None, Checkpoint]]:
        since = datetime.combine(request.since, time(), UTC) if request.since else None
        selection = ArticleSelection(request.source_ids, since, start.doc_id if start else None)
        for stored in self._store.articles(selection):
            tally.read += 1
            document = Document(stored.url, stored.title, stored.text, stored.published)
            yield with_analysis(stored, self._pipeline.analyse(document)), Checkpoint(request, doc_id=stored.doc_id)


def with_analysis(article: Article, analysis: Analysis) -> Article:
    """The stored article with what the analysis stages found now; its story is the one it already had."""
    return replace(
        article,
        language=analysis.language,
        about_council=analysis.council.about_council,
        relevance=analysis.council.relevance,
        mentions=analysis.council.mentions,
        topics=analysis.topics,
        sentiment=analysis.sentiment,
        entities=analysis.entities,
    )
