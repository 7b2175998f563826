"""The store: one interface for indexing and searching articles, two backends.

SQLite with a Tantivy index beside it is the embedded default; Elasticsearch 9 is for scale-out. `open_store` picks one.
"""
from store.base import ArticleStore, StoreError
from store.factory import open_store
from store.models import (
    Article,
    ArticleSelection,
    FacetBucket,
    SearchFilters,
    SearchHit,
    SearchRequest,
    SearchResult,
    StoryMember,
)

__all__ = [
    "Article",
    "ArticleStore",
    "FacetBucket",
    "SearchFilters",
    "SearchHit",
    "SearchRequest",
    "SearchResult",
    "StoreError",
    "StoryMember",
    "open_store",
]
