"""Benchmark: topic, tone and entity tagging on the labelled Swahili and English sets, and articles/s; tone also on
held-out AfriSenti tweets and a tone-only news set, against the lexicon rules alone, with its time per article.

Usage: python -m bench.tagging [--show-errors] [--passes 5]. Figures for the development set and the held-out sets.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from settings.config import TopicsFile, WatchFile
from settings.environment import REPO_ROOT
from pipeline.entities import EntityFinder
from pipeline.sentiment import SentimentScorer, Tone
from pipeline.topics import TopicTagger
from pipeline.tone_rules import LexiconTone

DATA = Path(__file__).parent / "data" / "tagging"
DEVELOPMENT_SET = ("sw.jsonl", "en.jsonl")  # written with the rules and lexicons, which were tuned on it
HELD_OUT_SET = ("holdout.jsonl",)  # written after the rules were frozen and never tuned on
TONE_NEWS_SET = "tone_news.jsonl"  # tone labels only, written before the tone model was trained and never tuned on
TWEETS_HELD_OUT = "afrisenti-sw-heldout.tsv"  # AfriSenti Kiswahili rows held out of training (bench/train_tone.py)
REPEATED_WORDS = (1_000, 4_000, 16_000)  # words of "very good": the scorer's time must grow linearly, or not at all
SENTIMENTS = ("positive", "neutral", "negative")
ENTITY_KINDS = ("people", "places", "organisations")
ARTICLES_PER_LONG_ARTICLE = 10  # set texts joined into one article of news length for the throughput figure


@dataclass(frozen=True)
class ToneItem:
    id: str
    language: str
    title: str
    text: str
    sentiment: str


@dataclass(frozen=True)
class LabelledArticle(ToneItem):
    topics: tuple[str, ...]
    people: tuple[str, ...]
    places: tuple[str, ...]
    organisations: tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0


    @property
    def f1(self) -> float:
        both = self.precision + self.recall
        return 2 * self.precision * self.recall / both if both else 0.0

    @property
    def labelled(self) -> int:
        return self.true_positives + self.false_negatives


@dataclass(frozen=True)
class ToneEvaluation:
    """Tone labels found against those labelled, with the scorer's confidence in each."""

    labelled: tuple[str, ...]
    found: tuple[str, ...]
    confidences: tuple[float, ...]

    @property
    def by_class(self) -> dict[str, Counts]:
        return {label: sum((_compare({label} & {found}, {label} & {labelled})
                            for found, labelled in zip(self.found, self.labelled)), Counts()) for label in SENTIMENTS}

    @property
    def accuracy(self) -> float:
        return sum(map(str.__eq__, self.found, self.labelled)) / len(self.found) if self.found else 1.0

    @property
    def weighted_f1(self) -> float:
        counts = self.by_class.values()
        return sum(c.f1 * c.labelled for c in counts) / len(self.labelled) if self.labelled else 1.0

    @property
    def macro_f1(self) -> float:
        present = [counts for counts in self.by_class.values() if counts.labelled]
        return sum(counts.f1 for counts in present) / len(present) if present else 1.0

    @property
    def mean_confidence(self) -> float:
        return sum(self.confidences) / len(self.confidences) if self.confidences else 1.0


@dataclass(frozen=True)
class Taggers:
    topics: TopicTagger
    sentiment: SentimentScorer
    entities: EntityFinder


@dataclass(frozen=True)
class Evaluation:
    articles: int
    topics: Mapping[str, Counts]  # by topic id
    tone: ToneEvaluation
    entities: Mapping[str, Counts]  # by kind
    errors: tuple[str, ...]

    @property
    def topics_micro(self) -> Counts:
        return sum(self.topics.values(), Counts())


def load_set(files: Sequence[str] = DEVELOPMENT_SET) -> tuple[LabelledArticle, ...]:
    articles = []
    for name in files:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            lists = {key: tuple(row[key]) for key in ("topics", *ENTITY_KINDS)}
            fields = {key: row[key] for key in ("id", "language", "title", "text", "sentiment")}
            articles.append(LabelledArticle(**fields, **lists))
    return tuple(articles)


def load_tone_set(name: str = TONE_NEWS_SET) -> tuple[ToneItem, ...]:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    return tuple(ToneItem(**{key: row[key] for key in ("id", "language", "title", "text", "sentiment")}) for row in rows)


