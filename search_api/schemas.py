"""Response models of the JSON API: search results with stories and histogram, one article, sources, health, errors.

Built from the store's dataclasses; times go out as ISO 8601 UTC plus a display string in EAT.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from settings.config import Source
from search_api.formatting import local_time, snapshot_path, utc
from store import Article, SearchHit, SearchRequest, SearchResult, StoryMember
from store.models import MAX_STORY_OTHERS, ArchiveRef, DayCount, FailedPage, Sentiment, SortOrder
from store.source_status import LISTED_FAILURES, SourceStatus


class ErrorResponse(BaseModel):
    detail: str = Field(description="What is wrong, in one sentence.")
    parameter: str | None = Field(default=None, description="The query parameter at fault, if any.")
    position: int | None = Field(default=None, description="For a query that cannot be parsed: the character at fault, from 1.")
    help: str | None = Field(default=None, description="Where the query language is explained.")


class Highlights(BaseModel):
    """Snippets as safe HTML: the article text escaped, matches wrapped in <mark>."""

    title: list[str] = []
    text: list[str] = []


class StoryMemberOut(BaseModel):
    """Another matching article of a hit's story, in summary."""

    doc_id: str
    title: str
    outlet: str
    url: str
    published: datetime | None = Field(description="Publication time, UTC.")

    @classmethod
    def from_member(cls, member: StoryMember) -> StoryMemberOut:
        return cls(doc_id=member.doc_id, title=member.title, outlet=member.outlet, url=member.url,
                   published=utc(member.published))


class SearchHitOut(BaseModel):
    doc_id: str
    url: str
    title: str
    outlet: str
    outlet_type: str | None = Field(description="newspaper, online, tv, radio, blog or government; null when not recorded.")
    source_id: str
    language: str
    published: datetime | None = Field(description="Publication time, UTC.")
    published_local: str | None = Field(description="Publication time in the council's zone (EAT).")
    cluster_id: str | None = Field(description="The story this article belongs to (filter with story=).")
    about_council: bool
    topics: list[str]
    sentiment: Sentiment | None
    highlights: Highlights
    story_size: int = Field(description="Matching articles in this hit's story, this one included (1 when not collapsed).")
    others: list[StoryMemberOut] = Field(
        description=f"Up to {MAX_STORY_OTHERS} other matching articles of the story, in the results' order (empty when not collapsed).")

    @classmethod
    def from_hit(cls, hit: SearchHit, zone: ZoneInfo) -> SearchHitOut:
        article = hit.article
        return cls(
            doc_id=article.doc_id,
            url=article.url,
            title=article.title,
            outlet=article.outlet,
            outlet_type=article.outlet_type,
            source_id=article.source_id,
            language=article.language,
            published=utc(article.published),
            published_local=local_time(article.published, zone),
            cluster_id=article.cluster_id,
            about_council=article.about_council,
            topics=list(article.topics),
            sentiment=article.sentiment,
            highlights=Highlights(title=hit.highlights.get("title", []), text=hit.highlights.get("text", [])),
            story_size=hit.story_size,
            others=[StoryMemberOut.from_member(other) for other in hit.others],
        )


class FacetBucketOut(BaseModel):
    value: str
    count: int


class DayCountOut(BaseModel):
    day: date = Field(description="A day in the council's zone (EAT), YYYY-MM-DD.")
    count: int = Field(description="Matching articles published that day.")

    @classmethod
    def from_day(cls, day: DayCount) -> DayCountOut:
        return cls(day=day.day, count=day.count)


class SearchResponse(BaseModel):
    total: int = Field(description="Matching articles.")
    stories: int = Field(description="Their distinct stories (an estimate above a few thousand; 0 when not collapsed).")
    offset: int
    limit: int
    sort: SortOrder = Field(description="The hits' order: relevance, or newest (also the order without a query).")
    collapse: bool = Field(description="One hit per story (offset and limit count stories), or every article.")
    hits: list[SearchHitOut]
    facets: dict[str, list[FacetBucketOut]]
    histogram: list[DayCountOut] = Field(description="Matching articles per EAT day, the days with at least one, in order.")

    @classmethod
    def from_result(cls, result: SearchResult, request: SearchRequest, zone: ZoneInfo) -> SearchResponse:
        return cls(
            total=result.total,
            stories=result.stories,
            offset=request.offset,
            limit=request.limit,
            sort="newest" if request.by_newest else "relevance",
            collapse=request.collapse,
            hits=[SearchHitOut.from_hit(hit, zone) for hit in result.hits],
            facets={
                name: [FacetBucketOut(value=b.value, count=b.count) for b in buckets]
                for name, buckets in result.facets.items()
            },
            histogram=[DayCountOut.from_day(day) for day in result.histogram],
        )


class ArchiveOut(BaseModel):
    """Where the exact bytes fetched are kept in the WARC archive, and where to see them."""

    file: str = Field(description="The WARC file's name in the archive directory.")
    offset: int = Field(description="Byte offset of the response record in that file.")
    sha256: str = Field(description="SHA-256 of the HTTP payload as fetched, hex.")
    snapshot_url: str = Field(description="The archived copy, served as fetched under a sandboxing policy.")

    @classmethod
    def from_ref(cls, ref: ArchiveRef, doc_id: str) -> ArchiveOut:
        return cls(file=ref.warc_file, offset=ref.offset, sha256=ref.sha256, snapshot_url=snapshot_path(doc_id))


