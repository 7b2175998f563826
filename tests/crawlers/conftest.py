"""A hostile web shared by a whole test module, so that one crawl's results serve several tests."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from habari.demo.newsweb import NewsWeb
from tests.fakeweb import HOSTILE_HOSTS, HOSTILE_SITES


@pytest.fixture(scope="module")
def module_web() -> Iterator[NewsWeb]:
    """HOSTILE_SITES as `hostile_web` serves them, for one test module; tests read its crawls' snapshots
    (tests/crawlers/hostile.py `Run`) rather than the live request logs."""
    web = NewsWeb(HOSTILE_SITES, hosts=HOSTILE_HOSTS)
    with web:
        yield web
