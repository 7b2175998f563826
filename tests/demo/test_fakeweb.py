"""The crawler tests' fake webs (tests/fakeweb.py): enough sites, long stories, every quirk reachable, valid sources."""
from __future__ import annotations

from urllib.parse import urlsplit

import feedparser

from settings.config import SourceKind
from tests.fakeweb import (
    BOMB_SLUG,
    CHARSET_SLUG,
    FAKE_SITES,
    HOSTILE_SITES,
    HUGE_SLUG,
    LOOP_SLUG,
    MWAMBAO_DISALLOWED_SLUG,
    PDF_SLUG,
    SLOW_SLUG,
    TRACKED_SLUG,
)

WHERE = {  # the misbehaving stories of each site, all in its news sitemap and on its home page
    "mwambao": (TRACKED_SLUG, MWAMBAO_DISALLOWED_SLUG),
    "coast-observer": (CHARSET_SLUG, PDF_SLUG, LOOP_SLUG),
    "sauti-kiromo": (SLOW_SLUG,),
    "bay-gazette": (HUGE_SLUG, BOMB_SLUG),
}


def test_at_least_five_hostile_sites_in_both_languages_each_with_its_own_mix_of_quirks():
    assert len(HOSTILE_SITES) >= 5
    assert {site.language for site in HOSTILE_SITES} == {"sw", "en"}
    mixes = [
        (frozenset(type(q).__name__ for q in site.quirks), bool(site.robots_disallow), site.silent)
        for site in HOSTILE_SITES
    ]
    assert len(set(mixes)) == len(mixes)


def test_every_story_is_long_enough_to_extract_and_slugs_are_unique():
    articles = [a for site in (*FAKE_SITES, *HOSTILE_SITES) for a in site.articles]
    assert len({a.slug for a in articles}) == len(articles)
    for article in articles:
        assert len(" ".join(article.paragraphs).split()) >= 120, article.slug


def test_each_site_has_a_host_of_its_own_and_four_valid_sources(hostile_web, hostile_sources):
    hosts = {urlsplit(url).hostname for url in hostile_web.urls.values()}
    assert len(hosts) == len(HOSTILE_SITES)
    assert len(hostile_sources) == 4 * len(HOSTILE_SITES)
    for site in HOSTILE_SITES:
        base = hostile_web.urls[site.id]
        kinds = [kind for kind in SourceKind if kind is not SourceKind.page]
        by_kind = {kind: hostile_sources[f"{site.id}-{kind.value}"] for kind in kinds}
        assert {kind: source.url for kind, source in by_kind.items()} == {
            SourceKind.rss: f"{base}/rss.xml",
            SourceKind.sitemap: f"{base}/sitemap_index.xml",
            SourceKind.section: f"{base}/section/{'habari' if site.language == 'sw' else 'news'}",
            SourceKind.search: f"{base}/search/rss?q={{term}}",
        }
        assert all(s.language.value == site.language and s.outlet == site.name for s in by_kind.values())


def test_the_search_source_template_fills_in_and_finds_stories(hostile_web, hostile_sources, http):
    url = hostile_sources["bay-gazette-search"].search_url("Kaole ruins")
    assert url.endswith("/search/rss?q=Kaole+ruins")

    feed = feedparser.parse(http.get(url).content)
    assert [entry.link.rsplit("/", 1)[-1] for entry in feed.entries] == [HUGE_SLUG]


def test_every_misbehaving_story_is_listed_where_a_crawler_finds_it(hostile_web, http):
    for site_id, slugs in WHERE.items():
        base = hostile_web.urls[site_id]
        listed = http.get(f"{base}/sitemap-news.xml").text + http.get(f"{base}/").text
        for slug in slugs:
            assert slug in listed, (site_id, slug)
    feed = http.get(f"{hostile_web.urls['mwambao']}/rss.xml?first")
    assert feed.status_code == 429  # its feed is throttled at first


def test_the_silent_site_is_not_linked_from_the_others(hostile_web, http):
    silent = hostile_web.urls["redio-kimya"]
    for site in HOSTILE_SITES:
        if not site.silent:
            assert silent not in http.get(f"{hostile_web.urls[site.id]}/").text
