"""The bundled demo web (outlets.yaml) as NewsSites, and the Habari sources that poll it.

Story dates are relative to the moment the demo starts; `upcoming` stories are published while it runs.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources

import yaml

from settings.config import Source
from habari.demo.site import NewsArticle, NewsSite

DEMO_INTERVAL_MINUTES = 1


@dataclass(frozen=True)
class UpcomingStory:
    """A story to publish on a running site later; its date is set when it is published."""

    site_id: str
    article: NewsArticle


@dataclass(frozen=True)
class DemoContent:
    sites: tuple[NewsSite, ...]
    upcoming: tuple[UpcomingStory, ...]


def load_demo(now: datetime) -> DemoContent:
    """The bundled outlets with their stories dated back from `now` (UTC-aware)."""
    data = yaml.safe_load(resources.files("habari.demo").joinpath("outlets.yaml").read_text(encoding="utf-8"))
    sites, upcoming = [], []
    for entry in data["sites"]:
        language = entry["language"]
        sites.append(NewsSite(
            id=entry["id"],
            name=entry["name"],
            language=language,
            outlet_type=entry["outlet_type"],
            robots_disallow=tuple(entry.get("robots_disallow", ())),
            articles=tuple(
                _article(story, language, now - timedelta(hours=story["hours_ago"])) for story in entry["articles"]
            ),
        ))
        upcoming += [UpcomingStory(entry["id"], _article(story, language, now)) for story in entry.get("upcoming", ())]
    return DemoContent(tuple(sites), tuple(upcoming))


def demo_sources(
    sites: Iterable[NewsSite], urls: Mapping[str, str], interval_minutes: int = DEMO_INTERVAL_MINUTES
) -> tuple[Source, ...]:
    """One RSS source per running site; `urls` maps site id to base URL (what NewsWeb.start returns)."""
    return tuple(
        Source(
            id=f"{site.id}-rss",
            outlet=site.name,
            outlet_type=site.outlet_type,
            kind="rss",
            url=f"{urls[site.id]}/rss.xml",
            language=site.language,
            interval_minutes=interval_minutes,
        )
        for site in sites
    )


def _article(story: dict, language: str, published: datetime) -> NewsArticle:
    return NewsArticle(
        slug=story["slug"],
        title=story["title"],
        paragraphs=tuple(story["paragraphs"]),
        published=published,
        author=story["author"],
        language=language,
    )
