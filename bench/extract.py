"""Benchmark: score article-body extractors on the extraction dev set and time them on one core.

Usage: python -m bench.extract [--dataset DIR] [--only NAME ...]; pages/s counts CPU time in the extractor call only.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import lxml.html
import trafilatura

from settings.environment import REPO_ROOT
from pipeline import extract as habari_extract
from pipeline.decode import decode_html


DEFAULT_DATASET = REPO_ROOT.parent / "shared" / "datasets" / "extraction-dev"
SHINGLE_WORDS = 4
SHORT_TEXT_WORDS = 50
# Words are runs of letters and digits, punctuation dropped: this reproduces the dev set README's baseline
# (trafilatura default F1 0.934); splitting on whitespace instead gives it 0.922.
WORD = re.compile(r"\w+")
BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "section"}
)

Extractor = Callable[[str, str], str]


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    html: str
    gold: str


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    empty_pages: int
    pages_per_second: float


def load_pages(dataset: Path) -> list[Page]:
    gold_path = dataset / "gold.json"
    if not gold_path.is_file():
        raise SystemExit(f"extraction dev set not found: {gold_path} does not exist (pass --dataset DIR)")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    return [
        Page(key, entry["url"], decode_html(gzip.decompress((dataset / "html" / f"{key}.html.gz").read_bytes()), None),
             entry["articleBody"])
        for key, entry in sorted(gold.items())
    ]


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = WORD.findall(text)
    return Counter(tuple(words[start:start + SHINGLE_WORDS]) for start in range(max(1, len(words) - SHINGLE_WORDS + 1))
                   if words)


def page_counts(gold: str, extracted: str) -> tuple[float, float, float]:
    """Shared, extra and missing shingles of one page, as shares of their sum so every page weighs the same."""
    expected, found = shingles(gold), shingles(extracted)
    shared = sum((expected & found).values())
    extra = sum((found - expected).values())
    missing = sum((expected - found).values())
    total = shared + extra + missing
    return (shared / total, extra / total, missing / total) if total else (0.0, 0.0, 0.0)


def score(pages: list[Page], texts: list[str], seconds: float) -> Score:
    counts = [page_counts(page.gold, text) for page, text in zip(pages, texts)]
    # An empty extraction has no precision to speak of; it still loses every gold shingle in recall.
    precision = statistics.mean(tp / (tp + fp) for tp, fp, _ in counts if tp + fp > 0)
    recall = statistics.mean(tp / (tp + fn) for tp, _, fn in counts if tp + fn > 0)
    return Score(
        precision=precision,
        recall=recall,
        f1=2 * precision * recall / (precision + recall),
        empty_pages=sum(1 for text in texts if not WORD.search(text)),
        pages_per_second=len(pages) / seconds,
    )


def run(extractor: Extractor, pages: list[Page]) -> tuple[list[str], float]:
    texts, seconds = [], 0.0
    for page in pages:
        started = time.process_time()
        texts.append(extractor(page.html, page.url))
        seconds += time.process_time() - started
    return texts, seconds


def trafilatura_text(**options: bool) -> Extractor:
    return lambda html, url: trafilatura.extract(html, url=url, **options) or ""


def newspaper_text(html: str, url: str) -> str:
    import newspaper  # the candidates outside the product are imported only when measured (the bench extra)

    article = newspaper.Article(url, fetch_images=False)
    article.download(input_html=html)
    try:
        article.parse()
    except ImportError:  # the page's language needs an optional tokenizer package: count the page as empty
        return ""
    return article.text or ""


def readability_text(html: str, url: str) -> str:
    import readability

    try:
        summary = lxml.html.fromstring(readability.Document(html, url=url).summary(html_partial=True))
    except readability.readability.Unparseable:
        return ""
    for element in summary.iter(*BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in summary.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def trimmed(extractor: Extractor) -> Extractor:
    return lambda html, url: habari_extract.trim_edge_lines(extractor(html, url))


def with_readability_when_short(extractor: Extractor) -> Extractor:
    """The extractor's text, or readability's when the extractor finds under SHORT_TEXT_WORDS words."""
    def arbitrated(html: str, url: str) -> str:
        text = extractor(html, url)
        return text if len(WORD.findall(text)) >= SHORT_TEXT_WORDS else max(
            text, readability_text(html, url), key=lambda candidate: len(WORD.findall(candidate)))
    return arbitrated


def habari_text(html: str, url: str) -> str:
    extracted = habari_extract.extract(html, url)
    return extracted.text if isinstance(extracted, habari_extract.Extracted) else ""


CANDIDATES: dict[str, Extractor] = {
    "trafilatura default": trafilatura_text(),
    "trafilatura favor_precision": trafilatura_text(favor_precision=True),
    "trafilatura favor_recall": trafilatura_text(favor_recall=True),
    "trafilatura fast (no fallback)": trafilatura_text(fast=True),
    "newspaper4k": newspaper_text,
    "readability-lxml": readability_text,
    "trafilatura no comments": trafilatura_text(include_comments=False),
    "trafilatura no comments, no tables": trafilatura_text(include_comments=False, include_tables=False),
    "trafilatura no comments, deduplicate": trafilatura_text(include_comments=False, deduplicate=True),
    "trafilatura no comments, favor_precision": trafilatura_text(include_comments=False, favor_precision=True),
    "trafilatura no comments, favor_recall": trafilatura_text(include_comments=False, favor_recall=True),
    "trafilatura no comments + readability when short": with_readability_when_short(
        trafilatura_text(include_comments=False)),
    "trafilatura no comments, favor_precision + edge trim": trimmed(
        trafilatura_text(include_comments=False, favor_precision=True)),
    "trafilatura no comments + edge trim": trimmed(trafilatura_text(include_comments=False)),
    "trafilatura no comments, favor_recall + edge trim": trimmed(
        trafilatura_text(include_comments=False, favor_recall=True)),
    "habari pipeline/extract.py (+ metadata)": habari_text,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--only", nargs="+", choices=CANDIDATES, metavar="NAME", help="candidates to run")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    pages = load_pages(args.dataset)
    habari_extract.warm_up()  # what a crawl's fork server loads once: no candidate pays it inside its timing
    print(f"{len(pages)} pages; Python {platform.python_version()}; " + ", ".join(
        f"{package} {version(package)}" for package in ("trafilatura", "newspaper4k", "readability-lxml", "lxml")))
    print("| candidate | precision | recall | F1 | empty pages | pages/s |\n|---|---:|---:|---:|---:|---:|")
    for name in args.only or CANDIDATES:
        result = score(pages, *run(CANDIDATES[name], pages))
        print(f"| {name} | {result.precision:.3f} | {result.recall:.3f} | {result.f1:.3f} | "
              f"{result.empty_pages} | {result.pages_per_second:.1f} |", flush=True)


if __name__ == "__main__":
    main()
