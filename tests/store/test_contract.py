"""The store contract: every behaviour of the ArticleStore interface, run against both backends.

A store feature is done when this suite passes on SQLite and on a real Elasticsearch node.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from store import Article, SearchFilters, SearchRequest
from store.models import (
    ArchiveRef, ArticleSelection, Entities, FailedPage, FetchRecord, Mention, SourceHealth, SourceRun,
)
from store.query import parse_query
from tests.builders import FETCHED_AT as NOW
from tests.builders import make_article


def article(doc_id: str, **fields) -> Article:
    return make_article(doc_id, **{"published": NOW - timedelta(hours=1), **fields})


CORPUS = [
    article(
        "maji",
        title="Mradi wa maji Kaole wakamilika",
        text="Halmashauri ya Wilaya ya Bagamoyo imekamilisha mradi wa maji katika kijiji cha Kaole.",
        published=NOW - timedelta(days=1),
        authors=("Asha Mussa",),
        cluster_id="maji",
        about_council=True,
        relevance=0.9,
        mentions=(Mention("name", "Halmashauri ya Wilaya ya Bagamoyo", "text", 0, 33,
                          "Halmashauri ya Wilaya ya Bagamoyo imekamilisha mradi wa maji"),),
        topics=("water", "projects"),
        sentiment="positive",
        sentiment_confidence=0.87,
        entities=Entities(places=("Kaole",), organisations=("Halmashauri ya Wilaya ya Bagamoyo",)),
    ),
    article(
        "roads",
        title="Bagamoyo District Council opens new road",
        text="The Bagamoyo District Council opened a tarmac road linking Dunda and Zinga wards.",
        source_id="thecitizen-rss",
        outlet="The Citizen",
        language="en",
        published=NOW - timedelta(days=3),
        cluster_id="roads",
        about_council=True,
        relevance=0.8,
        topics=("roads",),
        sentiment="positive",
        entities=Entities(people=("Shauri Selenda",), places=("Dunda", "Zinga")),
    ),
    article(
        "school",
        title="Shule mpya Mapinga",
        text="Wanafunzi wa Mapinga wamepata madarasa mapya.",
        outlet_type="online",
        published=NOW - timedelta(days=10),
        cluster_id="maji",
        topics=("education",),
        sentiment="neutral",
        entities=Entities(places=("Mapinga",)),
    ),
    article(
        "undated",
        title="Council budget debate",
        text="Councillors debated the district council budget for water and roads.",
        source_id="thecitizen-rss",
        outlet="The Citizen",
        outlet_type=None,  # indexed before outlet types were kept
        language="en",
        published=None,
    ),
]


@pytest.fixture
def filled(store):
    assert store.upsert(CORPUS) == len(CORPUS)
    store.refresh()
    return store


def search(store, text: str | None = None, **options):
    """One article per hit unless the test asks for stories folded."""
    options.setdefault("collapse", False)
    return store.search(SearchRequest(query=parse_query(text) if text else None, **options))


def ids(result) -> list[str]:
    return [hit.article.doc_id for hit in result.hits]


def test_get_returns_every_field_as_written(filled):
    assert filled.get("maji") == CORPUS[0]
    assert filled.get("undated").published is None
    assert filled.get("undated").sentiment_confidence is None  # scored before the confidence was kept, or not at all
    assert filled.get("missing") is None


def test_a_hit_carries_the_tones_confidence(filled):
    assert [hit.article.sentiment_confidence for hit in search(filled, "wakamilika").hits] == [0.87]


def test_upsert_twice_keeps_one_copy_with_the_new_content(filled):
    changed = replace(CORPUS[0], title="Mradi wa maji Kaole umezinduliwa")
    filled.upsert([changed, changed])
    filled.refresh()
    assert filled.count() == len(CORPUS)
    assert filled.get("maji").title == "Mradi wa maji Kaole umezinduliwa"
    assert [hit.article.doc_id for hit in search(filled, "umezinduliwa").hits] == ["maji"]
    assert search(filled, "wakamilika").total == 0


def test_bulk_upsert_of_many_articles(store):
    many = [article(f"bulk-{n}", text=f"Makala namba {n} kuhusu Bagamoyo") for n in range(1200)]
    assert store.upsert(many) == 1200
    store.refresh()
    assert store.count() == 1200
    assert search(store, "Bagamoyo", limit=5).total == 1200


def test_words_are_all_required_and_case_insensitive(filled):
    assert {h.article.doc_id for h in search(filled, "bagamoyo").hits} == {"maji", "roads"}
    assert [h.article.doc_id for h in search(filled, "BAGAMOYO kaole").hits] == ["maji"]
    assert search(filled, "bagamoyo nonexistentword").total == 0


def test_phrase_matches_words_in_order_only(filled):
    assert {h.article.doc_id for h in search(filled, '"district council"').hits} == {"roads", "undated"}
    assert search(filled, '"council district"').total == 0


def test_title_match_ranks_above_text_match(store):
    store.upsert(
        [
            article("in-title", title="Zahanati ya Yombo", text="Habari za wilaya."),
            article("in-text", title="Habari za wilaya", text="Wananchi wa Yombo wanasubiri zahanati."),
        ]
    )
    store.refresh()
    assert [h.article.doc_id for h in search(store, "zahanati").hits] == ["in-title", "in-text"]


def test_highlights_mark_the_words_and_escape_the_text(store):
    store.upsert([article("xss", title="<b>Kaole</b> news", text="Mkuu <script>alert(1)</script> wa Kaole & Dunda")])
    store.refresh()
    (hit,) = search(store, "kaole").hits
    snippet = " ".join(hit.highlights["text"])
    assert "<mark>Kaole</mark>" in snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert "<b>" not in " ".join(hit.highlights["title"])


def test_no_query_lists_newest_first_with_undated_last(filled):
    assert [h.article.doc_id for h in search(filled).hits] == ["maji", "roads", "school", "undated"]


def test_filters_by_source_language_and_date(filled):
    assert search(filled, filters=SearchFilters(source_ids=("thecitizen-rss",))).total == 2
    assert search(filled, filters=SearchFilters(languages=("sw",))).total == 2
    recent = SearchFilters(published_from=NOW - timedelta(days=5), published_before=NOW)
    assert {h.article.doc_id for h in search(filled, filters=recent).hits} == {"maji", "roads"}
    edges = SearchFilters(published_from=CORPUS[1].published, published_before=CORPUS[0].published)
    assert [h.article.doc_id for h in search(filled, filters=edges).hits] == ["roads"]
    assert filled.count(SearchFilters(languages=("en",), source_ids=("thecitizen-rss",))) == 2
    assert filled.count(SearchFilters(languages=("fr",))) == 0


def test_facets_count_the_whole_result_not_the_page(filled):
    result = search(filled, limit=1)
    assert len(result.hits) == 1 and result.total == 4
    by_field = {name: {b.value: b.count for b in buckets} for name, buckets in result.facets.items()}
    assert by_field["language"] == {"sw": 2, "en": 2}
    assert by_field["source_id"] == {"mwananchi-rss": 2, "thecitizen-rss": 2}
    assert by_field["outlet"] == {"Mwananchi": 2, "The Citizen": 2}
    assert by_field["outlet_type"] == {"newspaper": 2, "online": 1}  # an unknown type is in no bucket
    narrowed = search(filled, "council", facets=("language",))
    assert set(narrowed.facets) == {"language"}
    assert {b.value: b.count for b in narrowed.facets["language"]} == {"en": 2}


def test_filters_on_the_analysis_fields(filled):
    def found(**filters) -> set[str]:
        return {hit.article.doc_id for hit in search(filled, filters=SearchFilters(**filters)).hits}

    assert found(topics=("water",)) == {"maji"}
    assert found(topics=("roads", "education")) == {"roads", "school"}
    assert found(sentiments=("positive",)) == {"maji", "roads"}
    assert found(places=("Zinga",)) == {"roads"}
    assert found(people=("Shauri Selenda",)) == {"roads"}
    assert found(organisations=("Halmashauri ya Wilaya ya Bagamoyo",)) == {"maji"}
    assert found(cluster_ids=("maji",)) == {"maji", "school"}
    assert found(outlet_types=("online",)) == {"school"}
    assert found(outlet_types=("newspaper", "online")) == {"maji", "roads", "school"}
    assert found(about_council=True) == {"maji", "roads"}
    assert found(about_council=False) == {"school", "undated"}
    assert found(about_council=True, topics=("projects",), languages=("sw",)) == {"maji"}
    assert filled.count(SearchFilters(places=("Kaole", "Dunda"))) == 2


def test_facets_on_the_analysis_fields(filled):
    facets = search(filled).facets
    by_field = {name: {b.value: b.count for b in buckets} for name, buckets in facets.items()}
    assert by_field["topics"] == {"water": 1, "projects": 1, "roads": 1, "education": 1}
    assert by_field["about_council"] == {"true": 2, "false": 2}
    assert by_field["sentiment"] == {"positive": 2, "neutral": 1}
    assert by_field["places"] == {"Kaole": 1, "Dunda": 1, "Zinga": 1, "Mapinga": 1}
    narrowed = search(filled, "wanafunzi", facets=("topics", "places"))
    assert {name: [(b.value, b.count) for b in buckets] for name, buckets in narrowed.facets.items()} == {
        "topics": [("education", 1)],
        "places": [("Mapinga", 1)],
    }


def test_re_indexing_replaces_the_analysis_values(filled):
    filled.upsert([replace(CORPUS[0], topics=("health",), entities=Entities(), about_council=False)])
    filled.refresh()
    assert filled.count(SearchFilters(topics=("water",))) == 0
    assert filled.count(SearchFilters(topics=("health",))) == 1
    assert filled.count(SearchFilters(places=("Kaole",))) == 0
    assert filled.count(SearchFilters(about_council=True)) == 1
    filled.delete("roads")
    filled.refresh()
    assert filled.count(SearchFilters(places=("Zinga",))) == 0


def test_newest_first_with_a_query_too(filled):
    assert ids(search(filled, "bagamoyo OR council OR mapinga", sort="newest")) == ["maji", "roads", "school", "undated"]
    assert ids(search(filled, "kaole OR wanafunzi", sort="newest")) == ["maji", "school"]


def test_a_story_is_one_hit_with_its_other_articles_folded_in(filled):
    folded = search(filled, collapse=True)
    assert ids(folded) == ["maji", "roads", "undated"]
    assert folded.total == 4 and folded.stories == 3
    story = folded.hits[0]
    assert story.story_size == 2 and [other.doc_id for other in story.others] == ["school"]
    assert [(hit.story_size, hit.others) for hit in folded.hits[1:]] == [(1, ()), (1, ())]
    assert ids(search(filled, collapse=True, limit=1, offset=1)) == ["roads"]
    only_school = search(filled, "wanafunzi", collapse=True)
    assert ids(only_school) == ["school"] and only_school.hits[0].story_size == 1


def test_moving_a_story_relabels_its_articles_for_search_facets_and_filters_and_keeps_them_searchable(filled):
    filled.upsert([article("fresh", cluster_id="roads", published=NOW - timedelta(days=20))])  # not yet refreshed
    assert filled.move_stories({"roads": "maji", "gone": "maji"}) == 2  # a story without articles moves none
    assert filled.move_stories({"roads": "maji"}) == 0  # repeating it moves nothing more
    filled.refresh()
    assert filled.get("roads") == replace(CORPUS[1], cluster_id="maji")
    folded = search(filled, collapse=True)
    assert ids(folded) == ["maji", "undated"] and folded.stories == 2 and folded.hits[0].story_size == 4
    assert filled.count(SearchFilters(cluster_ids=("maji",))) == 4
    assert filled.count(SearchFilters(cluster_ids=("roads",))) == 0
    assert ids(search(filled, "tarmac")) == ["roads"]  # its words are indexed still
    assert {b.value: b.count for b in search(filled, facets=("topics",)).facets["topics"]}["roads"] == 1


def test_collapsed_pages_count_stories(store):
    many = [article(f"s{n:02}-{m}", cluster_id=f"s{n:02}", text="Mkutano wa baraza Bagamoyo",
                    published=NOW - timedelta(hours=n, minutes=m)) for n in range(30) for m in range(3)]
    store.upsert(many)
    store.refresh()
    pages = [search(store, "baraza", collapse=True, sort="newest", limit=10, offset=offset) for offset in (0, 10, 20)]
    assert [hit.article.cluster_id for page in pages for hit in page.hits] == [f"s{n:02}" for n in range(30)]
    assert all(hit.story_size == 3 and len(hit.others) == 2 for page in pages for hit in page.hits)
    assert pages[0].total == 90 and pages[0].stories == 30


def test_histogram_counts_dated_matches_per_day_in_east_africa_time(store):
    evening_utc = datetime(2026, 11, 19, 20, 30, tzinfo=UTC)  # 23:30 EAT on the 19th
    late_utc = datetime(2026, 11, 19, 21, 30, tzinfo=UTC)  # 00:30 EAT on the 20th
    store.upsert([
        article("a", published=evening_utc),
        article("b", published=late_utc),
        article("c", published=late_utc + timedelta(hours=5)),
        article("d", published=datetime(2026, 11, 12, 8, tzinfo=UTC)),
        article("e", published=None),
    ])
    store.refresh()
    result = search(store)
    assert [(day.day, day.count) for day in result.histogram] == [
        (date(2026, 11, 12), 1), (date(2026, 11, 19), 1), (date(2026, 11, 20), 2)
    ]
    assert search(store, histogram=False).histogram == []


def test_pages_do_not_overlap(filled):
    first = [h.article.doc_id for h in search(filled, limit=2).hits]
    second = [h.article.doc_id for h in search(filled, limit=2, offset=2).hits]
    assert len(first) == len(second) == 2 and not set(first) & set(second)


def test_delete(filled):
    assert filled.delete("maji") is True
    assert filled.delete("maji") is False
    filled.refresh()
    assert filled.get("maji") is None
    assert search(filled, "kaole").total == 0
    assert filled.count() == len(CORPUS) - 1


def test_articles_are_read_back_whole_in_doc_id_order_by_source_fetch_time_and_after_a_point(store):
    many = [article(f"a{number:04d}", source_id=("mwananchi-rss", "thecitizen-rss")[number % 2],
                    fetched_at=NOW - timedelta(days=number % 3)) for number in range(1203)]  # several chunks
    store.upsert(many)
    store.refresh()
    assert list(store.articles()) == sorted(many, key=lambda one: one.doc_id)
    chosen = ArticleSelection(source_ids=("thecitizen-rss",), fetched_from=NOW - timedelta(days=1), after="a0600")
    expected = [one for one in many if one.source_id == "thecitizen-rss" and one.fetched_at >= NOW - timedelta(days=1)
                and one.doc_id > "a0600"]
    assert [one.doc_id for one in store.articles(chosen)] == [one.doc_id for one in expected]
    assert list(store.articles(ArticleSelection(after="a1202"))) == []


def test_swahili_words_with_apostrophes(store):
    store.upsert([article("ng", title="Ng'ombe wa Zinga", text="Wafugaji wa ng'ombe walikutana Zinga.")])
    store.refresh()
    assert search(store, "ng'ombe zinga").total == 1
    assert search(store, "NG'OMBE").total == 1


def test_archive_ref_round_trips_on_get_and_search(store):
    archived = article(
        "warc",
        title="Kumbukumbu ya Kaole",
        archive=ArchiveRef("habari-20261120-0001.warc.gz", 5_123_456_789, "9f" * 32),
    )
    store.upsert([archived, article("bare")])
    store.refresh()
    assert store.get("warc") == archived
    assert store.get("bare").archive is None
    (hit,) = search(store, "kumbukumbu").hits
    assert hit.article.archive == archived.archive
    assert {h.article.doc_id: h.article.archive for h in search(store).hits} == {
        "warc": archived.archive,
        "bare": None,
    }


def fetch_record(url: str, **fields) -> FetchRecord:
    return FetchRecord(**{"url": url, "fetched_at": NOW, "status": 200, **fields})


def test_fetch_records_are_saved_looked_up_and_replaced_by_url(store):
    feed = fetch_record(
        "https://mwananchi.example.tz/feed",
        etag='W/"v1"',
        last_modified="Fri, 20 Nov 2026 09:00:00 GMT",
        content_sha256="0a" * 32,
    )
    page = fetch_record(
        "https://habari.example.tz/ng'ombe-wa-zinga?id=7", status=404, fetched_at=NOW - timedelta(microseconds=1)
    )
    assert store.fetch_records([feed.url]) == {}
    store.save_fetch_records([feed, page])
    unknown = "https://habari.example.tz/unknown"
    assert store.fetch_records([feed.url, page.url, unknown]) == {feed.url: feed, page.url: page}
    changed = replace(feed, fetched_at=NOW + timedelta(hours=1), status=304, etag=None)
    store.save_fetch_records([changed])
    assert store.fetch_records([feed.url]) == {feed.url: changed}
    assert store.fetch_records([]) == {}


def test_fetch_records_for_many_urls_in_one_lookup(store):
    urls = [f"https://news.example.tz/makala/{n}" for n in range(1200)]
    saved = [fetch_record(url, content_sha256=f"{n:064x}") for n, url in enumerate(urls) if n % 3 == 0]
    store.save_fetch_records(saved)
    assert store.fetch_records(urls + urls[:50]) == {record.url: record for record in saved}


def failure(url: str, minutes: int = 0, **fields) -> FailedPage:
    return FailedPage(**{
        "url": url, "source_id": "mwananchi-rss", "stage": "entities", "message": "IndexError: list index out of range",
        "failed_at": NOW + timedelta(minutes=minutes, microseconds=7), **fields,
    })


def test_failed_pages_are_recorded_listed_oldest_first_and_replaced_by_url(store):
    assert store.failed_pages() == []
    archived = failure("https://mwananchi.example.tz/habari/ng'ombe?id=1", 5,
                       archive=ArchiveRef("habari-20261120.warc.gz", 4096, "ab" * 32))
    bare = failure("https://thecitizen.example.tz/news/2", 1, source_id="thecitizen-rss", stage="extract",
                   message="RecursionError: maximum recursion depth exceeded")
    store.record_failures([archived, bare])
    assert store.failed_pages() == [bare, archived]
    assert store.failed_pages("thecitizen-rss") == [bare]
    assert store.failed_pages("habarileo") == []
    again = replace(archived, failed_at=NOW + timedelta(hours=1), stage="topics", message="KeyError: 'x'")
    store.record_failures([again])
    assert store.failed_pages() == [bare, again]


def test_a_failure_is_cleared_once_its_page_is_indexed(store):
    failures = [failure(f"https://mwananchi.example.tz/habari/{n}", n) for n in range(3)]
    store.record_failures(failures)
    store.clear_failures([failures[1].url, "https://mwananchi.example.tz/never-failed"])
    assert store.failed_pages() == [failures[0], failures[2]]
    store.clear_failures([])
    assert store.failed_pages("mwananchi-rss") == [failures[0], failures[2]]


def run(source_id: str, minutes: int, ok: bool = True, **fields) -> SourceRun:
    finished = NOW + timedelta(minutes=minutes, microseconds=123)
    return SourceRun(source_id, finished - timedelta(seconds=40), finished, ok, **fields)


def test_source_health_is_empty_before_any_run(store):
    assert store.source_health() == []


def test_source_health_reports_last_run_success_and_error_per_source(store):
    history = [
        run("mwananchi-rss", 0, pages_fetched=12, new_articles=3, failed_pages=1),
        run("mwananchi-rss", 10, ok=False, errors=1, error="HTTP 503 from mwananchi.example.tz"),
        run("mwananchi-rss", 20, ok=False, errors=2, error="timeout after 30 s"),
        run("thecitizen-rss", 5, pages_fetched=4, new_articles=1),
        run("dailynews-sitemap", 7, ok=False, error="DNS lookup failed"),
        run("dailynews-sitemap", 9, ok=False, error="connection refused"),
    ]
    for outcome in reversed(history):
        store.record_source_run(outcome)
    assert store.source_health() == [
        SourceHealth("dailynews-sitemap", history[5], None, "connection refused", history[5].finished_at, 2),
        SourceHealth(
            "mwananchi-rss", history[2], history[0].finished_at, "timeout after 30 s", history[2].finished_at, 2
        ),
        SourceHealth("thecitizen-rss", history[3], history[3].finished_at, None, None, 0),
    ]


def test_failures_in_a_row_reset_after_an_ok_run(store):
    def health_after(minutes: int, ok: bool) -> SourceHealth:
        store.record_source_run(run("habarileo", minutes, ok, error=None if ok else f"failed at {minutes}"))
        (health,) = store.source_health()
        return health

    assert health_after(0, False).failures_in_a_row == 1
    assert health_after(10, False).failures_in_a_row == 2
    recovered = health_after(20, True)
    assert recovered.failures_in_a_row == 0
    assert recovered.last_error == "failed at 10" and recovered.last_success_at == run("habarileo", 20).finished_at
    assert health_after(30, False).failures_in_a_row == 1
    again = health_after(40, False)
    assert again.failures_in_a_row == 2
    assert again.last_run == run("habarileo", 40, False, error="failed at 40")
    assert again.last_success_at == run("habarileo", 20).finished_at


def test_recording_the_same_run_again_keeps_one_copy(store):
    failed = run("habarileo", 0, ok=False, error="HTTP 500")
    store.record_source_run(failed)
    store.record_source_run(failed)
    assert store.source_health()[0].failures_in_a_row == 1
