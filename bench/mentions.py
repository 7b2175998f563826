"""Benchmark: council mentions and about_council on the labelled sets, by class and part (dev, held-out); time taken.

Usage: python -m bench.mentions [--shared ../shared] [--articles 1000] [--chars 3000]
       [--show-errors dev|held-out|held-out-2|all]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from settings.config import WatchFile, load_config
from settings.environment import REPO_ROOT
from pipeline.mentions import CouncilMentions, MentionMatcher

DATA = Path(__file__).parent / "data" / "mentions"
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
GOLD_MARK = re.compile(r"\[\[(.+?)\]\]", re.DOTALL)
FIELDS = ("title", "text")
SPLITS = ("dev", "held-out", "held-out-2")
NEWS_SEED = "20261203"  # splits the extraction dev set's pages, as build_tweets.py splits the tweets


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
    kind: str = ""  # the class it tests: word, place, service, council, namesake, capitals, news, hard, ...
    split: str = "dev"  # dev (rules may be tuned on it) or held-out (never tuned on)


@dataclass(frozen=True)
class Ratio:
    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.hits}/{self.total})" if self.total else "–"


@dataclass(frozen=True)
class Evaluation:
    mention_precision: Ratio
    mention_recall: Ratio
    about_precision: Ratio
    about_recall: Ratio
    passing_found: Ratio  # articles with gold mentions but not about the council in which one is found
    false_alarms: Ratio  # articles without a gold mention in which the matcher finds one
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


def labelled_article(record: dict, kind: str = "", split: str = "dev") -> LabelledArticle:
    fields: dict[str, str] = {}
    gold: list[GoldSpan] = []
    for field in FIELDS:
        fields[field], spans = unmark(record[field])
        gold += [GoldSpan(field, start, end) for start, end in spans]
    return LabelledArticle(
        record["id"], record["lang"], record["about_council"], fields["title"], fields["text"], tuple(gold),
        record.get("class") or record.get("kind") or kind, record.get("split", split),
    )


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_labelled(directory: Path = DATA) -> list[LabelledArticle]:
    """The generated stories and the hand-written hard cases (both dev: the rules were written on them), and the
    real tweets with the council's names placed in them (tweets.jsonl, in a dev and a held-out part; tweets_2.jsonl,
    the second held-out part)."""
    records = [labelled_article({**record, "kind": "generated"}) for record in _jsonl(directory / "generated.jsonl")]
    hard = yaml.safe_load((directory / "hard_cases.yaml").read_text(encoding="utf-8"))
    records += [labelled_article(record, kind="hard", split="dev") for record in hard]
    tweets = [*_jsonl(directory / "tweets.jsonl"), *_jsonl(directory / "tweets_2.jsonl")]
    return records + [labelled_article(record) for record in tweets]


def load_news(shared: Path) -> list[LabelledArticle]:
    """The extraction dev set's 256 real articles from 40 countries (read here, not copied): none names the council."""
    gold_path = shared / "datasets" / "extraction-dev" / "gold.json"
    if not gold_path.is_file():
        return []
    pages = json.loads(gold_path.read_text(encoding="utf-8"))
    return [
        LabelledArticle(f"news-{key}", page["country"], False, page["title"] or "", page["articleBody"], (), "news",
                        "held-out" if random.Random(f"{NEWS_SEED}:{key}").random() < 0.5 else "dev")
        for key, page in sorted(pages.items())
    ]


def bench_watch(watch: WatchFile, directory: Path = DATA) -> WatchFile:
    """The shipped watch file with the wards and villages of places.yaml added (names that are everyday words)."""
    places = yaml.safe_load((directory / "places.yaml").read_text(encoding="utf-8"))
    parts = (places, places["held_out"], places["held_out_2"])
    wards = (*watch.wards, *(name for part in parts for name in part["wards"]))
    villages = (*watch.villages, *(name for part in parts for name in part["villages"]))
    return WatchFile.model_validate({**watch.model_dump(), "wards": wards, "villages": villages})


def _overlaps(field: str, start: int, end: int, spans: Sequence[GoldSpan]) -> bool:
    return any(span.field == field and span.start < end and start < span.end for span in spans)


