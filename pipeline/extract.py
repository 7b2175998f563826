"""Extraction: body text, title, authors, date, image and canonical URL from a page's HTML.

Uses trafilatura; the choice is to be measured on the extraction dev set (bench/extract).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import trafilatura


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    authors: tuple[str, ...]
    published: datetime | None
    image: str | None
    canonical_url: str | None


def extract(html: str, url: str) -> Extracted | None:
    """The article in the page, or None when the page holds no article text."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if document is None or not (document.text or "").strip():
        return None
    return Extracted(
        title=document.title or "",
        text=document.text,
        authors=_split_authors(document.author),
        published=_parse_date(document.date),
        image=document.image,
        canonical_url=document.url,
    )


def _split_authors(author: str | None) -> tuple[str, ...]:
    return tuple(name.strip() for name in (author or "").split(";") if name.strip())


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    except ValueError:
        return None
