"""The store interface: what every backend must do, checked by one contract suite on both.

Writes are upserts keyed by `Article.doc_id`, so re-indexing the same page never makes a copy.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from store.corrections import carry_over, corrected, replaced_value
from store.models import (
    Article,
    ArticleSelection,
    Correction,
    FailedPage,
    FetchRecord,
    SavedSearch,
    SearchFilters,
    SearchRequest,
    SearchResult,
    SourceHealth,
    SourceRun,
    saved_search_key,
)


class StoreError(RuntimeError):
    """The backend could not do what was asked (unreachable, rejected a write, bad mapping)."""


class ArticleStore(ABC):
    """A searchable collection of articles."""

    def upsert(self, articles: Iterable[Article]) -> int:
        """Insert or replace articles by doc_id, in bulk, keeping and applying the corrections already stored for
        each; returns how many were written."""
        batch = list(articles)
        stored = self._stored_corrections([article.doc_id for article in batch])
        return self._put_articles(carry_over(batch, stored, self._story_of))

    def correct(self, doc_id: str, correction: Correction) -> Article | None:
        """Add an officer's correction to the article and apply it; the corrected article, or None when there is
        no article with this id. The correction keeps what the article held before as `replaced`."""
        article = self.get(doc_id)
        if article is None:
            return None
        kept = replace(correction, replaced=replaced_value(article, correction.field))
        updated = corrected(replace(article, corrections=(*article.corrections, kept)), self._story_of)
        self._put_articles([updated])
        return updated

    @abstractmethod
    def _put_articles(self, articles: list[Article]) -> int:
        """Insert or replace these articles, exactly as given, by doc_id; returns how many were written."""

    @abstractmethod
    def _stored_corrections(self, doc_ids: list[str]) -> dict[str, tuple[Correction, ...]]:
        """The corrections kept with each of these articles, by doc_id; articles without any are absent."""

    def _story_of(self, doc_id: str) -> str | None:
        article = self.get(doc_id)
        return None if article is None else article.story_id

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
    def matching(self, request: SearchRequest, limit: int) -> Iterator[Article]:
        """The first `limit` articles matching the request's query and filters, whole, in its order and not folded
        into stories (its paging ignored), read in chunks: what an export writes."""

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
    def save_search(self, search: SavedSearch) -> None:
        """Insert or replace a saved search by its name (regardless of case)."""

    @abstractmethod
    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""

    @abstractmethod
    def delete_search(self, name: str) -> bool:
        """Forget the saved search of this name (regardless of case); True when there was one."""

    def saved_search(self, name: str) -> SavedSearch | None:
        """The saved search of this name (regardless of case), or None."""
        key = saved_search_key(name)
        return next((search for search in self.saved_searches() if search.key == key), None)

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
