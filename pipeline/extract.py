"""Extraction: body text, title, authors, date, image and canonical URL from a page's HTML.

Trafilatura (recall-favouring, no comments), then short unpunctuated edge lines trimmed; chosen by bench/extract.py.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura
from htmldate.extractors import get_external_parser
from trafilatura.settings import set_date_params

# A line at either end of the body with fewer words than this and no closing punctuation is a headline, kicker,
# caption, byline or link list, not article prose (measured plateau: 20-30 words).
EDGE_LINE_MAX_WORDS = 20
WORD = re.compile(r"\w+")
CLOSING_PUNCTUATION = frozenset({"Po", "Pe", "Pf"})  # Unicode: . ! ? 。 etc., closing brackets, closing quotes
DATE_WITH_TIME = "%Y-%m-%dT%H:%M:%S%z"  # htmldate keeps the time and zone a page gives (its default is the day)


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    authors: tuple[str, ...]
    published: datetime | None
    image: str | None
    canonical_url: str | None  # the page's rel=canonical or og:url; the fetched URL when the page declares neither


def extract(html: str, url: str) -> Extracted | None:
    """The article in the page, or None when the page holds no article text."""
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_recall=True,
        date_extraction_params={**set_date_params(), "outputformat": DATE_WITH_TIME},
    )
    text = trim_edge_lines(document.text or "") if document is not None else ""
    if not WORD.search(text):
        return None
    return Extracted(
        title=document.title or "",
        text=text,
        authors=_split_authors(document.author),
        published=_parse_date(document.date),
        image=document.image,
        canonical_url=document.url,
    )


def warm_up() -> None:
    """Load now what the first page whose date is only in its text would load: the date parser's
    rules for every locale it knows (about 5 s and 40 MB), which htmldate's search tries in turn."""
    get_external_parser().get_date_data("2026 xq")  # a word no locale knows: every locale is tried, and loaded


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


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
