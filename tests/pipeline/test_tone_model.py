"""The tone model file: kept as arrays and JSON, read back to the same scores, refused when it is not one."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.tone_encoder import DIMENSIONS, VERSION
from pipeline.tone_model import CLASSES, Evidence, ToneModel, lexicon_logits, probabilities, Weights
from pipeline.tone_rules import LexiconReading

TEXTS = ["Asante sana kwa huduma nzuri", "Bomu limelipuka na kuua watu wanne", "", "Kikao kitafanyika Ijumaa"]
EMBEDDINGS = np.random.default_rng(0).normal(size=(len(TEXTS), DIMENSIONS))


def test_the_shipped_model_says_where_it_came_from():
    model = ToneModel.shipped()
    assert "AfriSenti" in model.about["data"] and "CC BY 4.0" in model.about["data"]
    assert model.about["encoder"] == VERSION  # the embeddings it was trained on are those the encoder gives
    assert model.scores(TEXTS).shape == model.encoder_scores(EMBEDDINGS).shape == (len(TEXTS), len(CLASSES))
    assert model.calibration.post.encoder > 0 and model.calibration.post_without_encoder.encoder == 0
    assert model.calibration.article.encoder == model.calibration.english.encoder == 0  # articles keep the rules


def test_a_saved_model_reads_back_to_the_same_scores(tmp_path):
    model = ToneModel.shipped()
    model.save(tmp_path / "copy.npz")
    copy = ToneModel.load(tmp_path / "copy.npz")
    assert np.allclose(copy.scores(TEXTS), model.scores(TEXTS))
    assert np.allclose(copy.encoder_scores(EMBEDDINGS), model.encoder_scores(EMBEDDINGS))
    assert copy.calibration == model.calibration and copy.about == model.about


def test_a_file_that_is_not_a_tone_model_is_refused(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, meta=np.frombuffer(b'{"format": 99}', dtype=np.uint8))
    with pytest.raises(ValueError, match="not a tone model"):
        ToneModel.load(path)


def test_a_pickled_object_in_the_file_is_not_loaded(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, meta=np.array([{"format": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickle"):
        ToneModel.load(path)


@pytest.mark.parametrize(("score", "expected"), [(3.0, "positive"), (1.5, "positive"), (1.0, "neutral"),
                                                 (0.0, "neutral"), (-1.5, "negative"), (-40.0, "negative")])
def test_the_lexicon_logits_favour_the_rules_label(score, expected):
    reading = LexiconReading(score, 1.5)
    assert reading.label == expected
    assert CLASSES[int(lexicon_logits([reading]).argmax())] == expected


def test_probabilities_sum_to_one_per_text():
    scores = np.array([[1.0, -2.0, 0.5], [0.0, 0.0, 0.0]])
    lexicon = lexicon_logits([LexiconReading(4.0, 1.5), LexiconReading(0.0, 1.5)])
    encoder = np.array([[-1.0, 0.0, 3.0], [5.0, 0.0, 0.0]])
    chances = probabilities(Evidence(scores, lexicon, encoder), [Weights(1.0, 2.0, 0.5), Weights(0.0, 1.0)])
    assert np.allclose(chances.sum(axis=1), 1.0) and (chances > 0).all()
    assert CLASSES[int(chances[1].argmax())] == "neutral"  # the second row's encoder scores have no weight
