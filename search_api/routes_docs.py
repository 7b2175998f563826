"""FastAPI's interactive documentation (/docs) and the OpenAPI schema it reads (/openapi.json), served like any
other page: only to a signed-in user or an API token whose role may search.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from search_api.auth import requires
from search_api.roles import Permission

router = APIRouter(include_in_schema=False, dependencies=[Depends(requires(Permission.SEARCH))])
OPENAPI_PATH = "/openapi.json"


@router.get(OPENAPI_PATH)
def openapi_schema(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=OPENAPI_PATH, title=f"{request.app.title} – API")
