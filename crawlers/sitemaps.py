"""Sitemaps, sitemap indexes and Google News sitemaps, read with a safe lxml parser.

Each entry keeps its lastmod (or news publication date), so a crawl visits only what changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree

from crawlers.links import ArticleLink
from pipeline.page import FeedEntry

_PARSER = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, no_network=True)


class SitemapError(ValueError):
    """The document is not a sitemap or sitemap index."""


@dataclass(frozen=True)
class ChildSitemap:
    url: str
    changed_at: datetime | None


@dataclass(frozen=True)
class Sitemap:
    children: list[ChildSitemap]
    links: list[ArticleLink]


def parse_sitemap(body: bytes) -> Sitemap:
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise SitemapError(f"not valid XML: {error}") from None
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        raise SitemapError("no <urlset> or <sitemapindex> found")
    children, links = [], []
    for entry in root:
        fields = {_local(child.tag): child for child in entry if isinstance(child.tag, str)}
        location = _text(fields.get("loc"))
        if not location:
            continue
        lastmod = _date(_text(fields.get("lastmod")))
        if _local(entry.tag) == "sitemap":
            children.append(ChildSitemap(location, lastmod))
        elif _local(entry.tag) == "url":
            news = {_local(c.tag): _text(c) for c in fields["news"] if isinstance(c.tag, str)} if "news" in fields else {}
            published = _date(news.get("publication_date"))
            entry_info = FeedEntry(title=news.get("title", ""), published=published)
            links.append(ArticleLink(location, entry_info, changed_at=lastmod or published))
    return Sitemap(children, links)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _date(text: str | None) -> datetime | None:
    """W3C datetime (2026-11-28, 2026-11-28T10:00:00+03:00, ...Z) as UTC; None when absent or bad."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment.replace(tzinfo=moment.tzinfo or timezone.utc).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: a zoned time at the edge of the calendar (0001-01-01)
        return None
