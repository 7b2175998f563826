"""The archived copy on both backends: a capture banner over a sandboxed copy whose links lead to the original site,
the bytes as fetched under a sandbox, linked from the article page and the API, a 404 without one, and an error
page (never a traceback) when the WARC file is gone or damaged.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from store.archive import Capture, WarcArchive
from settings.environment import Settings
from search_api import create_app
from tests.search_api.conftest import signed_in
from store import Article, ArticleStore
from tests.search_api.conftest import MAJI, article

CAPTURED = datetime(2026, 3, 7, 5, 59, 58, tzinfo=timezone.utc)
# the page as the outlet served it: Latin-1 bytes, and a script that must never run on Habari's origin
PAGE = "<html><head><script>fetch('/api/search')</script><meta http-equiv='Refresh' content='0; url=/login'>" \
       "<link rel=stylesheet href='/static/style.css'></head><body><p>Mradi wa maji umekamilika — Kaole, karibu na café</p>" \
       "<a href='/section/habari'>Habari</a> <a href='../2026/kaole-2'>Kaole 2</a> <a href='javascript:alert(1)'>x</a>" \
       "<form action='/logout' method=post><button>go</button></form>" \
       "<img src='http://tracker.example/p.gif'></body></html>".encode("latin-1", "replace")
CONTENT_TYPE = "text/html; charset=iso-8859-1"


@pytest.fixture
def archived(store_settings: Settings, store: ArticleStore) -> tuple[TestClient, Article]:
    archive = WarcArchive(store_settings.warc_dir, clock=lambda: CAPTURED)
    ref = archive.write(Capture(url="https://www.mwananchi.co.tz/habari/kaole", status=200,
                                headers=(("Content-Type", CONTENT_TYPE),), payload=PAGE))
    archive.close()
    kept = article("kaole", title="Mradi wa maji Kaole", archive=ref)
    store.upsert([kept, MAJI])
    store.refresh()
    return signed_in(TestClient(create_app(store_settings, store), raise_server_exceptions=False)), kept


def test_the_raw_snapshot_is_the_fetched_bytes_under_a_sandbox(archived):
    client, kept = archived

    response = client.get("/articles/kaole/snapshot/raw")
    assert response.status_code == 200 and response.content == PAGE
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox; default-src 'none'; img-src 'none'")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-type"] == CONTENT_TYPE
    assert response.headers["memento-datetime"] == "Sat, 07 Mar 2026 05:59:58 GMT"
    assert response.headers["x-habari-payload-sha256"] == hashlib.sha256(PAGE).hexdigest() == kept.archive.sha256


def test_the_article_page_and_the_api_point_at_the_snapshot(archived):
    client, kept = archived

    html = client.get("/articles/kaole").text
    link = '<a href="/articles/kaole/snapshot" rel="noopener noreferrer">Nakala iliyohifadhiwa · Archived copy</a>'
    assert link in html
    assert client.get("/api/articles/kaole").json()["archive"] == {
        "file": kept.archive.warc_file, "offset": kept.archive.offset, "sha256": kept.archive.sha256,
        "snapshot_url": "/articles/kaole/snapshot",
    }
    assert "Archived copy" not in client.get("/articles/maji").text
    assert client.get("/api/articles/maji").json()["archive"] is None


def test_the_snapshot_page_has_a_capture_banner_over_a_sandboxed_frame(archived):
    client, kept = archived

    response = client.get("/articles/kaole/snapshot")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    for shown in ("Mwananchi", "https://www.mwananchi.co.tz/habari/kaole", "07 Mar 2026, 08:59 EAT", kept.archive.sha256,
                  'href="/articles/kaole/snapshot/raw"'):
        assert shown in html
    assert '<iframe class="capture-frame" src="/articles/kaole/snapshot/view" ' \
           'sandbox="allow-top-navigation-by-user-activation"' in html
    assert "frame-src 'self'" in response.headers["content-security-policy"]
    assert "fetch(" not in html  # the copy is only ever in the frame


def test_the_framed_copy_links_to_the_original_site_and_runs_nothing(archived):
    client, _ = archived

    response = client.get("/articles/kaole/snapshot/view")
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox allow-top-navigation-by-user-activation; default-src 'none'")
    assert "frame-ancestors 'self'" in policy and response.headers["x-content-type-options"] == "nosniff"
    copy = response.text
    assert "karibu na café" in copy  # Latin-1 read as such, served as UTF-8
    assert 'href="https://www.mwananchi.co.tz/section/habari" target="_top" rel="noopener noreferrer"' in copy
    assert 'href="https://www.mwananchi.co.tz/2026/kaole-2"' in copy
    for gone in ("<script", "fetch(", "javascript:", "Refresh", "/static/style.css", 'href="/', "action=", "src="):
        assert gone not in copy


@pytest.mark.parametrize("payload, content_type, shown", [
    (b"%PDF-1.4 \x00\x01\x02 binary", "application/pdf", "[binary data, not a web page]"),
    (b"<p>plain <b>text</b></p>", "text/plain", "<p>plain <b>text</b></p>"),
    (b"\xef\xbb\xbf<!-- only a comment -->", "text/html", "only a comment"),
])
def test_a_copy_that_is_no_html_page_is_framed_as_plain_text(store_settings, store, payload, content_type, shown):
    archive = WarcArchive(store_settings.warc_dir, clock=lambda: CAPTURED)
    ref = archive.write(Capture(url="https://www.mwananchi.co.tz/habari/pdf", status=200,
                                headers=(("Content-Type", content_type),), payload=payload))
    archive.close()
    store.upsert([article("pdf", archive=ref)])
    store.refresh()

    response = signed_in(TestClient(create_app(store_settings, store))).get("/articles/pdf/snapshot/view")
    assert response.status_code == 200 and shown in response.text
    assert response.headers["content-type"] in ("text/plain; charset=utf-8", "text/html; charset=utf-8")
    assert "<script" not in response.text


@pytest.mark.parametrize("path", ["/snapshot", "/snapshot/view", "/snapshot/raw"])
@pytest.mark.parametrize("doc_id", ["maji", "no-such-article"])
def test_no_archived_copy_is_404(archived, doc_id, path):
    client, _ = archived

    response = client.get(f"/articles/{doc_id}{path}")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert doc_id in response.text and "Traceback" not in response.text


def test_a_missing_warc_file_gives_an_error_page(archived, store_settings):
    client, kept = archived
    (store_settings.warc_dir / kept.archive.warc_file).unlink()

    response = client.get("/articles/kaole/snapshot")
    assert response.status_code == 500 and response.headers["content-type"].startswith("text/html")
    assert "The archived copy cannot be read back" in response.text and kept.archive.warc_file in response.text
    assert "missing" in response.text and "Traceback" not in response.text


def test_a_damaged_record_gives_an_error_page(archived, store, store_settings):
    client, kept = archived
    store.upsert([replace(kept, archive=replace(kept.archive, sha256="0" * 64))])
    store.refresh()

    response = client.get("/articles/kaole/snapshot")
    assert response.status_code == 500
    assert "SHA-256" in response.text and f"offset {kept.archive.offset}" in response.text
    assert PAGE.decode("latin-1") not in response.text
