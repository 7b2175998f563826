"""Display helpers: local EAT times, which feed URLs may become links, and what a folded story is said to hold.

Plain unit tests: no store and no HTTP.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from search_api.formatting import local_time, others_phrase, safe_link
from store import SearchHit
from tests.builders import make_article

EAT = ZoneInfo("Africa/Dar_es_Salaam")


def test_local_time_is_eat():
    assert local_time(datetime(2026, 3, 5, 22, 30, tzinfo=timezone.utc), EAT) == "06 Mar 2026, 01:30 EAT"
    assert local_time(None, EAT) is None


@pytest.mark.parametrize(
    "url", ["https://www.mwananchi.co.tz/habari/1", "http://dailynews.co.tz/a?b=c", "HTTPS://x.tz/"]
)
def test_http_urls_are_links(url):
    assert safe_link(url) == url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "/relative", "//host/x", "https:///x",
     "http://[::1"],
)
def test_other_urls_are_not_links(url):
    assert safe_link(url) is None


def _folded(outlets: list[str], story_size: int | None = None) -> SearchHit:
    """A Mwananchi hit whose listed others come from these outlets."""
    others = tuple(make_article(f"other-{index}", outlet=outlet) for index, outlet in enumerate(outlets))
    return SearchHit(make_article("lead"), 1.0, story_size=story_size or len(others) + 1, others=others)


@pytest.mark.parametrize(
    ("hit", "phrase"),
    [
        (_folded(["The Citizen"]), ("na chombo 1 kingine", "and 1 other outlet")),
        (_folded(["The Citizen", "HabariLeo", "The Citizen"]), ("na vyombo 2 vingine", "and 2 other outlets")),
        (_folded(["Mwananchi", "Daily News"]), ("na chombo 1 kingine", "and 1 other outlet")),  # its own not counted
        (_folded(["The Citizen", "HabariLeo"], story_size=14), ("na vyombo 2+ vingine", "and 2+ other outlets")),
        (_folded(["Mwananchi"]), ("na makala 1 nyingine", "and 1 other article")),
        (_folded(["Mwananchi", "Mwananchi"], story_size=5), ("na makala 4 nyingine", "and 4 other articles")),
    ],
)
def test_a_folded_story_counts_its_other_outlets_else_its_other_articles(hit, phrase):
    assert others_phrase(hit) == phrase
