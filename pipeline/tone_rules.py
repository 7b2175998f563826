"""Tone evidence from the shipped Swahili and English lexicons: a signed score and the neutral band around zero.

Negation flips the polar words after it in its clause (si, hakuna, ha- verbs, bila; not, no, n't, without, lack of).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.lexicons import CACHED_WORDS, CLAUSE_MARKS, PhraseMatcher, read_table, tokens
from store.models import Sentiment

LEXICON_FILES = (
    ("sw", ("sentiment_sw.tsv",)),
    ("en", ("sentiment_en.tsv",)),
    ("other", ("sentiment_sw.tsv", "sentiment_en.tsv")),
)
KINDS = ("negator", "intensifier", "contrast")
NEGATION_REACH = 4  # words after a negator that it flips ("hakuna mradi wa maendeleo uliokwama")
INTENSITY_REACH = 2  # words either side of a polar term that an intensifier strengthens
INTENSITY = 1.5
NEGATED_NEGATIVE = 0.5  # "hakuna malalamiko", "no complaints": mildly positive, not the opposite of a complaint
TITLE_WEIGHT = 1.5
# |score| below the band is neutral; the band widens slowly with length so long articles need more evidence.
NEUTRAL_BAND = 1.5
BAND_WORDS = 100
STEM_PREFIX_LETTERS = 8  # Swahili subject, tense, relative and object markers before a stem
NEGATIVE_PREFIX_START = "ha"  # haku-, hawaku-, hau-, hai-, haja-: ha- + subject marker
NEGATIVE_PREFIX_INFIX = "si"  # -si- in isiyo-, wasio-, asiye-
VOWELS = frozenset("aeiou")
SHORTEST_STEM = 4


@dataclass(frozen=True)
class _Term:
    weight: float = 0.0
    kind: str = ""  # "" for a polar term, else one of KINDS


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    weight: float = 0.0
    negator: bool = False
    intensifier: bool = False
    boundary: bool = False  # clause punctuation or a contrast word: negation stops here
    self_negated: bool = False  # a Swahili negative verb form: its own stem is flipped


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the per-word cache
class _Lexicon:
    terms: PhraseMatcher[_Term]
    stems: dict[str, tuple[_Term, ...]]  # ~stems, found after a prefix
    stem_beginnings: frozenset[str]  # every stem's prefixes from SHORTEST_STEM letters: where a search can stop


@dataclass(frozen=True)
class _StemReading:
    """What a lexicon stem inside a word says: its weight, whether it negates, whether the word's prefix negates it."""

    weight: float
    negator: bool
    self_negated: bool


@dataclass(frozen=True)
class LexiconReading:
    """The lexicon's signed score of a text (title words count TITLE_WEIGHT times) and the neutral band: at or beyond
    +band it reads positive, at or beyond -band negative, neutral between."""

    score: float
    band: float

    @property
    def label(self) -> Sentiment:
        if self.score >= self.band:
            return "positive"
        if self.score <= -self.band:
            return "negative"
        return "neutral"


class LexiconTone:
    def __init__(self) -> None:
        self._lexicons = {language: _load(names) for language, names in LEXICON_FILES}

    def read(self, title: str, text: str, language: str) -> LexiconReading:
        """language: "sw", "en" or "other" (both lexicons); time linear in the text's length."""
        lexicon = self._lexicons.get(language, self._lexicons["other"])
        title_tokens, text_tokens = tokens(title), tokens(text)
        total = TITLE_WEIGHT * _polarity(title_tokens, lexicon) + _polarity(text_tokens, lexicon)
        words = sum(token not in CLAUSE_MARKS for token in (*title_tokens, *text_tokens))
        return LexiconReading(total, NEUTRAL_BAND * max(1.0, math.sqrt(words / BAND_WORDS)))


