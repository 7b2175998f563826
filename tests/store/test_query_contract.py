"""The query language on both stores: every construct finds the same articles on SQLite and Elasticsearch.

Hand-written expectations per construct, then random query trees (hypothesis) compared across the two stores.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from settings.environment import StoreBackend
from store import SearchRequest, open_store
from store.models import Entities
from store.query import And, Keyword, Not, Or, Phrase, Prefix, QueryNode, Term, parse_query
from tests.builders import FETCHED_AT, make_article

CORPUS = [
    make_article(
        "kaole", title="Mradi wa maji Kaole wakamilika",
        text="Halmashauri imekamilisha mradi wa maji safi katika kijiji cha Kaole kwa wananchi.",
        published=FETCHED_AT - timedelta(days=1), topics=("water",), sentiment="positive", about_council=True,
        authors=("Asha Mussa",), entities=Entities(places=("Kaole",), people=("Shauri Selenda",)),
    ),
    make_article(
        "mapinga", title="Maji ya bomba Mapinga",
        text="Wananchi wa Mapinga wanalalamika kukosa maji kwa wiki mbili, mradi umekwama.",
        published=FETCHED_AT - timedelta(days=2), topics=("water",), sentiment="negative",
        entities=Entities(places=("Mapinga",)),
    ),
    make_article(
        "roads", title="District council opens new road", language="en", source_id="thecitizen-rss",
        outlet="The Citizen", text="The council opened a tarmac road linking Dunda and Zinga wards.",
        published=FETCHED_AT - timedelta(days=3), topics=("roads",), sentiment="positive",
        entities=Entities(organisations=("TANROADS",)),
    ),
    make_article(
        "ngombe", title="Wafugaji wa ng'ombe Msata",
        text="Wafugaji wameomba malisho ya ng'ombe na maji ya mifugo karibu na mradi.",
        published=FETCHED_AT - timedelta(days=4), topics=("agriculture",), sentiment="neutral",
    ),
    make_article(
        "majengo", title="Majengo mapya ya shule", text="Shule ya msingi imepata majengo mapya na madawati.",
        topics=("education",), sentiment="neutral", authors=("Juma Ali",),
    ),
]


@pytest.fixture
def filled(store):
    store.upsert(CORPUS)
    store.refresh()
    return store


def found(store, text: str) -> set[str]:
    return {hit.article.doc_id for hit in store.search(SearchRequest(query=parse_query(text), limit=50)).hits}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("maji", {"kaole", "mapinga", "ngombe"}),
        ("maji AND kaole", {"kaole"}),
        ("maji kaole", {"kaole"}),
        ("maji -kaole", {"mapinga", "ngombe"}),
        ("maji NOT kaole", {"mapinga", "ngombe"}),
        ("-maji", {"roads", "majengo"}),
        ("kaole OR road", {"kaole", "roads"}),
        ("(kaole OR mapinga) AND mradi", {"kaole", "mapinga"}),
        ("maji AND NOT (kaole OR mapinga)", {"ngombe"}),
        ("maj*", {"kaole", "mapinga", "ngombe", "majengo"}),
        ("title:maj*", {"kaole", "mapinga", "majengo"}),
        ('"mradi wa maji"', {"kaole"}),
        ('"maji mradi"', set()),
        ('"maji mradi"~3', {"kaole", "mapinga"}),  # 3 moves: 3 words between, or swapped with 1 between
        ('"maji mradi"~1', set()),  # in the other order, two moves: "mradi wa maji" needs ~3
        ('"mradi maji"~1', {"kaole"}),
        ("title:maji", {"kaole", "mapinga"}),
        ("ng'ombe", {"ngombe"}),
        ("ng’ombe", {"ngombe"}),
        ("source:thecitizen-rss", {"roads"}),
        ("outlet:\"the citizen\"", {"roads"}),
        ("lang:en", {"roads"}),
        ("topic:water -kaole", {"mapinga"}),
        ("tone:hasi OR tone:positive", {"kaole", "mapinga", "roads"}),
        ("place:kaole", {"kaole"}),
        ('person:"Shauri Selenda"', {"kaole"}),
        ("org:TANROADS", {"roads"}),
        ('author:"juma ali"', {"majengo"}),
        ("about:ndiyo", {"kaole"}),
        ("about:false maji", {"mapinga", "ngombe"}),
        ("maji OR source:thecitizen-rss", {"kaole", "mapinga", "ngombe", "roads"}),
        ("-topic:water", {"roads", "ngombe", "majengo"}),
    ],
)
def test_each_construct_finds_the_same_articles(filled, text, expected):
    assert found(filled, text) == expected


def test_field_filters_combine_with_filters_and_facets(filled):
    result = filled.search(SearchRequest(query=parse_query("(maji OR road) -tone:negative")))
    assert {hit.article.doc_id for hit in result.hits} == {"kaole", "ngombe", "roads"}
    assert result.total == 3
    assert {bucket.value: bucket.count for bucket in result.facets["sentiment"]} == {"positive": 2, "neutral": 1}


def test_highlights_mark_the_words_searched_not_the_excluded(filled):
    hit = filled.search(SearchRequest(query=parse_query("kaole OR source:nothing -mapinga"))).hits[0]
    assert "<mark>Kaole</mark>" in hit.highlights["title"][0]


def test_relevance_puts_more_matches_first_in_a_mixed_query(filled):
    hits = filled.search(SearchRequest(query=parse_query("(maji kaole) OR topic:education"))).hits
    assert [hit.article.doc_id for hit in hits][0] == "kaole"
    assert {hit.article.doc_id for hit in hits} == {"kaole", "majengo"}


# Random query trees over a small vocabulary, compared between the two stores.
# Words both stores split alike; those they do not (ng'ombe, serikali.Na, accents) are in the test below.
VOCABULARY = ["maji", "mradi", "kaole", "wananchi", "shule", "road", "council", "mapya", "wa", "ombi"]
PARITY_CORPUS = [
    make_article(
        f"p{number}",
        title=" ".join(VOCABULARY[(number * 3 + k) % len(VOCABULARY)] for k in range(3)).capitalize(),
        text=" ".join(VOCABULARY[(number * 7 + k * k) % len(VOCABULARY)] for k in range(number % 9 + 2)) + ".",
        source_id=("mwananchi-rss", "thecitizen-rss", "habarileo-rss")[number % 3],
        topics=(("water",), ("roads", "water"), ())[number % 3],
        sentiment=("positive", "neutral", "negative")[number % 3],
        about_council=number % 4 == 0,
        entities=Entities(places=(("Kaole", "Mapinga")[number % 2],)),
        published=None if number % 5 == 0 else FETCHED_AT - timedelta(hours=7 * number),
        cluster_id=f"story-{number % 13}" if number % 2 else None,
    )
    for number in range(40)
]

words = st.sampled_from(VOCABULARY)
leaves = st.one_of(
    st.builds(Term, words),
    st.builds(Term, words, st.just("title")),
    st.builds(Prefix, st.sampled_from(["ma", "wan", "co", "om"])),
    st.builds(lambda pair: Phrase(tuple(pair)), st.lists(words, min_size=2, max_size=3)),
    st.builds(lambda pair, slop: Phrase(tuple(pair), slop), st.lists(words, min_size=2, max_size=2, unique=True),
              st.integers(0, 4)),
    st.builds(Keyword, st.just("source"), st.sampled_from(["mwananchi-rss", "THECITIZEN-RSS", "none"])),
    st.builds(Keyword, st.just("topic"), st.sampled_from(["water", "roads"])),
    st.builds(Keyword, st.just("sentiment"), st.sampled_from(["positive", "negative"])),
    st.builds(Keyword, st.just("place"), st.sampled_from(["kaole", "Mapinga"])),
    st.builds(Keyword, st.just("about"), st.sampled_from(["true", "false"])),
)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(lambda items: And(tuple(items)), st.lists(children, min_size=2, max_size=3)),
        st.builds(lambda items: Or(tuple(items)), st.lists(children, min_size=2, max_size=3)),
        st.builds(Not, children),
    ),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def both_stores(tmp_path_factory, request):
    from settings.environment import Settings

    es_url = request.getfixturevalue("es_url")
    data_dir = tmp_path_factory.mktemp("parity")
    sqlite = open_store(Settings(data_dir=data_dir))
    elastic = open_store(Settings(data_dir=data_dir, store=StoreBackend.elasticsearch, es_url=es_url,
                                  es_index=f"test-parity-{uuid.uuid4().hex[:12]}"))
    for backend in (sqlite, elastic):
        backend.upsert(PARITY_CORPUS)
        backend.refresh()
    yield sqlite, elastic
    elastic.drop()
    for backend in (sqlite, elastic):
        backend.close()


def _ids(backend, tree: QueryNode) -> set[str]:
    result = backend.search(SearchRequest(query=tree, facets=(), collapse=False, limit=100))
    assert result.total == len(result.hits)
    return {hit.article.doc_id for hit in result.hits}


def _summary(backend, tree: QueryNode) -> tuple:
    """What the page shows besides the order of equal scores: counts, facets, histogram, folded stories."""
    result = backend.search(SearchRequest(query=tree, facets=("topics", "sentiment", "places"), limit=100))
    stories = {hit.article.story_id: (hit.story_size, {other.doc_id for other in hit.others} | {hit.article.doc_id})
               for hit in result.hits}
    return result.total, result.stories, result.facets, result.histogram, stories


@pytest.mark.elasticsearch
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees)
def test_random_query_trees_agree_on_both_stores(both_stores, tree):
    sqlite, elastic = both_stores
    assert _ids(sqlite, tree) == _ids(elastic, tree)
    assert _summary(sqlite, tree) == _summary(elastic, tree)


def test_exclusion_of_a_phrase_or_a_group(filled):
    assert found(filled, 'maji -"mradi wa maji"') == {"mapinga", "ngombe"}
    assert found(filled, "maji -(kaole OR mapinga)") == {"ngombe"}


TOKENISATION_CASES = [  # (case, text, query): each query must find the text on both stores
    ("apostrophe", "Zizi la ng'ombe Kilimanjaro", '"zizi kilimanjaro"~2'),  # ng'ombe is one word, not two
    ("curly apostrophe", "Wafugaji wa ng’ombe", "ng'ombe"),
    ("capitals", "MKUU WA WILAYA AMEFIKA NG'OMBE", "ng'ombe wilaya"),
    ("no space after a full stop", "Tamko la serikali.Na wananchi", "serikali"),
    ("accents", "Mkutano wa Ngómbe", "ngombe"),
    ("accents in the query", "Mkutano wa Ngombe", "ngómbe"),
    ("decomposed accents", "Café ya Bagamoyo", '"café ya"'),
]


@pytest.mark.elasticsearch
@pytest.mark.parametrize(("case", "text", "query"), TOKENISATION_CASES, ids=[case[0] for case in TOKENISATION_CASES])
def test_both_stores_tokenise_alike(both_stores, case, text, query):
    sqlite, elastic = both_stores
    article = make_article(f"tok-{case.replace(' ', '-')}", title="Habari", text=text)
    for backend in (sqlite, elastic):
        backend.upsert([article])
        backend.refresh()
    try:
        tree = parse_query(query)
        assert _ids(sqlite, tree) == _ids(elastic, tree) == {article.doc_id}
    finally:
        for backend in (sqlite, elastic):
            backend.delete(article.doc_id)
            backend.refresh()
