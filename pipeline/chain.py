"""The chain of stages from fetched page to indexable Article: decode, extract, normalise, deduplicate into
stories, find the council's mentions, tag, then any extra stages the deployment names.

A page that cannot become an article is `Rejected` with its reason; a stage that raises (a bug) `Failed`, naming it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from pkgutil import resolve_name
from typing import Any, TypeVar
from urllib.parse import urlsplit

from settings.config import HabariConfig
from settings.environment import Settings
from pipeline.decode import NotText, decode_html
from pipeline.dedupe import StoryClusters, StoryMembership
from pipeline.entities import EntityFinder
from pipeline.extract import Extracted, NoArticle, extract
from pipeline.language import LanguageDetector
from pipeline.mentions import CouncilMentions, MentionMatcher
from pipeline.normalise import canonical_url, clean_text, doc_id_for, utc_time
from pipeline.page import FetchedPage
from pipeline.sentiment import SentimentScorer
from pipeline.topics import TopicTagger
from store.models import Article, Entities

MIN_TEXT_CHARS = 150  # shorter "articles" are navigation or teaser pages
SAME_DAY = timedelta(hours=36)  # a page's date-only value, read in any time zone, against the feed's time
EXACT_COPY = "an exact copy of an article already indexed"
MAX_MESSAGE_CHARS = 500  # of a failure's message, which may quote its input


Result = TypeVar("Result")


@dataclass(frozen=True)
class Rejected:
    url: str
    reason: str


@dataclass(frozen=True)
class Failed:
    """A stage raised on this page: a bug to fix, contained to the page, which can be processed again."""

    url: str
    stage: str
    message: str


ArticleStage = Callable[[Article], "Article | Rejected"]  # an extra stage: the article to index, changed or not


class StageError(Exception):
    """A stage raised; the chain returns it as `Failed`. The message is the error's type and its first words."""

    def __init__(self, stage: str, error: Exception) -> None:
        super().__init__(f"{type(error).__name__}: {error}"[:MAX_MESSAGE_CHARS])
        self.stage = stage


def run_stage(stage: str, call: Callable[..., Result], *arguments: object) -> Result:
    """The call's result; whatever it raises is a StageError naming the stage."""
    try:
        return call(*arguments)
    except Exception as error:  # noqa: BLE001 (any bug in a stage is contained to its page)
        raise StageError(stage, error) from error


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
    sentiment_confidence: float
    entities: Entities

    def article_fields(self) -> dict[str, Any]:
        """The Article fields this analysis gives (its story aside): to build an article or to update one."""
        return {
            "language": self.language,
            "about_council": self.council.about_council,
            "relevance": self.council.relevance,
            "mentions": self.council.mentions,
            "topics": self.topics,
            "sentiment": self.sentiment,
            "sentiment_confidence": self.sentiment_confidence,
            "entities": self.entities,
        }


