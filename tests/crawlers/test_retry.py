"""Retry-After read as seconds or an HTTP date; back-off grows and stays under the cap."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from scrapy import Request
from scrapy.http import Response
from scrapy.settings import Settings

from crawlers.retry import PatientRetryMiddleware, retry_after


def response(**headers: str) -> Response:
    return Response("http://a.example/rss.xml", status=429, headers=headers)


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after(response(**{"Retry-After": "7"})) == 7
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=90), usegmt=True)
    assert 80 <= retry_after(response(**{"Retry-After": later})) <= 90
    assert retry_after(response()) is None
    assert retry_after(response(**{"Retry-After": "soon"})) is None


def test_backoff_doubles_up_to_the_cap():
    middleware = PatientRetryMiddleware(
        Settings({"RETRY_ENABLED": True, "HABARI_RETRY_BACKOFF": 2, "HABARI_RETRY_MAX_WAIT": 10})
    )
    waits = [middleware._backoff(Request("http://a.example/", meta={"retry_times": n})) for n in range(5)]
    assert waits == [2, 4, 8, 10, 10]
