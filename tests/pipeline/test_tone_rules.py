"""Tone rules: Swahili and English lexicons, negation (si, hakuna, ha- verbs, not, n't, no), intensity, neutral band."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.tone_rules import LexiconTone
from tests.timing import fastest_cpu_seconds


RULES = LexiconTone()


def label(title: str, text: str, language: str) -> str:
    return RULES.read(title, text, language).label


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Mradi wa maji umekamilika.", "sw", "positive"),
        ("Mradi wa maji haukukamilika.", "sw", "negative"),
        ("Mradi wa maji haujakamilika.", "sw", "negative"),
        ("Ni mradi usiyokamilika.", "sw", "negative"),
        ("The water project was completed.", "en", "positive"),
        ("The water project was not completed.", "en", "negative"),
        ("The water project wasn't completed.", "en", "negative"),
        ("The water project was never completed.", "en", "negative"),
    ],
)
def test_negation_flips_a_positive(text, language, expected):
    assert label("", text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Wananchi wametoa malalamiko mengi.", "sw"),
        ("Residents made many complaints.", "en"),
    ],
)
def test_a_complaint_is_negative(text, language):
    assert label("", text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hakuna malalamiko yaliyopokelewa mwezi huu.", "sw"),
        ("No complaints were received this month.", "en"),
        ("Mradi ulikamilika bila ucheleweshaji wowote.", "sw"),
        ("The project was completed without delays.", "en"),
    ],
)
def test_a_negated_negative_is_mildly_positive_or_neutral(text, language):
    assert label("", text, language) in ("positive", "neutral")


def test_a_negated_negative_counts_less_than_a_plain_positive():
    assert label("", "Hakuna malalamiko.", "sw") == "neutral"
    assert label("Hakuna malalamiko", "", "sw") == "positive"  # the title counts more


def test_negation_stops_at_the_clause():
    assert label("", "Hakuna maji, na wananchi wamelalamika sana.", "sw") == "negative"
    assert label("", "There is no water, and residents complained bitterly.", "en") == "negative"


def test_negation_stops_at_a_contrast():
    assert label("", "The road is not finished but the bridge was completed.", "en") == "positive"


def test_a_delay_negates_what_follows():
    assert label("", "Mradi umechelewa kukamilika.", "sw") == "negative"
    assert label("", "The contractor failed to complete the bridge.", "en") == "negative"


def test_an_intensifier_lifts_a_mild_word_out_of_the_neutral_band():
    assert label("", "Kuna changamoto.", "sw") == "neutral"
    assert label("", "Kuna changamoto kubwa.", "sw") == "negative"
    assert label("", "There were challenges.", "en") == "neutral"
    assert label("", "There were very serious challenges.", "en") == "negative"


def test_swahili_stems_are_found_after_verb_prefixes_only():
    assert label("", "Wafanyakazi wamegoma.", "sw") == "negative"
    assert label("", "Wananchi walicheza ngoma usiku kucha.", "sw") == "neutral"


@pytest.mark.parametrize(
    ("title", "text", "language"),
    [
        ("Kikao cha baraza Ijumaa", "Kikao cha baraza la madiwani kitafanyika Ijumaa saa nne asubuhi.", "sw"),
        ("Council meeting on Friday", "The full council meeting will be held on Friday at 10 am.", "en"),
    ],
)
def test_an_announcement_is_neutral(title, text, language):
    assert label(title, text, language) == "neutral"


def test_other_languages_use_both_lexicons():
    assert label("", "Mradi umekamilika. The project is a success.", "other") == "positive"
    assert label("", "The project is a success.", "fr") == "positive"


def test_a_long_article_needs_more_evidence_than_a_short_one():
    filler = " ".join(["Halmashauri itaendelea na kazi zake za kawaida."] * 60)
    assert label("", "Kuna changamoto ndogo ya maji.", "sw") == "neutral"
    assert label("", "Kuna malalamiko.", "sw") == "negative"
    assert label("", f"Kuna malalamiko. {filler}", "sw") == "neutral"


def test_a_score_on_the_bands_edge_is_past_it():
    reading = LexiconTone().read("", "Wananchi wamegoma.", "sw")
    assert reading.score == -reading.band and reading.label == "negative"


def test_the_time_grows_linearly_with_the_text():
    short, long = (" ".join(["very good"] * words) for words in (4_000, 16_000))
    short_seconds, long_seconds = fastest_cpu_seconds(*(lambda text=text: RULES.read("", text, "en") for text in (short, long)))
    # four times the words: about four times the time when linear, sixteen when quadratic (as it was)
    assert long_seconds < 8 * short_seconds + 0.05


@settings(max_examples=300, deadline=None)
@given(title=st.text(max_size=200), text=st.text(max_size=2_000),
       language=st.sampled_from(["sw", "en", "other", "fr", ""]))
def test_any_text_gets_a_reading(title, text, language):
    reading = RULES.read(title, text, language)
    assert math.isfinite(reading.score) and reading.band >= 1.5
    assert reading.label in ("positive", "neutral", "negative")