class Pipeline:
    """Every stage after fetching, built once from the configuration and passed in; the story clusters
    are the one piece of state, kept by the caller (a file for crawls, memory for a batch).

    `extra_stages` name callables (`package.module:name`) that take each article after the built-in stages and
    return it, changed or not, or a Rejected: a deployment's own last steps, run for every crawled page."""

    def __init__(self, config: HabariConfig, stories: StoryClusters, extra_stages: Iterable[str] = ()) -> None:
        self.stories = stories
        self._languages = LanguageDetector()
        self._mentions = MentionMatcher(config.watch)
        self._topics = TopicTagger(config.topics)
        self._sentiment = SentimentScorer()
        self._entities = EntityFinder(config.watch)
        self._extra_stages = tuple((name, _load_stage(name)) for name in extra_stages)

    @classmethod
    def open(cls, config: HabariConfig, stories_path: Path | None, extra_stages: Iterable[str] = ()) -> Pipeline:
        return cls(config, StoryClusters(stories_path), extra_stages)

    @classmethod
    def from_settings(cls, settings: Settings) -> Pipeline:
        """The pipeline of crawls: the story clusters' file and the extra stages the settings name."""
        return cls.open(settings.config, settings.stories_path, settings.extra_stages)

    def close(self) -> None:
        self.stories.close()

    def process_page(self, page: FetchedPage) -> Article | Rejected | Failed:
        try:
            return self._article(page)
        except StageError as error:
            return Failed(page.url, error.stage, str(error))

    def analyse(self, document: Document) -> Analysis | Failed:
        try:
            return self._analysis(document)
        except StageError as error:
            return Failed(document.url, error.stage, str(error))

    def _article(self, page: FetchedPage) -> Article | Rejected:
        html = run_stage("decode", decode_html, page.body, page.encoding)
        if isinstance(html, NotText):
            return Rejected(page.url, html.reason)
        extracted = run_stage("extract", extract, html, page.url)
        if isinstance(extracted, NoArticle):
            return Rejected(page.url, extracted.reason)
        document = run_stage("normalise", _document, page, extracted)
        if len(document.text) < MIN_TEXT_CHARS:
            return Rejected(page.url, f"too little text for an article ({len(document.text)} characters)")
        analysis = self._analysis(document)
        if analysis.story.duplicate_of is not None:
            return Rejected(page.url, EXACT_COPY)
        article = Article(
            doc_id=analysis.doc_id,
            url=document.url,
            title=document.title,
            text=document.text,
            source_id=page.source_id,
            outlet=page.outlet,
            outlet_type=page.outlet_type,
            fetched_at=page.fetched_at,
            published=document.published,
            authors=extracted.authors or page.entry.authors,
            summary=clean_text(page.entry.summary),
            image=extracted.image,
            archive=page.archive,
            cluster_id=analysis.story.cluster_id,
            **analysis.article_fields(),
        )
        for name, stage in self._extra_stages:
            result = run_stage(name, stage, article)
            if isinstance(result, Rejected):
                return result
            article = result
        return article

    def _analysis(self, document: Document) -> Analysis:
        """The stories stage comes last, as it is the one that keeps state: a document another stage fails on
        does not claim its text in the story clusters."""
        title, text = document.title, document.text
        language = run_stage("language", self._languages.detect, f"{title}\n{text}")
        council = run_stage("mentions", self._mentions.find, title, text)
        topics = run_stage("topics", self._topics.tag, title, text)
        tone = run_stage("sentiment", self._sentiment.score, title, text, language)
        entities = run_stage("entities", self._entities.find, title, text)
        story = run_stage("stories", self.stories.assign, document.doc_id, title, text, document.published,
                          urlsplit(document.url).hostname)
        return Analysis(document.doc_id, story, language, council, topics, tone.label, tone.confidence, entities)


def _document(page: FetchedPage, extracted: Extracted) -> Document:
    return Document(
        url=canonical_url(page.url, declared=extracted.canonical_url),
        title=clean_text(extracted.title or page.entry.title),
        text=clean_text(extracted.text),
        published=publication_time(utc_time(extracted.published), utc_time(page.entry.published)),
    )


def _load_stage(name: str) -> ArticleStage:
    """The callable a `package.module:name` names; a name that cannot be loaded is a ValueError naming it."""
    try:
        stage = resolve_name(name)
    except (ImportError, AttributeError, ValueError) as error:
        raise ValueError(f"extra stage {name!r} cannot be loaded: {type(error).__name__}: {error}") from error
    if not callable(stage):
        raise ValueError(f"extra stage {name!r} is not callable")
    return stage


def publication_time(page_date: datetime | None, feed_time: datetime | None) -> datetime | None:
    """The page's date is trusted first; the feed's time refines it when both name the same day."""
    if page_date is None:
        return feed_time
    if feed_time is not None and abs(feed_time - page_date) <= SAME_DAY:
        return feed_time
    return page_date
