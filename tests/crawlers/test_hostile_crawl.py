"""Crawling the hostile fake web by its RSS feeds, twice: every quirk ends in a clear per-source error or a
correct result, nothing crashes the run, and nothing is fetched twice.

The two crawls run once for the module (each crawl is a child process); the tests read their outcomes,
the index, and the requests each site received during each crawl.
"""
from __future__ import annotations

import resource
import urllib.request
from dataclasses import dataclass

import pytest

from crawlers.source_stats import SourceOutcome
from settings.environment import Settings
from pipeline.normalise import clean_text
from store import open_store
from tests.crawlers.hostile import (
    MIB,
    TIGHT,
    Run,
    crawl_run,
    fresh_settings,
    hostile_sources,
    indexed,
    slug,
)
from tests.fakeweb import (
    BOMB_SLUG,
    CHARSET_PHRASE,
    CHARSET_SLUG,
    HUGE_SLUG,
    LOOP_SLUG,
    MWAMBAO,
    MWAMBAO_DISALLOWED_SLUG,
    PDF_SLUG,
    SLOW_SLUG,
    TRACKED_SLUG,
)

CONDITIONAL = ("mwambao", "coast-observer", "bay-gazette")  # feeds with validators (sauti-kiromo's is broken)


@dataclass(frozen=True)
class FeedCrawls:
    settings: Settings
    first: Run
    second: Run


@pytest.fixture(scope="module")
def feeds(module_web, tmp_path_factory) -> FeedCrawls:
    """The RSS sources of the four answering sites, crawled twice in a row."""
    settings = fresh_settings(tmp_path_factory.mktemp("feeds"), hostile_sources(module_web, "rss"))
    first = crawl_run(settings, module_web)
    return FeedCrawls(settings, first, crawl_run(settings, module_web))


def test_nothing_crashes_the_run_and_each_source_ends_as_expected(feeds):
    first = feeds.first.outcomes
    assert {source_id: (o.ok, o.articles_indexed) for source_id, o in first.items()} == {
        "mwambao-rss": (True, 3),
        "coast-observer-rss": (True, 2),
        "sauti-kiromo-rss": (False, 2),
        "bay-gazette-rss": (True, 1),
    }
    stories = sorted(slug(article) for article in indexed(feeds.settings))
    assert len(stories) == len(set(stories)) == 8


def test_a_story_forbidden_by_robots_txt_is_never_requested(feeds):
    mwambao = feeds.first.outcomes["mwambao-rss"]
    assert (mwambao.ok, mwambao.rejected, mwambao.robots_forbidden) == (True, {}, 1)
    assert feeds.first.paths("mwambao")[0] == "/robots.txt"
    every_request = feeds.first.paths("mwambao") + feeds.second.paths("mwambao")
    assert not any(MWAMBAO_DISALLOWED_SLUG in path for path in every_request)


def test_a_throttled_feed_is_retried_after_its_retry_after(feeds):
    throttled, throttled_again, served = feeds.first.asked("mwambao", "/rss.xml")  # 429, 429, then 200

    assert throttled_again.at - throttled.at >= 1.0 and served.at - throttled_again.at >= 1.0  # Retry-After: 1
    indexed_here = {slug(a) for a in indexed(feeds.settings) if a.source_id == "mwambao-rss"}
    assert indexed_here == {a.slug for a in MWAMBAO.articles} - {MWAMBAO_DISALLOWED_SLUG}


def test_copies_under_tracking_parameters_are_fetched_and_indexed_once(feeds):
    copies = feeds.first.asked("mwambao", f"/articles/{TRACKED_SLUG}")

    assert [record.path for record in copies] == [f"/articles/{TRACKED_SLUG}"]
    (story,) = [a for a in indexed(feeds.settings) if TRACKED_SLUG in a.url]
    assert story.url.endswith(f"/articles/{TRACKED_SLUG}")


