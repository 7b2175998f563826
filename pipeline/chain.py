"""The chain of stages from fetched page to indexable Article.

A page that cannot become an article is returned as `Rejected` with its reason, never dropped silently.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.decode import decode_html
from pipeline.extract import extract
from pipeline.language import LanguageDetector
from pipeline.normalise import canonical_url, clean_text, doc_id_for
from pipeline.page import FetchedPage
from store.models import Article


MIN_TEXT_CHARS = 150  # shorter "articles" are navigation or teaser pages
SAME_DAY = timedelta(hours=36)  # a page's date-only value, read in any time zone, against the feed's time


@dataclass(frozen=True)
class Rejected:
    url: str
    reason: str


def process_page(page: FetchedPage, languages: LanguageDetector) -> Article | Rejected:
    html = decode_html(page.body, page.encoding)
    extracted = extract(html, page.url)
    if extracted is None:
        return Rejected(page.url, "no article text found")
    text = clean_text(extracted.text)
    if len(text) < MIN_TEXT_CHARS:
        return Rejected(page.url, f"too little text for an article ({len(text)} characters)")
    url = canonical_url(page.url)
    return Article(
        doc_id=doc_id_for(url),
        url=url,
        title=clean_text(extracted.title or page.entry.title),
        text=text,
        source_id=page.source_id,
        outlet=page.outlet,
        language=languages.detect(text),
        fetched_at=page.fetched_at,
        published=publication_time(extracted.published, page.entry.published),
        authors=extracted.authors or page.entry.authors,
        summary=clean_text(page.entry.summary),
        image=extracted.image,
        archive=page.archive,
    )


def publication_time(page_date: datetime | None, feed_time: datetime | None) -> datetime | None:
    """The page's date is trusted first; the feed's time refines it when both name the same day."""
    if page_date is None:
        return feed_time
    if feed_time is not None and abs(feed_time - page_date) <= SAME_DAY:
        return feed_time
    return page_date
