"""The archived copy of an article: at /articles/{id}/snapshot a page with a capture banner (outlet, address,
time in EAT, SHA-256) over a sandboxed frame of the copy with its links pointing at the original site
(/snapshot/view), and the payload exactly as fetched at /snapshot/raw, served as untrusted content.

No archived copy gives 404; an archive that cannot be read back gives the 500 page of `errors.py`.
"""
from __future__ import annotations

from email.utils import format_datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from search_api.auth import requires
from search_api.roles import Permission
from search_api.deps import ArchiveDep, StoreDep, ZoneDep
from search_api.errors import error_response
from search_api.formatting import local_time, safe_link, snapshot_path
from search_api.schemas import ErrorResponse
from search_api.snapshot_view import snapshot_view
from search_api.templating import PAGE_HEADERS, render
from store import Article
from store.archive import ArchivedPage

router = APIRouter(include_in_schema=False, dependencies=[Depends(requires(Permission.SEARCH))])
UNTRUSTED_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
RAW_HEADERS = {
    **UNTRUSTED_HEADERS,
    "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'none'; frame-ancestors 'none'",
}
# A click on a link of the copy may take the whole tab to the original site; nothing in it runs or loads.
VIEW_SANDBOX = "allow-top-navigation-by-user-activation"
VIEW_HEADERS = {
    **UNTRUSTED_HEADERS,
    "Content-Security-Policy": f"sandbox {VIEW_SANDBOX}; default-src 'none'; frame-ancestors 'self'",
}
BANNER_HEADERS = {**PAGE_HEADERS, "Content-Security-Policy": PAGE_HEADERS["Content-Security-Policy"] + "; frame-src 'self'"}
UNKNOWN_TYPE = "application/octet-stream"  # with nosniff, a browser will not render it


@router.get("/articles/{doc_id}/snapshot", response_class=HTMLResponse)
def snapshot_page(doc_id: str, request: Request, store: StoreDep, archive: ArchiveDep, zone: ZoneDep) -> Response:
    """The capture banner over the neutralised copy."""
    article = _archived(request, store, doc_id)
    if isinstance(article, Response):
        return article
    page = archive.read_record(article.archive)
    context = {
        "article": article,
        "captured_from": page.url,
        "captured_link": safe_link(page.url),
        "captured_local": local_time(page.fetched_at, zone),
        "sha256": article.archive.sha256,
        "frame": f"{snapshot_path(doc_id)}/view",
        "raw": f"{snapshot_path(doc_id)}/raw",
        "sandbox": VIEW_SANDBOX,
    }
    return render(request, "snapshot.html", context, headers=BANNER_HEADERS)


@router.get("/articles/{doc_id}/snapshot/view")
def snapshot_frame(doc_id: str, request: Request, store: StoreDep, archive: ArchiveDep) -> Response:
    """The copy the banner page frames: links to the original site, nothing that loads or runs."""
    article = _archived(request, store, doc_id)
    if isinstance(article, Response):
        return article
    page = archive.read_record(article.archive)
    view = snapshot_view(page)
    return Response(view.body, headers={**VIEW_HEADERS, **_capture_headers(article, page),
                                        "Content-Type": view.content_type})


@router.get("/articles/{doc_id}/snapshot/raw")
def snapshot_raw(doc_id: str, request: Request, store: StoreDep, archive: ArchiveDep) -> Response:
    """The bytes fetched, with their original Content-Type, capture time (Memento-Datetime) and SHA-256."""
    article = _archived(request, store, doc_id)
    if isinstance(article, Response):
        return article
    page = archive.read_record(article.archive)
    headers = {**RAW_HEADERS, **_capture_headers(article, page),
               "Content-Type": page.header("Content-Type") or UNKNOWN_TYPE}
    return Response(page.payload, headers=headers)


def _archived(request: Request, store: StoreDep, doc_id: str) -> Article | Response:
    """The article with an archived copy, or the 404 page saying which of the two is missing."""
    article = store.get(doc_id)
    if article is None:
        return error_response(request, 404, ErrorResponse(detail=f"No article with id '{doc_id}'."))
    if article.archive is None:
        return error_response(request, 404, ErrorResponse(detail=f"Article '{doc_id}' has no archived copy."))
    return article


def _capture_headers(article: Article, page: ArchivedPage) -> dict[str, str]:
    return {"Memento-Datetime": format_datetime(page.fetched_at, usegmt=True),
            "X-Habari-Payload-SHA256": article.archive.sha256}
