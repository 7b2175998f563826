"""robots.txt kept between crawls for up to a day (RFC 9309 allows 24 hours), so a poll of a feed does not
begin by asking the outlet for it again and waiting a download delay: Scrapy's HTTP cache, for robots.txt only.

Server errors (5xx) and failed fetches are not kept: the next crawl asks again.
"""
from __future__ import annotations

from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached

ROBOTS_TXT_PATH = "/robots.txt"
KEEP_SECONDS = 24 * 3600


class RobotsTxtOnlyPolicy(DummyPolicy):
    def should_cache_request(self, request: Request) -> bool:
        return urlparse_cached(request).path == ROBOTS_TXT_PATH and super().should_cache_request(request)
