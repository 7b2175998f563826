"""Section and home pages: the article links on them, the listing pages worth following, and whether a page
submitted as an article is one of them.

Articles are told from listings by URL shape; calendar and deep-pagination traps are never followed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawlers.links import ArticleLink
from pipeline.extract import WORD, Extracted, extract, has_article_marks
from pipeline.html_tree import Unparsable, parse_html
from pipeline.page import FeedEntry
from settings.config import Source

_DATED_PATH = re.compile(r"/(19|20)\d\d/[01]?\d/[0-3]?\d/")
_SLUG = re.compile(r"[^/]*[a-z0-9]+(-[a-z0-9]+){2,}[^/]*/?$", re.IGNORECASE)
_NUMERIC_ID = re.compile(r"\d{5,}")
_NOT_ARTICLE = re.compile(
    r"/(tags?|categor(y|ies)|authors?|search|login|register|about|contact|privacy|feed|rss|calendar)(/|$)",
    re.IGNORECASE,
)
_TRAP = re.compile(r"/calendar/|/(19|20)\d\d/[01]?\d/?$|[?&](page|p)=([6-9]|\d\d+)\b", re.IGNORECASE)


# A listing links to at least this many articles on its site, with fewer words of text than this per linked
# article (the demo and test webs' home and section pages: 3 to 14 links and 2 to 24 words per link; their articles
# and the 256 real articles of the extraction dev set are never all of: no article marks, an address not shaped
# like an article's, this many links and this little text).
LISTING_MIN_ARTICLE_LINKS = 3
LISTING_MAX_WORDS_PER_LINK = 40


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


@dataclass(frozen=True)
class ListingEvidence:
    """Why a page taken for an article is a home or section page instead."""

    article_links: int
    words: int

    def describe(self) -> str:
        return (f"it is a listing (it links to {self.article_links} articles on its site, has {self.words} words of"
                " text and no article metadata)")


def listing_evidence(response: HtmlResponse, source: Source) -> ListingEvidence | None:
    """The evidence that the page is a home or section page, or None when it may be an article: it gives no
    article marks (pipeline.extract.has_article_marks), its address is not an article's, and it links to many
    articles on its site with little text of its own."""
    if is_article_url(response.url):
        return None
    tree = parse_html(response.text)
    if isinstance(tree, Unparsable) or has_article_marks(tree):
        return None
    article_links = len({link.url for link in read_section(response, source).articles} - {response.url})
    extracted = extract(response.text, response.url)
    words = len(WORD.findall(extracted.text)) if isinstance(extracted, Extracted) else 0
    if article_links < LISTING_MIN_ARTICLE_LINKS or words >= LISTING_MAX_WORDS_PER_LINK * article_links:
        return None
    return ListingEvidence(article_links, words)
