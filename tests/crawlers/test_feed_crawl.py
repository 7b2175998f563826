"""Crawling the fake news web end to end on both store backends: fetch, extract, index, search.

Each crawl runs in its own child process, as the scheduler runs it; politeness delays are turned down.
"""
from __future__ import annotations

import sqlite3
from dataclasses import replace

from crawlers.run import crawl
from crawlers.scrapy_settings import LOCAL_WEB
from habari.demo.content import demo_sources
from habari.demo.newsweb import NewsWeb
from settings.config import Source
from store import ArticleStore, SearchRequest, open_store
from store.query import parse_query
from tests.builders import with_sources
from tests.fakeweb import DISALLOWED_SLUG, ENGLISH_SITE, UNREACHABLE_FEED, SloppyFeedLinks, unreachable_source


def _search(store: ArticleStore, text: str):
    return store.search(SearchRequest(query=parse_query(text), collapse=False))


def test_feed_articles_are_indexed_and_found_with_highlights(store_settings, store, news_sources):
    outcomes = crawl(with_sources(store_settings, news_sources), limits=LOCAL_WEB)

    assert [(o.source_id, o.ok, o.articles_indexed) for o in outcomes] == [
        ("sauti-rss", True, 2), ("herald-rss", True, 2),
    ]
    swahili = _search(store, "kisima Dunda")
    assert swahili.total == 1
    hit = swahili.hits[0]
    assert hit.article.title == "Kisima kipya chaleta maji safi Dunda"
    assert (hit.article.source_id, hit.article.outlet, hit.article.language) == ("sauti-rss", "Sauti ya Pwani", "sw")
    assert hit.article.outlet_type == "newspaper"  # the source's, as sources.yaml gives it
    assert hit.article.authors == ("Neema Said",)
    assert any("<mark>" in snippet for snippets in hit.highlights.values() for snippet in snippets)
    english = _search(store, '"maternity room"')
    assert [h.article.url.rsplit("/", 1)[-1] for h in english.hits] == ["dunda-clinic-opens"]
    assert english.hits[0].article.language == "en"


def test_robots_disallowed_article_is_never_fetched(store_settings, store, news_web, news_sources):
    outcomes = crawl(with_sources(store_settings, news_sources), limits=LOCAL_WEB)

    sauti = next(o for o in outcomes if o.source_id == "sauti-rss")
    assert (sauti.ok, sauti.rejected, sauti.robots_forbidden) == (True, {}, 1)
    requested = news_web.site("sauti").requested
    assert "/robots.txt" in requested
    assert not any(DISALLOWED_SLUG in path for path in requested)
    assert _search(store, "rasimu").total == 0


def test_unreachable_source_fails_alone(store_settings, store, news_sources):
    outcomes = crawl(with_sources(store_settings, (unreachable_source("dead-rss"), *news_sources)), limits=LOCAL_WEB)

    by_id = {o.source_id: o for o in outcomes}
    assert list(by_id) == ["dead-rss", "sauti-rss", "herald-rss"]
    assert not by_id["dead-rss"].ok
    assert UNREACHABLE_FEED in by_id["dead-rss"].error and "refused" in by_id["dead-rss"].error
    assert by_id["sauti-rss"].ok and by_id["herald-rss"].ok
    assert store.count() == 4


def test_broken_feeds_are_reported_per_source(make_settings, news_web):
    herald = news_web.urls["herald"]
    sources = [
        Source(id="missing-feed", outlet="Pwani Herald", outlet_type="online", kind="rss",
               url=f"{herald}/feed-that-moved.xml", language="en"),
        Source(id="not-a-feed", outlet="Pwani Herald", outlet_type="online", kind="rss",
               url=f"{herald}/articles/dunda-clinic-opens", language="en"),
    ]
    missing, not_a_feed = crawl(with_sources(make_settings(), sources), limits=LOCAL_WEB)

    assert (missing.ok, missing.error) == (False, f"feed {herald}/feed-that-moved.xml: HTTP 404 Not Found")
    assert not not_a_feed.ok and "not valid RSS/Atom" in not_a_feed.error


def test_crawling_twice_makes_no_duplicates(store_settings, store, news_sources):
    settings = with_sources(store_settings, news_sources)
    first = crawl(settings, limits=LOCAL_WEB)
    count_after_first = store.count()
    second = crawl(settings, limits=LOCAL_WEB)

    assert count_after_first == 4
    assert store.count() == count_after_first
    assert [o.articles_indexed for o in first] == [2, 2]
    assert [(o.ok, o.pages_fetched, o.articles_indexed) for o in second] == [(True, 0, 0), (True, 0, 0)]
    assert _search(store, "Kaole cold room").total == 1


def test_a_store_that_cannot_open_fails_every_source_with_the_reason(make_settings, tmp_path, news_sources):
    not_a_directory = tmp_path / "data-is-a-file"
    not_a_directory.write_text("")
    outcomes = crawl(with_sources(make_settings(data_dir=not_a_directory), news_sources), limits=LOCAL_WEB)

    assert [o.ok for o in outcomes] == [False, False]
    assert all(o.error.startswith("the crawl failed: ") for o in outcomes)


def test_articles_the_store_refused_are_fetched_again_on_the_next_poll(make_settings, news_sources):
    settings = with_sources(make_settings(), news_sources)
    with open_store(settings):  # creates the SQLite file and its tables
        pass
    with sqlite3.connect(settings.sqlite_path) as db:  # the store's disk fills up during the first poll
        db.execute("CREATE TRIGGER disk_full BEFORE INSERT ON articles BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    refused = crawl(settings, limits=LOCAL_WEB)

    assert [(o.ok, o.pages_fetched, o.articles_indexed) for o in refused] == [(False, 2, 0), (False, 2, 0)]
    assert all("could not index 4 articles (fetched again on the next poll)" in o.error for o in refused)
    assert all("disk full" in o.error for o in refused)

    with sqlite3.connect(settings.sqlite_path) as db:
        db.execute("DROP TRIGGER disk_full")
    again = crawl(settings, limits=LOCAL_WEB)

    assert [(o.ok, o.pages_fetched, o.articles_indexed) for o in again] == [(True, 2, 2), (True, 2, 2)]
    with open_store(settings) as store:
        assert store.count() == 4


def test_a_relative_link_is_followed_and_links_that_are_no_web_address_are_counted(make_settings):
    site = replace(ENGLISH_SITE, id="sloppy", quirks=(SloppyFeedLinks("fishermen-cold-room"),))
    web = NewsWeb([site])
    with web:
        (outcome,) = crawl(with_sources(make_settings(), demo_sources([site], web.urls)), limits=LOCAL_WEB)
        requested = web.site(site.id).requested

    assert (outcome.ok, outcome.articles_indexed, outcome.rejected) == (True, 2, {"not a web address": 2})
    assert "/articles/fishermen-cold-room" in requested
