"""The store interface: what every backend must do, checked by one contract suite on both.

Writes are upserts keyed by `Article.doc_id`, so re-indexing the same page never makes a copy.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping

from store.models import (
    Article,
    ArticleSelection,
    FailedPage,
    FetchRecord,
    SearchFilters,
    SearchRequest,
    SearchResult,
    SourceHealth,
    SourceRun,
)


class StoreError(RuntimeError):
    """The backend could not do what was asked (unreachable, rejected a write, bad mapping)."""


class ArticleStore(ABC):
    """A searchable collection of articles."""

    @abstractmethod
    def upsert(self, articles: Iterable[Article]) -> int:
        """Insert or replace articles by doc_id, in bulk; returns how many were written."""

    @abstractmethod
    def get(self, doc_id: str) -> Article | None:
        """The article with this id, or None."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResult:
        """Matching articles, best first (newest first when there is no query), with facets."""

    @abstractmethod
    def articles(self, selection: ArticleSelection = ArticleSelection()) -> Iterator[Article]:
        """The selected articles, whole, in doc_id order, read in chunks (a year of them fits no memory)."""

    @abstractmethod
    def count(self, filters: SearchFilters = SearchFilters()) -> int:
        """How many articles pass the filters."""

    @abstractmethod
    def delete(self, doc_id: str) -> bool:
        """Remove one article; True when it existed."""

    @abstractmethod
    def move_stories(self, into: Mapping[str, str]) -> int:
        """Re-label every article of each story `into` names (a cluster merged into another) with the story it
        merged into; returns how many were moved. Repeating it moves nothing more."""

    @abstractmethod
    def fetch_records(self, urls: Iterable[str]) -> dict[str, FetchRecord]:
        """The crawl's records of these canonical URLs, keyed by URL; unknown URLs are absent."""

    @abstractmethod
    def save_fetch_records(self, records: Iterable[FetchRecord]) -> None:
        """Insert or replace fetch records by URL."""

    @abstractmethod
    def record_failures(self, failures: Iterable[FailedPage]) -> None:
        """Insert or replace failed pages by URL: a page that fails again keeps its latest failure."""

    @abstractmethod
    def failed_pages(self, source_id: str | None = None) -> list[FailedPage]:
        """The pages whose processing failed and that were not indexed since (of one source, if given), the
        oldest failure first."""

    @abstractmethod
    def clear_failures(self, urls: Iterable[str]) -> None:
        """Forget the failures of these pages (indexed since); URLs without one are passed over."""

    @abstractmethod
    def record_source_run(self, run: SourceRun) -> None:
        """Append one poll's outcome to the source's history."""

    @abstractmethod
    def source_health(self) -> list[SourceHealth]:
        """One entry per source that has run at least once, ordered by source id."""

    @abstractmethod
    def refresh(self) -> None:
        """Make every write so far visible to search (Elasticsearch refreshes lazily)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
