"""RSS and Atom feeds, parsed with feedparser, as article links carrying what each entry said.

Used for `rss` sources and for the feeds that `search` sources return for each watch term.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser
from feedparser.exceptions import ThingsNobodyCaresAboutButMe
from w3lib.html import remove_tags, replace_entities

from crawlers.links import ArticleLink
from pipeline.page import FeedEntry


class FeedError(ValueError):
    """The document is not a usable RSS or Atom feed."""


@dataclass(frozen=True)
class Feed:
    """A feed's article links; `problem` says why the document is broken when entries were still read
    from it (a feed cut off halfway): the source reports it, and the entries read are not lost."""

    links: list[ArticleLink]
    problem: str | None = None


def parse_feed(body: bytes, content_type: str = "") -> Feed:
    feed = feedparser.parse(body, response_headers={"content-type": content_type}, sanitize_html=False,
                            resolve_relative_uris=False)
    if not feed.entries and (feed.bozo or not feed.get("version")):  # an empty body has no version at all
        raise FeedError(f"not valid RSS/Atom: {feed.get('bozo_exception') or 'no RSS or Atom document found'}")
    links = []
    for entry in feed.entries:
        if entry.get("link"):
            updated = _utc(entry.get("updated_parsed"))
            links.append(ArticleLink(entry["link"], feed_entry(entry), changed_at=updated))
    # feedparser flags a charset or content-type slip too, with exceptions nobody cares about
    broken = feed.bozo and not isinstance(feed.bozo_exception, ThingsNobodyCaresAboutButMe)
    problem = f"not valid RSS/Atom: {feed.bozo_exception} (article links read: {len(links)})" if broken else None
    return Feed(links, problem)


def feed_entry(entry: feedparser.FeedParserDict) -> FeedEntry:
    """What a feed entry says about its page; the summary as plain text."""
    return FeedEntry(
        title=entry.get("title", ""),
        published=_utc(entry.get("published_parsed") or entry.get("updated_parsed")),
        summary=replace_entities(remove_tags(entry.get("summary", ""))),
        authors=tuple(author["name"] for author in entry.get("authors", ()) if author.get("name")),
    )


def _utc(parsed: tuple | None) -> datetime | None:
    return datetime(*parsed[:6], tzinfo=timezone.utc) if parsed else None
