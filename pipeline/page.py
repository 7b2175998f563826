"""The pipeline's input: a page as fetched, with what its feed said about it.

Crawlers build these; the pipeline never fetches anything itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from store.models import ArchiveRef, FetchRecord


@dataclass(frozen=True)
class FeedEntry:
    """What a feed or sitemap entry said about the page, trusted less than the page itself."""

    title: str = ""
    published: datetime | None = None
    summary: str = ""
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchedPage:
    url: str
    body: bytes = field(repr=False)
    fetched_at: datetime
    source_id: str
    outlet: str
    outlet_type: str | None = None
    encoding: str | None = None  # the charset the HTTP header declared; pipeline/decode.py decides
    entry: FeedEntry = field(default_factory=FeedEntry)
    archive: ArchiveRef | None = None
    fetch: FetchRecord | None = None  # to keep once the page's article is indexed or rejected, so a page that
    # could not be indexed is fetched again on the next poll
