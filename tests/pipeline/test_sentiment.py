"""The tone scorer: the trained model and the rules, a label with its confidence for any text, in bounded time."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.tagging import evaluate, evaluate_tone, load_set, load_taggers, load_tone_set, load_tweets
from pipeline.sentiment import MAX_TEXT_CHARS, SentimentScorer
from tests.timing import fastest_cpu_seconds

SCORER = SentimentScorer()


@pytest.mark.parametrize(
    ("title", "text", "language", "expected"),
    [
        ("Mradi wa maji haukukamilika", "Wananchi wa Kaole wamelalamikia ucheleweshaji wa mradi.", "sw", "negative"),
        ("Zahanati ya Kaole yakamilika", "Ujenzi wa zahanati umekamilika na wananchi wameanza kupata huduma.", "sw",
         "positive"),
        ("Kikao cha baraza Ijumaa", "Kikao cha baraza la madiwani kitafanyika Ijumaa saa nne.", "sw", "neutral"),
        ("Water project not completed", "Residents complained bitterly about the delays.", "en", "negative"),
        ("Council meeting on Friday", "The full council meeting will be held on Friday at 10 am.", "en", "neutral"),
    ],
)
def test_an_article_is_read_with_the_rules(title, text, language, expected):
    assert SCORER.score(title, text, language).label == expected


def test_a_post_is_read_by_the_model():
    thanks = SCORER.score("", "Asante sana ndugu yangu, Mungu akubariki", "sw")  # not in the training data
    assert thanks.label == "positive"  # the lexicon has no word of it: the rules alone say neutral
    assert SCORER.score("", "Serikali imetangaza ratiba ya mitihani ya kidato cha nne", "sw").label == "neutral"


def test_the_confidence_is_higher_where_the_evidence_is_plainer():
    plain = SCORER.score("Rushwa na ubadhirifu", "Wananchi wamelalamikia rushwa na ucheleweshaji mkubwa.", "sw")
    faint = SCORER.score("Kuna changamoto", "Kuna changamoto ndogo.", "sw")
    assert plain.label == "negative" and plain.confidence > faint.confidence


def test_only_the_head_of_a_long_article_is_read():
    head = "Mradi wa maji umekamilika kwa wakati. " * (MAX_TEXT_CHARS // 38)
    tail = "Wananchi wamelalamikia rushwa na ubadhirifu. " * 2_000
    assert SCORER.score("Mradi wa maji", head + tail, "sw") == SCORER.score("Mradi wa maji", head, "sw")


@pytest.mark.parametrize("language", ["en", "sw"])
def test_sixteen_thousand_words_take_no_longer_than_a_short_text(language):
    phrase = "very good" if language == "en" else "nzuri sana"
    short, long = (" ".join([phrase] * (words // 2)) for words in (100, 16_000))
    assert SCORER.score("", long, language).label == "positive"
    long_seconds, short_seconds = fastest_cpu_seconds(*(lambda text=text: SCORER.score("", text, language)
                                                        for text in (long, short)), rounds=3)
    assert long_seconds < 20 * short_seconds + 0.05  # bounded: the text is cut at MAX_TEXT_CHARS


@settings(max_examples=200, deadline=None)
@given(title=st.text(max_size=300), text=st.text(max_size=4_000),
       language=st.sampled_from(["sw", "en", "other", "fr", ""]))
def test_any_text_gets_a_label_and_a_confidence(title, text, language):
    tone = SCORER.score(title, text, language)
    assert tone.label in ("positive", "neutral", "negative")
    assert math.isfinite(tone.confidence) and 1 / 3 <= tone.confidence <= 1


@pytest.mark.parametrize(
    "text",
    [
        "SPIKA WA BUNGE ALIPOKUTANA NA MAKAMU WA RAIS WA CUBA",
        "🙏🙏🙏 💔",
        "x" * 100_000,
        "\u200b\u200c\u200d\u202e\ufeff",
        "\ud800 lone surrogate \udfff",
        "Mradi wa maji umekamilika. 項目完成了. اكتمل المشروع",
        "",
    ],
)
def test_real_shaped_odd_texts_get_a_label(text):
    for language in ("sw", "en", "other"):
        assert SCORER.score("", text, language).label in ("positive", "neutral", "negative")
        assert SCORER.score(text, text, language).label in ("positive", "neutral", "negative")


def test_held_out_tweets():
    tone = evaluate_tone(load_tweets(), SCORER.score)
    assert tone.weighted_f1 >= 0.60  # measured 0.617 (bench/tagging.py); the TF-IDF model alone 0.571, the rules 0.557
    assert abs(tone.mean_confidence - tone.accuracy) < 0.05  # calibrated: measured 0.650 against 0.624


def test_labelled_news_sets():
    development = evaluate(load_set(), load_taggers()).tone
    assert development.accuracy >= 0.88  # measured 0.934 (bench/tagging.py)
    assert all(counts.recall >= 0.85 for counts in development.by_class.values())
    assert evaluate_tone(load_tone_set(), SCORER.score).weighted_f1 >= 0.65  # held out: measured 0.704
