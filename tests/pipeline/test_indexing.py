"""Merged stories reach the store, on both backends: the articles of an absorbed cluster follow it into the cluster
that absorbed it, an article written late takes the current id, a stopped run is repaired by the next, and
applying a merge again changes nothing."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pipeline.dedupe import StoryClusters
from pipeline.indexing import StoryIndexer
from pipeline.reprocess import ReprocessRequest, Stage
from store import Article, ArticleStore, SearchFilters, SearchRequest, StoreError
from tests.builders import make_article
from tests.pipeline.test_dedupe import BUDGET, DAY
from tests.pipeline.test_reprocess import reprocessor

WORDS = BUDGET.split()
HEAD = " ".join(WORDS[: len(WORDS) // 2]) + " ..."  # a truncated copy ...
TAIL = " ".join(WORDS[len(WORDS) // 2 + 5 :])  # ... and one that starts in the middle: two stories until ...
TEXTS = {"head": (HEAD, "one.tz"), "tail": (TAIL, "two.tz"), "full": (BUDGET, "three.tz"),  # ... the whole one
         "copy": (f"{TAIL} Imeandikwa na mwandishi wetu.", "four.tz")}  # a copy of the one in the middle


def assigned(stories: StoryClusters, doc_id: str) -> Article:
    """The article as the pipeline gives it: with the cluster its text was assigned to."""
    text, site = TEXTS[doc_id]
    membership = stories.assign(doc_id, "Bajeti ya Bagamoyo", text, DAY, site=site)
    assert membership.duplicate_of is None
    return make_article(doc_id, title="Bajeti ya Bagamoyo", text=text, published=DAY, url=f"https://{site}/{doc_id}",
                        cluster_id=membership.cluster_id)


def stories_in(store: ArticleStore) -> dict[str, set[str]]:
    """Search's stories: each story's id with the doc_ids folded into it."""
    store.refresh()
    found = store.search(SearchRequest(collapse=True, limit=50))
    return {hit.article.story_id: {hit.article.doc_id, *(other.doc_id for other in hit.others)} for hit in found.hits}


@pytest.fixture
def stories_path(tmp_path: Path) -> Path:
    return tmp_path / "stories.sqlite"


@pytest.fixture
def stories(stories_path):
    with StoryClusters(stories_path) as clusters:
        yield clusters


def test_an_article_bridging_two_stories_makes_them_one_in_search_filters_and_facets(store, stories):
    indexer = StoryIndexer(store, stories)
    indexer.index([assigned(stories, "head")])
    indexer.index([assigned(stories, "tail")])
    assert stories_in(store) == {"head": {"head"}, "tail": {"tail"}}

    bridge = assigned(stories, "full")
    assert bridge.cluster_id == "head"
    assert indexer.index([bridge]) == 1
    assert stories_in(store) == {"head": {"head", "tail", "full"}}
    assert store.get("tail").cluster_id == "head"
    assert store.count(SearchFilters(cluster_ids=("head",))) == 3
    assert store.count(SearchFilters(cluster_ids=("tail",))) == 0
    facets = store.search(SearchRequest(collapse=True, facets=("outlet",))).facets["outlet"]
    assert [(bucket.value, bucket.count) for bucket in facets] == [("Mwananchi", 3)]
    assert stories.merges_applied() == 1


def test_a_run_stopped_after_the_merge_and_before_the_store_followed_it_is_repaired_by_the_next(
        store, stories, stories_path):
    indexer = StoryIndexer(store, stories)
    indexer.index([assigned(stories, "head"), assigned(stories, "tail")])
    store.upsert([assigned(stories, "full")])  # the bridge written, then the process died before moving "tail"
    assert stories_in(store) == {"head": {"head", "full"}, "tail": {"tail"}}

    with StoryClusters(stories_path) as reopened:  # the next run
        assert reopened.merges_applied() == 0
        assert StoryIndexer(store, reopened).index([]) == 0
        assert reopened.merges_applied() == 1
    assert stories_in(store) == {"head": {"head", "tail", "full"}}


def test_a_store_error_while_moving_leaves_the_merge_to_the_next_write(store, stories, monkeypatch):
    indexer = StoryIndexer(store, stories)
    indexer.index([assigned(stories, "head"), assigned(stories, "tail")])

    def unreachable(into):
        raise StoreError("the node went away")

    with monkeypatch.context() as patched:
        patched.setattr(store, "move_stories", unreachable)
        with pytest.raises(StoreError):
            indexer.index([assigned(stories, "full")])
    assert stories.merges_applied() == 0
    indexer.index([])
    assert stories_in(store) == {"head": {"head", "tail", "full"}} and stories.merges_applied() == 1


def test_habari_reprocess_repairs_the_store_and_writes_what_it_analyses_under_the_current_id(
        store, store_settings):
    with StoryClusters(store_settings.stories_path) as stories:
        articles = [assigned(stories, doc_id) for doc_id in ("head", "tail", "full")]
    store.upsert(articles)  # as written before the store followed merges: "tail" apart
    assert stories_in(store) == {"head": {"head", "full"}, "tail": {"tail"}}

    tally = reprocessor(store_settings, store, workers=2).run(ReprocessRequest(Stage.analyse))
    assert tally.indexed == 3
    assert stories_in(store) == {"head": {"head", "tail", "full"}}
    with StoryClusters(store_settings.stories_path) as stories:
        assert stories.merges_applied() == 1


def test_applying_merges_again_changes_nothing(store, stories):
    indexer = StoryIndexer(store, stories)
    articles = [assigned(stories, doc_id) for doc_id in ("head", "tail", "full")]
    indexer.index(articles)
    before = stories_in(store)
    stories.mark_applied(0)  # a lower number is no step back ...
    assert stories.merges_applied() == 1
    assert store.move_stories({"tail": "head"}) == 0  # ... and the store moves nothing twice
    indexer.index(articles)  # the same articles written again, as a crawl's retry writes them
    indexer.index([])
    assert stories_in(store) == before == {"head": {"head", "tail", "full"}}
    assert all(store.get(doc_id).cluster_id == "head" for doc_id in ("head", "tail", "full"))


def test_an_article_of_an_absorbed_cluster_written_after_the_merge_is_stored_under_the_current_id(
        store, stories, stories_path):
    indexer = StoryIndexer(store, stories)
    indexer.index([assigned(stories, "head"), assigned(stories, "tail")])
    late = assigned(stories, "copy")  # in "tail" when assigned ...
    assert late.cluster_id == "tail"
    with StoryClusters(stories_path) as other_process:  # ... then another crawl process merges and moves "tail"
        StoryIndexer(store, other_process).index([assigned(other_process, "full")])
    assert stories.merges_applied() == 1
    indexer.index([late])
    assert store.get("copy").cluster_id == "head"
    assert stories_in(store) == {"head": {"head", "tail", "full", "copy"}}


def test_a_story_of_a_thousand_articles_moves_whole(store, stories):
    many = [make_article(f"tail-{number:04}", text=f"Nakala {number} ya habari.", published=DAY - timedelta(
        minutes=number), cluster_id="tail") for number in range(1000)]
    store.upsert([*many, make_article("head", cluster_id="head")])
    assert store.move_stories({"tail": "head"}) == 1000
    store.refresh()
    assert store.count(SearchFilters(cluster_ids=("head",))) == 1001
    assert store.search(SearchRequest(collapse=True)).stories == 1
