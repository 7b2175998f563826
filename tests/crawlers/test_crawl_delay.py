"""robots.txt's Crawl-delay, measured at the server: a host asking for more than the configured delay gets it
between every two of its requests, up to HABARI_MAX_CRAWL_DELAY, while AutoThrottle paces the crawl."""
from __future__ import annotations

import time
from dataclasses import replace
from itertools import pairwise

from crawlers.run import crawl
from habari.demo.content import demo_sources
from habari.demo.newsweb import NewsWeb
from tests.builders import with_sources
from tests.crawlers.hostile import TIGHT
from tests.fakeweb import ENGLISH_SITE, SWAHILI_SITE, CrawlDelay

ASKED = 1.0  # seconds, under the cap
CAP = 1.5  # HABARI_MAX_CRAWL_DELAY for the test; the other site asks for 30 s
PATIENT = replace(SWAHILI_SITE, id="patient", quirks=(CrawlDelay(ASKED),))
GREEDY = replace(ENGLISH_SITE, id="greedy", quirks=(CrawlDelay(30),))
SLACK = 0.05  # seconds: a request's trip over loopback varies by less than this


def test_a_crawl_delay_above_the_configured_delay_spaces_every_request_up_to_the_cap(make_settings):
    assert TIGHT.download_delay < ASKED and TIGHT.autothrottle  # AutoThrottle would go faster on its own
    web = NewsWeb([PATIENT, GREEDY], hosts=("127.0.0.31", "127.0.0.32"))  # a host each: a download slot each
    with web:
        settings = with_sources(make_settings(max_crawl_delay=CAP), demo_sources([PATIENT, GREEDY], web.urls))
        started = time.monotonic()
        outcomes = crawl(settings, limits=TIGHT)
        elapsed = time.monotonic() - started
        patient, greedy = (web.site(site.id).requests for site in (PATIENT, GREEDY))

    assert [(o.ok, o.articles_indexed) for o in outcomes] == [(True, 2), (True, 2)]
    for requests, spacing in ((patient, ASKED), (greedy, CAP)):
        assert [r.path for r in requests][:2] == ["/robots.txt", "/rss.xml"] and len(requests) == 4
        gaps = [later.at - earlier.at for earlier, later in pairwise(requests)]
        assert all(spacing - SLACK <= gap < spacing + 1.0 for gap in gaps), gaps
    assert elapsed < 3 * 30  # the greedy host's 30 s were not waited
