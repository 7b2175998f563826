"""The archived copy of an article at /articles/{id}/snapshot: the payload exactly as fetched, read from the
WARC archive and served as untrusted content, sandboxed with no script and no network.

No archived copy gives 404; an archive that cannot be read back gives the 500 page of `errors.py`.
"""
from __future__ import annotations

from email.utils import format_datetime

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from search_api.auth import requires
from search_api.roles import Permission
from search_api.deps import ArchiveDep, StoreDep
from search_api.errors import error_response
from search_api.schemas import ErrorResponse

router = APIRouter(include_in_schema=False)
SNAPSHOT_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
UNKNOWN_TYPE = "application/octet-stream"  # with nosniff, a browser will not render it


@router.get("/articles/{doc_id}/snapshot", dependencies=[Depends(requires(Permission.SEARCH))])
def snapshot(doc_id: str, request: Request, store: StoreDep, archive: ArchiveDep) -> Response:
    """The bytes fetched, with their original Content-Type, capture time (Memento-Datetime) and SHA-256."""
    article = store.get(doc_id)
    if article is None:
        return error_response(request, 404, ErrorResponse(detail=f"No article with id '{doc_id}'."))
    if article.archive is None:
        return error_response(request, 404, ErrorResponse(detail=f"Article '{doc_id}' has no archived copy."))
    page = archive.read_record(article.archive)
    headers = {
        **SNAPSHOT_HEADERS,
        "Content-Type": page.header("Content-Type") or UNKNOWN_TYPE,
        "Memento-Datetime": format_datetime(page.fetched_at, usegmt=True),
        "X-Habari-Payload-SHA256": article.archive.sha256,
    }
    return Response(page.payload, headers=headers)
