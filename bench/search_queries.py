"""The search benchmark's query kinds, each a handful of variants drawn from the corpus's own vocabulary.

Words are picked by document frequency (common: in 30-40% of articles, rare: 0.1%); all query text goes to parse_query.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from bench.search_corpus import SOURCES, YEAR_START, Corpus
from store import SearchFilters, SearchRequest
from store.query import MAX_QUERY_LENGTH, parse_query

VARIANTS = 8
SNIPPET_ARTICLES = 300  # phrases and near words are taken from the first articles' own sentences
DEEP_PAGE_OFFSET = 980
KINDS = ("common", "rare", "two-words", "phrase", "not", "prefix", "proximity", "filtered", "browse", "page-50",
         "longest")


@dataclass(frozen=True)
class QuerySpec:
    """One query as the API would get it, and what its hit count must satisfy when the grammar applies it:
    at least the hits of `at_least`, or exactly hits(minus[0]) minus hits of both words (for NOT)."""

    text: str | None
    filters: SearchFilters = field(default_factory=SearchFilters)
    offset: int = 0
    at_least: str | None = None
    minus: tuple[str, str] | None = None

    def request(self) -> SearchRequest:
        """With the default facets, as the API asks; parse_query may raise for syntax it does not know yet."""
        query = parse_query(self.text) if self.text is not None else None
        return SearchRequest(query=query, filters=self.filters, offset=self.offset)


class _Vocabulary:
    def __init__(self, corpus: Corpus, rng: random.Random) -> None:
        self.rng = rng
        self.by_language = corpus.document_frequency()
        self.df: Counter[str] = sum(self.by_language.values(), Counter())
        self.articles = corpus.articles

    def near(self, share: float, count: int, language: str | None = None, shortest: int = 4) -> list[str]:
        """`count` words whose document frequency is nearest `share` of the articles (from the 3 × count nearest),
        optionally only words used mostly (90%) in one language."""
        words = [word for word, df in self.df.items() if len(word) >= shortest
                 and (language is None or self.by_language[language][word] >= 0.9 * df)]
        words.sort(key=lambda word: (abs(math.log(self.df[word] / (share * self.articles))), word))
        return sorted(self.rng.sample(words[: 3 * count], min(count, len(words))))

    def pairs(self, share: float) -> list[tuple[str, str]]:
        """Word pairs of one language (half Swahili, half English), both near `share`."""
        pairs = []
        for language in ("sw", "en"):
            words = self.near(share, VARIANTS, language)
            pairs += list(zip(words[: VARIANTS // 2], words[VARIANTS // 2 :]))
        return pairs

    def prefixes(self) -> list[tuple[str, str]]:
        """Four-letter prefixes shared by many words ("wana" when present), each with its most frequent word."""
        groups: dict[str, list[str]] = {}
        for word in sorted(self.df):
            if len(word) > 4:
                groups.setdefault(word[:4], []).append(word)
        ranked = sorted((prefix for prefix, words in groups.items() if len(words) >= 5),
                        key=lambda prefix: (-sum(self.df[word] for word in groups[prefix]), prefix))
        chosen = (["wana"] if "wana" in groups else []) + self.rng.sample(ranked[:40], min(40, len(ranked)))
        chosen = list(dict.fromkeys(chosen))[:VARIANTS]
        return [(prefix, max(groups[prefix], key=lambda word: (self.df[word], word))) for prefix in chosen]

    def longest(self) -> str:
        """Distinct long words with document frequency between 0.5% and 30%, joined up to MAX_QUERY_LENGTH
        characters, then the last dropped until parse_query accepts the query (it may cap the number of terms)."""
        low, high = 0.005 * self.articles, 0.3 * self.articles
        words = sorted((word for word, df in self.df.items() if low <= df <= high), key=lambda word: (-len(word), word))
        words = self.rng.sample(words[:200], min(200, len(words)))
        chosen: list[str] = []
        for word in words:
            if len(" ".join([*chosen, word])) <= MAX_QUERY_LENGTH:
                chosen.append(word)
        for end in range(len(chosen), 0, -1):
            try:
                parse_query(" ".join(chosen[:end]))
            except ValueError:
                continue
            return " ".join(chosen[:end])
        return " ".join(chosen)


def _runs_of_words(corpus: Corpus, rng: random.Random) -> list[list[str]]:
    """Runs of at least four consecutive plain words (no punctuation between) in the first articles' text."""
    runs: list[list[str]] = []
    for article in next(corpus.batches(SNIPPET_ARTICLES)):
        current: list[str] = []
        for token in [*article.text.split(), "."]:
            if token.isascii() and token.isalpha():
                current.append(token.lower())
                continue
            if len(current) >= 4 and any(len(word) >= 5 for word in current):
                runs.append(current)
            current = []
    return rng.sample(runs, min(len(runs), 4 * VARIANTS))


