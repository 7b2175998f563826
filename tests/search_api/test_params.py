"""Query parameters into a SearchRequest: EAT days to UTC bounds, order and folding, empty form values,
refusals. No store: plain calls, and FastAPI's validation through a one-route app.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from search_api.errors import install_error_handlers
from search_api.params import ParameterError, SearchParams, build_request, search_params
from store.query import Term

EAT = ZoneInfo("Africa/Dar_es_Salaam")


def _request(query: bytes = b"") -> Request:
    return Request({"type": "http", "query_string": query, "headers": []})


def test_dates_are_whole_eat_days_as_utc_bounds():
    request = build_request(SearchParams(date_from="2026-03-05", date_to="2026-03-06"), EAT)
    assert request.filters.published_from == datetime(2026, 3, 4, 21, 0, tzinfo=timezone.utc)
    assert request.filters.published_before == datetime(2026, 3, 6, 21, 0, tzinfo=timezone.utc)


def test_query_filters_and_window_are_carried_over():
    request = build_request(SearchParams(q="maji", sources=("mwananchi-rss",), languages=("sw",), offset=20), EAT)
    assert request.query == Term("maji")
    assert request.filters.source_ids == ("mwananchi-rss",)
    assert request.filters.languages == ("sw",)
    assert (request.offset, request.limit) == (20, 20)


def test_order_and_folding_are_carried_over():
    default = build_request(SearchParams(q="maji"), EAT)
    assert (default.sort, default.collapse) == ("relevance", True)
    request = build_request(SearchParams(q="maji", sort="newest", collapse=False), EAT)
    assert (request.sort, request.collapse) == ("newest", False)


@pytest.fixture
def validating() -> TestClient:
    """The search parameters as a route parses them, returned as they arrived."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/api/params")
    def parsed(params: Annotated[SearchParams, Depends(search_params)]) -> dict:
        return {"sort": params.sort, "collapse": params.collapse}

    return TestClient(app)


@pytest.mark.parametrize(
    ("query", "expected"),
    [({}, {"sort": "relevance", "collapse": True}), ({"sort": "newest", "collapse": "false"},
                                                      {"sort": "newest", "collapse": False})],
)
def test_sort_and_collapse_are_parsed(validating, query, expected):
    assert validating.get("/api/params", params=query).json() == expected


@pytest.mark.parametrize(
    ("query", "parameter", "allowed"),
    [({"sort": "oldest"}, "sort", "'relevance' or 'newest'"), ({"sort": ""}, "sort", "'relevance' or 'newest'"),
     ({"collapse": "no"}, "collapse", "'true' or 'false'"), ({"collapse": "1"}, "collapse", "'true' or 'false'")],
)
def test_bad_sort_and_collapse_values_name_the_parameter_and_the_choices(validating, query, parameter, allowed):
    response = validating.get("/api/params", params=query)
    assert response.status_code == 422
    body = response.json()
    assert body["parameter"] == parameter and body["detail"].startswith(f"parameter '{parameter}'")
    assert allowed in body["detail"]


def test_empty_form_choices_are_dropped_and_repeats_merged():
    params = search_params(_request(), q="", source=["", "mwananchi-rss", "mwananchi-rss"], language=[""], date_from=" ")
    assert params == SearchParams(sources=("mwananchi-rss",))
    request = build_request(params, EAT)
    assert request.query is None and request.filters.languages == () and request.filters.published_from is None


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        (SearchParams(q="x" * 1001), "q", "limit is 1000"),
        (SearchParams(date_from="2026-3-5"), "from", "YYYY-MM-DD"),
        (SearchParams(date_to="2026-02-30"), "to", "not a date"),
        (SearchParams(date_from="2026-03-06", date_to="2026-03-05"), "to", "before 'from'"),
        (SearchParams(offset=9990, limit=20), "offset", "may not exceed"),
    ],
)
def test_unusable_parameters_are_named(params, parameter, words):
    with pytest.raises(ParameterError) as raised:
        build_request(params, EAT)
    assert raised.value.parameter == parameter
    assert f"parameter '{parameter}'" in str(raised.value) and words in str(raised.value)


def test_unknown_parameters_are_refused_by_name():
    with pytest.raises(ParameterError) as raised:
        search_params(_request(b"q=maji&organisaton=POS&order=newest"))
    assert raised.value.parameter == "order"
    assert "'order', 'organisaton'" in str(raised.value) and "sort" in str(raised.value)


def test_query_errors_carry_the_position():
    with pytest.raises(ParameterError) as raised:
        build_request(SearchParams(q="maji AND"), EAT)
    assert raised.value.parameter == "q" and raised.value.position == 9
    assert "expected a word" in str(raised.value)