def _load(names: Sequence[str]) -> _Lexicon:
    terms: list[tuple[str, _Term]] = []
    stems: dict[str, tuple[_Term, ...]] = {}
    for name in names:
        for term, value in read_table(name):
            entry = _Term(kind=value) if value in KINDS else _Term(weight=float(value))
            if term.startswith("~"):
                stems[term[1:]] = (*stems.get(term[1:], ()), entry)
            else:
                terms.append((term, entry))
    beginnings = frozenset(stem[:end] for stem in stems for end in range(SHORTEST_STEM, len(stem) + 1))
    return _Lexicon(PhraseMatcher(terms), stems, beginnings)


def _polarity(text_tokens: list[str], lexicon: _Lexicon) -> float:
    cues = _cues(text_tokens, lexicon)
    intensifiers = {cue.start for cue in cues if cue.intensifier}
    total, negated_until = 0.0, -1
    for cue in cues:
        if cue.boundary:
            negated_until = -1
            continue
        if cue.weight:
            weight = cue.weight
            if (cue.start <= negated_until) != cue.self_negated:
                weight = -weight if weight > 0 else -weight * NEGATED_NEGATIVE
            if any(at in intensifiers for at in range(cue.start - INTENSITY_REACH, cue.end + INTENSITY_REACH)):
                weight *= INTENSITY
            total += weight
        if cue.negator or (cue.self_negated and cue.weight):
            negated_until = cue.end - 1 + NEGATION_REACH
    return total


def _cues(text_tokens: list[str], lexicon: _Lexicon) -> list[_Cue]:
    """Everything in the text that bears on sentiment, in order."""
    cues: list[_Cue] = []
    covered: set[int] = set()
    for match in lexicon.terms.find(text_tokens):
        kinds = {term.kind for term in match.values}
        weight = sum(term.weight for term in match.values if not term.kind)
        cues.append(
            _Cue(match.start, match.end, weight, "negator" in kinds, "intensifier" in kinds, "contrast" in kinds)
        )
        covered.update(range(match.start, match.end))
    for position, token in enumerate(text_tokens):
        if position in covered:
            continue
        if token in CLAUSE_MARKS:
            cues.append(_Cue(position, position + 1, boundary=True))
        elif token.endswith("n't"):
            cues.append(_Cue(position, position + 1, negator=True))
        elif lexicon.stems and (reading := _stem_reading(token, lexicon)) is not None:
            cues.append(_Cue(position, position + 1, reading.weight, negator=reading.negator,
                             self_negated=reading.self_negated))
    cues.sort(key=lambda cue: cue.start)
    return [cue for cue in cues if cue.weight or cue.negator or cue.intensifier or cue.boundary]


@lru_cache(maxsize=CACHED_WORDS)  # words recur
def _stem_reading(token: str, lexicon: _Lexicon) -> _StemReading | None:
    """The longest lexicon stem inside a Swahili word, and whether the word's prefix negates it."""
    best: tuple[int, int] | None = None  # offset, length
    for offset in range(min(STEM_PREFIX_LETTERS, len(token) - SHORTEST_STEM) + 1):
        prefix = token[:offset]
        # A stem starts a syllable: after a vowel or a syllabic m- (mkandarasi), never mid-word (matumizi).
        if prefix and prefix[-1] not in VOWELS and prefix != "m":
            continue
        end = offset + SHORTEST_STEM
        while end <= len(token) and token[offset:end] in lexicon.stem_beginnings:
            if token[offset:end] in lexicon.stems and (best is None or end - offset > best[1]):
                best = offset, end - offset
            end += 1
    if best is None:
        return None
    offset, length = best
    entries = lexicon.stems[token[offset : offset + length]]
    prefix = token[:offset]
    return _StemReading(
        sum(entry.weight for entry in entries),
        negator=any(entry.kind == "negator" for entry in entries),
        self_negated=prefix.startswith(NEGATIVE_PREFIX_START) or NEGATIVE_PREFIX_INFIX in prefix,
    )
