"""Crawling the hostile fake web by sitemap index, section page and search feed, a black hole among the
sources, and single submitted URLs: each source ends in a clear error or a correct result, within bounds.
"""
from __future__ import annotations

import time
import urllib.request
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from crawlers.run import submit_url
from crawlers.source_stats import SourceOutcome
from crawlers.sitemap_window import FIRST_WINDOW
from crawlers.spider import MAX_LISTINGS_PER_SOURCE
from settings.environment import Settings
from pipeline.normalise import clean_text
from tests.builders import all_articles, with_sources
from tests.crawlers.hostile import (
    ANSWERING,
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
    HOSTILE_SITES,
    HUGE_SLUG,
    LOOP_SLUG,
    MWAMBAO,
    MWAMBAO_DISALLOWED_SLUG,
    PDF_SLUG,
)

NOT_LISTINGS = ("/robots.txt", "/articles/", "/loop/", "/files/")
UNINDEXABLE = {MWAMBAO_DISALLOWED_SLUG, PDF_SLUG, LOOP_SLUG, HUGE_SLUG, BOMB_SLUG}


def recent_stories(days: timedelta = FIRST_WINDOW) -> set[str]:
    """The answering sites' stories a first sitemap crawl should index."""
    since = datetime.now(timezone.utc) - days
    return {a.slug for site in HOSTILE_SITES for a in site.articles if a.modified >= since} - UNINDEXABLE


@pytest.fixture(scope="module")
def sitemaps(module_web, tmp_path_factory) -> tuple[Settings, Run, Run]:
    """The sitemap-index sources of the four answering sites, crawled twice in a row."""
    settings = fresh_settings(tmp_path_factory.mktemp("sitemaps"), hostile_sources(module_web, "sitemap"))
    first = crawl_run(settings, module_web)
    return settings, first, crawl_run(settings, module_web)


def test_a_sitemap_index_brings_the_recent_stories_and_skips_old_months(sitemaps):
    settings, first, _ = sitemaps

    assert all(outcome.ok for outcome in first.outcomes.values()), first.outcomes
    assert {slug(article) for article in indexed(settings)} == recent_stories()
    old = next(a for a in MWAMBAO.articles if a.modified < datetime.now(timezone.utc) - FIRST_WINDOW)
    assert f"/articles/{old.slug}" not in first.paths("mwambao")
    assert f"/sitemap-{old.published:%Y-%m}.xml" not in first.paths("mwambao")


def test_a_503_on_the_news_sitemap_is_retried_after_its_retry_after(sitemaps):
    _, first, _ = sitemaps
    refused, served = first.asked("coast-observer", "/sitemap-news.xml")  # 503 with Retry-After: 2, then 200

    assert served.at - refused.at >= 2.0
    assert first.outcomes["coast-observer-sitemap"].ok


def test_a_second_sitemap_crawl_gets_304_and_fetches_nothing_again(module_web, sitemaps):
    _, first, second = sitemaps

    for site_id in ANSWERING:
        with urllib.request.urlopen(f"{module_web.urls[site_id]}/sitemap_index.xml") as index:  # as it stands
            validators = (index.headers["ETag"], index.headers["Last-Modified"])
        (again,) = second.asked(site_id, "/sitemap_index.xml")
        assert (again.headers["if-none-match"], again.headers["if-modified-since"]) == validators  # so: 304
        assert second.paths(site_id) == ["/sitemap_index.xml"]  # robots.txt kept from the first run
        assert second.outcomes[f"{site_id}-sitemap"] == SourceOutcome(f"{site_id}-sitemap", ok=True)
    fetched = [p for site_id in first.requests for p in first.paths(site_id) if p.startswith("/articles/")]
    assert len(fetched) == len(set(fetched))


