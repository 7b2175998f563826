"""The bundled demo web: enough realistic outlets and stories, and valid sources that poll them."""
from __future__ import annotations

from datetime import datetime, timezone

from habari.demo.content import load_demo, demo_sources

NOW = datetime(2025, 6, 3, 9, 0, tzinfo=timezone.utc)
COUNCIL = ("Halmashauri ya Wilaya ya Bagamoyo", "Bagamoyo District Council")


def _text(article) -> str:
    return " ".join(article.paragraphs)


def test_outlets_in_both_languages_with_several_long_stories_each():
    demo = load_demo(NOW)

    assert 3 <= len(demo.sites) <= 4
    assert {site.language for site in demo.sites} == {"sw", "en"}
    for site in demo.sites:
        assert 5 <= len(site.articles) <= 8, site.id
        assert len({a.slug for a in site.articles}) == len(site.articles)
        for article in site.articles:
            assert len(_text(article).split()) >= 120, article.slug
            assert article.published < NOW and article.language == site.language
    assert {story.site_id for story in demo.upcoming} <= {site.id for site in demo.sites}
    assert demo.upcoming


def test_some_stories_mention_the_council_and_some_do_not():
    articles = [a for site in load_demo(NOW).sites for a in site.articles]
    mentioning = [a for a in articles if any(name in _text(a) for name in COUNCIL)]
    assert 5 < len(mentioning) < len(articles)


def test_one_story_is_syndicated_by_two_outlets():
    demo = load_demo(NOW)
    sentence = "kudai stakabadhi ya kielektroniki kila wanapolipa ushuru"
    outlets = {site.id for site in demo.sites for a in site.articles if sentence in _text(a)}
    assert outlets == {"mwangaza", "bagamoyo-dc"}


def test_demo_sources_poll_each_site_feed_every_minute():
    demo = load_demo(NOW)
    urls = {site.id: f"http://127.0.0.1:{8100 + i}" for i, site in enumerate(demo.sites)}
    sources = demo_sources(demo.sites, urls)

    assert [s.id for s in sources] == [f"{site.id}-rss" for site in demo.sites]
    assert all(s.kind.value == "rss" and s.interval_minutes == 1 for s in sources)
    assert str(sources[0].url) == "http://127.0.0.1:8100/rss.xml"
