"""The embedded store's search index: Tantivy in a folder beside the SQLite file, rebuilt from it at will.

It holds no article of its own, only what search needs (the words, the facet values, the dates) and each
article's SQLite rowid; facets, story counts and the histogram are Tantivy aggregations, as on Elasticsearch.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import tantivy

from store.models import EAT, MAX_STORY_OTHERS, Article, DayCount, FacetBucket, SearchRequest
from store.tantivy_query import FOLDED_SUFFIX, KEYWORD_FIELDS, compile_search, with_stories
from store.tokens import indexed_text

SCHEMA_VERSION = 3  # raise it when the fields change: the index is then rebuilt from SQLite
FACET_SIZE = 50
FACET_SEGMENT_SIZE = 500  # each segment's candidates for the 50 buckets: counts stay exact in practice
STORY_PRECISION = 3000
WRITER_HEAP = 64_000_000
_UNDATED = -(2**53)  # undated articles sort after every dated one, newest fetched first
# Keyword fields as written (facets, filters); the query language's field:value also reads `_folded` copies.
_KEYWORDS = ("source_id", "outlet", "outlet_type", "language", "topics", "sentiment", "places", "people",
             "organisations", "authors", "about_council", "cluster_id")
_FOLDED = frozenset(KEYWORD_FIELDS.values())
_WINDOW_GROWTH = 3


class IndexBusy(RuntimeError):
    """Another process holds the index's writer lock for longer than we could wait."""


@dataclass(frozen=True)
class IndexedStory:
    """One hit of a page: the SQLite rowid of its article, its score, and (collapsed) its story's other rows."""

    row: int
    score: float
    size: int = 1
    other_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Ranked:
    ranked: list[tuple[float, int, int]]  # (score, row, story key)
    count: int


@dataclass(frozen=True)
class IndexedResult:
    total: int
    stories: int
    page: list[IndexedStory]
    facets: dict[str, list[FacetBucket]]
    histogram: list[DayCount]


def story_key(story_id: str) -> int:
    """A 63-bit number standing for a story: collapsing compares these, read from a fast field."""
    return int.from_bytes(hashlib.blake2b(story_id.encode(), digest_size=8).digest(), "big") >> 1


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("row", fast=True)
    builder.add_text_field("doc_id", tokenizer_name="raw")
    for name in ("title", "text"):
        builder.add_text_field(name, tokenizer_name="words", index_option="position")
    for name in _KEYWORDS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
        if name in _FOLDED:
            builder.add_text_field(name + FOLDED_SUFFIX, tokenizer_name="folded")
    builder.add_integer_field("story_key", indexed=True, fast=True)
    builder.add_integer_field("newest", fast=True)
    builder.add_date_field("published", indexed=True, fast=True)
    return builder.build()


