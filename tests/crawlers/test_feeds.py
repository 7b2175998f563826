"""The spider's pure parts: what a feed entry becomes, and how a failed request is described."""
from __future__ import annotations

from datetime import datetime, timezone

import feedparser
from scrapy import Request
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.feeds import feed_entry
from crawlers.spider import describe_failure

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Mwangaza</title>
<item><title>Maji &amp; usafi &lt;Kaole&gt;</title><link>http://example.test/a</link>
<pubDate>Tue, 03 Jun 2025 10:00:00 +0300</pubDate><dc:creator>Rehema Mfaume</dc:creator>
<description>&lt;p&gt;Mradi wa &lt;b&gt;maji&lt;/b&gt; &amp;amp; usafi&lt;/p&gt;</description></item>
<item><title>No date</title><link>http://example.test/b</link></item>
</channel></rss>"""


def test_feed_entry_keeps_title_utc_date_plain_summary_and_authors():
    dated, undated = (feed_entry(entry) for entry in feedparser.parse(FEED).entries)

    assert dated.title == "Maji & usafi <Kaole>"
    assert dated.published == datetime(2025, 6, 3, 7, 0, tzinfo=timezone.utc)
    assert dated.summary == "Mradi wa maji & usafi"
    assert dated.authors == ("Rehema Mfaume",)
    assert (undated.published, undated.summary, undated.authors) == (None, "", ())


def test_failures_are_described_briefly():
    request = Request("http://example.test/rss.xml")
    not_found = Failure(HttpError(Response(request.url, status=404, request=request)))

    assert describe_failure(not_found) == "HTTP 404 Not Found"
    assert describe_failure(Failure(IgnoreRequest("Forbidden by robots.txt"))) == "Forbidden by robots.txt"
    assert describe_failure(Failure(TimeoutError())) == "TimeoutError"


def test_timeouts_and_size_caps_get_one_reason_whatever_the_url():
    timed_out = Failure(DownloadTimeoutError("Getting http://example.test/a took longer than 5.0 seconds."))
    timed_out.request = Request("http://example.test/a", meta={"download_timeout": 5.0})
    announced = Failure(DownloadCancelledError(
        "Expected to receive 52428800 bytes which is larger than download max size (5242880) in request "
        "<GET http://example.test/huge>."
    ))
    inflated = Failure(IgnoreRequest(
        "Ignored response <200 http://example.test/bomb> because its body (1063034 B compressed, 5308416 B "
        "decompressed so far) exceeded DOWNLOAD_MAXSIZE (5242880 B) during decompression."
    ))

    assert describe_failure(timed_out) == "timed out after 5 s"
    assert describe_failure(Failure(DownloadTimeoutError("took too long"))) == "timed out"
    assert describe_failure(announced) == describe_failure(inflated) == "over the size cap"
