"""Crawling a section page whose site forbids, in robots.txt, the tag pages every page links and one story:
the links are skipped and counted (shown by `habari sources`), the source stays ok, and the stories it
stores keep the time of day their pages give.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
import yaml

from crawlers.run import crawl
from habari.demo.newsweb import NewsWeb
from settings.environment import REPO_ROOT
from store import open_store
from tests.builders import all_articles, with_sources
from tests.crawlers.hostile import TIGHT, slug
from tests.fakeweb import COAST_TIMES, ROBOTS_FORBIDDEN_SLUG, TIMED_SLUG, site_sources

TAGS = ("bagamoyo", "education", "health", "water")  # the English sites' tag pages, linked from every page


@pytest.fixture
def coast_times() -> Iterator[NewsWeb]:
    web = NewsWeb([COAST_TIMES])
    with web:
        yield web


def section_source(web: NewsWeb):
    (source,) = [s for s in site_sources(COAST_TIMES, web.urls[COAST_TIMES.id]) if s.id.endswith("-section")]
    return source


def test_links_robots_txt_forbids_are_skipped_and_counted_not_an_error(store_settings, store, coast_times):
    source = section_source(coast_times)
    (outcome,) = crawl(with_sources(store_settings, [source]), limits=TIGHT)

    assert outcome.ok, outcome
    assert outcome.robots_forbidden == len(TAGS) + 1  # each tag page and the story, each once
    assert outcome.rejected == {} and outcome.articles_indexed == len(COAST_TIMES.articles) - 1
    requested = coast_times.site(COAST_TIMES.id).requested
    assert not any(path.startswith("/tag/") or ROBOTS_FORBIDDEN_SLUG in path for path in requested)
    (health,) = store.source_health()
    assert (health.last_run.ok, health.last_run.robots_forbidden, health.failures_in_a_row) == (True, 5, 0)
    assert "5 links forbidden by robots.txt" in outcome.describe()


def test_stories_found_on_a_section_page_keep_their_time_of_day(make_settings, coast_times):
    settings = with_sources(make_settings(), [section_source(coast_times)])
    crawl(settings, limits=TIGHT)

    with open_store(settings) as store:
        published = {slug(article): article.published for article in all_articles(store)}
    expected = {a.slug: a.published for a in COAST_TIMES.articles if a.slug != ROBOTS_FORBIDDEN_SLUG}
    assert published == expected
    assert (published[TIMED_SLUG].hour, published[TIMED_SLUG].minute, published[TIMED_SLUG].second) == (5, 42, 43)


def test_habari_sources_shows_the_links_robots_txt_forbade(make_settings, coast_times, tmp_path):
    source = section_source(coast_times)
    config_dir = tmp_path / "config"
    shutil.copytree(REPO_ROOT / "config", config_dir)
    (config_dir / "sources.yaml").write_text(yaml.safe_dump({"sources": [source.model_dump(mode="json")]}))
    settings = make_settings(config_dir=config_dir)
    crawl(settings, limits=TIGHT)

    listing = subprocess.run(
        [sys.executable, "-m", "habari.cli", "sources"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "HABARI_CONFIG_DIR": str(config_dir), "HABARI_DATA_DIR": str(settings.data_dir),
             "COLUMNS": "250"},
    )

    assert listing.returncode == 0, listing.stderr
    assert "· 5 links forbidden by robots.txt" in listing.stdout
