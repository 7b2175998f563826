"""Candidate article links from feeds, sitemaps and section pages, and the seen-check before fetching.

A link is fetched once: again only when its listing says the page changed after our last fetch.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from pipeline.normalise import canonical_url
from pipeline.page import FeedEntry
from store import ArticleStore


@dataclass(frozen=True)
class ArticleLink:
    """A page a listing points at; `changed_at` is when the listing says the page last changed."""

    url: str
    entry: FeedEntry = field(default_factory=FeedEntry)
    changed_at: datetime | None = None


def web_address(url: str, base_url: str) -> str | None:
    """A listing's link as an absolute http(s) address (relative ones resolved against the listing), or None
    when it is not one that can be fetched (`javascript:`, a bad host such as `http://[`, no host)."""
    try:
        address = urljoin(base_url, url.strip())
        parts = urlsplit(address)
        parts.port  # noqa: B018 (reading it checks it: a port out of range raises)
    except ValueError:
        return None
    return address if parts.scheme in ("http", "https") and parts.hostname else None


class SeenFilter:
    """Canonicalises links and drops those fetched before (this run or an earlier one, per the store)."""

    def __init__(self, store: ArticleStore) -> None:
        self._store = store
        self._this_run: set[str] = set()

    def new_links(self, links: Iterable[ArticleLink]) -> list[ArticleLink]:
        candidates: dict[str, ArticleLink] = {}
        for link in links:
            url = canonical_url(link.url)
            if url not in self._this_run and url not in candidates:
                candidates[url] = ArticleLink(url, link.entry, link.changed_at)
        records = self._store.fetch_records(candidates)
        fresh = [
            link
            for url, link in candidates.items()
            if url not in records or (link.changed_at is not None and link.changed_at > records[url].fetched_at)
        ]
        self._this_run.update(link.url for link in fresh)
        return fresh

    def mark(self, url: str) -> None:
        """Count a URL as requested in this run (a submitted URL, fetched whatever the store says)."""
        self._this_run.add(canonical_url(url))
