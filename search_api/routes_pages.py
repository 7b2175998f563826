"""The web page: a search form with results folded by story, facets, a per-day histogram and paging at /,
one article at /articles/{id}, and the sources' polls and failed pages at /sources.

Server-rendered from Jinja2 templates, with no script; feed text reaches the page only through autoescaping.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from settings.environment import Settings
from search_api.auth import requires
from search_api.roles import Permission
from search_api.deps import SettingsDep, StoreDep, ZoneDep
from search_api.errors import error_response
from search_api.exports import MAX_EXPORT_ROWS, ExportFormat
from search_api.formatting import local_time, others_phrase, safe_link, snapshot_path, utc
from search_api.params import DEFAULT_LIMIT, QUERY_HELP, ParameterError, SearchParams, build_request, search_params
from search_api.query_help import examples
from search_api.schemas import ErrorResponse, FailedPageOut, SourceStatusOut
from search_api.templating import ABOUT_NAMES, LANGUAGE_NAMES, OUTLET_TYPE_NAMES, SENTIMENT_NAMES, render
from store import Article, SearchFilters, SearchHit, SearchRequest, SearchResult, StoryMember
from store.models import DayCount
from store.query import MAX_QUERY_LENGTH, MAX_TERMS, MIN_PREFIX
from store.source_status import latest_failures, source_statuses

router = APIRouter(include_in_schema=False)
EXCERPT_LENGTH = 280
MAX_BARS = 120  # a longer span of days is drawn with several days to a bar (a year: a week to a bar)
MIN_SLOTS = 30  # fewer bars are drawn at the width of this many, centred
BAR_HEIGHT = 100  # the histogram's height in SVG units; a bar of the busiest day is this tall
_PARAGRAPH_BREAK = re.compile(r"\n\s*")
ParamsDep = Annotated[SearchParams, Depends(search_params)]


@dataclass(frozen=True)
class StoryMemberView:
    """Another matching article of a result's story, as its folded list shows it."""

    doc_id: str
    title: str
    outlet: str
    published_local: str | None
    published_utc: str | None


@dataclass(frozen=True)
class ResultView:
    """One result as the page shows it; the *_html fields are the store's already-escaped snippets.
    `others` are the story's other matches, `others_label` their summary, `story_href` all of them when
    more match than are listed."""

    doc_id: str
    title: str
    title_html: str | None
    link: str | None
    outlet: str
    language: str
    published_local: str | None
    published_utc: str | None
    snippet_html: str | None
    excerpt: str
    others: list[StoryMemberView]
    others_label: str | None
    story_size: int
    story_href: str | None


@dataclass(frozen=True)
class HistogramBar:
    """The matches published from `first` to `last` (EAT days, one unless the span is long), placed at slot `x`."""

    first: date
    last: date
    count: int
    x: int
    height: float
    href: str

    @property
    def label(self) -> str:
        days = self.first.isoformat() if self.first == self.last else f"{self.first.isoformat()} – {self.last.isoformat()}"
        return f"{days}: {self.count}"


@dataclass(frozen=True)
class Histogram:
    """The bars of the matched days, centred among `slots` when fewer; the axis spans every slot's day."""

    bars: list[HistogramBar]
    slots: int
    busiest: int
    days_per_bar: int
    axis_first: date
    axis_last: date


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    href: str
    active: bool


@dataclass(frozen=True)
class FacetGroup:
    title: str
    links: list[FacetLink]


@dataclass(frozen=True)
class Pager:
    first: int
    last: int
    previous: str | None
    next: str | None


@router.get("/", response_class=HTMLResponse, dependencies=[Depends(requires(Permission.SEARCH))])
def search_page(
    request: Request, params: ParamsDep, store: StoreDep, settings: SettingsDep, zone: ZoneDep
) -> Response:
    form = {"params": params, "sources": settings.config.sources, "languages": tuple(LANGUAGE_NAMES), "help": QUERY_HELP,
            "max_export": MAX_EXPORT_ROWS}
    try:
        search = build_request(params, zone)
    except ParameterError as error:
        failure = {"error": str(error), "error_parameter": error.parameter}
        return render(request, "search.html", {**form, **failure, "result": None}, status_code=400)
    result = store.search(search)
    view = {
        "total": result.total,
        "stories": result.stories,
        "collapsed": search.collapse,
        "hits": [_result_view(hit, params, zone) for hit in result.hits],
        "facets": _facet_groups(result, params, settings),
        "histogram": _histogram(result.histogram, params),
        "pager": _pager(result, search, params),
        "indexed": result.total > 0 or store.count() > 0,
        "exports": _export_links(params, result.total),
    }
    return render(request, "search.html", {**form, "error": None, "error_parameter": None, "result": view})


