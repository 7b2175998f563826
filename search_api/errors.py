"""How failures reach the user: a JSON message under /api, an HTML page elsewhere, never a traceback.

Bad parameters give 400 or 422 naming the parameter; an unreachable store gives 503, an unreadable archive 500.
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from store.archive import ArchiveError
from search_api.auth import CsrfRefused, Forbidden, NotSignedIn, login_redirect_target
from search_api.params import QUERY_HELP, ParameterError
from search_api.schemas import ErrorResponse
from search_api.templating import render
from store import StoreError

log = logging.getLogger(__name__)
API_PREFIX = "/api/"
STORE_UNAVAILABLE = "The article store is not available right now"
ARCHIVE_UNREADABLE = "The archived copy cannot be read back"
NO_SUCH_PAGE = "Hakuna ukurasa huu · There is no such page"


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ParameterError, _bad_parameter)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StoreError, _store_unavailable)
    app.add_exception_handler(ArchiveError, _archive_unreadable)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(NotSignedIn, _not_signed_in)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(CsrfRefused, _csrf_refused)


def error_response(request: Request, status_code: int, error: ErrorResponse) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse(error.model_dump(), status_code=status_code)
    return render(request, "error.html", {"status_code": status_code, "error": error}, status_code=status_code)


async def _bad_parameter(request: Request, error: ParameterError) -> Response:
    help_page = QUERY_HELP if error.parameter == "q" else None
    return error_response(
        request, 400, ErrorResponse(detail=str(error), parameter=error.parameter, position=error.position, help=help_page)
    )


async def _invalid_request(request: Request, error: RequestValidationError) -> Response:
    problems = [(_parameter_name(e["loc"]), e["msg"]) for e in error.errors()]
    detail = "; ".join(f"parameter '{name}': {message}" for name, message in problems)
    return error_response(request, 422, ErrorResponse(detail=detail, parameter=problems[0][0] if problems else None))


def _parameter_name(location: tuple) -> str:
    """The parameter in a validation error's location: ('query', 'sentiment', 0) is 'sentiment'."""
    return next((str(part) for part in reversed(location) if isinstance(part, str)), str(location[-1]))


async def _store_unavailable(request: Request, error: StoreError) -> Response:
    log.error("store error on %s: %s", request.url.path, error)
    return error_response(request, 503, ErrorResponse(detail=f"{STORE_UNAVAILABLE}: {error}"))


async def _archive_unreadable(request: Request, error: ArchiveError) -> Response:
    log.error("archive error on %s: %s", request.url.path, error)
    return error_response(request, 500, ErrorResponse(detail=f"{ARCHIVE_UNREADABLE}: {error}"))


async def _not_signed_in(request: Request, error: NotSignedIn) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse(ErrorResponse(detail="sign in, or send an API token as 'Authorization: Bearer ...'").model_dump(),
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return RedirectResponse(login_redirect_target(request), status_code=303)


async def _forbidden(request: Request, error: Forbidden) -> Response:
    return error_response(request, 403, ErrorResponse(detail=str(error)))


async def _csrf_refused(request: Request, error: CsrfRefused) -> Response:
    return error_response(request, 403, ErrorResponse(
        detail="This form did not come from Habari's own page (a missing or stale CSRF token): reload the page and try again."))


async def _http_error(request: Request, error: HTTPException) -> Response:
    """Starlette's own errors (no route, a method not allowed): JSON under /api as FastAPI gives it, else the page."""
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
    detail = f"{NO_SUCH_PAGE}: {request.url.path}" if error.status_code == 404 else str(error.detail)
    return error_response(request, error.status_code, ErrorResponse(detail=detail))