class SearchIndex:
    """A Tantivy index in `folder`; one writer at a time across processes (Tantivy's lock file). A file beside
    it names the source it copies (`source`: an id kept in the SQLite file) and the revision of the source's
    change log that its last commit includes."""

    def __init__(self, folder: Path, source: str) -> None:
        self.folder = folder
        self.source = source
        self.schema = _schema()
        self._write_lock = threading.Lock()
        self._revision_file = folder / "habari-revision.json"
        self._loaded: int | None = None
        folder.mkdir(parents=True, exist_ok=True)
        try:
            self._index = self._open()
        except (OSError, ValueError):  # unreadable or of another schema: it is only a copy, start again
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            self._index = self._open()

    def _open(self) -> tantivy.Index:
        index = tantivy.Index(self.schema, path=str(self.folder), reuse=True)
        index.register_tokenizer("words", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        folded = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.lowercase()).build()
        index.register_tokenizer("folded", folded)
        return index

    def revision(self) -> int | None:
        """The change-log revision the index holds, or None when it must be built again: new, of another
        schema, or the copy of another file (a store file replaced under its index)."""
        try:
            state = json.loads(self._revision_file.read_text())
        except (OSError, ValueError):
            return None
        current = state.get("schema") == SCHEMA_VERSION and state.get("source") == self.source
        return state.get("revision") if current else None

    def follow(self) -> None:
        """Search what the latest commit holds, also when another process made it."""
        revision = self.revision()
        if revision != self._loaded:
            self._index.reload()
            self._loaded = revision

    @contextmanager
    def writer(self, wait_seconds: float, revision: int) -> Iterator[tantivy.IndexWriter]:
        """The index writer, waiting up to `wait_seconds` for another process to release it; committed as
        holding `revision`, merged and released on leaving, rolled back on an error."""
        with self._write_lock:
            writer = self._take_writer(wait_seconds)
            try:
                yield writer
            except BaseException:
                writer.rollback()
                raise
            writer.commit()
            writer.wait_merging_threads()
            pending = self._revision_file.with_suffix(".tmp")
            pending.write_text(json.dumps({"schema": SCHEMA_VERSION, "source": self.source, "revision": revision}))
            os.replace(pending, self._revision_file)
            self.follow()

    def _take_writer(self, wait_seconds: float) -> tantivy.IndexWriter:
        deadline = time.monotonic() + wait_seconds
        pause = 0.02
        while True:
            try:
                return self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as error:
                if "lock" not in str(error).lower():
                    raise
                if time.monotonic() + pause > deadline:
                    raise IndexBusy(f"the search index {self.folder} is being written by another process") from error
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    def replace(self, writer: tantivy.IndexWriter, doc_ids: Iterable[str], rows: Iterable[tuple[int, Article]]) -> None:
        """Remove these articles from the index, then add the rows that still exist."""
        for doc_id in doc_ids:
            writer.delete_documents_by_term("doc_id", doc_id)
        for row, article in rows:
            writer.add_document(self._document(row, article))

    def _document(self, row: int, article: Article) -> tantivy.Document:
        keywords = {
            "source_id": [article.source_id], "outlet": [article.outlet],
            "outlet_type": [article.outlet_type] if article.outlet_type else [], "language": [article.language],
            "topics": list(article.topics), "sentiment": [article.sentiment] if article.sentiment else [],
            "places": list(article.entities.places), "people": list(article.entities.people),
            "organisations": list(article.entities.organisations), "authors": list(article.authors),
            "about_council": ["true" if article.about_council else "false"],
            "cluster_id": [article.cluster_id] if article.cluster_id else [],
        }
        document = tantivy.Document(
            row=row, doc_id=article.doc_id, title=indexed_text(article.title), text=indexed_text(article.text),
            story_key=story_key(article.story_id), newest=_newest(article),
        )
        for name, values in keywords.items():
            for value in values:
                document.add_text(name, value)
                if name in _FOLDED:
                    document.add_text(name + FOLDED_SUFFIX, value)
        if article.published is not None:
            document.add_date("published", article.published)
        return document

    def clear(self, writer: tantivy.IndexWriter) -> None:
        writer.delete_all_documents()

    def search(self, request: SearchRequest) -> IndexedResult:
        searcher = self._index.searcher()
        query = compile_search(self.schema, request.query, request.filters)
        found = searcher.aggregate(query, self._aggregations(request))
        total = int(found["total"]["value"])
        if request.collapse:
            page = self._stories(searcher, query, request, total)
        else:
            ranked = self._ranked(searcher, query, request, request.offset + request.limit).ranked
            page = [IndexedStory(row, score) for score, row, _ in ranked[request.offset :]]
        return IndexedResult(
            total=total,
            stories=round(found["stories"]["value"]) if request.collapse else 0,
            page=page,
            facets={name: _buckets(found[name]) for name in request.facets},
            histogram=_days(found["days"]) if request.histogram else [],
        )

    def matching_rows(self, request: SearchRequest, limit: int) -> list[int]:
        """The rows of the first `limit` matches in the request's order, not folded into stories."""
        searcher = self._index.searcher()
        query = compile_search(self.schema, request.query, request.filters)
        return [row for _, row, _ in self._ranked(searcher, query, request, limit).ranked]

    def count(self, request: SearchRequest) -> int:
        return self._index.searcher().search(compile_search(self.schema, request.query, request.filters), 1).count

    def _aggregations(self, request: SearchRequest) -> dict:
        found: dict = {
            name: {"terms": {"field": name, "size": FACET_SIZE, "segment_size": FACET_SEGMENT_SIZE}}
            for name in request.facets
        }
        found["total"] = {"value_count": {"field": "row"}}
        if request.histogram:
            found["days"] = {"date_histogram": {"field": "published", "fixed_interval": "1d", "offset": "-3h",
                                                "min_doc_count": 1}}
        if request.collapse:
            found["stories"] = {"cardinality": {"field": "story_key", "precision_threshold": STORY_PRECISION}}
        return found

    def _ranked(self, searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest,
                window: int, count: bool = False) -> _Ranked:
        """The first `window` matches in the request's order as (score, row, story key)."""
        if request.by_newest:
            result = searcher.search(query, window, count=count, order_by_field="newest", order=tantivy.Order.Desc)
            scores = [0.0] * len(result.hits)
        else:
            result = searcher.search(query, window, count=count)
            scores = [score for score, _ in result.hits]
        addresses = [address for _, address in result.hits]
        rows = searcher.fast_field_values("row", addresses)
        keys = searcher.fast_field_values("story_key", addresses)
        return _Ranked(list(zip(scores, rows, keys)), result.count or 0)

    def _stories(self, searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest,
                 total: int) -> list[IndexedStory]:
        """The page's stories, each led by its first match in the request's order."""
        wanted = request.offset + request.limit
        window = wanted * _WINDOW_GROWTH + 20
        while True:
            ranked = self._ranked(searcher, query, request, window).ranked
            leads: dict[int, tuple[float, int]] = {}
            for score, row, key in ranked:
                leads.setdefault(key, (score, row))
            if len(leads) >= wanted or len(ranked) >= total:
                break
            window *= _WINDOW_GROWTH
        page = dict(list(leads.items())[request.offset : wanted])
        members = self._members(searcher, query, request, list(page))
        return [
            IndexedStory(row, score, size=members[key][0],
                         other_rows=tuple(other for other in members[key][1] if other != row)[:MAX_STORY_OTHERS])
            for key, (score, row) in page.items()
        ]

    def _members(self, searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest,
                 keys: list[int]) -> dict[int, tuple[int, list[int]]]:
        """Each story's matching articles: how many, and the first rows in order. One search over the page's
        stories serves them all; a story with more than its share is counted and read on its own."""
        if not keys:
            return {}
        share = MAX_STORY_OTHERS + 1
        rows: dict[int, list[int]] = {key: [] for key in keys}
        for _, row, key in self._ranked(searcher, with_stories(query, self.schema, keys), request, share * len(keys)).ranked:
            rows[key].append(row)
        found = {}
        for key, members in rows.items():
            if len(members) < share:
                found[key] = (max(len(members), 1), members)
            else:
                alone = self._ranked(searcher, with_stories(query, self.schema, [key]), request, share, count=True)
                found[key] = (alone.count, [row for _, row, _ in alone.ranked])
        return found

    def close(self) -> None:
        self._index = None  # type: ignore[assignment]


def _newest(article: Article) -> int:
    if article.published is not None:
        return int(article.published.timestamp() * 1000)
    return _UNDATED + int(article.fetched_at.timestamp() * 1000)


def _buckets(aggregation: dict) -> list[FacetBucket]:
    buckets = [FacetBucket(str(bucket["key"]), int(bucket["doc_count"])) for bucket in aggregation["buckets"]]
    return sorted(buckets, key=lambda bucket: (-bucket.count, bucket.value))


def _days(aggregation: dict) -> list[DayCount]:
    """Buckets start at midnight EAT (21:00 UTC the day before); keys are milliseconds since the epoch."""
    return [
        DayCount(datetime.fromtimestamp(bucket["key"] / 1000, EAT).date(), int(bucket["doc_count"]))
        for bucket in aggregation["buckets"] if bucket["doc_count"]
    ]
