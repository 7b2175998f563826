"""The page-to-article chain: fields, canonical ids, rejection with a reason, and date trust."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipeline import FeedEntry, FetchedPage, Rejected, process_page
from pipeline.chain import publication_time
from pipeline.language import LanguageDetector
from pipeline.normalise import canonical_url, doc_id_for

PARAGRAPH = (
    "Halmashauri ya Wilaya ya Bagamoyo imekamilisha ujenzi wa zahanati mpya katika kijiji cha Mapinga, "
    "hatua itakayowapunguzia wananchi safari ndefu za kutafuta huduma za afya. "
)
PAGE = f"""<html><head><title>Zahanati mpya Mapinga | Mwangaza</title>
<meta property="article:published_time" content="2026-11-20"></head>
<body><nav>Nyumbani | Habari | Michezo</nav><article><h1>Zahanati mpya Mapinga yafunguliwa</h1>
<p>{PARAGRAPH * 3}</p><p>{PARAGRAPH * 2}</p></article><footer>Haki zote zimehifadhiwa</footer></body></html>"""


@pytest.fixture(scope="module")
def languages() -> LanguageDetector:
    return LanguageDetector()


def fetched(body: str, url: str = "https://mwangaza.example/habari/zahanati?utm_source=rss#top", **entry) -> FetchedPage:
    return FetchedPage(
        url=url,
        body=body.encode("utf-8"),
        fetched_at=datetime(2026, 11, 21, tzinfo=timezone.utc),
        source_id="mwangaza-rss",
        outlet="Mwangaza",
        entry=FeedEntry(**entry),
    )


def test_a_page_becomes_an_article(languages):
    feed_time = datetime(2026, 11, 20, 6, 45, tzinfo=timezone.utc)
    article = process_page(fetched(PAGE, published=feed_time, summary="Zahanati  mpya"), languages)
    assert article.url == "https://mwangaza.example/habari/zahanati"
    assert article.doc_id == doc_id_for("https://mwangaza.example/habari/zahanati?utm_campaign=x")
    assert "Zahanati mpya Mapinga" in article.title
    assert "kijiji cha Mapinga" in article.text and "Haki zote" not in article.text
    assert article.language == "sw"
    assert article.published == feed_time
    assert article.summary == "Zahanati mpya"


def test_a_page_without_article_text_is_rejected_with_a_reason(languages):
    for body, reason in [
        ("<html><body></body></html>", "no article text found"),
        ("<html><body><nav>Home</nav></body></html>", "too little text for an article (4 characters)"),
    ]:
        result = process_page(fetched(body), languages)
        assert isinstance(result, Rejected) and result.reason == reason


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
