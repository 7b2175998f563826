"""The pipeline's input: a page as fetched, with what its feed said about it.

Crawlers build these; the pipeline never fetches anything itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import TypeAdapter, ValidationError

from settings.config import first_problem
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


@dataclass(frozen=True)
class PageContext:
    """What the crawl knew of a page besides its bytes, kept beside it in the WARC archive so that the page
    can be processed again from the archive alone: its source, and what its feed or listing said."""

    source_id: str
    outlet: str
    outlet_type: str | None = None
    entry: FeedEntry = field(default_factory=FeedEntry)

    def to_json(self) -> bytes:
        return _CONTEXT.dump_json(self)

    @classmethod
    def from_json(cls, data: bytes) -> PageContext:
        """ValueError naming what is wrong when the bytes are not a page context."""
        try:
            return _CONTEXT.validate_json(data)
        except ValidationError as error:
            raise ValueError(f"not a page context: {first_problem(error, 'the record')}") from None


_CONTEXT = TypeAdapter(PageContext)
