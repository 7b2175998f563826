"""Builds the configured store backend from settings; the only place that knows both backends."""
from __future__ import annotations

from typing import TYPE_CHECKING

from store.base import ArticleStore

if TYPE_CHECKING:
    from settings.environment import Settings


def open_store(settings: Settings) -> ArticleStore:
    if settings.store.value == "elasticsearch":
        from store.elasticsearch import ElasticsearchStore

        return ElasticsearchStore.from_settings(settings)
    from store.sqlite import SqliteStore

    return SqliteStore(settings.sqlite_path)
