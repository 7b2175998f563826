"""Section and home pages: the article links on them, and the listing pages worth following.

Articles are told from listings by URL shape; calendar and deep-pagination traps are never followed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawlers.links import ArticleLink
from settings.config import Source
from pipeline.page import FeedEntry

_DATED_PATH = re.compile(r"/(19|20)\d\d/[01]?\d/[0-3]?\d/")
_SLUG = re.compile(r"[^/]*[a-z0-9]+(-[a-z0-9]+){2,}[^/]*/?$", re.IGNORECASE)
_NUMERIC_ID = re.compile(r"\d{5,}")
_NOT_ARTICLE = re.compile(
    r"/(tags?|categor(y|ies)|authors?|search|login|register|about|contact|privacy|feed|rss|calendar)(/|$)",
    re.IGNORECASE,
)
_TRAP = re.compile(r"/calendar/|/(19|20)\d\d/[01]?\d/?$|[?&](page|p)=([6-9]|\d\d+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SectionPage:
    articles: list[ArticleLink]
    listings: list[str]


def read_section(response: HtmlResponse, source: Source) -> SectionPage:
    """Links on the page that stay on the source's site and pass its allow/deny patterns."""
    # Scrapy matches allowed domains against the whole netloc, so a site on a port is named with it.
    extractor = LinkExtractor(
        allow=source.allow, deny=source.deny, allow_domains=[urlsplit(source.url).netloc], unique=True
    )
    articles, listings = [], []
    for link in extractor.extract_links(response):
        if is_article_url(link.url):
            articles.append(ArticleLink(link.url, FeedEntry(title=link.text.strip())))
        elif not _TRAP.search(link.url):
            listings.append(link.url)
    return SectionPage(articles, listings)


def is_article_url(url: str) -> bool:
    """An article's address: a dated path, a long numeric id, or a slug of three or more words."""
    parts = urlsplit(url)
    path = parts.path
    if _NOT_ARTICLE.search(path) or path in ("", "/"):
        return False
    return bool(_DATED_PATH.search(path) or _NUMERIC_ID.search(path) or _SLUG.search(path))
