"""The page-to-article chain: fields, canonical ids, rejection with a reason, date trust, a failing stage
contained to its page; and any page or text gives a result (hypothesis)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import Document, FeedEntry, FetchedPage, Pipeline, Rejected
from pipeline.chain import EXACT_COPY, Analysis, Failed, publication_time
from pipeline.normalise import canonical_url, clean_text, doc_id_for, utc_time
from settings.environment import Settings
from store import Article
from tests.strategies import TOTALITY, declared_charsets, hostile_text, mutated_page

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


def test_a_feed_time_that_utc_cannot_hold_is_dropped_not_raised(pipeline):
    """A sitemap's news:publication_date of year 1 at +05:00 raised OverflowError beside the page's own date."""
    year_one = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    article = pipeline.process_page(fetched(PAGE, published=year_one))
    assert isinstance(article, Article) and article.published == datetime(2026, 11, 20, tzinfo=timezone.utc)


def test_an_unreadable_canonical_link_is_passed_over(pipeline):
    article = pipeline.process_page(fetched(PAGE.replace("<head>", '<head><link rel="canonical" href="http://[">')))
    assert isinstance(article, Article) and article.url == "https://mwangaza.example/habari/zahanati"


def test_a_page_that_is_no_text_is_rejected_by_name(pipeline):
    for body, reason in [(b"", "the page is empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data, not a web page")]:
        page = replace(fetched(PAGE), body=body)
        assert pipeline.process_page(page) == Rejected(page.url, reason)


def test_a_stage_that_raises_fails_its_page_by_name_and_the_next_page_goes_on(make_settings):
    """A bug in a stage (here an extra stage named in the settings) is contained to the page it met."""
    settings = make_settings(extra_stages=("tests.crawlers.faults:fail_on_the_cold_room_story",))
    chain = Pipeline.from_settings(settings)
    try:
        failing = fetched(PAGE, url="https://mwangaza.example/habari/fishermen-cold-room")
        assert chain.process_page(failing) == Failed(
            failing.url, "tests.crawlers.faults:fail_on_the_cold_room_story", "RuntimeError: a bug not yet found"
        )
        assert isinstance(chain.process_page(fetched(PAGE.replace("mpya", "ya kisasa"))), Article)
    finally:
        chain.close()


def test_an_extra_stage_that_cannot_be_loaded_is_named(make_settings):
    with pytest.raises(ValueError, match=r"extra stage 'tests.crawlers.faults:no_such_stage' cannot be loaded"):
        Pipeline.from_settings(make_settings(extra_stages=("tests.crawlers.faults:no_such_stage",)))


@pytest.fixture(scope="module")
def shared_pipeline() -> Pipeline:
    chain = Pipeline.open(Settings().config, stories_path=None)
    yield chain
    chain.close()


published_times = st.one_of(
    st.none(), st.datetimes(timezones=st.none() | st.timezones() | st.just(timezone(timedelta(hours=-23, minutes=-59))))
)


@TOTALITY
@given(body=mutated_page(), declared=declared_charsets, title=hostile_text(max_words=10), published=published_times)
def test_any_page_becomes_an_article_or_a_named_rejection(shared_pipeline, body, declared, title, published):
    page = FetchedPage("https://mwangaza.example/habari/1", body, datetime(2026, 11, 21, tzinfo=timezone.utc), "src",
                       "Mwangaza", encoding=declared, entry=FeedEntry(title=title, published=published, summary=title))
    result = shared_pipeline.process_page(page)
    assert isinstance(result, (Article, Rejected)), result


@TOTALITY
@given(title=hostile_text(max_words=12), text=hostile_text() | st.just(""), published=published_times)
def test_any_text_is_analysed(shared_pipeline, title, text, published):
    document = Document("https://mwangaza.example/habari/1", clean_text(title), clean_text(text), utc_time(published))
    assert isinstance(shared_pipeline.analyse(document), Analysis)
