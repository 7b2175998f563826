"""robots.txt is kept between crawls for a day, unless the server failed to give it."""
from __future__ import annotations

import dataclasses

from scrapy import Request
from scrapy.settings import Settings as ScrapySettings

from crawlers.robots_cache import KEEP_SECONDS, RobotsTxtOnlyPolicy
from crawlers.run import crawl
from crawlers.scrapy_settings import LOCAL_WEB, scrapy_settings
from settings.config import Source
from habari.demo.hostile import RetryLater
from habari.demo.newsweb import NewsWeb
from tests.builders import with_sources
from tests.fakeweb import SWAHILI_SITE


def test_only_robots_txt_is_kept_and_for_a_day(make_settings):
    scrapy = scrapy_settings(make_settings())
    policy = RobotsTxtOnlyPolicy(ScrapySettings(scrapy))

    assert policy.should_cache_request(Request("https://gazeti.example/robots.txt"))
    assert not policy.should_cache_request(Request("https://gazeti.example/rss.xml"))
    assert not policy.should_cache_request(Request("https://gazeti.example/articles/robots.txt"))
    assert scrapy["HTTPCACHE_EXPIRATION_SECS"] == KEEP_SECONDS == 24 * 3600
    assert {500, 503} <= set(scrapy["HTTPCACHE_IGNORE_HTTP_CODES"])


def test_a_robots_txt_the_server_failed_to_give_is_asked_again_then_kept(make_settings):
    failing_robots = RetryLater(r"/robots\.txt", status=503, times=1 + LOCAL_WEB.retry_times, retry_after=0)
    site = dataclasses.replace(SWAHILI_SITE, quirks=(*SWAHILI_SITE.quirks, failing_robots))
    web = NewsWeb([site])
    with web as urls:
        source = Source(id="sauti-rss", outlet=site.name, outlet_type="online", kind="rss",
                        url=f"{urls[site.id]}/rss.xml", language="sw")
        settings = with_sources(make_settings(), [source])
        robots_asked = []
        for _ in range(3):
            crawl(settings, limits=LOCAL_WEB, index=False)
            robots_asked.append(web.site(site.id).times_requested("/robots.txt") - sum(robots_asked))

    assert robots_asked == [1 + LOCAL_WEB.retry_times, 1, 0]  # all 503s; answered and kept; from the cache
