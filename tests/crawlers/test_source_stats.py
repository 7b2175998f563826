"""Per-source counters in Scrapy stats, read back as one outcome per source."""
from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawlers import source_stats
from crawlers.source_stats import SourceOutcome, outcomes_from_stats
from tests.builders import FETCHED_AT as NOW


def test_counters_become_outcomes_and_a_source_never_reached_fails():
    stats = MemoryStatsCollector(get_crawler())
    source_stats.count(stats, "a", source_stats.LISTING_LINKS, 3)
    source_stats.count(stats, "a", source_stats.PAGES_FETCHED, 3)
    source_stats.count(stats, "a", source_stats.ARTICLES_INDEXED, 2)
    source_stats.reject(stats, "a", "HTTP 404")
    source_stats.fail(stats, "a", "entities")
    source_stats.fail(stats, "a", "entities")
    source_stats.record_error(stats, "b", "feed http://b.test/rss: HTTP 500")
    source_stats.record_error(stats, "b", "a later error")

    a, b, c = outcomes_from_stats(stats.get_stats(), ["a", "b", "c"])

    assert a == SourceOutcome("a", ok=True, pages_fetched=3, articles_indexed=2, rejected={"HTTP 404": 1},
                              failed={"entities": 2})
    assert (b.ok, b.error) == (False, "feed http://b.test/rss: HTTP 500")
    assert (c.ok, c.error) == (False, source_stats.NOT_FETCHED)
    assert a.describe() == "a: ok, 3 pages fetched, 2 articles indexed, 1 rejected (HTTP 404: 1), 2 failed (entities: 2)"
    assert a.as_run(NOW, NOW).failed_pages == 2