def build_kinds(corpus: Corpus, wanted: tuple[str, ...], seed: int) -> dict[str, list[QuerySpec]]:
    """Each wanted kind's variants, deterministic for the corpus and seed."""
    rng = random.Random(seed)
    vocabulary = _Vocabulary(corpus, rng)
    common = vocabulary.near(0.35, VARIANTS)
    runs = _runs_of_words(corpus, rng)
    phrases = [" ".join(run[start : start + 3]) for run in runs for start in [rng.randrange(len(run) - 2)]]
    spans = [run[start : start + 4] for run in runs for start in [rng.randrange(len(run) - 3)]]
    sources = sorted(SOURCES, key=lambda source: -source.weight)[:VARIANTS]
    months = [YEAR_START + timedelta(days=30.4 * month) for month in range(7)]
    builders = {
        "common": lambda: [QuerySpec(word) for word in common],
        "rare": lambda: [QuerySpec(word) for word in vocabulary.near(0.001, VARIANTS)],
        "two-words": lambda: [QuerySpec(f"{a} {b}") for a, b in vocabulary.pairs(0.1)],
        "phrase": lambda: [QuerySpec(f'"{phrase}"') for phrase in list(dict.fromkeys(phrases))[:VARIANTS]],
        "not": lambda: [QuerySpec(f"{a} NOT {b}", minus=(a, b)) for a, b in vocabulary.pairs(0.2)],
        "prefix": lambda: [QuerySpec(f"{prefix}*", at_least=word) for prefix, word in vocabulary.prefixes()],
        "proximity": lambda: [QuerySpec(f'"{span[0]} {span[3]}"~5', at_least=f'"{" ".join(span)}"')
                              for span in spans[:VARIANTS]],
        "filtered": lambda: [
            QuerySpec(vocabulary.near(0.1, 1, source.languages[0])[0],
                      SearchFilters(source_ids=(source.id,), published_from=months[number % 7],
                                    published_before=months[number % 7] + timedelta(days=182)))
            for number, source in enumerate(sources)
        ],
        "browse": lambda: [QuerySpec(None)],
        "page-50": lambda: [QuerySpec(word, offset=DEEP_PAGE_OFFSET) for word in common],
        "longest": lambda: [QuerySpec(vocabulary.longest()) for _ in range(VARIANTS)],
    }
    return {kind: builders[kind]() for kind in KINDS if kind in wanted}


def describe(specs: list[QuerySpec]) -> str:
    """The first variants' text, shortened, for the report."""
    shown = []
    for spec in specs[:3]:
        text = "(no query)" if spec.text is None else spec.text
        text = text if len(text) <= 40 else f"{text[:37]}… ({len(text)} characters)"
        if spec.filters.source_ids:
            text += f" source={spec.filters.source_ids[0]} from {spec.filters.published_from:%Y-%m-%d} for 6 months"
        shown.append(f"`{text}`")
    return ", ".join(shown) + (f" (+{len(specs) - 3} more)" if len(specs) > 3 else "")
