"""Elasticsearch-only behaviour: the alias and versioned index, moves between versions, the strict template, errors.

Everything the two backends share is in test_contract.py; this holds what only Elasticsearch has.
"""
from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from elasticsearch.helpers import bulk

from settings.environment import StoreBackend
from store import Article, StoreError
from store.elasticsearch import INDEX_VERSION, MAPPING, ElasticsearchStore, article_document
from store.es_operations import FETCHES_MAPPING, RUNS_MAPPING, fetch_action, run_doc_id, run_document
from store.models import Entities, FailedPage, FetchRecord, SearchFilters, SearchRequest, SourceRun
from store.query import parse_query
from tests.builders import FETCHED_AT, make_article


NEW_FIELDS = ("cluster_id", "about_council", "relevance", "mentions", "topics", "sentiment", "entities")
_V1_TEXT = {"type": "text", "analyzer": "standard", "index_options": "offsets"}
V1_MAPPING = {  # the articles' mapping of version 1: title and text analysed, no words fields, no story
    "dynamic": "strict",
    "properties": {
        **{name: value for name, value in MAPPING["properties"].items()
           if name not in ("title_words", "text_words", "story")},
        "title": _V1_TEXT,
        "text": _V1_TEXT,
    },
}


def article(doc_id: str) -> Article:
    return make_article(doc_id, title="Baraza la Madiwani Bagamoyo", text="Madiwani walijadili bajeti.")


@dataclass(frozen=True)
class ArticleWithExtraField(Article):
    """An article as a newer model might write it: one field the mapping does not know."""

    def to_record(self) -> dict:
        return {**super().to_record(), "mood": "cheerful"}


@pytest.fixture
def es_store(es_url, make_settings):
    index = f"test-{uuid.uuid4().hex[:12]}"
    settings = make_settings(store=StoreBackend.elasticsearch, es_url=es_url, es_index=index)
    store = ElasticsearchStore.from_settings(settings)
    yield store
    store.drop()
    store.close()


@pytest.mark.elasticsearch
def test_reads_and_writes_go_through_an_alias_to_the_versioned_index(es_store):
    es_store.upsert([article("a")])
    es_store.refresh()
    aliases = es_store.client.indices.get_alias(name=es_store.index)
    assert set(aliases) == {f"{es_store.index}-v{INDEX_VERSION}"}
    assert es_store.client.count(index=f"{es_store.index}-v{INDEX_VERSION}", query={"match_all": {}})["count"] == 1


@pytest.mark.elasticsearch
def test_the_index_template_holds_a_strict_mapping(es_store):
    es_store.refresh()
    (template,) = es_store.client.indices.get_index_template(name=es_store.index)["index_templates"]
    assert template["index_template"]["index_patterns"] == [f"{es_store.index}-v*"]
    versioned = f"{es_store.index}-v{INDEX_VERSION}"
    mapping = es_store.client.indices.get_mapping(index=es_store.index)[versioned]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["doc_id"]["type"] == "keyword"
    assert mapping["properties"]["published"]["type"] == "date"


@pytest.mark.elasticsearch
def test_an_unknown_field_is_rejected_naming_the_document(es_store):
    good, bad = article("good"), ArticleWithExtraField(**vars(article("bad")))
    with pytest.raises(StoreError) as raised:
        es_store.upsert([good, bad])
    assert "1 of 2" in str(raised.value)
    assert "bad: strict_dynamic_mapping_exception" in str(raised.value)
    assert "mood" in str(raised.value)
    es_store.refresh()
    assert es_store.count() == 1


@pytest.mark.elasticsearch
def test_an_index_made_before_the_analysis_fields_gains_them(es_store):
    old_mapping = {**MAPPING, "properties": {k: v for k, v in MAPPING["properties"].items() if k not in NEW_FIELDS}}
    es_store.client.indices.create(index=f"{es_store.index}-v{INDEX_VERSION}", aliases={es_store.index: {}},
                                   mappings=old_mapping)
    tagged = make_article("tagged", topics=("water",), sentiment="positive", about_council=True,
                          entities=Entities(places=("Kaole",)))
    es_store.upsert([tagged])
    es_store.refresh()
    assert es_store.get("tagged") == tagged
    assert es_store.count(SearchFilters(topics=("water",), places=("Kaole",), about_council=True)) == 1


def make_v1_deployment(store: ElasticsearchStore, articles: list[Article], fetches: list[FetchRecord] = ()) -> None:
    """Indices as Habari version 1 left them behind their aliases, the last writes not yet refreshed."""
    client = store.client
    for alias, mapping, actions in (
        (store.index, V1_MAPPING, [{"_id": a.doc_id, "_source": a.to_record()} for a in articles]),
        (store.fetches_index, FETCHES_MAPPING, [fetch_action(record) for record in fetches]),
    ):
        client.indices.create(index=f"{alias}-v1", aliases={alias: {}}, mappings=mapping)
        bulk(client, actions, index=f"{alias}-v1")


