"""The trained tone model: a linear SVM per class on TF-IDF word and character n-grams, another on the text's e5
embedding (pipeline/tone_encoder.py), and the weights that turn their scores and the lexicon's reading into calibrated
probabilities. Stored as arrays and JSON in an .npz file (no pickle).

The shipped file is tone_sw.npz beside this module (trained on AfriSenti Kiswahili; see tone_sw.md);
bench/train_tone.py rebuilds it.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib.resources import as_file, files
from pathlib import Path

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.tone_rules import LexiconReading

CLASSES = ("negative", "neutral", "positive")  # the order of every score vector here
FORMAT = 2
SHIPPED = "tone_sw.npz"
POST_CHARS = 280  # a social-media post's limit: a text without a headline and no longer than this is a post
LEXICON_REACH = 4.0  # bands beyond the threshold past which the lexicon's reading counts no more
EDGE = 1.0 - 1e-9  # a score right on the band's edge is past it, as LexiconReading.label has it
TERM_SEPARATOR = "\n"  # never inside a term: the vectorisers' tokens hold no newline


@dataclass(frozen=True)
class Weights:
    """How much the TF-IDF model's scores, the lexicon's reading and the encoder model's scores count in the logits
    of one kind of text."""

    model: float
    lexicon: float
    encoder: float = 0.0


@dataclass(frozen=True)
class Calibration:
    """The weights for each kind of text, fitted on labelled text of that kind (bench/train_tone.py): posts (no
    headline, at most POST_CHARS), posts when the encoder is unavailable, articles (the rest), and English, which
    the models (trained on Swahili) do not read."""

    post: Weights
    post_without_encoder: Weights
    article: Weights
    english: Weights

    def weights_for(self, title: str, text: str, language: str) -> Weights:
        if language == "en":
            return self.english
        return self.article if title.strip() or len(text) > POST_CHARS else self.post


def make_vectoriser(parameters: dict) -> TfidfVectorizer:
    """A vectoriser from its JSON-kept constructor arguments (those that differ from the defaults)."""
    return TfidfVectorizer(**{**parameters, "ngram_range": tuple(parameters["ngram_range"])})


def lexicon_logits(readings: Sequence[LexiconReading]) -> np.ndarray:
    """Per class (CLASSES order), how many bands the score lies past that class's threshold: the lexicon's label
    has the largest. Shape (len(readings), 3)."""
    beyond = np.array([reading.score / reading.band for reading in readings], dtype=np.float64).reshape(-1)
    beyond = np.clip(beyond, -LEXICON_REACH - 1, LEXICON_REACH + 1)
    return np.column_stack([-beyond - EDGE, np.zeros_like(beyond), beyond - EDGE])


@dataclass(frozen=True)
class Evidence:
    """Per text, per class (CLASSES order): the TF-IDF model's scores, the lexicon's logits and the encoder model's
    scores (zeros where a kind was not read: its weight is then 0)."""

    model: np.ndarray
    lexicon: np.ndarray
    encoder: np.ndarray


def probabilities(evidence: Evidence, weights: Sequence[Weights]) -> np.ndarray:
    """Softmax over the weighted sum of the kinds of evidence; one row per text, one weights per row."""
    logits = sum(np.array([[getattr(w, kind)] for w in weights]) * getattr(evidence, kind)
                 for kind in ("model", "lexicon", "encoder"))
    logits -= logits.max(axis=1, keepdims=True)
    exponentials = np.exp(logits)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class Linear:
    """One linear SVM per class: coefficients (3, features) and intercepts (3,)."""

    coefficients: np.ndarray
    intercepts: np.ndarray

    def decisions(self, features) -> np.ndarray:
        """The decision values, shape (rows of features, 3); features dense or sparse."""
        return np.asarray(features @ self.coefficients.T) + self.intercepts


class ToneModel:
    """The two text models' class scores (one per CLASSES) for texts, and the calibration they were shipped with."""

    def __init__(self, vectorisers: Sequence[TfidfVectorizer], parameters: Sequence[dict], text_svm: Linear,
                 encoder_svm: Linear, calibration: Calibration, about: dict) -> None:
        """vectorisers: fitted, each made by make_vectoriser from its parameters; text_svm reads their features,
        encoder_svm the embeddings of pipeline/tone_encoder.py."""
        self._vectorisers = tuple(vectorisers)
        self._parameters = tuple(parameters)
        self._text_svm = _float64(text_svm)
        self._encoder_svm = _float64(encoder_svm)
        self.calibration = calibration
        self.about = about  # where the model came from: data, rows, library versions

    @classmethod
    def shipped(cls) -> ToneModel:
        with as_file(files(__package__).joinpath(SHIPPED)) as path:
            return cls.load(path)

    @classmethod
    def load(cls, path: Path) -> ToneModel:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(stored["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT or tuple(meta.get("classes", ())) != CLASSES:
                raise ValueError(f"{path}: not a tone model of format {FORMAT} with classes {', '.join(CLASSES)}")
            vectorisers = []
            for number, parameters in enumerate(meta["vectorisers"]):
                terms = stored[f"terms_{number}"].tobytes().decode("utf-8").split(TERM_SEPARATOR)
                vectoriser = make_vectoriser({**parameters, "vocabulary": terms})
                vectoriser.idf_ = stored[f"idf_{number}"]
                vectorisers.append(vectoriser)
            text_svm, encoder_svm = (Linear(stored[f"{name}_coefficients"], stored[f"{name}_intercepts"])
                                     for name in ("text", "encoder"))
        calibration = Calibration(**{kind: Weights(**weights) for kind, weights in meta["calibration"].items()})
        return cls(vectorisers, meta["vectorisers"], text_svm, encoder_svm, calibration, meta["about"])

    def save(self, path: Path) -> None:
        arrays = {f"{name}_{part}": getattr(svm, part).astype(np.float32)
                  for name, svm in (("text", self._text_svm), ("encoder", self._encoder_svm))
                  for part in ("coefficients", "intercepts")}
        for number, vectoriser in enumerate(self._vectorisers):
            terms = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.__getitem__)
            if any(TERM_SEPARATOR in term for term in terms):
                raise ValueError("a vocabulary term holds a newline: the file format cannot keep it")
            arrays[f"terms_{number}"] = np.frombuffer(TERM_SEPARATOR.join(terms).encode("utf-8"), dtype=np.uint8)
            arrays[f"idf_{number}"] = vectoriser.idf_.astype(np.float32)
        meta = {"format": FORMAT, "classes": CLASSES, "vectorisers": list(self._parameters),
                "calibration": asdict(self.calibration), "about": self.about}
        arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(path, **arrays)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The TF-IDF SVM's decision values, shape (len(texts), 3)."""
        features = hstack([vectoriser.transform(texts) for vectoriser in self._vectorisers]).tocsr()
        return self._text_svm.decisions(features)

    def encoder_scores(self, embeddings: np.ndarray) -> np.ndarray:
        """The encoder SVM's decision values for embeddings of shape (texts, DIMENSIONS): shape (texts, 3)."""
        return self._encoder_svm.decisions(embeddings)


def _float64(svm: Linear) -> Linear:
    """In column order, so that the transpose the decisions take is contiguous and is not copied at every call."""
    return Linear(np.asfortranarray(svm.coefficients, dtype=np.float64), np.asarray(svm.intercepts, dtype=np.float64))
