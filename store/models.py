"""Typed records that cross the store seam: the indexed article and search requests/results.

Both backends take and return exactly these; nothing above `store/` sees a backend's own shapes.
"""
from __future__ import annotations

from dataclasses import MISSING, Field, asdict, dataclass, field, fields
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self

from store.query import QueryNode

MAX_WINDOW = 10_000  # offset + limit: deeper pages are refused, as Elasticsearch refuses them
MAX_LIMIT = 500  # hits in one page
FACET_FIELDS = ("source_id", "outlet", "outlet_type", "language", "about_council", "topics", "sentiment", "places",
                "people", "organisations")
Sentiment = Literal["positive", "neutral", "negative"]
SortOrder = Literal["relevance", "newest"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "newest")
# The histogram's days are the council's: East Africa Time, UTC+3 all year (no daylight saving).
EAT = timezone(timedelta(hours=3), "EAT")
MAX_STORY_OTHERS = 10  # a folded story lists at most this many of its other matching articles


@dataclass(frozen=True)
class ArchiveRef:
    """Where the exact fetched bytes of a page lie: a WARC file (name in the archive dir), the
    record's offset in it, and the SHA-256 of the HTTP payload."""

    warc_file: str
    offset: int
    sha256: str


@dataclass(frozen=True)
class Mention:
    """Where the council is mentioned, and why that counts: the watch rule and configured term that
    matched, the field ("title" or "text"), character offsets into that field, a snippet around it, and
    the evidence that made it count (a ward "after 'kata ya'"; empty in records made before it was kept)."""

    rule: str
    term: str
    field: str
    start: int
    end: int
    snippet: str
    evidence: str = ""


@dataclass(frozen=True)
class Entities:
    """Names found in an article: people ("Shauri Selenda"), the same with the title the article gave them
    ("Mkurugenzi Mtendaji Shauri Selenda"), gazetteer places as configured, organisations as written."""

    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    titled_people: tuple[str, ...] = ()


class CorrectedField(StrEnum):
    """The parts of an article's analysis an officer can correct."""

    SENTIMENT = "sentiment"
    TOPICS = "topics"
    ABOUT_COUNCIL = "about_council"
    STORY = "story"


CorrectionValue = str | bool | tuple[str, ...]


@dataclass(frozen=True)
class Correction:
    """An officer's correction of one field: the value that now holds (a sentiment, topic ids, True or False, or
    for the story OWN_STORY or the doc_id of an article whose story this one joins), who made it and when, what
    Habari had said (`replaced`), and why (`note`)."""

    field: CorrectedField
    value: CorrectionValue
    corrected_by: str
    corrected_at: datetime
    replaced: CorrectionValue | None = None
    note: str = ""

    OWN_STORY: ClassVar[str] = "own"

    def to_record(self) -> dict:
        return {**asdict(self), "field": self.field.value, "value": _listed(self.value),
                "replaced": _listed(self.replaced), "corrected_at": _iso(self.corrected_at)}

    @classmethod
    def from_record(cls, record: dict) -> Correction:
        field_name = CorrectedField(record["field"])
        return cls(field_name, _corrected_value(field_name, record["value"]), record["corrected_by"],
                   _parse_iso(record["corrected_at"]), _corrected_value(field_name, record.get("replaced")),
                   record.get("note") or "")


def _listed(value: CorrectionValue | None) -> object:
    return list(value) if isinstance(value, tuple) else value


def _corrected_value(field_name: CorrectedField, value: object) -> CorrectionValue | None:
    if value is None:
        return None
    return tuple(value) if field_name is CorrectedField.TOPICS else value


