"""A crawl that finds the article bridging two stories already indexed makes them one story in search, on both
backends: the articles indexed under the absorbed story are moved to the one that absorbed it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crawlers.run import crawl
from crawlers.scrapy_settings import LOCAL_WEB
from habari.demo.content import demo_sources
from habari.demo.newsweb import NewsWeb
from habari.demo.site import NewsArticle, NewsSite
from pipeline.dedupe import StoryClusters
from store import SearchRequest
from tests.builders import with_sources
from tests.pipeline.test_dedupe import BUDGET

PARAGRAPHS = tuple(BUDGET.split("\n"))
PUBLISHED = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)


def budget_story(slug: str, paragraphs: tuple[str, ...]) -> NewsArticle:
    return NewsArticle(slug, "Bajeti ya Bagamoyo ya Sh 58.4 bilioni", paragraphs, PUBLISHED, "Mwandishi Wetu", "sw")


SITES = (
    NewsSite("pwani", "Pwani Leo", "sw", (budget_story("bajeti-mwanzo", PARAGRAPHS[:2]),)),  # the story's opening
    NewsSite("kusi", "Kusi Habari", "sw", (budget_story("bajeti-madiwani", PARAGRAPHS[3:]),)),  # its end
    NewsSite("kati", "Kati Daily", "sw", ()),  # later, the whole story
)


def test_a_crawled_article_bridging_two_indexed_stories_makes_them_one(store_settings, store):
    web = NewsWeb(SITES, hosts=("127.0.0.41", "127.0.0.42", "127.0.0.43"))  # three sites, three hosts
    with web:
        settings = with_sources(store_settings, demo_sources(SITES, web.urls))
        assert [outcome.articles_indexed for outcome in crawl(settings, limits=LOCAL_WEB)] == [1, 1, 0]
        assert stories(store) == [1, 1]

        web.publish("kati", budget_story("bajeti-kamili", PARAGRAPHS))
        assert [outcome.articles_indexed for outcome in crawl(settings, limits=LOCAL_WEB)] == [0, 0, 1]

    assert stories(store) == [3]
    with StoryClusters(settings.stories_path) as clusters:
        assert clusters.merges_applied() == 1
    assert len({article.cluster_id for article in store.articles()}) == 1


def stories(store) -> list[int]:
    """Each story's size as search folds them."""
    store.refresh()
    return sorted(hit.story_size for hit in store.search(SearchRequest(collapse=True)).hits)
