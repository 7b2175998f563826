"""Extraction: body text, title, authors, date, image and canonical URL from a page's HTML.

Trafilatura (recall-favouring, no comments), then short unpunctuated edge lines trimmed; chosen by bench/extract.py.
The page is parsed once (pipeline/html_tree.py bounds its shape); its metadata is read with trafilatura's own readers,
only those whose fields Habari keeps. A page without article text gets the reason.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import chain

import courlan
import trafilatura
from htmldate import find_date
from htmldate.extractors import get_external_parser
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.external import jt_stoplist_init
from trafilatura.json_metadata import extract_json, extract_json_parse_error, normalize_json
from trafilatura.metadata import examine_meta, extract_author, extract_title, extract_url
from trafilatura.settings import Document, set_date_params

from pipeline.html_tree import Unparsable, parse_html

logger = logging.getLogger(__name__)
# A line at either end of the body with fewer words than this and no closing punctuation is a headline, kicker,
# caption, byline or link list, not article prose (measured plateau: 20-30 words).
EDGE_LINE_MAX_WORDS = 20
WORD = re.compile(r"\w+")
CLOSING_PUNCTUATION = frozenset({"Po", "Pe", "Pf"})  # Unicode: . ! ? 。 etc., closing brackets, closing quotes
DATE_WITH_TIME = "%Y-%m-%dT%H:%M:%S%z"  # htmldate keeps the time and zone a page gives (its default is the day)
JSON_LD_SCRIPTS = XPath('.//script[@type="application/ld+json" or @type="application/settings+json"]')
# Trafilatura reads a JSON-LD block that does not parse with regular expressions whose cost grows with the square
# of its size: 2.2 s for one 800,000-character live blog in the dev set. Larger broken blocks are skipped.
BROKEN_JSON_MAX_CHARS = 100_000
# A page's own marks of its publication time, read for the time of day when htmldate gives only the day (it does
# when it meets the day first elsewhere, as in a byline reading "23 November 2026").
PUBLISHED_META = XPath(
    '//meta[@property="article:published_time" or @name="article:published_time" or @itemprop="datePublished"'
    ' or @property="og:article:published_time" or @name="pubdate" or @name="publish-date"]/@content'
)
_PUBLICATION_TIME_ELEMENT = (
    '@pubdate or @itemprop="datePublished" or contains(concat(" ", @class, " "), " published ")'
    ' or contains(concat(" ", @class, " "), " entry-date ")'
)
PUBLISHED_TIME_ELEMENTS = XPath(f"//time[{_PUBLICATION_TIME_ELEMENT}]/@datetime")
OTHER_TIME_ELEMENTS = XPath(f"//time[not({_PUBLICATION_TIME_ELEMENT})]/@datetime")
ARTICLE_TYPE = re.compile(r"Article|Posting")  # schema.org's NewsArticle, ReportageNewsArticle, BlogPosting, ...
OPEN_GRAPH_ARTICLE = XPath('//meta[(@property="og:type" or @name="og:type") and contains(@content, "article")]')
ISO_DATE_AND_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
JSON_LD_MAX_DATES = 100  # datePublished values read from one page's JSON-LD (a live blog has one per update)
# Whitespace outside JSON strings, dropped for those regular expressions: trafilatura's JSON_MINIFY, but a string
# cut off by the block's end runs to the end (trafilatura's pattern then retries from every later quote: 40 s for
# a 92 KB block cut inside its articleBody).
JSON_MINIFY = re.compile(r'("(?:[^"\\]|\\[\s\S]?)*+(?:"|\Z))|\s')
NO_TEXT = "no article text found"


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    authors: tuple[str, ...]
    published: datetime | None
    image: str | None
    canonical_url: str | None  # the page's rel=canonical or og:url; the fetched URL when the page declares neither


@dataclass(frozen=True)
class NoArticle:
    reason: str


def extract(html: str, url: str) -> Extracted | NoArticle:
    """The article in the page, or why there is none."""
    tree = parse_html(html)
    if isinstance(tree, Unparsable):
        return NoArticle(tree.reason)
    metadata = read_metadata(tree, url)  # before extraction, which strips the tree it is given
    document = trafilatura.bare_extraction(tree, url=url, include_comments=False, favor_recall=True)
    text = trim_edge_lines(document.text or "") if document is not None else ""
    if not WORD.search(text):
        return NoArticle(NO_TEXT)
    return Extracted(
        title=metadata.title or "",
        text=text,
        authors=_split_authors(metadata.author),
        published=_as_utc(_parse_date(metadata.date)),
        image=metadata.image,
        canonical_url=metadata.url,
    )


def read_metadata(tree: HtmlElement, url: str) -> Document:
    """Title, author, canonical URL, image and date, as trafilatura's `extract_metadata` finds them, without the
    fields Habari does not keep (site name, categories, tags, licence: a fifth of the extraction's time)."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:  # trafilatura's rule: a single word is not a name
        metadata.author = None
    try:
        metadata = _read_json_ld(tree, metadata)
    except Exception as error:  # noqa: BLE001 (trafilatura guards its JSON-LD readers the same way)
        logger.warning("JSON-LD metadata of %s unreadable: %s", url, error)
    metadata.title = metadata.title or extract_title(tree)
    metadata.author = metadata.author or extract_author(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    metadata.date = page_date(tree, metadata.url)
    metadata.clean_and_trim()
    return metadata


def _read_json_ld(tree: HtmlElement, metadata: Document) -> Document:
    """trafilatura.metadata.extract_meta_json, but a broken block over BROKEN_JSON_MAX_CHARS is passed over, and
    only a broken block is minified (JSON's parser takes whitespace as it comes)."""
    for script in JSON_LD_SCRIPTS(tree):
        if not script.text:
            continue
        try:
            metadata = extract_json(json.loads(normalize_json(script.text), strict=False), metadata)
        except (json.JSONDecodeError, RecursionError):  # RecursionError: arrays nested thousands deep
            if len(script.text) <= BROKEN_JSON_MAX_CHARS:
                metadata = extract_json_parse_error(normalize_json(JSON_MINIFY.sub(r"\1", script.text)), metadata)
    return metadata


def warm_up() -> None:
    """Load now what the first pages would load: the date parser's rules for every locale it knows (about 5 s
    and 40 MB, tried in turn by htmldate's search for a date in the text), jusText's stop words for every
    language (0.4 s, trafilatura's last fallback) and the public-suffix list (0.2 s, for a page's domain)."""
    get_external_parser().get_date_data("2026 xq")  # a word no locale knows: every locale is tried, and loaded
    jt_stoplist_init()
    courlan.extract_domain("https://www.example.co.tz/")


def trim_edge_lines(text: str) -> str:
    """The text without the boilerplate lines trafilatura leaves before and after the article's prose.

    A text with no prose line at all is returned whole, for the pipeline to judge by its length.
    """
    lines = text.splitlines()
    start, end = 0, len(lines)
    while start < end and _is_edge_boilerplate(lines[start]):
        start += 1
    while end > start and _is_edge_boilerplate(lines[end - 1]):
        end -= 1
    return "\n".join(lines[start:end]) if start < end else text


def _is_edge_boilerplate(line: str) -> bool:
    line = line.rstrip()
    ends_a_sentence = bool(line) and unicodedata.category(line[-1]) in CLOSING_PUNCTUATION
    return len(WORD.findall(line)) < EDGE_LINE_MAX_WORDS and not ends_a_sentence


def _split_authors(author: str | None) -> tuple[str, ...]:
    return tuple(name.strip() for name in (author or "").split(";") if name.strip())


def page_date(tree: HtmlElement, url: str | None) -> str | None:
    """The page's publication time as ISO text: htmldate's choice of day, with the time of day and zone that
    the page's own publication marks give for that day when htmldate found only the day."""
    # set_date_params() each time: it holds today's date as the latest a page can have
    found = find_date(tree, **{**set_date_params(), "outputformat": DATE_WITH_TIME, "url": url})
    day = _parse_date(found)
    if day is None or day.tzinfo is not None or day.time() != time():  # none, or it carries a time already
        return found
    timed = _publication_time_on(tree, day.date())
    return timed.isoformat() if timed is not None else found


def _publication_time_on(tree: HtmlElement, day: date) -> datetime | None:
    """The page's own publication time on `day` (as written, in its zone), most trusted mark first: its
    publication <meta>, its JSON-LD datePublished, a <time datetime> marked as the publication time, or else
    the one time on that day its other <time> elements give (a list of other stories may give several)."""
    marks = chain(PUBLISHED_META(tree), _json_ld_published(tree), PUBLISHED_TIME_ELEMENTS(tree))
    on_day = (moment for moment in map(_with_time_of_day, marks) if moment is not None and moment.date() == day)
    if (marked := next(on_day, None)) is not None:
        return marked
    others = {moment for moment in map(_with_time_of_day, OTHER_TIME_ELEMENTS(tree))
              if moment is not None and moment.date() == day}
    return others.pop() if len(others) == 1 else None


def has_article_marks(tree: HtmlElement) -> bool:
    """Whether the page says it is an article: Open Graph type article, a publication-time <meta>, or a JSON-LD
    article or posting with its publication time (home and section pages carry none of them)."""
    return bool(OPEN_GRAPH_ARTICLE(tree) or PUBLISHED_META(tree) or next(_json_ld_published(tree, articles_only=True),
                                                                          None))


def _json_ld_published(tree: HtmlElement, articles_only: bool = False) -> Iterator[str]:
    """datePublished of the JSON-LD nodes that are articles or postings, then (unless `articles_only`) of any
    other node."""
    articles, others = [], []
    for script in JSON_LD_SCRIPTS(tree):
        try:
            pending = [json.loads(script.text or "", strict=False)]
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
            continue
        while pending and len(articles) + len(others) < JSON_LD_MAX_DATES:
            node = pending.pop()
            if isinstance(node, list):
                pending.extend(reversed(node))
            elif isinstance(node, dict):
                published = node.get("datePublished")
                if isinstance(published, str):
                    kinds = node.get("@type")
                    kinds = " ".join(map(str, kinds)) if isinstance(kinds, list) else str(kinds)
                    (articles if ARTICLE_TYPE.search(kinds) else others).append(published)
                pending.extend(reversed([value for value in node.values() if isinstance(value, (list, dict))]))
    yield from articles
    if not articles_only:
        yield from others


def _with_time_of_day(text: str) -> datetime | None:
    """An ISO 8601 date with a time of day (and zone, naive as UTC); None for a date alone or anything else."""
    text = text.strip()
    if not ISO_DATE_AND_TIME.match(text):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_date(text: str | None) -> datetime | None:
    """htmldate's output as a datetime; naive when the page gave no zone (a day alone is naive midnight)."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
