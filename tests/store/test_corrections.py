"""Officers' corrections on both stores: applied, kept with who and when, used by filters and facets, and kept
when the pipeline writes the article again; and the checks that name a value unsuited to its field.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from store import SearchFilters, SearchRequest
from store.corrections import OWN_STORY_PREFIX, CorrectionError, checked
from store.models import CorrectedField, Correction
from tests.builders import FETCHED_AT as NOW
from tests.builders import make_article

TOPICS = ("water", "roads", "health")
MAJI = make_article("maji", title="Mradi wa maji", text="Halmashauri imekamilisha mradi wa maji.", cluster_id="maji",
                    topics=("water",), sentiment="positive", sentiment_confidence=0.8, about_council=False)
COPY = make_article("maji-copy", title="Mradi wa maji", text="Mradi wa maji umekamilika.", cluster_id="maji",
                    sentiment="positive")
ROAD = make_article("road", title="Barabara", text="Barabara mpya.", cluster_id="road", topics=("roads",))


def correction(field: CorrectedField, value, by: str = "asha", minutes: int = 0, note: str = "") -> Correction:
    return Correction(field, value, by, NOW + timedelta(minutes=minutes), note=note)


@pytest.fixture
def filled(store):
    store.upsert([MAJI, COPY, ROAD])
    store.refresh()
    return store


def sentiments(store) -> dict[str, int]:
    result = store.search(SearchRequest(facets=("sentiment",), collapse=False))
    return {bucket.value: bucket.count for bucket in result.facets["sentiment"]}


def test_a_correction_holds_and_is_kept_with_who_when_and_what_it_replaced(filled):
    corrected = filled.correct("maji", correction(CorrectedField.SENTIMENT, "negative", note="a complaint"))
    assert corrected.sentiment == "negative" and corrected.sentiment_confidence is None
    [kept] = filled.get("maji").corrections
    assert (kept.corrected_by, kept.corrected_at, kept.replaced, kept.note) == ("asha", NOW, "positive", "a complaint")
    filled.refresh()
    assert sentiments(filled) == {"positive": 1, "negative": 1}
    assert filled.count(SearchFilters(sentiments=("negative",))) == 1


def test_the_pipeline_writing_the_article_again_keeps_the_correction(filled):
    filled.correct("maji", correction(CorrectedField.TOPICS, ("health", "water")))
    filled.correct("maji", correction(CorrectedField.ABOUT_COUNCIL, True))
    filled.upsert([replace(MAJI, title="Mradi wa maji (updated)", topics=("roads",), about_council=False)])
    again = filled.get("maji")
    assert again.title == "Mradi wa maji (updated)"
    assert again.topics == ("health", "water") and again.about_council is True and len(again.corrections) == 2
    filled.refresh()
    assert filled.count(SearchFilters(topics=("health",))) == 1
    assert filled.count(SearchFilters(about_council=True)) == 1


def test_the_latest_correction_of_a_field_holds_and_the_history_stays(filled):
    filled.correct("maji", correction(CorrectedField.SENTIMENT, "negative"))
    final = filled.correct("maji", correction(CorrectedField.SENTIMENT, "neutral", by="juma", minutes=5))
    assert final.sentiment == "neutral"
    assert [(c.corrected_by, c.value, c.replaced) for c in final.corrections] == [
        ("asha", "negative", "positive"), ("juma", "neutral", "negative")]


def test_an_article_taken_out_of_its_story_and_one_moved_into_another(filled):
    own = filled.correct("maji-copy", correction(CorrectedField.STORY, Correction.OWN_STORY))
    assert own.story_id == OWN_STORY_PREFIX + "maji-copy" and filled.get("maji").story_id == "maji"
    moved = filled.correct("road", correction(CorrectedField.STORY, "maji"))
    assert moved.story_id == "maji"
    filled.upsert([ROAD])  # a new reading of the page, with the pipeline's story
    assert filled.get("road").story_id == "maji"
    filled.refresh()
    assert filled.count(SearchFilters(cluster_ids=("maji",))) == 2


def test_an_unknown_article_cannot_be_corrected(store):
    assert store.correct("nothing", correction(CorrectedField.SENTIMENT, "negative")) is None


def test_articles_without_corrections_are_written_as_given(filled):
    assert filled.upsert([replace(ROAD, sentiment="negative")]) == 1
    assert filled.get("road").sentiment == "negative" and filled.get("road").corrections == ()


@pytest.mark.parametrize(("field", "value", "words"), [
    (CorrectedField.SENTIMENT, "angry", "sentiment must be one of positive, neutral, negative, not 'angry'"),
    (CorrectedField.TOPICS, ("water", "weather"), "unknown topic 'weather': topics are health, roads, water"),
    (CorrectedField.TOPICS, "water", "topics must be a list of topic ids"),
    (CorrectedField.ABOUT_COUNCIL, "yes", "about_council must be true or false, not 'yes'"),
    (CorrectedField.STORY, " ", "story must be 'own' or the id of an article to join"),
])
def test_a_value_unsuited_to_its_field_is_named(field, value, words):
    with pytest.raises(CorrectionError, match=words):
        checked(correction(field, value), TOPICS)


def test_suited_values_pass_the_check():
    for field, value in ((CorrectedField.SENTIMENT, "neutral"), (CorrectedField.TOPICS, ()),
                         (CorrectedField.ABOUT_COUNCIL, False), (CorrectedField.STORY, "own")):
        assert checked(correction(field, value), TOPICS).value == value
