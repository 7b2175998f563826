"""The one translation from Habari's Settings to Scrapy's settings, with the crawl's limits.

`POLITE` is for the real web; `LOCAL_WEB` turns politeness delays down for the loopback fake web.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawlers.crawl_delay import MAX_CRAWL_DELAY
from crawlers.robots_cache import KEEP_SECONDS
from settings.environment import Settings

HABARI_SETTINGS = "HABARI_SETTINGS"  # the Scrapy setting holding Habari's own Settings object
INDEX_BATCH_SIZE = "HABARI_INDEX_BATCH_SIZE"
INDEXING = "HABARI_INDEXING"  # whether fetched articles go to the index pipeline, which then records their fetch
NON_WEB_SCHEMES = ("file", "data", "ftp", "s3")
# Scrapy 2.19 counts a request against its host's concurrency only once its download task has started, so with
# no delay a host's whole queue (after robots.txt, every queued page at once) is sent in one go, past
# CONCURRENT_REQUESTS_PER_DOMAIN; any delay makes it hand out one request at a time, and this one costs nothing.
SHORTEST_DOWNLOAD_DELAY = 0.001


@dataclass(frozen=True)
class CrawlLimits:
    """How hard one crawl may push: per-host pace, timeouts, sizes, retries and a run-time cap."""

    download_delay: float = 2.0
    autothrottle: bool = True
    concurrent_requests: int = 16
    autothrottle_start_delay: float = 2.0  # the download delay: AutoThrottle slows down from there, never below
    autothrottle_max_delay: float = 60.0
    concurrent_per_host: int = 2
    download_timeout: float = 30.0
    max_response_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retry_times: int = 2
    retry_backoff: float = 2.0
    retry_max_wait: float = 120.0
    time_limit_seconds: float = 30 * 60
    index_batch_size: int = 100


POLITE = CrawlLimits()
LOCAL_WEB = CrawlLimits(
    download_delay=0.0,
    autothrottle_start_delay=0.0,
    autothrottle_max_delay=1.0,
    concurrent_per_host=8,
    download_timeout=10.0,
    retry_backoff=0.1,
    retry_max_wait=10.0,
    time_limit_seconds=120.0,
)


def scrapy_settings(settings: Settings, limits: CrawlLimits = POLITE, index: bool = True) -> dict[str, Any]:
    """Scrapy settings for one crawl; the item pipeline reads Habari's settings from HABARI_SETTINGS."""
    return {
        "BOT_NAME": "habari",
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_HANDLERS": {scheme: None for scheme in NON_WEB_SCHEMES},  # a feed cannot point at file:///
        "COOKIES_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": limits.autothrottle,
        "AUTOTHROTTLE_START_DELAY": limits.autothrottle_start_delay,
        "AUTOTHROTTLE_MAX_DELAY": limits.autothrottle_max_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_DELAY": max(limits.download_delay, SHORTEST_DOWNLOAD_DELAY),
        "CONCURRENT_REQUESTS": limits.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": limits.concurrent_per_host,
        # Scrapy starts this many asyncio tasks for every response's output; the default, 100, cost
        # more CPU than everything else per article page, which yields one item.
        "CONCURRENT_ITEMS": 4,
        "DOWNLOAD_TIMEOUT": limits.download_timeout,
        "DOWNLOAD_MAXSIZE": limits.max_response_bytes,
        "DOWNLOAD_WARNSIZE": limits.max_response_bytes // 2,
        "REDIRECT_MAX_TIMES": limits.max_redirects,
        "RETRY_TIMES": limits.retry_times,
        "HABARI_RETRY_BACKOFF": limits.retry_backoff,
        "HABARI_RETRY_MAX_WAIT": limits.retry_max_wait,
        "HABARI_WARC_DIR": str(settings.warc_dir),
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawlers.retry.PatientRetryMiddleware": 550,
            "crawlers.warc_middleware.WarcArchiveMiddleware": 560,
        },
        "HTTPCACHE_ENABLED": True,  # for robots.txt only: see crawlers/robots_cache.py
        "HTTPCACHE_POLICY": "crawlers.robots_cache.RobotsTxtOnlyPolicy",
        "HTTPCACHE_DIR": str(settings.robots_cache_dir),
        "HTTPCACHE_EXPIRATION_SECS": KEEP_SECONDS,
        "HTTPCACHE_IGNORE_HTTP_CODES": list(range(500, 600)),
        "CLOSESPIDER_TIMEOUT": limits.time_limit_seconds,
        "TELNETCONSOLE_ENABLED": False,
        # A development-time check that re-parses each callback's source for every response.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "REMOTE_CONTROL_ENABLED": False,  # Scrapy 2.19's code-executing HTTP console: never in Habari
        "LOG_LEVEL": _scrapy_log_level(settings.log_level),
        # Without indexing, a crawl only fetches and archives (the crawl benchmark measures that part).
        "ITEM_PIPELINES": {"crawlers.index_pipeline.IndexPipeline": 300} if index else {},
        INDEXING: index,
        "EXTENSIONS": {"crawlers.progress.ProgressReporter": 500, "crawlers.crawl_delay.CrawlDelay": 510},
        MAX_CRAWL_DELAY: settings.max_crawl_delay,
        HABARI_SETTINGS: settings,
        INDEX_BATCH_SIZE: limits.index_batch_size,
    }


def _scrapy_log_level(habari_level: str) -> str:
    """Scrapy's chatty INFO lines (settings, middlewares, stats dump) only when Habari logs at DEBUG."""
    level = habari_level.upper()
    return level if level in ("DEBUG", "WARNING", "ERROR", "CRITICAL") else "WARNING"
