"""The chain of stages from fetched page to indexable Article: extract, normalise, deduplicate into
stories, find the council's mentions, tag. A page that cannot become an article is `Rejected` with its reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from settings.config import HabariConfig
from pipeline.decode import decode_html
from pipeline.dedupe import StoryClusters, StoryMembership
from pipeline.entities import EntityFinder
from pipeline.extract import extract
from pipeline.language import LanguageDetector
from pipeline.mentions import CouncilMentions, MentionMatcher
from pipeline.normalise import canonical_url, clean_text, doc_id_for
from pipeline.page import FetchedPage
from pipeline.sentiment import SentimentScorer
from pipeline.topics import TopicTagger
from store.models import Article, Entities

MIN_TEXT_CHARS = 150  # shorter "articles" are navigation or teaser pages
SAME_DAY = timedelta(hours=36)  # a page's date-only value, read in any time zone, against the feed's time
EXACT_COPY = "an exact copy of an article already indexed"


@dataclass(frozen=True)
class Rejected:
    url: str
    reason: str


@dataclass(frozen=True)
class Document:
    """Clean text with its canonical URL: what the analysis stages take, from a page or a batch file."""

    url: str
    title: str
    text: str
    published: datetime | None = None

    @property
    def doc_id(self) -> str:
        return doc_id_for(self.url)


@dataclass(frozen=True)
class Analysis:
    """What the stages after extraction found in a document."""

    doc_id: str
    story: StoryMembership
    language: str
    council: CouncilMentions
    topics: tuple[str, ...]
    sentiment: str
    entities: Entities


class Pipeline:
    """Every stage after fetching, built once from the configuration and passed in; the story clusters
    are the one piece of state, kept by the caller (a file for crawls, memory for a batch)."""

    def __init__(self, config: HabariConfig, stories: StoryClusters) -> None:
        self.stories = stories
        self._languages = LanguageDetector()
        self._mentions = MentionMatcher(config.watch)
        self._topics = TopicTagger(config.topics)
        self._sentiment = SentimentScorer()
        self._entities = EntityFinder(config.watch)

    @classmethod
    def open(cls, config: HabariConfig, stories_path: Path | None) -> Pipeline:
        return cls(config, StoryClusters(stories_path))

    def close(self) -> None:
        self.stories.close()

    def process_page(self, page: FetchedPage) -> Article | Rejected:
        extracted = extract(decode_html(page.body, page.encoding), page.url)
        if extracted is None:
            return Rejected(page.url, "no article text found")
        text = clean_text(extracted.text)
        if len(text) < MIN_TEXT_CHARS:
            return Rejected(page.url, f"too little text for an article ({len(text)} characters)")
        document = Document(
            url=canonical_url(page.url, declared=extracted.canonical_url),
            title=clean_text(extracted.title or page.entry.title),
            text=text,
            published=publication_time(extracted.published, page.entry.published),
        )
        analysis = self.analyse(document)
        if analysis.story.duplicate_of is not None:
            return Rejected(page.url, EXACT_COPY)
        return Article(
            doc_id=analysis.doc_id,
            url=document.url,
            title=document.title,
            text=document.text,
            source_id=page.source_id,
            outlet=page.outlet,
            outlet_type=page.outlet_type,
            language=analysis.language,
            fetched_at=page.fetched_at,
            published=document.published,
            authors=extracted.authors or page.entry.authors,
            summary=clean_text(page.entry.summary),
            image=extracted.image,
            archive=page.archive,
            cluster_id=analysis.story.cluster_id,
            about_council=analysis.council.about_council,
            relevance=analysis.council.relevance,
            mentions=analysis.council.mentions,
            topics=analysis.topics,
            sentiment=analysis.sentiment,
            entities=analysis.entities,
        )

    def analyse(self, document: Document) -> Analysis:
        language = self._languages.detect(f"{document.title}\n{document.text}")
        return Analysis(
            doc_id=document.doc_id,
            story=self.stories.assign(document.doc_id, document.title, document.text, document.published,
                                      site=urlsplit(document.url).hostname),
            language=language,
            council=self._mentions.find(document.title, document.text),
            topics=self._topics.tag(document.title, document.text),
            sentiment=self._sentiment.score(document.title, document.text, language),
            entities=self._entities.find(document.title, document.text),
        )


def publication_time(page_date: datetime | None, feed_time: datetime | None) -> datetime | None:
    """The page's date is trusted first; the feed's time refines it when both name the same day."""
    if page_date is None:
        return feed_time
    if feed_time is not None and abs(feed_time - page_date) <= SAME_DAY:
        return feed_time
    return page_date