@pytest.mark.elasticsearch
def test_opening_the_store_moves_a_version_1_index_into_this_version(es_store):
    kept = make_article("kept", title="Ng’ombe wa Kaole", text="Wafugaji wa Kaole walikutana.", cluster_id="kaole")
    record = FetchRecord("https://news.example.tz/kept", FETCHED_AT, 200, etag='"v1"')
    make_v1_deployment(es_store, [kept], [record])
    result = es_store.search(SearchRequest(query=parse_query('"wafugaji wa kaole" ng\'ombe')))
    assert [hit.article for hit in result.hits] == [kept]
    assert result.stories == 1 and result.hits[0].highlights["title"] == ["<mark>Ng’ombe</mark> wa Kaole"]
    assert es_store.get("kept") == kept
    assert es_store.fetch_records([record.url]) == {record.url: record}
    indices = es_store.client.indices
    for alias in (es_store.index, es_store.fetches_index, es_store.runs_index):
        assert set(indices.get_alias(name=alias)) == {f"{alias}-v{INDEX_VERSION}"}
        assert not indices.exists(index=f"{alias}-v1")


@pytest.mark.elasticsearch
def test_stores_opened_at_once_on_a_version_1_index_move_it_without_loss(es_store):
    """Crawl processes open the store together after an upgrade: each may move the index, none loses an article."""
    many = [make_article(f"old-{n}", text=f"Makala namba {n} kuhusu Bagamoyo") for n in range(1200)]
    make_v1_deployment(es_store, many)
    stores = [ElasticsearchStore(es_store.client, es_store.index) for _ in range(4)]
    together = threading.Barrier(len(stores))

    def found(store: ElasticsearchStore) -> int:
        together.wait()
        return store.search(SearchRequest(query=parse_query("bagamoyo"), collapse=False, limit=1)).total

    with ThreadPoolExecutor(len(stores)) as pool:
        assert list(pool.map(found, stores)) == [len(many)] * len(stores)
    assert es_store.get("old-7") == many[7]


@pytest.mark.elasticsearch
def test_a_move_cut_short_is_finished_without_replacing_what_was_copied(es_store):
    """A store stopped mid-move left the old index write-blocked behind the alias and a part copied."""
    first, second = make_article("first", text="Mkutano wa kwanza"), make_article("second", text="Mkutano wa pili")
    make_v1_deployment(es_store, [first, second])
    es_store.client.indices.add_block(index=f"{es_store.index}-v1", block="write")
    copied = replace(first, summary="copied before the stop")  # stands out if copied again over it
    versioned = f"{es_store.index}-v{INDEX_VERSION}"
    es_store.client.indices.create(index=versioned, mappings=MAPPING)
    es_store.client.index(index=versioned, id="first", document=article_document(copied))
    assert [hit.article for hit in es_store.search(SearchRequest(query=parse_query("mkutano"))).hits] == [
        copied, second
    ]
    assert es_store.upsert([make_article("third")]) == 1


@pytest.mark.elasticsearch
def test_a_second_store_on_the_same_index_reuses_it(es_store):
    es_store.upsert([article("a")])
    es_store.refresh()
    again = ElasticsearchStore(es_store.client, es_store.index)
    assert again.count() == 1
    assert again.get("a") == article("a")


@pytest.mark.elasticsearch
def test_a_vanished_index_is_an_error_not_a_missing_article(es_store):
    es_store.upsert([article("a")])
    es_store.client.indices.delete(index=f"{es_store.index}-v{INDEX_VERSION}")
    with pytest.raises(StoreError, match="index_not_found_exception"):
        es_store.get("a")


@pytest.mark.elasticsearch
def test_a_search_that_the_node_refuses_is_a_store_error_naming_the_index(es_store):
    es_store.upsert([article("a")])
    es_store.client.indices.delete(index=f"{es_store.index}-v{INDEX_VERSION}")
    with pytest.raises(StoreError, match=rf"\(index {es_store.index}\): search failed: HTTP 404: index_not_found"):
        es_store.search(SearchRequest())


@pytest.mark.elasticsearch
def test_drop_removes_index_alias_and_template(es_store):
    es_store.upsert([article("a")])
    es_store.drop()
    indices = es_store.client.indices
    assert not indices.exists(index=f"{es_store.index}-v{INDEX_VERSION}")
    assert not indices.exists_alias(name=es_store.index)
    assert not indices.exists_index_template(name=es_store.index)


def test_an_unreachable_node_is_a_store_error_naming_the_url(make_settings):
    settings = make_settings(store=StoreBackend.elasticsearch, es_url="http://127.0.0.1:9", es_index="gone")
    with ElasticsearchStore.from_settings(settings) as store:
        with pytest.raises(StoreError, match=r"http://127\.0\.0\.1:9 \(index gone\): count failed"):
            store.count()