@dataclass(frozen=True)
class Article:
    """One indexed news article; `doc_id` is a stable hash of `url` (the canonical URL).

    The analysis fields come from the pipeline: the story cluster it belongs to (the id changes only when a
    later article shows two clusters to be one story; the cluster's lead is its earliest member), the council's
    mentions, topics, sentiment and entities.
    """

    doc_id: str
    url: str
    title: str
    text: str
    source_id: str
    outlet: str
    language: str
    fetched_at: datetime
    published: datetime | None = None
    outlet_type: str | None = None  # the source's (newspaper, online, tv, ...); None if indexed before it was kept
    authors: tuple[str, ...] = ()
    summary: str = ""
    image: str | None = None
    archive: ArchiveRef | None = None
    cluster_id: str | None = None
    about_council: bool = False
    relevance: float = 0.0
    mentions: tuple[Mention, ...] = ()
    topics: tuple[str, ...] = ()
    sentiment: Sentiment | None = None
    sentiment_confidence: float | None = None  # the tone's calibrated probability, 0 to 1; None if scored before it was kept
    entities: Entities = field(default_factory=Entities)
    corrections: tuple[Correction, ...] = ()  # the officers' corrections, oldest first; the latest of a field holds

    @property
    def story_id(self) -> str:
        """The story this article belongs to: its cluster, or itself when it has none."""
        return self.cluster_id or self.doc_id

    def to_record(self) -> dict:
        """JSON-ready dict; datetimes as ISO 8601 UTC strings."""
        record = asdict(self)
        record["authors"] = list(self.authors)
        record["topics"] = list(self.topics)
        record["mentions"] = list(record["mentions"])
        record["entities"] = {name: list(values) for name, values in record["entities"].items()}
        record["corrections"] = [correction.to_record() for correction in self.corrections]
        record["fetched_at"] = _iso(self.fetched_at)
        record["published"] = _iso(self.published) if self.published else None
        return record

    @classmethod
    def from_record(cls, record: dict) -> Article:
        values = {name: record.get(name) for name in cls.__dataclass_fields__}
        values["authors"] = tuple(record.get("authors") or ())
        values["summary"] = record.get("summary") or ""
        values["fetched_at"] = _parse_iso(record["fetched_at"])
        values["published"] = _parse_iso(record["published"]) if record.get("published") else None
        values["archive"] = ArchiveRef(**record["archive"]) if record.get("archive") else None
        values["about_council"] = bool(record.get("about_council"))
        values["relevance"] = float(record.get("relevance") or 0.0)
        values["mentions"] = tuple(Mention(**mention) for mention in record.get("mentions") or ())
        values["topics"] = tuple(record.get("topics") or ())
        found = record.get("entities") or {}
        values["entities"] = Entities(**{name: tuple(found.get(name) or ()) for name in Entities.__dataclass_fields__})
        values["corrections"] = tuple(Correction.from_record(item) for item in record.get("corrections") or ())
        return cls(**values)


@dataclass(frozen=True)
class SavedSearch:
    """A search kept under a name for the team: the query as typed and the filters by the names the page's address
    gives them (source, topic, from, about…), who saved it and when. Names are unique regardless of case."""

    name: str
    query: str
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    owner: str
    created_at: datetime
    updated_at: datetime

    @property
    def key(self) -> str:
        return saved_search_key(self.name)

    def to_record(self) -> dict:
        return {"key": self.key, "name": self.name, "query": self.query,
                "filters": {name: list(values) for name, values in self.filters}, "owner": self.owner,
                "created_at": _iso(self.created_at), "updated_at": _iso(self.updated_at)}

    @classmethod
    def from_record(cls, record: dict) -> SavedSearch:
        filters = tuple((name, tuple(values)) for name, values in record["filters"].items())
        return cls(record["name"], record["query"], filters, record["owner"], _parse_iso(record["created_at"]),
                   _parse_iso(record["updated_at"]))


def saved_search_key(name: str) -> str:
    """What makes two names the same saved search: case and surrounding spaces aside."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class ArticleSelection:
    """Which stored articles to read back in doc_id order, as re-analysis does: from some sources (any when
    empty), fetched at or after `fetched_from`, and after the doc_id `after` (to resume)."""

    source_ids: tuple[str, ...] = ()
    fetched_from: datetime | None = None
    after: str | None = None


@dataclass(frozen=True)
class SearchFilters:
    """Exact filters on top of the query: an article passes when, for every field given, it has one of the
    values; empty tuples and None mean any. published_from <= published < published_before."""

    source_ids: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    outlet_types: tuple[str, ...] = ()
    cluster_ids: tuple[str, ...] = ()
    about_council: bool | None = None
    published_from: datetime | None = None
    published_before: datetime | None = None

    def by_field(self) -> dict[str, tuple[str, ...]]:
        """The value filters keyed by article field (the facet names, and cluster_id); booleans as
        "true"/"false", the facets' spelling."""
        wanted = {
            "source_id": self.source_ids,
            "outlet": self.outlets,
            "outlet_type": self.outlet_types,
            "language": self.languages,
            "topics": self.topics,
            "sentiment": self.sentiments,
            "places": self.places,
            "people": self.people,
            "organisations": self.organisations,
            "cluster_id": self.cluster_ids,
            "about_council": () if self.about_council is None else (_flag(self.about_council),),
        }
        return {name: values for name, values in wanted.items() if values}


@dataclass(frozen=True)
class SearchRequest:
    """A parsed query (None matches everything), filters, facets to count, the order, and a page window.

    With `collapse` the page has one hit per story (its best article, the others folded into it), and
    offset and limit count stories; `histogram` asks for the matches per day.
    """

    query: QueryNode | None = None
    filters: SearchFilters = field(default_factory=SearchFilters)
    facets: tuple[str, ...] = FACET_FIELDS
    sort: SortOrder = "relevance"
    collapse: bool = True
    histogram: bool = True
    offset: int = 0
    limit: int = 20

    def __post_init__(self) -> None:
        unknown = set(self.facets) - set(FACET_FIELDS)
        if unknown:
            raise ValueError(f"unknown facet field(s): {', '.join(sorted(unknown))}")
        if self.sort not in SORT_ORDERS:
            raise ValueError(f"unknown sort order {self.sort!r}: use one of {', '.join(SORT_ORDERS)}")
        if self.offset < 0 or not 0 < self.limit <= MAX_LIMIT or self.offset + self.limit > MAX_WINDOW:
            raise ValueError(f"offset must be >= 0, limit between 1 and {MAX_LIMIT}, and offset + limit at most"
                             f" {MAX_WINDOW:,}")

    @property
    def by_newest(self) -> bool:
        """Newest first: asked for, or the only order when there are no words to rank by."""
        return self.sort == "newest" or self.query is None


