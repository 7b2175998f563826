"""Hand-built records for tests: one Article builder with plain defaults, overridden per test, and settings
with the sources a test polls."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from settings.config import Source
from settings.environment import Settings
from store import Article, ArticleStore, SearchRequest

FETCHED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


def make_article(doc_id: str, **fields: Any) -> Article:
    """A Swahili Mwananchi article; keyword arguments replace any field."""
    values: dict[str, Any] = dict(
        url=f"https://news.example.tz/{doc_id}",
        title=f"Habari {doc_id}",
        text="Maelezo ya jumla.",
        source_id="mwananchi-rss",
        outlet="Mwananchi",
        outlet_type="newspaper",
        language="sw",
        fetched_at=FETCHED_AT,
        published=None,
    )
    values.update(fields)
    return Article(doc_id=doc_id, **values)


def with_sources(settings: Settings, sources: Iterable[Source]) -> Settings:
    """The settings with exactly these sources configured."""
    return settings.model_copy(update={"config": settings.config.model_copy(update={"sources": tuple(sources)})})


def all_articles(store: ArticleStore) -> list[Article]:
    """Every article in the store (up to 500), one per hit: syndicated copies not folded into their story."""
    return [hit.article for hit in store.search(SearchRequest(collapse=False, limit=500)).hits]