def test_a_section_crawl_stays_out_of_calendar_and_pagination_traps(module_web, tmp_path):
    sources = hostile_sources(module_web, "section")
    settings = fresh_settings(tmp_path, sources)
    run = crawl_run(settings, module_web)

    assert all(outcome.ok for outcome in run.outcomes.values()), run.outcomes
    assert {slug(article) for article in indexed(settings)} == {
        a.slug for site in HOSTILE_SITES for a in site.articles
    } - UNINDEXABLE
    for source in sources:
        site_id = source.id.removesuffix("-section")
        paths = run.paths(site_id)
        assert not any(path.startswith("/calendar/") for path in paths)
        # Every page linked from the section is a listing to the spider; each is asked for once (but the
        # feed, retried after its 429s), and no more of them than the cap.
        listings = [p for p in paths if p != "/rss.xml" and not p.startswith(NOT_LISTINGS)]
        assert len(listings) == len(set(listings)) <= MAX_LISTINGS_PER_SOURCE
        pages = {int(parse_qs(urlsplit(p).query).get("page", ["1"])[0]) for p in listings if "/section/" in p}
        assert max(pages) <= source.max_depth + 1  # page N+1 is N links deep
        articles = [p for p in paths if p.startswith("/articles/")]
        assert len(articles) == len(set(articles))


def test_a_search_source_asks_for_every_watch_term_and_indexes_what_it_finds(module_web, tmp_path):
    settings = fresh_settings(tmp_path, hostile_sources(module_web, "search"))
    terms = settings.config.watch.search_terms
    run = crawl_run(settings, module_web)

    for site_id in ANSWERING:
        asked = [parse_qs(urlsplit(r.path).query)["q"][0] for r in run.asked(site_id, "/search/rss")]
        assert sorted(asked) == sorted(terms)  # each term once, in whatever order the requests ran
        assert run.outcomes[f"{site_id}-search"].ok
    assert {(a.source_id, slug(a)) for a in indexed(settings)} == {
        ("mwambao-search", "vijana-magomeni-wapata-mafunzo-ya-ufundi"),
        ("bay-gazette-search", "zinga-secondary-school-gets-a-laboratory"),
    }
    assert run.outcomes["coast-observer-search"].rejected == {"not HTML (application/pdf)": 1}


def test_a_black_hole_fails_its_sources_with_a_timeout_while_the_rest_of_the_crawl_succeeds(module_web, tmp_path):
    hole = hostile_sources(module_web, "rss", ["redio-kimya"]) + hostile_sources(module_web, "search", ["redio-kimya"])
    settings = fresh_settings(tmp_path, [*hole, *hostile_sources(module_web, "rss", ["bay-gazette"])])
    limits = replace(TIGHT, download_timeout=2.0, retry_times=0)
    started = time.monotonic()
    run = crawl_run(settings, module_web, limits)
    elapsed = time.monotonic() - started

    for source in hole:
        outcome = run.outcomes[source.id]
        assert not outcome.ok and "timed out after 2 s" in outcome.error, outcome
    assert run.outcomes["bay-gazette-rss"].ok and run.outcomes["bay-gazette-rss"].articles_indexed == 1
    assert run.paths("redio-kimya")[0] == "/robots.txt" and len(run.asked("redio-kimya", "/robots.txt")) == 1
    assert len(run.asked("redio-kimya", "/rss.xml")) == 1
    # robots.txt, then the listings, each waited for once; the rest is the crawl processes starting up
    assert elapsed < 2 * limits.download_timeout + 20


def test_a_submitted_url_is_fetched_and_indexed_at_once_even_when_fetched_before(
    store_settings, store, hostile_web
):
    settings = with_sources(store_settings, ())
    url = f"{hostile_web.urls['coast-observer']}/articles/{CHARSET_SLUG}"
    first = submit_url(settings, url, limits=TIGHT).outcome
    again = submit_url(settings, url, limits=TIGHT).outcome

    assert [(o.ok, o.pages_fetched, o.articles_indexed) for o in (first, again)] == [(True, 1, 1), (True, 1, 1)]
    assert hostile_web.site("coast-observer").times_requested(f"/articles/{CHARSET_SLUG}") == 2
    (article,) = all_articles(store)
    assert article.url == url and clean_text(CHARSET_PHRASE) in article.text

