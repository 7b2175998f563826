"""Tone of an article (positive, neutral or negative) and how sure of it we are: the trained text model's scores and
the lexicon rules' reading added as logits, each weighted as fitted on labelled data of the text's kind.

The rules read the headline and the first MAX_TEXT_CHARS of the body (where news puts its tone), the model the first
MODEL_CHARS of both, so the time an article takes is bounded.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.tone_model import CLASSES, ToneModel, lexicon_logits, probabilities
from pipeline.tone_rules import LexiconTone
from store.models import Sentiment

MAX_TITLE_CHARS = 500
MAX_TEXT_CHARS = 3_000  # about 500 words: the lead and the paragraphs after it
MODEL_CHARS = 600  # the headline and the lead; the model learned from posts of at most 280 characters


@dataclass(frozen=True)
class Tone:
    label: Sentiment
    confidence: float  # the calibrated probability that the label is right, 0 to 1


class SentimentScorer:
    """Built once and shared: the shipped model loads in 0.1 s (scikit-learn's first import takes about 2 s)."""

    def __init__(self) -> None:
        self._rules = LexiconTone()
        self._model = ToneModel.shipped()

    def score(self, title: str, text: str, language: str) -> Tone:
        """language: "sw", "en" or "other" (both lexicons and the model)."""
        title, text = bounded(title, text)
        weights = self._model.calibration.weights_for(title, text, language)
        reading = self._rules.read(title, text, language)
        model_scores = self._model.scores([model_input(title, text)]) if weights.model else np.zeros((1, len(CLASSES)))
        chances = probabilities(model_scores, lexicon_logits([reading]), [weights])[0]
        best = int(chances.argmax())
        return Tone(CLASSES[best], float(chances[best]))


def bounded(title: str, text: str) -> tuple[str, str]:
    """The part of an article that the scorer reads."""
    return title[:MAX_TITLE_CHARS], text[:MAX_TEXT_CHARS]


def model_input(title: str, text: str) -> str:
    """The one text the model reads for an article: the headline, then the body, up to MODEL_CHARS."""
    return (f"{title}\n{text}" if title else text)[:MODEL_CHARS]