def load_tweets(name: str = TWEETS_HELD_OUT) -> tuple[ToneItem, ...]:
    """Posts without a headline, in Swahili as AfriSenti labels them (the language is not detected)."""
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return tuple(ToneItem(f"afrisenti-train-{row['row']}", "sw", "", row["tweet"], row["label"]) for row in rows)


def evaluate_tone(items: Sequence[ToneItem], score: Callable[[str, str, str], Tone]) -> ToneEvaluation:
    tones = [score(item.title, item.text, item.language) for item in items]
    return ToneEvaluation(tuple(item.sentiment for item in items), tuple(tone.label for tone in tones),
                          tuple(tone.confidence for tone in tones))


def rules_alone(rules: LexiconTone) -> Callable[[str, str, str], Tone]:
    """The lexicon's label (the tone before the model), at a confidence of 1: the baseline the model must beat."""
    return lambda title, text, language: Tone(rules.read(title, text, language).label, 1.0)


def load_taggers() -> Taggers:
    """The shipped taxonomy (config/topics.yaml) and the watch file the sets were labelled against."""
    topics = TopicsFile.model_validate(yaml.safe_load((REPO_ROOT / "config" / "topics.yaml").read_text(encoding="utf-8")))
    watch = WatchFile.model_validate(yaml.safe_load((DATA / "watch.yaml").read_text(encoding="utf-8")))
    return Taggers(TopicTagger(topics.topics), SentimentScorer(), EntityFinder(watch))


def evaluate(articles: Sequence[LabelledArticle], taggers: Taggers) -> Evaluation:
    topics: dict[str, Counts] = {}
    entities = {kind: Counts() for kind in ENTITY_KINDS}
    errors = []
    tone = evaluate_tone(articles, taggers.sentiment.score)
    for article in articles:
        found_topics = taggers.topics.tag(article.title, article.text)
        for topic_id in {*found_topics, *article.topics}:
            topics[topic_id] = topics.get(topic_id, Counts()) + _compare({topic_id} & set(found_topics), {topic_id} & set(article.topics))
        if set(found_topics) != set(article.topics):
            errors.append(f"{article.id} topics {sorted(found_topics)}, labelled {sorted(article.topics)}")
        found = taggers.entities.find(article.title, article.text)
        for kind in ENTITY_KINDS:
            got, labelled = set(getattr(found, kind)), set(getattr(article, kind))
            entities[kind] += _compare(got, labelled)
            if got != labelled:
                errors.append(f"{article.id} {kind} extra {sorted(got - labelled)}, missing {sorted(labelled - got)}")
    errors.extend(f"{article.id} sentiment {found} ({confidence:.2f}), labelled {article.sentiment}: {article.title}"
                  for article, found, confidence in zip(articles, tone.found, tone.confidences) if found != article.sentiment)
    return Evaluation(len(articles), topics, tone, entities, tuple(errors))


def _compare(found: set[str], labelled: set[str]) -> Counts:
    return Counts(len(found & labelled), len(found - labelled), len(labelled - found))


def long_articles(articles: Sequence[LabelledArticle]) -> list[tuple[str, str, str]]:
    """(title, text, language): the set's texts joined in tens, per language, to news length (300-500 words)."""
    joined = []
    for language in sorted({article.language for article in articles}):
        same = [article for article in articles if article.language == language]
        for start in range(0, len(same), ARTICLES_PER_LONG_ARTICLE):
            group = same[start : start + ARTICLES_PER_LONG_ARTICLE]
            joined.append((group[0].title, "\n\n".join(f"{a.title}. {a.text}" for a in group), language))
    return joined


