"""Search query parameters (q, the filters, from, to, sort, collapse, offset, limit) into a SearchRequest.

One function serves both the JSON API and the web page, so both accept and refuse the same input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import Query, Request

from pipeline.dedupe import current_story_id
from settings.config import OutletType
from store import SearchFilters, SearchRequest
from store.models import Sentiment, SortOrder
from store.query import QuerySyntaxError, parse_query

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_WINDOW = 10_000  # deepest result reachable by paging (Elasticsearch's default result window)
SEARCH_PARAMETERS = frozenset(
    {"q", "source", "language", "topic", "sentiment", "place", "person", "outlet", "outlet_type", "organisation",
     "about", "story", "from", "to", "sort", "collapse", "offset", "limit"}
)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


QUERY_HELP = "/help/query"


class ParameterError(ValueError):
    """A query parameter cannot be used; `parameter` names it, the message says why, and for the
    query `position` is the 1-based character at fault."""

    def __init__(self, parameter: str, message: str, position: int | None = None) -> None:
        self.parameter = parameter
        self.position = position
        super().__init__(f"parameter '{parameter}': {message}")


@dataclass(frozen=True)
class SearchParams:
    """The search parameters as the user gave them (dates still text, empty values dropped)."""

    q: str = ""
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    outlet_types: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    about: tuple[str, ...] = ()  # "true" and/or "false", as the about_council facet spells them
    story: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: SortOrder = "relevance"
    collapse: bool = True  # one hit per story; False lists every article
    offset: int = 0
    limit: int = DEFAULT_LIMIT


def search_params(
    request: Request,
    q: Annotated[str, Query(description=f'The query language (see {QUERY_HELP}): words, "phrases", AND, OR, NOT, -word, '
                            '( ), prefix*, "words near"~5, field:value.')] = "",
    source: Annotated[list[str] | None, Query(description="Source id; repeat for several.")] = None,
    language: Annotated[list[str] | None, Query(description="Language code (sw, en); repeat for several.")] = None,
    topic: Annotated[list[str] | None, Query(description="Topic id from topics.yaml; repeat for several.")] = None,
    sentiment: Annotated[list[Sentiment] | None, Query(description="positive, neutral or negative.")] = None,
    place: Annotated[list[str] | None, Query(description="A ward, village or the district, as in watch.yaml.")] = None,
    person: Annotated[list[str] | None, Query(description="A person's name as found in articles.")] = None,
    outlet: Annotated[list[str] | None, Query(description="An outlet's name (Mwananchi, The Citizen).")] = None,
    outlet_type: Annotated[list[OutletType] | None, Query(
        description="The kind of outlet, as sources.yaml gives it: newspaper, online, tv, radio, blog, government.")
    ] = None,
    organisation: Annotated[list[str] | None, Query(description="An organisation as found in articles.")] = None,
    about: Annotated[list[Literal["true", "false"]] | None, Query(
        description="true: stories about the council; false: the others (passing mentions or none).")] = None,
    story: Annotated[str, Query(description="A story cluster id: the articles of one story.")] = "",
    date_from: Annotated[str, Query(alias="from", description="First day, YYYY-MM-DD, in EAT.")] = "",
    date_to: Annotated[str, Query(alias="to", description="Last day, YYYY-MM-DD, in EAT.")] = "",
    sort: Annotated[SortOrder, Query(description="relevance (best match first; newest first without a query) or "
                                     "newest.")] = "relevance",
    collapse: Annotated[Literal["true", "false"], Query(
        description="true: one hit per story, its other matching articles folded into it; false: every article.")
    ] = "true",
    offset: Annotated[int, Query(ge=0, le=MAX_WINDOW, description="Hits to skip (stories when collapsed).")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT,
                                description="Hits per page (stories when collapsed).")] = DEFAULT_LIMIT,
) -> SearchParams:
    """FastAPI dependency: the raw parameters; a form's empty 'any' choices are dropped, a parameter the search
    does not know is refused by name (a typo would otherwise be ignored in silence), and a story merged into
    another since its link was made is searched under the id it has now."""
    unknown = sorted(set(request.query_params) - SEARCH_PARAMETERS)
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        raise ParameterError(unknown[0], f"unknown parameter {names}; the search takes {', '.join(sorted(SEARCH_PARAMETERS))}")
    return SearchParams(
        q=q,
        sources=_present(source),
        languages=_present(language),
        topics=_present(topic),
        sentiments=_present(sentiment),
        places=_present(place),
        people=_present(person),
        outlets=_present(outlet),
        outlet_types=_present([kind.value for kind in outlet_type or ()]),
        organisations=_present(organisation),
        about=_present(about),
        story=current_story_id(request.app.state.settings.stories_path, story.strip()) if story.strip() else "",
        date_from=date_from.strip(),
        date_to=date_to.strip(),
        sort=sort,
        collapse=collapse == "true",
        offset=offset,
        limit=limit,
    )


def build_request(params: SearchParams, zone: ZoneInfo) -> SearchRequest:
    """The store request for these parameters; raises ParameterError naming the bad one."""
    try:
        query = parse_query(params.q)
    except QuerySyntaxError as error:
        raise ParameterError("q", str(error), error.position) from None
    first, last = _day(params.date_from, "from"), _day(params.date_to, "to")
    if first and last and first > last:
        raise ParameterError("to", f"{last.isoformat()} is before 'from' ({first.isoformat()})")
    if params.offset + params.limit > MAX_WINDOW:
        raise ParameterError("offset", f"offset + limit may not exceed {MAX_WINDOW}; narrow the search instead")
    filters = SearchFilters(
        source_ids=params.sources,
        languages=params.languages,
        topics=params.topics,
        sentiments=params.sentiments,
        places=params.places,
        people=params.people,
        outlets=params.outlets,
        outlet_types=params.outlet_types,
        organisations=params.organisations,
        cluster_ids=(params.story,) if params.story else (),
        about_council=params.about[0] == "true" if len(params.about) == 1 else None,
        published_from=_day_start(first, zone) if first else None,
        published_before=_day_start(last + timedelta(days=1), zone) if last else None,
    )
    # One story's articles are listed each, never folded back into one hit.
    collapse = params.collapse and not params.story
    return SearchRequest(query=query, filters=filters, sort=params.sort, collapse=collapse, offset=params.offset,
                         limit=params.limit)


def _present(values: list[str] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values or () if value.strip()))


def _day(text: str, parameter: str) -> date | None:
    if not text:
        return None
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(parameter, f"'{text[:40]}' is not a date; write it YYYY-MM-DD") from None


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the start of `day` in the council's zone, as a UTC time."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)
