"""The API's interactive documentation at /docs and the OpenAPI schema it reads at /openapi.json, for a signed-in
user or an API token whose role may search; Swagger UI from the files installed with the project (fastapi-offline
ships them), so it works on a council network without internet.

FastAPI's own /docs loads Swagger UI from a CDN and answers anyone; the app turns it off and includes this instead.
"""
from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from search_api.auth import requires
from search_api.roles import Permission

DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_ASSETS_URL = "/static/docs"
OPENAPI_PATH = "/openapi.json"

router = APIRouter(include_in_schema=False, dependencies=[Depends(requires(Permission.SEARCH))])


@router.get(OPENAPI_PATH)
def openapi_schema(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=f"{root}{OPENAPI_PATH}",
        title=f"{request.app.title} – API",
        swagger_js_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{DOCS_ASSETS_URL}/favicon.png",
    )
