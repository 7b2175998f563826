"""The JSON API on both backends: search with highlights, filters, facets and EAT date bounds, stories
folded or not, the order and the per-day histogram; one article; health; and clear 400/422/404/503 answers.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from pipeline.dedupe import StoryClusters
from settings.environment import Settings
from search_api import create_app
from tests.search_api.conftest import signed_in
from store import (
    open_store,
)
from tests.search_api.conftest import CORPUS, MAJI, ROAD_STORY, UNREACHABLE_NODE, article


def ids(body: dict) -> set[str]:
    return {hit["doc_id"] for hit in body["hits"]}


def facet(body: dict, name: str) -> dict[str, int]:
    return {bucket["value"]: bucket["count"] for bucket in body["facets"][name]}


def test_search_finds_swahili_with_marked_highlights(client):
    body = client.get("/api/search", params={"q": "maji"}).json()
    assert body["total"] == 1 and (body["offset"], body["limit"]) == (0, 20)
    [hit] = body["hits"]
    assert hit["doc_id"] == "maji" and hit["url"] == MAJI.url and hit["outlet"] == "Mwananchi"
    assert "<mark>maji</mark>" in " ".join(hit["highlights"]["text"]).lower()
    assert "<mark>maji</mark>" in " ".join(hit["highlights"]["title"]).lower()


def test_times_are_utc_and_eat(client):
    [hit] = client.get("/api/search", params={"q": "Kaole", "language": "sw"}).json()["hits"]
    assert hit["published"] == "2026-03-05T22:30:00Z"
    assert hit["published_local"] == "06 Mar 2026, 01:30 EAT"


def test_facets_count_the_matches(client):
    body = client.get("/api/search", params={"q": "Bagamoyo"}).json()
    assert body["total"] == 3
    assert facet(body, "language") == {"en": 2, "sw": 1}
    assert facet(body, "source_id") == {"mwananchi-rss": 1, "thecitizen-rss": 1, "dailynews-rss": 1}
    assert facet(body, "outlet")["The Citizen"] == 1


def test_filters_repeat_and_combine(client):
    assert ids(client.get("/api/search", params={"q": "Bagamoyo", "language": "sw"}).json()) == {"maji"}
    both = client.get("/api/search", params=[("source", "thecitizen-rss"), ("source", "dailynews-rss")]).json()
    assert ids(both) == {"water", "hostile"}
    assert facet(both, "language") == {"en": 2}


def test_filters_and_facets_on_the_analysis(client):
    def found(**params) -> set[str]:
        return ids(client.get("/api/search", params=params).json())

    assert found(topic="projects") == {"water"}
    assert found(about="true") == {"maji"}
    assert found(about="false") == {"water", "hostile"}
    assert found(story="water", collapse="false") == {"maji", "water"}
    assert found(place="Kaole", sentiment="positive", language="sw") == {"maji"}
    body = client.get("/api/search").json()
    assert facet(body, "topics") == {"water": 2, "projects": 1}
    assert facet(body, "about_council") == {"true": 1, "false": 2}
    assert client.get("/api/search", params={"sentiment": "cheerful"}).status_code == 422


def test_no_query_lists_newest_first(client):
    body = client.get("/api/search", params={"collapse": "false"}).json()
    assert [hit["doc_id"] for hit in body["hits"]] == ["maji", "water", "hostile"]
    assert all(hit["highlights"] == {"title": [], "text": []} for hit in body["hits"])
    assert body["sort"] == "newest"  # without words to rank by, whatever was asked
    folded = client.get("/api/search").json()
    assert [hit["doc_id"] for hit in folded["hits"]] == ["maji", "hostile"]


def test_paging_windows(client):
    body = client.get("/api/search", params={"offset": 1, "limit": 1, "collapse": "false"}).json()
    assert body["total"] == 3 and [hit["doc_id"] for hit in body["hits"]] == ["water"]
    story = client.get("/api/search", params={"offset": 1, "limit": 1}).json()  # offset counts stories
    assert (story["total"], story["stories"]) == (3, 2) and [hit["doc_id"] for hit in story["hits"]] == ["hostile"]


def test_a_story_is_one_hit_with_its_other_articles(client, storied):
    body = client.get("/api/search", params={"q": "barabara"}).json()
    assert (body["total"], body["stories"], body["collapse"], body["sort"]) == (4, 1, True, "relevance")
    [hit] = body["hits"]
    assert hit["story_size"] == 4 and hit["cluster_id"] == "msata-road"
    members = {member.doc_id: member for member in ROAD_STORY}
    assert {other["doc_id"] for other in hit["others"]} == set(members) - {hit["doc_id"]}
    for other in hit["others"]:
        member = members[other["doc_id"]]
        assert other == {"doc_id": member.doc_id, "title": member.title, "outlet": member.outlet, "url": member.url,
                         "published": member.published.isoformat().replace("+00:00", "Z")}


def test_collapse_false_lists_every_article(client, storied):
    body = client.get("/api/search", params={"q": "barabara", "collapse": "false"}).json()
    assert body["total"] == 4 and body["collapse"] is False and len(body["hits"]) == 4
    assert all(hit["story_size"] == 1 and hit["others"] == [] for hit in body["hits"])


def test_one_story_lists_each_of_its_articles(client, storied):
    body = client.get("/api/search", params={"story": "msata-road"}).json()
    assert (body["total"], body["collapse"]) == (4, False)
    assert {hit["doc_id"] for hit in body["hits"]} == {member.doc_id for member in ROAD_STORY}


def test_histogram_counts_matches_per_eat_day(client, storied):
    body = client.get("/api/search", params={"q": "barabara"}).json()
    assert body["histogram"] == [{"day": "2026-03-03", "count": 2}, {"day": "2026-03-05", "count": 1},
                                 {"day": "2026-03-06", "count": 1}]
    kaole = client.get("/api/search", params={"q": "Kaole"}).json()  # 22:30 UTC on the 5th is the 6th in EAT
    assert kaole["histogram"] == [{"day": "2026-03-05", "count": 1}, {"day": "2026-03-06", "count": 1}]
    undated = client.get("/api/search", params={"q": "maji"}).json()
    assert undated["total"] == 3 and sum(day["count"] for day in undated["histogram"]) == 2


def test_newest_puts_the_latest_first_and_the_undated_last(client, storied):
    body = client.get("/api/search", params={"q": "maji OR barabara", "sort": "newest", "collapse": "false"}).json()
    assert body["sort"] == "newest" and body["total"] == 7
    published = [hit["published"] for hit in body["hits"]]
    assert published[-1] is None and published[:-1] == sorted(published[:-1], reverse=True)


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2026-03-06", {"maji"}), ("2026-03-05", {"water"}), ("2026-03-01", {"hostile"}), ("2026-03-02", set())],
)
def test_dates_are_eat_days(client, day, expected):
    assert ids(client.get("/api/search", params={"from": day, "to": day}).json()) == expected


def test_day_edges_in_eat(client, filled):
    last_second = article("last", published=datetime(2026, 3, 5, 20, 59, 59, tzinfo=timezone.utc))  # 23:59:59 EAT
    next_midnight = article("next", published=datetime(2026, 3, 5, 21, 0, tzinfo=timezone.utc))  # 00:00 EAT, 6th
    filled.upsert([last_second, next_midnight])
    filled.refresh()
    assert ids(client.get("/api/search", params={"to": "2026-03-05", "from": "2026-03-05"}).json()) == {"water", "last"}
    assert ids(client.get("/api/search", params={"from": "2026-03-06"}).json()) == {"maji", "next"}


def test_hostile_text_is_escaped_in_snippets(client):
    [hit] = client.get("/api/search", params={"q": "alert"}).json()["hits"]
    assert hit["title"] == "<script>alert(1)</script> Bagamoyo roads"  # JSON keeps the data as it is
    title, text = " ".join(hit["highlights"]["title"]), " ".join(hit["highlights"]["text"])
    assert "&lt;script&gt;<mark>alert</mark>" in title and "<script" not in title
    assert "&lt;img" in text and "<img" not in text


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"q": "maji " * 300}, 400, "q"),
        ({"from": "5/3/2026"}, 400, "from"),
        ({"from": "2026-03-06", "to": "2026-03-05"}, 400, "to"),
        ({"offset": 9990, "limit": 20}, 400, "offset"),
        ({"limit": 0}, 422, "limit"),
        ({"limit": 1000}, 422, "limit"),
        ({"offset": "abc"}, 422, "offset"),
        ({"sentiment": "0"}, 422, "sentiment"),
        ({"outlet_type": "magazine"}, 422, "outlet_type"),
        ({"q": "maji", "organisaton": "POS"}, 400, "organisaton"),
        ({"q": "(maji"}, 400, "q"),
        ({"sort": "oldest"}, 422, "sort"),
        ({"collapse": "no"}, 422, "collapse"),
    ],
)
def test_bad_parameters_are_named(client, params, status, parameter):
    response = client.get("/api/search", params=params)
    assert response.status_code == status
    body = response.json()
    assert body["parameter"] == parameter and f"parameter '{parameter}'" in body["detail"]


def test_article_is_returned_whole(client):
    body = client.get("/api/articles/maji").json()
    assert body["text"] == MAJI.text and body["authors"] == ["Asha Mussa"]
    assert body["published"] == "2026-03-05T22:30:00Z" and body["fetched_at"] == "2026-03-07T06:00:00Z"
    assert body["published_local"] == "06 Mar 2026, 01:30 EAT"


def test_unknown_article_is_404(client):
    response = client.get("/api/articles/no-such-id")
    assert response.status_code == 404 and "no-such-id" in response.json()["detail"]


def test_health_reports_backend_count_and_sources(client, store_settings):
    body = client.get("/api/health").json()
    assert body["status"] == "ok" and body["store"] == store_settings.store.value
    assert body["articles"] == len(CORPUS)
    assert [source["id"] for source in body["sources"]] == [source.id for source in store_settings.config.sources]
    assert set(body["sources"][0]) == {"id", "outlet", "kind", "url"}


def test_sources_give_each_sources_latest_poll_and_the_failed_pages_newest_first(client, polled, store_settings):
    body = client.get("/api/sources").json()
    assert [source["id"] for source in body["sources"]] == [source.id for source in store_settings.config.sources]
    mwananchi = next(source for source in body["sources"] if source["id"] == "mwananchi-rss")
    assert mwananchi["outcome"] == "failed (2 in a row)" and mwananchi["pages_fetched"] == 4
    assert mwananchi["last_poll"] == "2026-03-10T10:00:00Z" and mwananchi["last_poll_local"] == "10 Mar 2026, 13:00 EAT"
    assert mwananchi["failed_pages"] == 2 and mwananchi["failed_by_stage"] == {"entities": 1, "extract": 1}
    never = next(source for source in body["sources"] if source["id"] != "mwananchi-rss")
    assert never["outcome"] == "never" and never["last_poll"] is None and never["failed_pages"] == 0
    assert {failure["stage"] for failure in body["failed"]} == {"entities", "extract"}


def test_article_carries_its_tone_confidence(client):
    assert client.get("/api/articles/maji").json()["sentiment_confidence"] == 0.72


@pytest.fixture
def unreachable(make_settings) -> Iterator[TestClient]:
    """An app on a real Elasticsearch store whose node cannot be reached."""
    settings: Settings = make_settings(store="elasticsearch", es_url=UNREACHABLE_NODE)
    with open_store(settings) as store:
        yield signed_in(TestClient(create_app(settings, store)))


@pytest.mark.parametrize("path", ["/api/search?q=maji", "/api/articles/maji"])
def test_store_errors_are_503_without_traceback(unreachable, path):
    response = unreachable.get(path)
    assert response.status_code == 503
    body = response.json()
    assert body["parameter"] is None
    assert body["detail"].startswith("The article store is not available right now: Elasticsearch at")
    assert UNREACHABLE_NODE in body["detail"] and "Traceback" not in body["detail"]


def test_health_says_when_the_store_is_unavailable(unreachable):
    response = unreachable.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["articles"] is None and UNREACHABLE_NODE in body["detail"]


def test_query_errors_give_the_position_and_the_help_page(client):
    body = client.get("/api/search", params={"q": "maji AND"}).json()
    assert body["position"] == 9 and body["help"] == "/help/query"
    assert "expected a word" in body["detail"]


def test_outlet_and_organisation_filter(client):
    assert client.get("/api/search", params={"outlet": "The Citizen"}).json()["total"] >= 1
    assert client.get("/api/search", params={"organisation": "No Such Org"}).json()["total"] == 0


def test_outlet_type_is_a_facet_a_filter_and_a_field_of_each_hit(client):
    body = client.get("/api/search", params={"q": "Bagamoyo", "collapse": "false"}).json()
    assert {bucket["value"]: bucket["count"] for bucket in body["facets"]["outlet_type"]} == {"newspaper": 2, "online": 1}
    online = client.get("/api/search", params={"outlet_type": "online"}).json()
    assert [(hit["doc_id"], hit["outlet_type"]) for hit in online["hits"]] == [("hostile", "online")]
    both = client.get("/api/search", params=[("outlet_type", "online"), ("outlet_type", "newspaper")]).json()
    assert both["total"] == 3
    assert client.get("/api/articles/maji").json()["outlet_type"] == "newspaper"


def test_a_story_link_made_before_a_merge_finds_the_story_it_joined(client, storied, store_settings):
    """A saved or shared `story=` link keeps working after a later article shows its story to be another's."""
    sentences = [f"Sentensi ya {number} kuhusu ujenzi wa barabara ya Msata na fedha za halmashauri." for number in
                 ("kwanza", "pili", "tatu", "nne", "tano", "sita", "saba", "nane", "tisa", "kumi")]
    clusters = StoryClusters(store_settings.stories_path)
    clusters.assign("msata-road", "Barabara", " ".join(sentences[:5]), None, site="one.tz")
    clusters.assign("older-link", "Barabara", " ".join(sentences[5:]), None, site="two.tz")
    assert clusters.assign("bridge", "Barabara ya Msata", " ".join(sentences), None, site="three.tz").merged == (
        "older-link",)
    body = client.get("/api/search", params={"story": "older-link"}).json()
    assert {hit["doc_id"] for hit in body["hits"]} == {member.doc_id for member in ROAD_STORY}
    assert client.get("/api/search", params={"story": "never-a-story"}).json()["total"] == 0
