"""The web page: a search form with results, facets and paging at /, and one article at /articles/{id}.

Server-rendered from Jinja2 templates; feed text reaches the page only through autoescaping.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from habari.settings import Settings
from search_api.deps import SettingsDep, StoreDep, ZoneDep
from search_api.errors import error_response
from search_api.formatting import local_time, safe_link, snapshot_path
from search_api.params import DEFAULT_LIMIT, QUERY_HELP, ParameterError, SearchParams, build_request, search_params
from search_api.query_help import examples
from search_api.schemas import ErrorResponse
from search_api.templating import ABOUT_NAMES, LANGUAGE_NAMES, SENTIMENT_NAMES, render
from store import SearchFilters, SearchHit, SearchRequest, SearchResult
from store.query import MAX_QUERY_LENGTH, MAX_TERMS, MIN_PREFIX

router = APIRouter(include_in_schema=False)
EXCERPT_LENGTH = 280
_PARAGRAPH_BREAK = re.compile(r"\n\s*")
ParamsDep = Annotated[SearchParams, Depends(search_params)]


@dataclass(frozen=True)
class ResultView:
    """One result as the page shows it; the *_html fields are the store's already-escaped snippets."""

    doc_id: str
    title: str
    title_html: str | None
    link: str | None
    outlet: str
    language: str
    published_local: str | None
    snippet_html: str | None
    excerpt: str


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


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request, params: ParamsDep, store: StoreDep, settings: SettingsDep, zone: ZoneDep
) -> Response:
    form = {"params": params, "sources": settings.config.sources, "languages": tuple(LANGUAGE_NAMES), "help": QUERY_HELP}
    try:
        search = build_request(params, zone)
    except ParameterError as error:
        failure = {"error": str(error), "error_parameter": error.parameter}
        return render(request, "search.html", {**form, **failure, "result": None}, status_code=400)
    result = store.search(search)
    view = {
        "total": result.total,
        "hits": [_result_view(hit, zone) for hit in result.hits],
        "facets": _facet_groups(result, params, settings),
        "pager": _pager(result, search, params),
        "indexed": result.total > 0 or store.count() > 0,
    }
    return render(request, "search.html", {**form, "error": None, "error_parameter": None, "result": view})


@router.get("/help/query", response_class=HTMLResponse)
def query_help_page(request: Request, settings: SettingsDep) -> Response:
    context = {
        "examples": examples(settings.config),
        "official": settings.config.watch.officials[0].name if settings.config.watch.officials else "Asha Mussa",
        "max_length": MAX_QUERY_LENGTH,
        "max_terms": MAX_TERMS,
        "min_prefix": MIN_PREFIX,
    }
    return render(request, "query_help.html", context)


@router.get("/articles/{doc_id}", response_class=HTMLResponse)
def article_page(doc_id: str, request: Request, store: StoreDep, settings: SettingsDep, zone: ZoneDep) -> Response:
    article = store.get(doc_id)
    if article is None:
        return error_response(request, 404, ErrorResponse(detail=f"No article with id '{doc_id}'."))
    story_size = store.count(SearchFilters(cluster_ids=(article.cluster_id,))) if article.cluster_id else 0
    labels = _topic_labels(settings)
    context = {
        "topics": [labels.get(topic, topic) for topic in article.topics],
        "story": _href(SearchParams(story=article.cluster_id)) if story_size > 1 else None,
        "story_size": story_size,
        "article": article,
        "link": safe_link(article.url),
        "paragraphs": [part for part in _PARAGRAPH_BREAK.split(article.text.strip()) if part],
        "published_local": local_time(article.published, zone),
        "fetched_local": local_time(article.fetched_at, zone),
        "snapshot": snapshot_path(article.doc_id) if article.archive else None,
    }
    return render(request, "article.html", context)


def _result_view(hit: SearchHit, zone: ZoneInfo) -> ResultView:
    article = hit.article
    excerpt = article.summary or article.text
    if len(excerpt) > EXCERPT_LENGTH:
        excerpt = excerpt[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + " …"
    return ResultView(
        doc_id=article.doc_id,
        title=article.title,
        title_html=" … ".join(hit.highlights.get("title", [])) or None,
        link=safe_link(article.url),
        outlet=article.outlet,
        language=article.language,
        published_local=local_time(article.published, zone),
        snippet_html=" … ".join(hit.highlights.get("text", [])) or None,
        excerpt=excerpt,
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
    previous_offset = max(search.offset - search.limit, 0)
    next_offset = search.offset + search.limit
    return Pager(
        first=search.offset + 1,
        last=search.offset + len(result.hits),
        previous=_href(params, offset=previous_offset) if search.offset > 0 else None,
        next=_href(params, offset=next_offset) if next_offset < result.total else None,
    )


def _toggled(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value) if value in values else (*values, value)


def _href(params: SearchParams, **changes: object) -> str:
    """The page's own address for these parameters with some changed (empty ones left out)."""
    p = replace(params, **changes)
    pairs: list[tuple[str, str | int]] = [("q", p.q)]
    repeated = (("source", p.sources), ("language", p.languages), ("topic", p.topics), ("sentiment", p.sentiments),
                ("place", p.places), ("person", p.people), ("outlet", p.outlets), ("organisation", p.organisations),
                ("about", p.about))
    pairs += [(name, value) for name, values in repeated for value in values]
    pairs += [("story", p.story), ("from", p.date_from), ("to", p.date_to), ("offset", p.offset)]
    if p.limit != DEFAULT_LIMIT:
        pairs.append(("limit", p.limit))
    query = urlencode([(name, value) for name, value in pairs if value])
    return f"/?{query}" if query else "/"
