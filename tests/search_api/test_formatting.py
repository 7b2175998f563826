"""Display helpers: local EAT times and which feed URLs may become links.

Plain unit tests: no store and no HTTP.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from search_api.formatting import local_time, safe_link

EAT = ZoneInfo("Africa/Dar_es_Salaam")


def test_local_time_is_eat():
    assert local_time(datetime(2026, 3, 5, 22, 30, tzinfo=timezone.utc), EAT) == "06 Mar 2026, 01:30 EAT"
    assert local_time(None, EAT) is None


@pytest.mark.parametrize(
    "url", ["https://www.mwananchi.co.tz/habari/1", "http://dailynews.co.tz/a?b=c", "HTTPS://x.tz/"]
)
def test_http_urls_are_links(url):
    assert safe_link(url) == url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "/relative", "//host/x", "https:///x",
     "http://[::1"],
)
def test_other_urls_are_not_links(url):
    assert safe_link(url) is None
