"""Helpers for crawling the hostile fake web: settings with given sources, tight limits, and one crawl's
outcomes with the requests each site received during it (the sites' logs keep every crawl's)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from crawlers.run import crawl
from crawlers.scrapy_settings import LOCAL_WEB, CrawlLimits
from crawlers.source_stats import SourceOutcome
from settings.config import Source
from habari.demo.newsweb import NewsWeb
from habari.demo.site import RequestRecord
from settings.environment import Settings
from store import Article, open_store
from tests.builders import all_articles, with_sources
from tests.fakeweb import HOSTILE_SITES, site_sources

MIB = 1024 * 1024
# Loopback pace, with a timeout and a size cap small enough that the black hole and the 50 MiB page
# resolve in seconds; the slow page (3 s) still arrives in time.
TIGHT = replace(LOCAL_WEB, download_timeout=5.0, max_response_bytes=5 * MIB)
ANSWERING = tuple(site.id for site in HOSTILE_SITES if not site.silent)


@dataclass(frozen=True)
class Run:
    """One crawl: the outcome of each source, and the requests each site received meanwhile."""

    outcomes: dict[str, SourceOutcome]
    requests: dict[str, list[RequestRecord]]

    def paths(self, site_id: str) -> list[str]:
        """The paths (with queries) the site was asked for, in order."""
        return [record.path for record in self.requests[site_id]]

    def asked(self, site_id: str, path: str) -> list[RequestRecord]:
        """The requests for `path`, whatever their query."""
        return [record for record in self.requests[site_id] if urlsplit(record.path).path == path]


def crawl_run(settings: Settings, web: NewsWeb, limits: CrawlLimits = TIGHT) -> Run:
    sites = [site.id for site in HOSTILE_SITES]
    before = {site_id: len(web.site(site_id).requests) for site_id in sites}
    outcomes = crawl(settings, limits=limits)
    requests = {site_id: web.site(site_id).requests[before[site_id]:] for site_id in sites}
    return Run({outcome.source_id: outcome for outcome in outcomes}, requests)


def hostile_sources(web: NewsWeb, kind: str, site_ids: Iterable[str] = ANSWERING) -> list[Source]:
    """The sources of one kind ('rss', 'sitemap', 'section', 'search') for the given sites."""
    wanted = set(site_ids)
    return [
        source for site in HOSTILE_SITES if site.id in wanted
        for source in site_sources(site, web.urls[site.id]) if source.id == f"{site.id}-{kind}"
    ]


def indexed(settings: Settings) -> list[Article]:
    with open_store(settings) as store:
        return all_articles(store)


def slug(article: Article) -> str:
    return urlsplit(article.url).path.rsplit("/", 1)[-1]


def fresh_settings(directory: Path, sources: Iterable[Source]) -> Settings:
    """SQLite settings on a fresh data dir, polling `sources`."""
    return with_sources(Settings(data_dir=directory / "data"), sources)