@dataclass(frozen=True)
class FacetBucket:
    value: str
    count: int


@dataclass(frozen=True)
class StoryMember:
    """Another matching article of a hit's story, in summary: what a folded result lists of it."""

    doc_id: str
    url: str
    title: str
    outlet: str
    published: datetime | None = None

    @classmethod
    def of(cls, article: Article) -> StoryMember:
        return cls(article.doc_id, article.url, article.title, article.outlet, article.published)

    @classmethod
    def from_record(cls, record: dict) -> StoryMember:
        """From these fields of an article's record (story_member_fields())."""
        published = _parse_iso(record["published"]) if record.get("published") else None
        return cls(record["doc_id"], record["url"], record["title"], record["outlet"], published)


def story_member_fields() -> list[str]:
    """The article record's fields a StoryMember is made of: what a store need fetch for one."""
    return [member_field.name for member_field in fields(StoryMember)]


@dataclass(frozen=True)
class SearchHit:
    """An article with its score and highlight snippets (safe HTML: escaped text and <mark>).

    When results are collapsed, `story_size` counts the story's articles that match, this one included,
    and `others` holds up to MAX_STORY_OTHERS of the rest, in the page's order.
    """

    article: Article
    score: float
    highlights: dict[str, list[str]] = field(default_factory=dict)
    story_size: int = 1
    others: tuple[StoryMember, ...] = ()


@dataclass(frozen=True)
class DayCount:
    """How many matching articles were published on one day (East Africa Time)."""

    day: date
    count: int


@dataclass(frozen=True)
class SearchResult:
    """`total` counts matching articles and `stories` their stories (exact up to a few thousand, an
    estimate above: both stores count distinct stories with HyperLogLog); `histogram` has the days
    with at least one dated match, in order."""

    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetBucket]] = field(default_factory=dict)
    stories: int = 0
    histogram: list[DayCount] = field(default_factory=list)


class _TimedRecord:
    """to_record/from_record for flat records whose `_times` fields are datetimes (ISO UTC in JSON)."""

    _times: ClassVar[tuple[str, ...]] = ()

    def to_record(self) -> dict:
        record = asdict(self)  # type: ignore[call-overload]
        return {name: _iso(value) if name in self._times and value else value for name, value in record.items()}

    @classmethod
    def from_record(cls, record: dict) -> Self:
        members = fields(cls)  # type: ignore[arg-type]
        values = {member.name: record.get(member.name, _default(member)) for member in members}
        for name in cls._times:
            values[name] = _parse_iso(values[name]) if values.get(name) else None
        return cls(**values)


@dataclass(frozen=True)
class FetchRecord(_TimedRecord):
    """The crawl's memory of one canonical URL: when it was last fetched, with what validators
    (for conditional GET) and what content hash (to tell a changed page from the same one)."""

    url: str
    fetched_at: datetime
    status: int
    etag: str | None = None
    last_modified: str | None = None
    content_sha256: str | None = None

    _times: ClassVar[tuple[str, ...]] = ("fetched_at",)


@dataclass(frozen=True)
class FailedPage:
    """A fetched page whose processing failed (a stage raised: a bug), kept until the page is indexed, so that it
    can be processed again from its archived copy: the URL as fetched, the stage that failed and its message."""

    url: str
    source_id: str
    stage: str
    message: str
    failed_at: datetime
    archive: ArchiveRef | None = None

    def to_record(self) -> dict:
        return {**asdict(self), "failed_at": _iso(self.failed_at)}

    @classmethod
    def from_record(cls, record: dict) -> FailedPage:
        archive = record.get("archive")
        return cls(
            url=record["url"],
            source_id=record["source_id"],
            stage=record["stage"],
            message=record["message"],
            failed_at=_parse_iso(record["failed_at"]),
            archive=ArchiveRef(**archive) if archive else None,
        )


@dataclass(frozen=True)
class SourceRun(_TimedRecord):
    """What one poll of one source did; `failed_pages` counts the pages whose processing failed."""

    source_id: str
    started_at: datetime
    finished_at: datetime
    ok: bool
    pages_fetched: int = 0
    new_articles: int = 0
    errors: int = 0
    error: str | None = None
    robots_forbidden: int = 0  # links robots.txt forbade, skipped
    failed_pages: int = 0

    _times: ClassVar[tuple[str, ...]] = ("started_at", "finished_at")


@dataclass(frozen=True)
class SourceHealth:
    """A source's state for the officer: its latest run, last success and last error."""

    source_id: str
    last_run: SourceRun
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    failures_in_a_row: int


def _default(member: Field) -> Any:
    """A field's default, for records written before it existed; None for a field without one."""
    return None if member.default is MISSING else member.default


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the store keeps UTC-aware times only")
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
