"""The archived copy on both backends: served byte for byte under a sandbox, linked from the article page and
the API, a 404 without one, and an error page (never a traceback) when the WARC file is gone or damaged.
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
PAGE = "<html><head><script>fetch('/api/search')</script></head><body><p>Mradi wa maji umekamilika — Kaole</p>" \
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


def test_the_snapshot_is_the_fetched_bytes_under_a_sandbox(archived):
    client, kept = archived

    response = client.get("/articles/kaole/snapshot")
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


@pytest.mark.parametrize("doc_id", ["maji", "no-such-article"])
def test_no_archived_copy_is_404(archived, doc_id):
    client, _ = archived

    response = client.get(f"/articles/{doc_id}/snapshot")
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
