"""The JSON API under /api: search with filters, facets and highlights; exports; one article; sources; health.

Every route reads the store through the `get_store` dependency; failures become JSON messages.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Response
from fastapi.responses import StreamingResponse

from search_api.auth import requires
from search_api.roles import Permission
from search_api.deps import SettingsDep, StoreDep, ZoneDep
from search_api.exports import MAX_EXPORT_ROWS, ExportFormat, encoded_rows
from search_api.params import SearchParams, build_request, search_params
from search_api.schemas import (
    ArticleOut,
    ErrorResponse,
    FailedPageOut,
    HealthResponse,
    SearchResponse,
    SourceOut,
    SourcesResponse,
    SourceStatusOut,
)
from store import StoreError
from store.source_status import latest_failures, source_statuses

router = APIRouter(prefix="/api", tags=["api"])
_ERRORS = {
    400: {"model": ErrorResponse, "description": "A parameter cannot be used (e.g. a bad query or date)."},
    422: {"model": ErrorResponse, "description": "A parameter has the wrong type or is out of range."},
    503: {"model": ErrorResponse, "description": "The store cannot be reached."},
}


@router.get("/search", response_model=SearchResponse, responses=_ERRORS, dependencies=[Depends(requires(Permission.SEARCH))])
def search(params: Annotated[SearchParams, Depends(search_params)], store: StoreDep, zone: ZoneDep) -> SearchResponse:
    """Articles matching `q` (newest first without one), with facet counts and highlighted snippets."""
    request = build_request(params, zone)
    return SearchResponse.from_result(store.search(request), request, zone)


@router.get(
    "/articles/{doc_id}",
    response_model=ArticleOut,
    responses={404: {"model": ErrorResponse}, 503: _ERRORS[503]},
    dependencies=[Depends(requires(Permission.SEARCH))],
)
def article(doc_id: str, store: StoreDep, zone: ZoneDep) -> ArticleOut:
    found = store.get(doc_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no article with id '{doc_id}'")
    return ArticleOut.from_article(found, zone)


@router.get("/export.{export_format}", response_class=StreamingResponse, responses={
    **_ERRORS, 200: {"description": "CSV (UTF-8 with a byte-order mark) or JSON Lines, one article a row.",
                     "content": {"text/csv": {}, "application/x-ndjson": {}}}},
    dependencies=[Depends(requires(Permission.SEARCH))])
def export(
    export_format: Annotated[ExportFormat, Path(description="csv or jsonl.")],
    params: Annotated[SearchParams, Depends(search_params)], store: StoreDep, zone: ZoneDep,
) -> StreamingResponse:
    """Every article matching the search, not folded into stories, in its order (paging ignored), at most
    100,000, streamed. `X-Total-Count` says how many match; a larger set holds the first 100,000."""
    request = build_request(params, zone)
    total = store.search(replace(request, facets=(), histogram=False, collapse=False, offset=0, limit=1)).total
    today = datetime.now(zone).strftime("%Y-%m-%d")
    headers = {
        "Content-Disposition": f'attachment; filename="habari-{today}.{export_format}"',
        "X-Total-Count": str(total),
        "Cache-Control": "no-store",
    }
    rows = encoded_rows(store.matching(request, MAX_EXPORT_ROWS), export_format, zone)
    return StreamingResponse(rows, media_type=export_format.media_type, headers=headers)


@router.get("/sources", response_model=SourcesResponse, responses={503: {"model": ErrorResponse}},
            dependencies=[Depends(requires(Permission.SOURCES))])
def sources(store: StoreDep, settings: SettingsDep, zone: ZoneDep) -> SourcesResponse:
    """Each configured source with its latest poll and failed pages, and the latest pages whose processing failed."""
    return SourcesResponse(
        sources=[SourceStatusOut.from_status(status, zone) for status in source_statuses(settings.config.sources, store)],
        failed=[FailedPageOut.from_failure(failure, zone) for failure in latest_failures(store)],
    )


@router.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
def health(store: StoreDep, settings: SettingsDep, response: Response) -> HealthResponse:
    """Whether the store answers, how many articles it holds, and the configured sources."""
    sources = [SourceOut.from_source(source) for source in settings.config.sources]
    try:
        count = store.count()
    except StoreError as error:
        response.status_code = 503
        return HealthResponse(
            status="unavailable", store=settings.store.value, articles=None, sources=sources, detail=str(error)
        )
    return HealthResponse(status="ok", store=settings.store.value, articles=count, sources=sources)
