"""Benchmark: topic, sentiment and entity tagging on the labelled Swahili and English sets, and articles/s.

Usage: python -m bench.tagging [--show-errors] [--passes 5]. Figures for the development set and the held-out set.
"""
from __future__ import annotations

import argparse
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
from pipeline.sentiment import SentimentScorer
from pipeline.topics import TopicTagger

DATA = Path(__file__).parent / "data" / "tagging"
DEVELOPMENT_SET = ("sw.jsonl", "en.jsonl")  # written with the rules and lexicons, which were tuned on it
HELD_OUT_SET = ("holdout.jsonl",)  # written after the rules were frozen and never tuned on
SENTIMENTS = ("positive", "neutral", "negative")
ENTITY_KINDS = ("people", "places", "organisations")
ARTICLES_PER_LONG_ARTICLE = 10  # set texts joined into one article of news length for the throughput figure


@dataclass(frozen=True)
class LabelledArticle:
    id: str
    language: str
    title: str
    text: str
    topics: tuple[str, ...]
    sentiment: str
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


@dataclass(frozen=True)
class Taggers:
    topics: TopicTagger
    sentiment: SentimentScorer
    entities: EntityFinder


@dataclass(frozen=True)
class Evaluation:
    articles: int
    topics: Mapping[str, Counts]  # by topic id
    sentiment: Mapping[str, Counts]  # by class
    sentiment_correct: int
    entities: Mapping[str, Counts]  # by kind
    errors: tuple[str, ...]

    @property
    def topics_micro(self) -> Counts:
        return sum(self.topics.values(), Counts())

    @property
    def sentiment_accuracy(self) -> float:
        return self.sentiment_correct / self.articles if self.articles else 1.0


def load_set(files: Sequence[str] = DEVELOPMENT_SET) -> tuple[LabelledArticle, ...]:
    articles = []
    for name in files:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            lists = {key: tuple(row[key]) for key in ("topics", *ENTITY_KINDS)}
            fields = {key: row[key] for key in ("id", "language", "title", "text", "sentiment")}
            articles.append(LabelledArticle(**fields, **lists))
    return tuple(articles)


def load_taggers() -> Taggers:
    """The shipped taxonomy (config/topics.yaml) and the watch file the sets were labelled against."""
    topics = TopicsFile.model_validate(yaml.safe_load((REPO_ROOT / "config" / "topics.yaml").read_text(encoding="utf-8")))
    watch = WatchFile.model_validate(yaml.safe_load((DATA / "watch.yaml").read_text(encoding="utf-8")))
    return Taggers(TopicTagger(topics.topics), SentimentScorer(), EntityFinder(watch))


def evaluate(articles: Sequence[LabelledArticle], taggers: Taggers) -> Evaluation:
    topics: dict[str, Counts] = {}
    sentiment = {label: Counts() for label in SENTIMENTS}
    entities = {kind: Counts() for kind in ENTITY_KINDS}
    correct, errors = 0, []
    for article in articles:
        found_topics = taggers.topics.tag(article.title, article.text)
        for topic_id in {*found_topics, *article.topics}:
            topics[topic_id] = topics.get(topic_id, Counts()) + _compare({topic_id} & set(found_topics), {topic_id} & set(article.topics))
        if set(found_topics) != set(article.topics):
            errors.append(f"{article.id} topics {sorted(found_topics)}, labelled {sorted(article.topics)}")
        scored = taggers.sentiment.score(article.title, article.text, article.language)
        correct += scored == article.sentiment
        for label in SENTIMENTS:
            sentiment[label] += _compare({label} & {scored}, {label} & {article.sentiment})
        if scored != article.sentiment:
            errors.append(f"{article.id} sentiment {scored}, labelled {article.sentiment}: {article.title}")
        found = taggers.entities.find(article.title, article.text)
        for kind in ENTITY_KINDS:
            got, labelled = set(getattr(found, kind)), set(getattr(article, kind))
            entities[kind] += _compare(got, labelled)
            if got != labelled:
                errors.append(f"{article.id} {kind} extra {sorted(got - labelled)}, missing {sorted(labelled - got)}")
    return Evaluation(len(articles), topics, sentiment, correct, entities, tuple(errors))


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
        print(f"  {name:10} {articles_per_second(work, long, arguments.passes):8.0f} articles/s")


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

    print("\nSentiment:")
    for name, result in (("all", overall), *by_language.items()):
        print(f"  {name:4} accuracy {result.sentiment_accuracy:.3f} ({result.sentiment_correct}/{result.articles})")
    print(f"\n  {'class':10} {'labelled':>8} {'precision':>9} {'recall':>7}")
    for label, counts in overall.sentiment.items():
        print(f"  {label:10} {counts.true_positives + counts.false_negatives:>8} {counts.precision:>9.3f} {counts.recall:>7.3f}")

    print(f"\nEntities:\n  {'kind':14} {'labelled':>8} {'precision':>9} {'recall':>7}")
    for kind, counts in overall.entities.items():
        print(f"  {kind:14} {counts.true_positives + counts.false_negatives:>8} {counts.precision:>9.3f} {counts.recall:>7.3f}")
    if show_errors:
        print("\nErrors:", *overall.errors, sep="\n  ")


if __name__ == "__main__":
    main()