def evaluate(matcher: MentionMatcher, articles: Sequence[LabelledArticle]) -> Evaluation:
    """A found mention is right if it overlaps a gold span in its field; a gold span is found if one overlaps it."""
    right = found_count = recalled = about_right = about_said = passing = passing_found = quiet = alarms = 0
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
        article_recalled = 0
        for span in article.gold:
            if any(_overlaps(m.field, m.start, m.end, [span]) for m in result.mentions):
                article_recalled += 1
            else:
                missed = fields[span.field][span.start : span.end]
                errors.append(f"{article.id}: missed '{missed}' in {span.field}: {article.text[:100]}")
        recalled += article_recalled
        if article.gold and not article.about_council:
            passing += 1
            passing_found += article_recalled > 0
        if not article.gold:
            quiet += 1
            alarms += bool(result.mentions)
        about_said += result.about_council
        about_right += result.about_council and article.about_council
        if result.about_council != article.about_council:
            errors.append(f"{article.id}: about_council {result.about_council}, labelled {article.about_council} "
                          f"(relevance {result.relevance}): {article.text[:100]}")
    return Evaluation(
        mention_precision=Ratio(right, found_count),
        mention_recall=Ratio(recalled, sum(len(article.gold) for article in articles)),
        about_precision=Ratio(about_right, about_said),
        about_recall=Ratio(about_right, sum(article.about_council for article in articles)),
        passing_found=Ratio(passing_found, passing),
        false_alarms=Ratio(alarms, quiet),
        errors=tuple(errors),
    )


def report(matcher: MentionMatcher, articles: Sequence[LabelledArticle]) -> None:
    """One table per part: every class, then all of the part together."""
    header = f"{'class':<10} {'n':>4}  {'mention P':<17} {'mention R':<17} {'about P':<15} {'about R':<15} " \
             f"{'passing found':<15} {'false alarms':<15}"
    for split in SPLITS:
        part = [article for article in articles if article.split == split]
        print(f"\n{split}: {len(part)} articles")
        print(header)
        kinds = sorted({article.kind for article in part})
        for kind, subset in [*((kind, [a for a in part if a.kind == kind]) for kind in kinds), ("all", part)]:
            e = evaluate(matcher, subset)
            print(f"{kind:<10} {len(subset):>4}  {e.mention_precision!s:<17} {e.mention_recall!s:<17} "
                  f"{e.about_precision!s:<15} {e.about_recall!s:<15} {e.passing_found!s:<15} {e.false_alarms!s:<15}")


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


def per_article(matcher: MentionMatcher, articles: Sequence[LabelledArticle]) -> None:
    """CPU milliseconds of find() per real article: median, 99th percentile and the slowest."""
    times = []
    for article in articles:
        began = time.process_time()
        matcher.find(article.title, article.text)
        times.append(1000 * (time.process_time() - began))
    times.sort()
    print(f"  per real article ({len(times)}, median {statistics.median(len(a.text) for a in articles):,.0f} chars): "
          f"median {statistics.median(times):.3f} ms, 99th percentile {times[int(0.99 * (len(times) - 1))]:.3f} ms, "
          f"slowest {times[-1]:.3f} ms CPU")


def scaling(matcher: MentionMatcher, articles: Sequence[LabelledArticle]) -> None:
    """CPU per 1,000 characters of one article: a 10,000-character block of the labelled texts, 1 to 100 times."""
    block = "\n\n".join(article.text for article in articles)[:10_000]
    print("  one article of N characters (a block of the labelled texts repeated), CPU per 1,000 characters:")
    for repeats in (1, 10, 100):
        text = "\n\n".join([block] * repeats)
        began = time.process_time()
        mentions = len(matcher.find("", text).mentions)
        elapsed = time.process_time() - began
        print(f"    {len(text):>9,} ({mentions:,} mentions): {elapsed * 1000:8.1f} ms, "
              f"{1e6 * elapsed / (len(text) / 1000):6.1f} µs per 1,000")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (extraction dev set)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--show-errors", choices=(*SPLITS, "all"))
    arguments = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
          f"Python {platform.python_version()}")
    watch = bench_watch(load_config(REPO_ROOT / "config").watch)
    began = time.perf_counter()
    matcher = MentionMatcher(watch)
    print(f"compile: {1000 * (time.perf_counter() - began):.1f} ms")
    labelled = load_labelled()
    news = load_news(arguments.shared)
    if not news:
        print(f"(no extraction dev set under {arguments.shared}: the news class is left out)")
    articles = labelled + news
    print(f"labelled: {len(labelled)} articles, {sum(len(a.gold) for a in labelled)} gold mentions, "
          f"{sum(a.about_council for a in labelled)} about the council; news pages: {len(news)}")
    report(matcher, articles)
    if arguments.show_errors:
        shown = [a for a in articles if arguments.show_errors in ("all", a.split)]
        print("\n".join(evaluate(matcher, shown).errors))
    quiet = [article for article in labelled if not article.gold]
    print(f"\nthroughput, articles of {arguments.chars} characters (load average {os.getloadavg()[0]:.1f}):")
    for label, texts in (("the labelled texts run together", labelled), ("only the texts without a mention", quiet)):
        throughput(matcher, f"  {label}", long_articles(texts, arguments.articles, arguments.chars))
    if news:
        per_article(matcher, news)
    scaling(matcher, labelled)


if __name__ == "__main__":
    main()
