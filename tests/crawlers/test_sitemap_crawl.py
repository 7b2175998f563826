"""A site whose only source is its news sitemap, with stories published while a long first poll runs (by a
clock that is right, an hour behind ours or an hour ahead): the next poll collects every one of them, and no
story is fetched twice; a poll cut short by the per-run cap or the crawl's time limit leaves nothing behind.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from crawlers.run import crawl
from crawlers.sitemap_window import CLOCK_MARGIN
from crawlers.source_stats import SourceOutcome
from habari.demo.hostile import SlowPage
from habari.demo.newsweb import NewsWeb
from settings.config import Source
from tests.crawlers.hostile import TIGHT, fresh_settings, indexed, slug
from tests.fakeweb import (
    DISALLOWED_SLUG,
    CutGzipSitemap,
    PWANI_SITEMAP,
    SLOW_STORY_SECONDS,
    SWAHILI_SITE,
    story_published_at,
)

SITE_CLOCKS = (timedelta(0), timedelta(0), -timedelta(hours=1), -timedelta(hours=1),
               timedelta(hours=1), timedelta(hours=1))  # how far each new story's site clock is from ours


@pytest.fixture
def pwani() -> Iterator[NewsWeb]:
    web = NewsWeb([PWANI_SITEMAP], hosts=("127.0.0.41",))
    with web:
        yield web


def sitemap_source(web: NewsWeb, site_id: str, **fields) -> Source:
    return Source(id=f"{site_id}-news-sitemap", outlet="Pwani", outlet_type="online", kind="sitemap",
                  url=f"{web.urls[site_id]}/sitemap-news.xml", language="sw", **fields)


def article_paths(web: NewsWeb, site_id: str, since: int) -> list[str]:
    return [path for path in web.site(site_id).requested[since:] if path.startswith("/articles/")]


def publish_while_the_slow_story_loads(web: NewsWeb) -> list[str]:
    """Once the poll has read the sitemap and asked for the slow story, publish a story by each site clock."""
    site = web.site(PWANI_SITEMAP.id)
    slow_path = f"/articles/{PWANI_SITEMAP.articles[0].slug}"
    deadline = time.monotonic() + 60
    while not site.times_requested(slow_path) and time.monotonic() < deadline:
        time.sleep(0.02)
    published = []
    for number, offset in enumerate(SITE_CLOCKS):
        story = story_published_at(number, datetime.now(timezone.utc) + offset)
        web.publish(PWANI_SITEMAP.id, story)
        published.append(story.slug)
        time.sleep(0.05)
    return published


def test_stories_published_during_a_long_first_poll_are_all_collected_and_none_twice(pwani, tmp_path):
    assert max(abs(offset) for offset in SITE_CLOCKS) < CLOCK_MARGIN
    settings = fresh_settings(tmp_path, [sitemap_source(pwani, PWANI_SITEMAP.id)])
    published: list[str] = []
    publisher = threading.Thread(target=lambda: published.extend(publish_while_the_slow_story_loads(pwani)))
    publisher.start()
    started = time.monotonic()
    (first,) = crawl(settings, limits=TIGHT)
    publisher.join()

    assert time.monotonic() - started >= SLOW_STORY_SECONDS and len(published) == len(SITE_CLOCKS)
    first_stories = {a.slug for a in SWAHILI_SITE.articles} - {DISALLOWED_SLUG}
    assert (first.ok, first.articles_indexed, first.robots_forbidden) == (True, len(first_stories), 1)

    before = len(pwani.site(PWANI_SITEMAP.id).requested)
    (second,) = crawl(settings, limits=TIGHT)
    assert sorted(article_paths(pwani, PWANI_SITEMAP.id, before)) == sorted(f"/articles/{s}" for s in published)
    assert (second.ok, second.articles_indexed) == (True, len(published))
    assert {slug(a) for a in indexed(settings)} == first_stories | set(published)

    latest = story_published_at(len(SITE_CLOCKS), datetime.now(timezone.utc))
    pwani.publish(PWANI_SITEMAP.id, latest)  # the sitemap changes, so the next poll reads it whole
    before = len(pwani.site(PWANI_SITEMAP.id).requested)
    (third,) = crawl(settings, limits=TIGHT)
    assert article_paths(pwani, PWANI_SITEMAP.id, before) == [f"/articles/{latest.slug}"]  # not the ones ahead
    assert (third.ok, third.articles_indexed) == (True, 1)


def test_links_over_the_per_run_cap_are_fetched_on_the_next_poll_though_the_sitemap_is_unchanged(tmp_path):
    site = replace(SWAHILI_SITE, id="capped")
    web = NewsWeb([site], hosts=("127.0.0.42",))
    with web:
        settings = fresh_settings(tmp_path, [sitemap_source(web, site.id, max_pages=2)])
        first, second, third = (crawl(settings, limits=TIGHT)[0] for _ in range(3))
        fetched = article_paths(web, site.id, 0)

    assert first.ok and first.rejected == {"over the cap of 2 pages a run": 1}
    assert (second.ok, second.rejected, second.articles_indexed) == (True, {}, 1)
    assert third == SourceOutcome(third.source_id, ok=True)  # the sitemap answered 304: nothing was left
    allowed = {a.slug for a in SWAHILI_SITE.articles} - {DISALLOWED_SLUG}
    assert sorted(fetched) == sorted(f"/articles/{s}" for s in allowed)  # each once; the forbidden one never
    assert {slug(a) for a in indexed(settings)} == allowed


def test_links_a_crawl_s_time_limit_cut_off_are_fetched_on_the_next_poll(tmp_path):
    slow = tuple(SlowPage(article.slug, seconds=2.0) for article in SWAHILI_SITE.articles)
    site = replace(SWAHILI_SITE, id="sleepy", quirks=slow)
    web = NewsWeb([site], hosts=("127.0.0.43",))
    with web:
        settings = fresh_settings(tmp_path, [sitemap_source(web, site.id)])
        one_at_a_time = replace(TIGHT, time_limit_seconds=1.0, concurrent_requests=1)  # the rest wait their turn
        (cut,) = crawl(settings, limits=one_at_a_time)
        (again,) = crawl(settings, limits=TIGHT)
        fetched = article_paths(web, site.id, 0)

    assert (cut.ok, cut.articles_indexed, cut.rejected) == (True, 1, {"not fetched before the crawl ended": 2})
    assert (again.ok, again.articles_indexed, again.rejected, again.robots_forbidden) == (True, 1, {}, 1)
    allowed = {a.slug for a in SWAHILI_SITE.articles} - {DISALLOWED_SLUG}
    assert sorted(fetched) == sorted(f"/articles/{s}" for s in allowed)
    assert {slug(a) for a in indexed(settings)} == allowed


def test_a_sitemap_cut_off_inside_its_gzip_fails_its_source_with_the_reason(tmp_path):
    site = replace(SWAHILI_SITE, id="cut", quirks=(CutGzipSitemap(),))
    web = NewsWeb([site], hosts=("127.0.0.44",))
    with web:
        source = sitemap_source(web, site.id)
        (outcome,) = crawl(fresh_settings(tmp_path, [source]), limits=TIGHT)

    assert not outcome.ok and outcome.error.startswith(f"sitemap {source.url}: not a readable gzip file: ")
