"""One HTTP client for the demo web's tests (a fresh httpx client per request costs ~0.1 s of TLS setup)."""
from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client