@pytest.mark.elasticsearch
def test_fetch_records_and_runs_have_their_own_strict_indices_behind_aliases(es_store):
    es_store.refresh()
    indices = es_store.client.indices
    for alias in (f"{es_store.index}-fetches", f"{es_store.index}-failures", f"{es_store.index}-runs"):
        assert set(indices.get_alias(name=alias)) == {f"{alias}-v{INDEX_VERSION}"}
        (template,) = indices.get_index_template(name=alias)["index_templates"]
        assert template["index_template"]["index_patterns"] == [f"{alias}-v*"]
        assert indices.get_mapping(index=alias)[f"{alias}-v{INDEX_VERSION}"]["mappings"]["dynamic"] == "strict"
    mapping = indices.get_mapping(index=es_store.index)[f"{es_store.index}-v{INDEX_VERSION}"]["mappings"]
    archive = mapping["properties"]["archive"]["properties"]
    assert archive["offset"] == {"type": "long", "index": False, "doc_values": False}


@pytest.mark.elasticsearch
def test_a_deployment_from_before_failed_pages_gains_their_index_and_the_runs_count(es_store):
    client, runs = es_store.client, es_store.runs_index
    old_runs = {**RUNS_MAPPING, "properties": {k: v for k, v in RUNS_MAPPING["properties"].items() if k != "failed_pages"}}
    client.indices.create(index=f"{runs}-v{INDEX_VERSION}", aliases={runs: {}}, mappings=old_runs)
    before = SourceRun("mwananchi-rss", FETCHED_AT, FETCHED_AT, True, pages_fetched=3)
    client.index(index=runs, id=run_doc_id(before), document={
        k: v for k, v in run_document(before).items() if k != "failed_pages"}, refresh=True)
    assert es_store.source_health()[0].last_run == before
    later = FETCHED_AT + timedelta(hours=1)
    es_store.record_source_run(SourceRun("mwananchi-rss", later, later, True, failed_pages=1))
    assert es_store.source_health()[0].last_run.failed_pages == 1
    failed = FailedPage("https://news.example.tz/a", "mwananchi-rss", "entities", "IndexError: x", later)
    es_store.record_failures([failed])
    assert es_store.failed_pages() == [failed]
    assert set(client.indices.get_alias(name=es_store.failures_index)) == {f"{es_store.failures_index}-v{INDEX_VERSION}"}


@pytest.mark.elasticsearch
def test_a_vanished_fetch_index_is_an_error_not_an_unknown_url(es_store):
    record = FetchRecord("https://news.example.tz/a", FETCHED_AT, 200)
    es_store.save_fetch_records([record])
    es_store.client.indices.delete(index=f"{es_store.index}-fetches-v{INDEX_VERSION}")
    with pytest.raises(StoreError, match=r"\(index test-\w+-fetches\): fetch record lookup failed: index_not_found"):
        es_store.fetch_records([record.url])


@pytest.mark.elasticsearch
def test_drop_removes_the_fetch_and_run_indices_too(es_store):
    es_store.save_fetch_records([FetchRecord("https://news.example.tz/a", FETCHED_AT, 200)])
    es_store.record_source_run(SourceRun("mwananchi-rss", FETCHED_AT, FETCHED_AT, True))
    es_store.drop()
    indices = es_store.client.indices
    for alias in (f"{es_store.index}-fetches", f"{es_store.index}-failures", f"{es_store.index}-runs"):
        assert not indices.exists(index=f"{alias}-v{INDEX_VERSION}")
        assert not indices.exists_alias(name=alias)
        assert not indices.exists_index_template(name=alias)


@pytest.mark.elasticsearch
def test_stores_opened_at_once_on_a_new_index_all_write(es_url, make_settings):
    """Crawl processes open the store together on a first run: each must find or create the index, none fail."""
    settings = make_settings(store=StoreBackend.elasticsearch, es_url=es_url, es_index=f"test-{uuid.uuid4().hex[:12]}")
    stores = [ElasticsearchStore.from_settings(settings) for _ in range(6)]
    together = threading.Barrier(len(stores))

    def write(number: int) -> None:
        together.wait()
        stores[number].upsert([article(f"doc-{number}")])

    try:
        with ThreadPoolExecutor(len(stores)) as pool:
            list(pool.map(write, range(len(stores))))  # re-raises a StoreError from any of them
        stores[0].refresh()
        assert stores[0].count() == len(stores)
    finally:
        stores[0].drop()
        for store in stores:
            store.close()


@pytest.mark.elasticsearch
def test_moving_a_story_never_replaces_an_article_written_while_it_was_read(es_store, monkeypatch):
    es_store.upsert([replace(article(f"road-{number}"), cluster_id="roads") for number in range(3)])
    newer = replace(article("road-1"), cluster_id="roads", topics=("health",))
    reading = es_store._moves

    def with_a_write_meanwhile(into, found):
        for number, action in enumerate(reading(into, found)):
            if number == 0 and found[0] == 3:  # the first pass: a crawl re-indexes one article after it was read
                es_store.upsert([newer])
            yield action

    monkeypatch.setattr(es_store, "_moves", with_a_write_meanwhile)
    assert es_store.move_stories({"roads": "maji"}) == 3  # two in the first pass, the newer one in the second
    es_store.refresh()
    assert es_store.get("road-1") == replace(newer, cluster_id="maji")
    assert es_store.count(SearchFilters(cluster_ids=("maji",))) == 3