@router.get("/help/query", response_class=HTMLResponse, dependencies=[Depends(requires(Permission.SEARCH))])
def query_help_page(request: Request, settings: SettingsDep) -> Response:
    context = {
        "examples": examples(settings.config),
        "official": settings.config.watch.officials[0].name if settings.config.watch.officials else "Asha Mussa",
        "max_length": MAX_QUERY_LENGTH,
        "max_terms": MAX_TERMS,
        "min_prefix": MIN_PREFIX,
    }
    return render(request, "query_help.html", context)


@router.get("/sources", response_class=HTMLResponse, dependencies=[Depends(requires(Permission.SOURCES))])
def sources_page(request: Request, store: StoreDep, settings: SettingsDep, zone: ZoneDep) -> Response:
    context = {
        "sources": [SourceStatusOut.from_status(status, zone) for status in source_statuses(settings.config.sources, store)],
        "failures": [FailedPageOut.from_failure(failure, zone) for failure in latest_failures(store)],
    }
    return render(request, "sources.html", context)


@router.get("/articles/{doc_id}", response_class=HTMLResponse, dependencies=[Depends(requires(Permission.SEARCH))])
def article_page(doc_id: str, request: Request, store: StoreDep, settings: SettingsDep, zone: ZoneDep) -> Response:
    article = store.get(doc_id)
    if article is None:
        return error_response(request, 404, ErrorResponse(detail=f"No article with id '{doc_id}'."))
    story_size = store.count(SearchFilters(cluster_ids=(article.cluster_id,))) if article.cluster_id else 0
    labels = _topic_labels(settings)
    context = {
        "topics": [labels.get(topic, topic) for topic in article.topics],
        "story": _href(SearchParams(story=article.cluster_id, collapse=False)) if story_size > 1 else None,
        "story_size": story_size,
        "article": article,
        "link": safe_link(article.url),
        "paragraphs": [part for part in _PARAGRAPH_BREAK.split(article.text.strip()) if part],
        "published_local": local_time(article.published, zone),
        "fetched_local": local_time(article.fetched_at, zone),
        "snapshot": snapshot_path(article.doc_id) if article.archive else None,
    }
    return render(request, "article.html", context)


