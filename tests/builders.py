"""Hand-built records for tests: one Article builder with plain defaults, overridden per test."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from store import Article

FETCHED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


def make_article(doc_id: str, **fields: Any) -> Article:
    """A Swahili Mwananchi article; keyword arguments replace any field."""
    values: dict[str, Any] = dict(
        url=f"https://news.example.tz/{doc_id}",
        title=f"Habari {doc_id}",
        text="Maelezo ya jumla.",
        source_id="mwananchi-rss",
        outlet="Mwananchi",
        language="sw",
        fetched_at=FETCHED_AT,
        published=None,
    )
    values.update(fields)
    return Article(doc_id=doc_id, **values)
