"""Shared fixtures: settings on a temporary data dir, and the store backends under test.

Elasticsearch tests use the node at HABARI_TEST_ES_URL; where CI is set, an unreachable node fails.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from settings.environment import Settings, StoreBackend
from store import ArticleStore, open_store

pytest_plugins = ("tests.fakeweb",)

ES_URL_VARIABLE = "HABARI_TEST_ES_URL"


def _es_reachable(url: str) -> str | None:
    """None when the node answers cluster health, else why not."""
    import httpx

    try:
        response = httpx.get(f"{url}/_cluster/health", timeout=5)
    except httpx.HTTPError as error:
        return f"{url} unreachable: {error}"
    return None if response.status_code == 200 else f"{url} answered {response.status_code}"


@pytest.fixture(scope="session")
def es_url() -> str:
    url = os.environ.get(ES_URL_VARIABLE, "").rstrip("/")
    problem = f"{ES_URL_VARIABLE} is not set" if not url else _es_reachable(url)
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"Elasticsearch tests must run in CI: {problem}")
        pytest.skip(f"no Elasticsearch node: {problem} (scripts/es-node start)")
    return url


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings on a fresh data dir; keyword arguments override fields."""

    def build(**overrides) -> Settings:
        return Settings(**{"data_dir": tmp_path / "data", **overrides})

    return build


@pytest.fixture(params=[StoreBackend.sqlite, StoreBackend.elasticsearch], ids=lambda b: b.value)
def store_settings(request, make_settings) -> Settings:
    """Settings for each backend in turn; the Elasticsearch one gets its own fresh index."""
    if request.param is StoreBackend.elasticsearch:
        es_url = request.getfixturevalue("es_url")
        return make_settings(store=request.param, es_url=es_url, es_index=f"test-{uuid.uuid4().hex[:12]}")
    return make_settings(store=request.param)


@pytest.fixture
def store(store_settings: Settings) -> Iterator[ArticleStore]:
    backend = open_store(store_settings)
    yield backend
    if store_settings.store is StoreBackend.elasticsearch:
        backend.drop()
    backend.close()