class MentionOut(BaseModel):
    rule: str = Field(description="The watch.yaml rule: name, alias, official, project, ward, village, place; "
                                  "setting: a ward or village in the title or lead with the district named.")
    term: str = Field(description="The configured term that matched.")
    field: str = Field(description="title or text.")
    start: int = Field(description="Character offset of the match in that field.")
    end: int
    snippet: str
    evidence: str = Field(default="", description="Why it counts, e.g. a ward \"after 'kata ya'\".")


class EntitiesOut(BaseModel):
    people: list[str]
    titled_people: list[str]
    places: list[str]
    organisations: list[str]


class ArticleOut(BaseModel):
    doc_id: str
    url: str
    title: str
    text: str
    summary: str
    source_id: str
    outlet: str
    outlet_type: str | None = Field(description="newspaper, online, tv, radio, blog or government; null when not recorded.")
    language: str
    authors: list[str]
    image: str | None
    published: datetime | None
    published_local: str | None
    fetched_at: datetime
    archive: ArchiveOut | None = Field(description="The archived copy of the page; null when none was kept.")
    cluster_id: str | None = Field(description="The story this article belongs to; its lead is the earliest.")
    about_council: bool = Field(description="The story is about the council, not a passing mention.")
    relevance: float = Field(description="How much the article is about the council, 0 to 1.")
    mentions: list[MentionOut] = Field(description="Each mention of the council, with the rule that found it.")
    topics: list[str]
    sentiment: Sentiment | None
    sentiment_confidence: float | None = Field(
        description="How sure the tone reader is of `sentiment`, 1/3 to 1; null for articles scored before it was kept.")
    entities: EntitiesOut

    @classmethod
    def from_article(cls, article: Article, zone: ZoneInfo) -> ArticleOut:
        return cls(
            doc_id=article.doc_id,
            url=article.url,
            title=article.title,
            text=article.text,
            summary=article.summary,
            source_id=article.source_id,
            outlet=article.outlet,
            outlet_type=article.outlet_type,
            language=article.language,
            authors=list(article.authors),
            image=article.image,
            published=utc(article.published),
            published_local=local_time(article.published, zone),
            fetched_at=article.fetched_at.astimezone(timezone.utc),
            archive=ArchiveOut.from_ref(article.archive, article.doc_id) if article.archive else None,
            cluster_id=article.cluster_id,
            about_council=article.about_council,
            relevance=article.relevance,
            mentions=[MentionOut(**asdict(mention)) for mention in article.mentions],
            topics=list(article.topics),
            sentiment=article.sentiment,
            sentiment_confidence=article.sentiment_confidence,
            entities=EntitiesOut(**asdict(article.entities)),
        )


class SourceOut(BaseModel):
    id: str
    outlet: str
    kind: str
    url: str

    @classmethod
    def from_source(cls, source: Source) -> SourceOut:
        return cls(id=source.id, outlet=source.outlet, kind=source.kind.value, url=str(source.url))


class FailedPageOut(BaseModel):
    url: str
    source_id: str
    stage: str = Field(description="The pipeline stage that failed.")
    message: str
    failed_at: datetime
    failed_at_local: str | None

    @classmethod
    def from_failure(cls, failure: FailedPage, zone: ZoneInfo) -> FailedPageOut:
        return cls(url=failure.url, source_id=failure.source_id, stage=failure.stage, message=failure.message,
                   failed_at=failure.failed_at.astimezone(timezone.utc),
                   failed_at_local=local_time(failure.failed_at, zone))


class SourceStatusOut(BaseModel):
    """A configured source and what its latest poll did."""

    id: str
    outlet: str
    kind: str
    url: str
    enabled: bool
    interval_minutes: int
    outcome: str = Field(description='"never" before the first poll, "ok", or "failed (N in a row)".')
    last_poll: datetime | None = Field(description="When the latest poll ended, UTC.")
    last_poll_local: str | None
    pages_fetched: int | None
    new_articles: int | None
    robots_forbidden: int | None = Field(description="Links of the latest poll that robots.txt forbade, skipped.")
    last_error: str | None
    failed_pages: int = Field(description="Pages whose processing failed and that are not indexed since.")
    failed_by_stage: dict[str, int]

    @classmethod
    def from_status(cls, status: SourceStatus, zone: ZoneInfo) -> SourceStatusOut:
        source, run = status.source, status.health.last_run if status.health else None
        return cls(
            id=source.id, outlet=source.outlet, kind=source.kind.value, url=str(source.url), enabled=source.enabled,
            interval_minutes=source.interval_minutes, outcome=status.outcome,
            last_poll=utc(run.finished_at) if run else None,
            last_poll_local=local_time(run.finished_at, zone) if run else None,
            pages_fetched=run.pages_fetched if run else None,
            new_articles=run.new_articles if run else None,
            robots_forbidden=run.robots_forbidden if run else None,
            last_error=status.health.last_error if status.health else None,
            failed_pages=status.failed_pages, failed_by_stage=dict(status.failed_by_stage),
        )


class SourcesResponse(BaseModel):
    sources: list[SourceStatusOut]
    failed: list[FailedPageOut] = Field(description=f"The pages whose processing failed, newest first, at most {LISTED_FAILURES}.")


class HealthResponse(BaseModel):
    status: Literal["ok", "unavailable"]
    store: str = Field(description="The store backend in use: sqlite or elasticsearch.")
    articles: int | None = Field(description="Articles indexed; null when the store cannot be reached.")
    sources: list[SourceOut]
    detail: str | None = None
