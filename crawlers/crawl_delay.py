"""robots.txt's Crawl-delay honoured: a host that asks for a longer wait between requests than the configured
download delay gets it, up to HABARI_MAX_CRAWL_DELAY seconds, and AutoThrottle never goes below it.

A Scrapy extension: Scrapy parses the directive (RobotParser.crawl_delay) but leaves it to the project.
"""
from __future__ import annotations

import logging

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)

MAX_CRAWL_DELAY = "HABARI_MAX_CRAWL_DELAY"  # seconds; 0 leaves Crawl-delay unread


class CrawlDelay:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("robots.txt is not obeyed, so neither is its Crawl-delay")
        self.cap = settings.getfloat(MAX_CRAWL_DELAY)
        if self.cap <= 0:
            raise NotConfigured(f"{MAX_CRAWL_DELAY} is 0: Crawl-delay is not honoured")
        self.crawler = crawler
        self.configured = settings.getfloat("DOWNLOAD_DELAY")
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings["USER_AGENT"]
        self.floors: dict[str, float] = {}  # download slot (host) -> the delay its robots.txt asked for, capped
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        # connected after AutoThrottle's own handler (a built-in extension, built first), so it runs after it
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelay:
        return cls(crawler)

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        asked = robotparser.crawl_delay(self.user_agent)
        if asked is None or asked <= self.configured:
            return
        delay = min(asked, self.cap)
        downloader = self.crawler.engine.downloader
        host = downloader.get_slot_key(request)
        self.floors[host] = delay
        # exact spacing (no jitter), for the slot as it is and as it is made again after going idle
        downloader.per_slot_settings[host] = {**downloader.per_slot_settings.get(host, {}), "delay": delay, "jitter": 0}
        if (slot := downloader.slots.get(host)) is not None:
            slot.delay, slot.jitter = max(slot.delay, delay), 0.0
        capped = f" (capped by {MAX_CRAWL_DELAY})" if delay < asked else ""
        logger.info("%s asks for a Crawl-delay of %g s: waiting %g s between its requests%s",
                    host, asked, delay, capped)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        """AutoThrottle has just adjusted the host's delay: never below what its robots.txt asked for."""
        host = request.meta.get("download_slot")
        floor = self.floors.get(host)
        if floor is not None and (slot := self.crawler.engine.downloader.slots.get(host)) is not None:
            slot.delay = max(slot.delay, floor)
