"""Benchmark: council-mention precision and recall on the labelled set, about_council precision and recall, articles/s.

Usage: python -m bench.mentions [--articles 1000] [--chars 3000] [--show-errors]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from settings.config import WatchFile, load_config
from settings.environment import REPO_ROOT
from pipeline.mentions import CouncilMentions, MentionMatcher

DATA = Path(__file__).parent / "data" / "mentions"
GOLD_MARK = re.compile(r"\[\[(.+?)\]\]", re.DOTALL)
FIELDS = ("title", "text")


@dataclass(frozen=True)
class GoldSpan:
    field: str
    start: int
    end: int


@dataclass(frozen=True)
class LabelledArticle:
    id: str
    lang: str
    about_council: bool
    title: str
    text: str
    gold: tuple[GoldSpan, ...]


@dataclass(frozen=True)
class Ratio:
    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.hits}/{self.total})"


@dataclass(frozen=True)
class Evaluation:
    mention_precision: Ratio
    mention_recall: Ratio
    about_precision: Ratio
    about_recall: Ratio
    errors: tuple[str, ...]  # one line per wrong mention or about_council label


def unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without [[ ]] marks, and the spans the marks enclosed."""
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    length = done = 0
    for mark in GOLD_MARK.finditer(marked):
        before = marked[done : mark.start()]
        pieces += [before, mark.group(1)]
        length += len(before)
        spans.append((length, length + len(mark.group(1))))
        length += len(mark.group(1))
        done = mark.end()
    pieces.append(marked[done:])
    return "".join(pieces), spans


def labelled_article(record: dict) -> LabelledArticle:
    fields: dict[str, str] = {}
    gold: list[GoldSpan] = []
    for field in FIELDS:
        fields[field], spans = unmark(record[field])
        gold += [GoldSpan(field, start, end) for start, end in spans]
    return LabelledArticle(
        record["id"], record["lang"], record["about_council"], fields["title"], fields["text"], tuple(gold)
    )


def load_labelled(directory: Path = DATA) -> list[LabelledArticle]:
    """The generated stories (generated.jsonl) and the hand-written hard cases (hard_cases.yaml)."""
    lines = (directory / "generated.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    records += yaml.safe_load((directory / "hard_cases.yaml").read_text(encoding="utf-8"))
    return [labelled_article(record) for record in records]


def _overlaps(field: str, start: int, end: int, spans: Sequence[GoldSpan]) -> bool:
    return any(span.field == field and span.start < end and start < span.end for span in spans)


def evaluate(matcher: MentionMatcher, articles: Sequence[LabelledArticle]) -> Evaluation:
    """A found mention is right if it overlaps a gold span in its field; a gold span is found if one overlaps it."""
    right = found_count = recalled = about_right = about_said = 0
    errors: list[str] = []
    for article in articles:
        result: CouncilMentions = matcher.find(article.title, article.text)
        fields = {"title": article.title, "text": article.text}
        for mention in result.mentions:
            found_count += 1
            if _overlaps(mention.field, mention.start, mention.end, article.gold):
                right += 1
            else:
                wrong = f"false mention {mention.rule} '{mention.term}' in {mention.field}"
                errors.append(f"{article.id}: {wrong}: {mention.snippet}")
        for span in article.gold:
            if any(_overlaps(m.field, m.start, m.end, [span]) for m in result.mentions):
                recalled += 1
            else:
                missed = fields[span.field][span.start : span.end]
                errors.append(f"{article.id}: missed '{missed}' in {span.field}")
        about_said += result.about_council
        about_right += result.about_council and article.about_council
        if result.about_council != article.about_council:
            errors.append(f"{article.id}: about_council {result.about_council}, labelled {article.about_council} "
                          f"(relevance {result.relevance})")
    return Evaluation(
        mention_precision=Ratio(right, found_count),
        mention_recall=Ratio(recalled, sum(len(article.gold) for article in articles)),
        about_precision=Ratio(about_right, about_said),
        about_recall=Ratio(about_right, sum(article.about_council for article in articles)),
        errors=tuple(errors),
    )


def long_articles(articles: Sequence[LabelledArticle], count: int, chars: int) -> list[tuple[str, str]]:
    """`count` (title, text) pairs of `chars` characters: the labelled texts run together, each from a new start."""
    result = []
    for number in range(count):
        paragraphs: list[str] = []
        index = number
        while sum(len(paragraph) + 2 for paragraph in paragraphs) < chars:
            paragraphs.append(articles[index % len(articles)].text)
            index += 7
        result.append((articles[number % len(articles)].title, "\n\n".join(paragraphs)[:chars]))
    return result


def throughput(matcher: MentionMatcher, label: str, pairs: Sequence[tuple[str, str]]) -> None:
    """Print the wall-clock and CPU seconds to find the mentions in `pairs`, and the articles per second of each."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = sum(len(matcher.find(title, text).mentions) for title, text in pairs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: {len(pairs)} articles, {found / len(pairs):.1f} mentions each: {wall:.2f} s wall "
          f"({len(pairs) / wall:,.0f} articles/s), {cpu:.2f} s CPU ({len(pairs) / cpu:,.0f} articles/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--show-errors", action="store_true")
    arguments = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
          f"Python {platform.python_version()}")
    watch: WatchFile = load_config(REPO_ROOT / "config").watch
    began = time.perf_counter()
    matcher = MentionMatcher(watch)
    print(f"compile: {1000 * (time.perf_counter() - began):.1f} ms")
    articles = load_labelled()
    languages = {lang: sum(article.lang == lang for article in articles) for lang in ("sw", "en", "mixed")}
    print(f"labelled set: {len(articles)} articles {languages}, {sum(len(a.gold) for a in articles)} gold mentions, "
          f"{sum(a.about_council for a in articles)} about the council")
    hard = [article for article in articles if article.id.startswith("hard-")]
    generated = [article for article in articles if not article.id.startswith("hard-")]
    for label, subset in (("all", articles), ("hand-written hard cases", hard), ("generated", generated)):
        evaluation = evaluate(matcher, subset)
        print(f"{label} ({len(subset)}): mention precision {evaluation.mention_precision}, "
              f"recall {evaluation.mention_recall}; about_council precision {evaluation.about_precision}, "
              f"recall {evaluation.about_recall}")
    if arguments.show_errors:
        print("\n".join(evaluate(matcher, articles).errors))
    quiet = [article for article in articles if not article.gold]
    print(f"throughput, articles of {arguments.chars} characters (load average {os.getloadavg()[0]:.1f}):")
    for label, texts in (("the labelled texts run together", articles), ("only the texts without a mention", quiet)):
        throughput(matcher, f"  {label}", long_articles(texts, arguments.articles, arguments.chars))


if __name__ == "__main__":
    main()
