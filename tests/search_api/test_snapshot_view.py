"""The framed copy of an archived page, for any bytes under any Content-Type: a body, never an exception, with no
script or link that stays on Habari's own site."""
from __future__ import annotations

from datetime import datetime, timezone

from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st
from lxml.html import document_fromstring

from search_api.snapshot_view import snapshot_view
from store.archive import ArchivedPage
from tests.strategies import TOTALITY, mutated_page

CONTENT_TYPES = st.sampled_from(["text/html", "text/html; charset=rot13", "text/html; charset=utf-16",
                                 "application/xhtml+xml", "text/plain", "application/pdf", "", "image/png"])
FETCHED_FROM = st.sampled_from(["https://www.mwananchi.co.tz/habari/kaole", "http://[", "not a url", ""])


@TOTALITY
@given(payload=st.one_of(mutated_page(), st.binary(max_size=3000)), content_type=CONTENT_TYPES, url=FETCHED_FROM)
def test_any_payload_gives_a_copy_that_runs_nothing(payload, content_type, url):
    headers = (("Content-Type", content_type),) if content_type else ()
    page = ArchivedPage(url=url, status=200, headers=headers, payload=payload,
                        fetched_at=datetime(2026, 3, 7, tzinfo=timezone.utc))

    view = snapshot_view(page)

    assert view.content_type in ("text/html; charset=utf-8", "text/plain; charset=utf-8")
    if view.content_type.startswith("text/html"):
        copy = document_fromstring(view.body)
        assert not copy.xpath("//script | //base | //iframe | //meta[translate(@http-equiv, 'REFSH', 'refsh') = 'refresh']")
        assert all(urlsplit(link).scheme in ("http", "https") and urlsplit(link).netloc
                   for _, _, link, _ in copy.iterlinks())