def articles_per_second(work: Callable[[str, str, str], object], articles: list[tuple[str, str, str]], passes: int) -> float:
    began = time.perf_counter()
    for _ in range(passes):
        for title, text, language in articles:
            work(title, text, language)
    return passes * len(articles) / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--passes", type=int, default=5, help="passes over the long articles for the throughput figure")
    arguments = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}")
    began = time.perf_counter()
    taggers = load_taggers()
    print(f"loading taggers: {time.perf_counter() - began:.2f} s")
    for name, files in (("development set", DEVELOPMENT_SET), ("held-out set", HELD_OUT_SET)):
        report(name, load_set(files), taggers, arguments.show_errors)
    rules = LexiconTone()
    for name, items in (("tone news set (held out)", load_tone_set()), ("AfriSenti Kiswahili, held-out rows", load_tweets())):
        print(f"\n=== {name}: {len(items)} texts")
        for language in sorted({item.language for item in items}):
            some = [item for item in items if item.language == language]
            for scorer_name, score in (("scorer", taggers.sentiment.score), ("rules alone", rules_alone(rules))):
                print(f"\n  {language}, {scorer_name}:")
                report_tone(evaluate_tone(some, score), indent="    ")
    long = long_articles(load_set())
    words = sum(len(f"{title} {text}".split()) for title, text, _ in long) / len(long)
    print(f"\nThroughput on {len(long)} articles of {words:.0f} words on average, {arguments.passes} passes, one core:")
    stages: dict[str, Callable[[str, str, str], object]] = {
        "topics": lambda title, text, _: taggers.topics.tag(title, text),
        "sentiment": taggers.sentiment.score,
        "entities": lambda title, text, _: taggers.entities.find(title, text),
    }
    stages["all three"] = lambda title, text, language: [stage(title, text, language) for stage in list(stages.values())[:3]]
    for name, work in stages.items():
        rate = articles_per_second(work, long, arguments.passes)
        print(f"  {name:10} {rate:8.0f} articles/s ({1000 / rate:.2f} ms an article)")
    print("\nTone of one text of repeated \"very good\" (English), and of \"nzuri sana\" (Swahili, no headline):")
    for words in REPEATED_WORDS:
        for language, phrase in (("en", "very good"), ("sw", "nzuri sana")):
            text = " ".join([phrase] * (words // 2))
            fastest = float("inf")
            for _ in range(arguments.passes):
                began = time.perf_counter()
                tone = taggers.sentiment.score("", text, language)
                fastest = min(fastest, time.perf_counter() - began)
            print(f"  {words:>6,} words, {language}: {fastest * 1000:7.2f} ms (fastest of {arguments.passes}), "
                  f"{tone.label} ({tone.confidence:.2f})")


def report(set_name: str, articles: Sequence[LabelledArticle], taggers: Taggers, show_errors: bool) -> None:
    overall = evaluate(articles, taggers)
    languages = sorted({article.language for article in articles})
    by_language = {language: evaluate([a for a in articles if a.language == language], taggers) for language in languages}
    counts = ", ".join(f"{language} {result.articles}" for language, result in by_language.items())
    print(f"\n=== {set_name}: {overall.articles} articles ({counts})")

    print("\nTopics, micro-averaged:")
    for name, result in (("all", overall), *by_language.items()):
        micro = result.topics_micro
        print(f"  {name:4} precision {micro.precision:.3f}  recall {micro.recall:.3f}  ({micro.true_positives} right, "
              f"{micro.false_positives} wrong, {micro.false_negatives} missed)")
    print(f"\n  {'topic':12} {'labelled':>8} {'precision':>9} {'recall':>7}")
    for topic_id, counts in sorted(overall.topics.items()):
        labelled = counts.true_positives + counts.false_negatives
        print(f"  {topic_id:12} {labelled:>8} {counts.precision:>9.3f} {counts.recall:>7.3f}")

    print("\nTone:")
    for name, result in (("all", overall), *by_language.items()):
        print(f"  {name}:")
        report_tone(result.tone, indent="    ")

    print(f"\nEntities:\n  {'kind':14} {'labelled':>8} {'precision':>9} {'recall':>7}")
    for kind, counts in overall.entities.items():
        print(f"  {kind:14} {counts.true_positives + counts.false_negatives:>8} {counts.precision:>9.3f} {counts.recall:>7.3f}")
    if show_errors:
        print("\nErrors:", *overall.errors, sep="\n  ")


def report_tone(tone: ToneEvaluation, indent: str) -> None:
    right = sum(map(str.__eq__, tone.found, tone.labelled))
    print(f"{indent}accuracy {tone.accuracy:.3f} ({right}/{len(tone.labelled)}), weighted F1 {tone.weighted_f1:.3f}, "
          f"macro F1 {tone.macro_f1:.3f}, mean confidence {tone.mean_confidence:.3f}")
    print(f"{indent}{'class':10} {'labelled':>8} {'precision':>9} {'recall':>7} {'F1':>6}")
    for label, counts in tone.by_class.items():
        print(f"{indent}{label:10} {counts.labelled:>8} {counts.precision:>9.3f} {counts.recall:>7.3f} {counts.f1:>6.3f}")


if __name__ == "__main__":
    main()
