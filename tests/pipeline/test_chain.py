"""The page-to-article chain: fields, canonical ids, rejection with a reason, and date trust."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipeline import FeedEntry, FetchedPage, Pipeline, Rejected
from pipeline.chain import EXACT_COPY, publication_time
from pipeline.normalise import canonical_url, doc_id_for

PARAGRAPH = (
    "Halmashauri ya Wilaya ya Bagamoyo imekamilisha ujenzi wa zahanati mpya katika kijiji cha Mapinga, "
    "hatua itakayowapunguzia wananchi safari ndefu za kutafuta huduma za afya. "
)
PAGE = f"""<html><head><title>Zahanati mpya Mapinga | Mwangaza</title>
<meta property="article:published_time" content="2026-11-20"></head>
<body><nav>Nyumbani | Habari | Michezo</nav><article><h1>Zahanati mpya Mapinga yafunguliwa</h1>
<p>{PARAGRAPH * 3}</p><p>{PARAGRAPH * 2}</p></article><footer>Haki zote zimehifadhiwa</footer></body></html>"""


@pytest.fixture
def pipeline(make_settings) -> Pipeline:
    chain = Pipeline.open(make_settings().config, stories_path=None)
    yield chain
    chain.close()


def fetched(body: str, url: str = "https://mwangaza.example/habari/zahanati?utm_source=rss#top", **entry) -> FetchedPage:
    return FetchedPage(
        url=url,
        body=body.encode("utf-8"),
        fetched_at=datetime(2026, 11, 21, tzinfo=timezone.utc),
        source_id="mwangaza-rss",
        outlet="Mwangaza",
        entry=FeedEntry(**entry),
    )


def test_a_page_becomes_an_article(pipeline):
    feed_time = datetime(2026, 11, 20, 6, 45, tzinfo=timezone.utc)
    article = pipeline.process_page(fetched(PAGE, published=feed_time, summary="Zahanati  mpya"))
    assert article.url == "https://mwangaza.example/habari/zahanati"
    assert article.doc_id == doc_id_for("https://mwangaza.example/habari/zahanati?utm_campaign=x")
    assert "Zahanati mpya Mapinga" in article.title
    assert "kijiji cha Mapinga" in article.text and "Haki zote" not in article.text
    assert article.language == "sw"
    assert article.published == feed_time
    assert article.summary == "Zahanati mpya"


def test_a_page_without_article_text_is_rejected_with_a_reason(pipeline):
    for body, reason in [
        ("<html><body></body></html>", "no article text found"),
        ("<html><body><nav>Home</nav></body></html>", "too little text for an article (4 characters)"),
    ]:
        result = pipeline.process_page(fetched(body))
        assert isinstance(result, Rejected) and result.reason == reason


def test_the_article_carries_its_story_mentions_topics_sentiment_and_places(pipeline):
    article = pipeline.process_page(fetched(PAGE))
    assert article.cluster_id == article.doc_id  # the first of its story
    assert article.about_council and article.relevance >= 0.5
    assert {(m.rule, m.term) for m in article.mentions} >= {("name", "Halmashauri ya Wilaya ya Bagamoyo")}
    assert "health" in article.topics
    assert article.sentiment == "positive" and 0.5 < article.sentiment_confidence <= 1
    assert "Mapinga" in article.entities.places


def test_an_exact_copy_elsewhere_is_rejected_and_a_syndicated_copy_joins_the_story(pipeline):
    first = pipeline.process_page(fetched(PAGE))
    copy = pipeline.process_page(fetched(PAGE, url="https://mwangaza.example/amp/zahanati"))
    assert copy == Rejected("https://mwangaza.example/amp/zahanati", EXACT_COPY)
    edited = PAGE.replace("hatua itakayowapunguzia", "jambo litakalowapunguzia").replace("Mwangaza", "Jamii")
    syndicated = pipeline.process_page(fetched(edited, url="https://jamii.example/habari/zahanati-mapinga"))
    assert syndicated.doc_id != first.doc_id and syndicated.cluster_id == first.cluster_id


def test_a_canonical_link_is_followed_within_the_site_only(pipeline):
    def with_canonical(href: str) -> str:
        return PAGE.replace("<head>", f'<head><link rel="canonical" href="{href}">')

    own = pipeline.process_page(fetched(with_canonical("https://mwangaza.example/habari/zahanati-mpya")))
    assert own.url == "https://mwangaza.example/habari/zahanati-mpya"
    foreign = pipeline.process_page(fetched(with_canonical("https://other.example/x"), url="https://www.mwangaza.example/b"))
    assert foreign.url == "https://www.mwangaza.example/b"


def test_canonical_url_drops_tracking_and_fragment():
    assert canonical_url("HTTPS://Mwangaza.example/a?fbclid=1&id=7#x") == "https://mwangaza.example/a?id=7"


def test_publication_time_trusts_the_page_and_refines_it_with_the_feed():
    page_day = datetime(2026, 11, 20, tzinfo=timezone.utc)
    same_day = datetime(2026, 11, 19, 22, 30, tzinfo=timezone.utc)  # 01:30 EAT on the 20th
    weeks_off = datetime(2026, 10, 1, tzinfo=timezone.utc)
    assert publication_time(page_day, same_day) == same_day
    assert publication_time(page_day, weeks_off) == page_day
    assert publication_time(None, same_day) == same_day
    assert publication_time(page_day, None) == page_day
