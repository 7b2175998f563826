"""A host is never sent more requests at once than its limit allows, even with AutoThrottle off and no delay.

Scrapy 2.19 sends a host's whole queue at once when no download delay is set; the crawl's settings prevent it.
"""
from __future__ import annotations

from dataclasses import replace

from crawlers.run import crawl
from crawlers.scrapy_settings import LOCAL_WEB
from settings.config import Source
from habari.demo.newsweb import NewsWeb
from habari.demo.site import NewsSite
from tests.builders import with_sources
from tests.fakeweb import site_article

BUSY_SITE = NewsSite(
    id="busy", name="Gazeti la Kila Saa", language="sw",
    articles=tuple(
        site_article(f"habari-namba-{n}", f"Habari namba {n} ya Bagamoyo", f"Habari namba {n}: kikao cha kata.",
                 "Wajumbe walijadili mpango wa maji.", n, "Mwandishi Wetu", "sw")
        for n in range(200)
    ),
)


def test_no_host_gets_more_connections_at_once_than_its_limit(make_settings):
    limits = replace(LOCAL_WEB, autothrottle=False, concurrent_per_host=2, concurrent_requests=16)
    web = NewsWeb([BUSY_SITE])
    with web as urls:
        source = Source(id="busy-rss", outlet="Gazeti la Kila Saa", outlet_type="online", kind="rss",
                        url=f"{urls['busy']}/rss.xml", language="sw", max_pages=200)
        [outcome] = crawl(with_sources(make_settings(), [source]), limits=limits, index=False)
        most_at_once = web.site("busy").most_connections_at_once

    assert outcome.ok and outcome.pages_fetched == 200
    assert 1 <= most_at_once <= 2