def _result_view(hit: SearchHit, params: SearchParams, zone: ZoneInfo) -> ResultView:
    article = hit.article
    excerpt = article.summary or article.text
    if len(excerpt) > EXCERPT_LENGTH:
        excerpt = excerpt[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + " …"
    listed_all = hit.story_size <= len(hit.others) + 1
    return ResultView(
        doc_id=article.doc_id,
        title=article.title,
        title_html=" … ".join(hit.highlights.get("title", [])) or None,
        link=safe_link(article.url),
        outlet=article.outlet,
        language=article.language,
        published_local=local_time(article.published, zone),
        published_utc=_utc_text(article),
        snippet_html=" … ".join(hit.highlights.get("text", [])) or None,
        excerpt=excerpt,
        others=[_member_view(other, zone) for other in hit.others],
        others_label=" · ".join(others_phrase(hit)) if hit.others else None,
        story_size=hit.story_size,
        story_href=None if listed_all else _href(params, story=article.story_id, collapse=False, offset=0),
    )


def _member_view(member: StoryMember, zone: ZoneInfo) -> StoryMemberView:
    return StoryMemberView(
        doc_id=member.doc_id,
        title=member.title,
        outlet=member.outlet,
        published_local=local_time(member.published, zone),
        published_utc=_utc_text(member),
    )


def _utc_text(item: Article | StoryMember) -> str | None:
    """The publication time for a <time datetime> attribute: ISO 8601 in UTC."""
    published = utc(item.published)
    return published.isoformat().replace("+00:00", "Z") if published else None


def _histogram(days: list[DayCount], params: SearchParams) -> Histogram | None:
    """The matches per day from the first dated one to the last, days without one drawn as zero; a span
    longer than MAX_BARS days is drawn with as many days to a bar as it takes to fit."""
    if not days:
        return None
    first = days[0].day
    span = (days[-1].day - first).days + 1
    days_per_bar = -(-span // MAX_BARS)
    counts = [0] * -(-span // days_per_bar)
    for day in days:
        counts[(day.day - first).days // days_per_bar] += day.count
    slots = max(len(counts), MIN_SLOTS)
    start = (slots - len(counts)) // 2  # only when a bar is one day
    busiest = max(counts)
    bars = [
        _bar(first + timedelta(days=index * days_per_bar), days_per_bar, count, start + index, busiest, params)
        for index, count in enumerate(counts)
    ]
    return Histogram(bars=bars, slots=slots, busiest=busiest, days_per_bar=days_per_bar,
                     axis_first=first - timedelta(days=start), axis_last=bars[-1].last + timedelta(days=slots - start - len(bars)))


def _bar(first: date, days: int, count: int, x: float, busiest: int, params: SearchParams) -> HistogramBar:
    """One bar, at least 2% tall when any article counts; its link narrows the search to its days."""
    last = first + timedelta(days=days - 1)
    return HistogramBar(
        first=first, last=last, count=count, x=x,
        height=max(count / busiest * BAR_HEIGHT, BAR_HEIGHT / 50) if count else 0,
        href=_href(params, date_from=first.isoformat(), date_to=last.isoformat(), offset=0),
    )


def _facet_groups(result: SearchResult, params: SearchParams, settings: Settings) -> list[FacetGroup]:
    """Facet counts as links that add (or, when active, remove) that filter."""
    outlets = {source.id: source.outlet for source in settings.config.sources}
    topics = _topic_labels(settings)
    groups = (
        FacetGroup("Halmashauri · Council", _facet_links(result, params, "about_council", "about", ABOUT_NAMES)),
        FacetGroup("Mada · Topic", _facet_links(result, params, "topics", "topics", topics)),
        FacetGroup("Mwelekeo · Tone", _facet_links(result, params, "sentiment", "sentiments", SENTIMENT_NAMES)),
        FacetGroup("Mahali · Place", _facet_links(result, params, "places", "places", {})),
        FacetGroup("Watu · People", _facet_links(result, params, "people", "people", {})),
        FacetGroup("Taasisi · Organisations", _facet_links(result, params, "organisations", "organisations", {})),
        FacetGroup("Chombo · Outlet", _facet_links(result, params, "outlet", "outlets", {})),
        FacetGroup("Aina ya chombo · Outlet type",
                   _facet_links(result, params, "outlet_type", "outlet_types", OUTLET_TYPE_NAMES)),
        FacetGroup("Chanzo · Source", _facet_links(result, params, "source_id", "sources", outlets)),
        FacetGroup("Lugha · Language", _facet_links(result, params, "language", "languages", LANGUAGE_NAMES)),
    )
    return [group for group in groups if group.links]


def _topic_labels(settings: Settings) -> dict[str, str]:
    return {topic.id: f"{topic.label_sw} · {topic.label_en}" for topic in settings.config.topics}


def _facet_links(
    result: SearchResult, params: SearchParams, field: str, parameter: str, labels: dict[str, str]
) -> list[FacetLink]:
    """One link per bucket of `field`, toggling its value in the `parameter` filter of SearchParams."""
    selected: tuple[str, ...] = getattr(params, parameter)
    return [
        FacetLink(
            label=labels.get(bucket.value, bucket.value),
            count=bucket.count,
            href=_href(params, **{parameter: _toggled(selected, bucket.value)}, offset=0),
            active=bucket.value in selected,
        )
        for bucket in result.facets.get(field, [])
    ]


def _pager(result: SearchResult, search: SearchRequest, params: SearchParams) -> Pager:
    """Offset and limit count stories when collapsed, articles otherwise."""
    previous_offset = max(search.offset - search.limit, 0)
    next_offset = search.offset + search.limit
    available = result.stories if search.collapse else result.total
    return Pager(
        first=search.offset + 1,
        last=search.offset + len(result.hits),
        previous=_href(params, offset=previous_offset) if search.offset > 0 else None,
        next=_href(params, offset=next_offset) if next_offset < available else None,
    )


def _toggled(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value) if value in values else (*values, value)


def _export_links(params: SearchParams, total: int) -> dict[str, str] | None:
    """Where the whole result set downloads in each format, every article (not folded) in the search's order;
    None when nothing matched."""
    if not total:
        return None
    return {str(export_format): _href(params, path=f"/api/export.{export_format}", offset=0, limit=DEFAULT_LIMIT,
                                      collapse=True)
            for export_format in ExportFormat}


def _href(params: SearchParams, path: str = "/", **changes: object) -> str:
    """The address of `path` (the page itself by default) for these parameters with some changed (empty ones left
    out)."""
    p = replace(params, **changes)
    pairs: list[tuple[str, str | int]] = [("q", p.q)]
    repeated = (("source", p.sources), ("language", p.languages), ("topic", p.topics), ("sentiment", p.sentiments),
                ("place", p.places), ("person", p.people), ("outlet", p.outlets), ("outlet_type", p.outlet_types),
                ("organisation", p.organisations), ("about", p.about))
    pairs += [(name, value) for name, values in repeated for value in values]
    pairs += [("story", p.story), ("from", p.date_from), ("to", p.date_to), ("offset", p.offset)]
    if p.sort != "relevance":
        pairs.append(("sort", p.sort))
    if not p.collapse:
        pairs.append(("collapse", "false"))
    if p.limit != DEFAULT_LIMIT:
        pairs.append(("limit", p.limit))
    query = urlencode([(name, value) for name, value in pairs if value])
    return f"{path}?{query}" if query else path