def test_a_redirect_loop_is_rejected_within_the_redirect_limit(feeds):
    coast = feeds.first.outcomes["coast-observer-rss"]
    loop_reasons = [reason for reason in coast.rejected if "redirect" in reason]

    assert len(loop_reasons) == 1 and coast.rejected[loop_reasons[0]] == 1
    hops = [p for p in feeds.first.paths("coast-observer") if p.startswith("/loop/")]
    assert len(hops) == TIGHT.max_redirects
    assert {slug(a) for a in indexed(feeds.settings) if a.source_id == "coast-observer-rss"} == {
        CHARSET_SLUG, "mapinga-market-stalls-rebuilt",
    }
    assert LOOP_SLUG not in {slug(a) for a in indexed(feeds.settings)}


def test_a_pdf_is_counted_as_not_html_and_not_extracted(feeds):
    assert feeds.first.outcomes["coast-observer-rss"].rejected["not HTML (application/pdf)"] == 1
    assert len(feeds.first.asked("coast-observer", f"/files/{PDF_SLUG}.pdf")) == 1


def test_a_50_mib_page_and_a_gzip_bomb_stop_at_the_size_cap(feeds):
    bay = feeds.first.outcomes["bay-gazette-rss"]

    assert (bay.ok, bay.pages_fetched, bay.rejected) == (True, 1, {"over the size cap": 2})
    for story in (HUGE_SLUG, BOMB_SLUG):
        assert len(feeds.first.asked("bay-gazette", f"/articles/{story}")) == 1  # not retried
    # The bomb inflates to 1 GiB: no crawl process came near holding it (ru_maxrss is in KiB on Linux).
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < 1024 * MIB


def test_a_page_that_lies_about_its_charset_is_indexed_without_mojibake(feeds):
    (story,) = [a for a in indexed(feeds.settings) if slug(a) == CHARSET_SLUG]

    # The index keeps text as clean_text leaves it (curly apostrophes become plain ones).
    assert clean_text(CHARSET_PHRASE) in story.text
    assert "“a place to rest”" in story.title and "Café" in story.title
    assert not any(garble in story.text + story.title for garble in ("Ã", "â€", "\ufffd"))


def test_a_malformed_feed_fails_its_source_and_keeps_the_entries_read_before_the_break(feeds):
    sauti = feeds.first.outcomes["sauti-kiromo-rss"]

    assert not sauti.ok and "not valid RSS/Atom" in sauti.error and "/rss.xml" in sauti.error
    assert sauti.articles_indexed == 2
    assert SLOW_SLUG in {slug(a) for a in indexed(feeds.settings)}  # answered in 3 s, within the timeout


@pytest.mark.parametrize("site_id", CONDITIONAL)
def test_a_second_crawl_asks_conditionally_gets_304_and_fetches_no_story_again(module_web, feeds, site_id):
    with urllib.request.urlopen(f"{module_web.urls[site_id]}/rss.xml") as feed:  # the feed as it stands
        etag, last_modified = feed.headers["ETag"], feed.headers["Last-Modified"]
    (again,) = feeds.second.asked(site_id, "/rss.xml")

    assert (again.headers["if-none-match"], again.headers["if-modified-since"]) == (etag, last_modified)
    assert feeds.second.paths(site_id) == ["/rss.xml"]  # robots.txt kept from the first run
    assert feeds.second.outcomes[f"{site_id}-rss"] == SourceOutcome(f"{site_id}-rss", ok=True)


def test_an_unchanged_broken_feed_fetches_no_story_again(feeds):
    assert [p for p in feeds.second.paths("sauti-kiromo") if p.startswith("/articles/")] == []
    assert not feeds.second.outcomes["sauti-kiromo-rss"].ok


def test_source_health_keeps_each_run_as_its_outcome(feeds):
    with open_store(feeds.settings) as store:
        health = {h.source_id: h for h in store.source_health()}

    assert set(health) == set(feeds.second.outcomes)
    for source_id, outcome in feeds.second.outcomes.items():
        run = health[source_id].last_run
        assert (run.ok, run.error, run.pages_fetched, run.new_articles) == (
            outcome.ok, outcome.error, outcome.pages_fetched, outcome.articles_indexed,
        )
    assert health["sauti-kiromo-rss"].failures_in_a_row == 2
    assert health["sauti-kiromo-rss"].last_success_at is None
    assert health["bay-gazette-rss"].failures_in_a_row == 0 and health["bay-gazette-rss"].last_success_at
