"""Tone of an article (positive, neutral or negative) and how sure of it we are: the trained models' scores (TF-IDF,
and for posts the text's e5 embedding) and the lexicon rules' reading added as logits, weighted as fitted for the kind.

The rules read the headline and the first MAX_TEXT_CHARS of the body (where news puts its tone), the model the first
MODEL_CHARS of both, so the time an article takes is bounded.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.tone_encoder import ToneEncoder, shared_encoder
from pipeline.tone_model import CLASSES, Evidence, ToneModel, lexicon_logits, probabilities
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
    """Built once and shared: the shipped model loads in 0.1 s (scikit-learn's first import takes about 2 s); the
    encoder loads at the first post. Without the encoder (it failed: see tone_encoder), posts get fallback weights."""

    def __init__(self, model: ToneModel | None = None, encoder: ToneEncoder | None = None) -> None:
        """model: the shipped one unless given; encoder: the process's one unless given."""
        self._rules = LexiconTone()
        self._model = model or ToneModel.shipped()
        self._encoder = encoder or shared_encoder()

    def score(self, title: str, text: str, language: str) -> Tone:
        """language: "sw", "en" or "other" (both lexicons and the models)."""
        title, text = bounded(title, text)
        weights = self._model.calibration.weights_for(title, text, language)
        read = model_input(title, text)
        encoder_scores = nothing = np.zeros((1, len(CLASSES)))
        if weights.encoder:
            embeddings = self._encoder.embed([read])
            if embeddings is None:
                weights = self._model.calibration.post_without_encoder
            else:
                encoder_scores = self._model.encoder_scores(embeddings)
        model_scores = self._model.scores([read]) if weights.model else nothing
        lexicon = lexicon_logits([self._rules.read(title, text, language)])
        chances = probabilities(Evidence(model_scores, lexicon, encoder_scores), [weights])[0]
        best = int(chances.argmax())
        return Tone(CLASSES[best], float(chances[best]))


def bounded(title: str, text: str) -> tuple[str, str]:
    """The part of an article that the scorer reads."""
    return title[:MAX_TITLE_CHARS], text[:MAX_TEXT_CHARS]


def model_input(title: str, text: str) -> str:
    """The one text the model reads for an article: the headline, then the body, up to MODEL_CHARS."""
    return (f"{title}\n{text}" if title else text)[:MODEL_CHARS]
