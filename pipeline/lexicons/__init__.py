"""Shipped word lists (sentiment, titles, organisations) and the phrase matcher that topics and sentiment share.

A term is a word or phrase; a trailing '*' matches any ending, a plain word also its -ni, -s and -es forms.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Generic, TypeVar

Value = TypeVar("Value")

CLAUSE_MARKS = frozenset(".,;:!?()\"")
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|[.,;:!?()\"]")
_ENDINGS = ("", "ni", "s", "es")
_SHORTEST_STEM = 3
CACHED_WORDS = 100_000  # lookups remembered per word: a newsroom's vocabulary fits


def tokens(text: str) -> list[str]:
    """Lower-case words (apostrophes kept inside: ng'ombe, didn't) and clause punctuation, in order."""
    return _TOKEN.findall(text.replace("\u2019", "'").lower())


def read_table(name: str) -> list[tuple[str, str]]:
    """The two tab-separated columns of a shipped lexicon file, without comments and blank lines."""
    rows = []
    for line in files(__name__).joinpath(name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            first, second = line.split("\t")
            rows.append((first.strip(), second.strip()))
    return rows


@dataclass(frozen=True)
class _Pattern(Generic[Value]):
    words: tuple[str, ...]
    forms: tuple[frozenset[str], ...]  # each word's inflected forms
    open_ended: bool  # the last word is a stem: any ending matches
    value: Value

    def fits(self, text_tokens: Sequence[str], start: int) -> bool:
        if start + len(self.words) > len(text_tokens):
            return False
        for offset, forms in enumerate(self.forms):
            token = text_tokens[start + offset]
            last = offset == len(self.words) - 1
            if not (token.startswith(self.words[offset]) if last and self.open_ended else token in forms):
                return False
        return True


@dataclass(frozen=True)
class PhraseMatch(Generic[Value]):
    start: int
    end: int
    values: tuple[Value, ...]  # every term of this exact phrase, e.g. one per topic that lists it


class PhraseMatcher(Generic[Value]):
    """Finds terms in a token list, left to right; where terms overlap, the longest wins."""

    def __init__(self, terms: Iterable[tuple[str, Value]]) -> None:
        self._by_word: dict[str, list[_Pattern[Value]]] = {}
        self._by_stem: dict[str, list[_Pattern[Value]]] = {}
        self._stem_beginnings: set[str] = set()  # every stem's prefixes: a token matching none can stop the search
        self._candidates = lru_cache(maxsize=CACHED_WORDS)(self._candidates_of)  # words recur, lookups repeat
        for term, value in terms:
            open_ended = term.endswith("*")
            words = tuple(tokens(term.rstrip("*")))
            pattern = _Pattern(words, tuple(_inflected(word) for word in words), open_ended, value)
            if open_ended and len(words) == 1:
                self._by_stem.setdefault(words[0], []).append(pattern)
                self._stem_beginnings.update(words[0][:end] for end in range(_SHORTEST_STEM, len(words[0]) + 1))
            else:
                for form in pattern.forms[0]:
                    self._by_word.setdefault(form, []).append(pattern)

    def find(self, text_tokens: Sequence[str]) -> list[PhraseMatch[Value]]:
        found: list[PhraseMatch[Value]] = []
        position = 0
        while position < len(text_tokens):
            candidates = self._candidates(text_tokens[position])
            # most words begin no term: no list to build
            fitting = candidates and [pattern for pattern in candidates if pattern.fits(text_tokens, position)]
            if not fitting:
                position += 1
                continue
            length = max(len(pattern.words) for pattern in fitting)
            values = tuple(dict.fromkeys(pattern.value for pattern in fitting if len(pattern.words) == length))
            found.append(PhraseMatch(position, position + length, values))
            position += length
        return found

    def _candidates_of(self, token: str) -> tuple[_Pattern[Value], ...]:
        candidates = list(self._by_word.get(token, ()))
        for end in range(_SHORTEST_STEM, len(token) + 1):
            if token[:end] not in self._stem_beginnings:
                break
            candidates.extend(self._by_stem.get(token[:end], ()))
        return tuple(candidates)


def _inflected(word: str) -> frozenset[str]:
    return frozenset(word + ending for ending in _ENDINGS)
