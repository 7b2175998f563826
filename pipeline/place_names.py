"""Whether a ward's or village's name, where a text has it, names that place: the evidence that it does, or why not.

A name that is also an everyday word (kati, mjini, sokoni) needs a sign of a place; any name may be someone else's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib.resources import files

from settings.config import WatchFile
from pipeline.lexicons import read_table
from pipeline.normalise import without_accents

LOCATIVE = "ni"
MAX_GIVEN_NAMES = 3  # name words between a title and a place name that is someone's surname
REACH = 60  # characters looked at on each side of a name: enough for four words, and the cost stays linear
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
SENTENCE_END = frozenset(".!?:;…\n")
OPENERS = frozenset(" \t\r\"'“”‘’«»([{-–—•*·")
# Before a name: an administrative unit and its connective, or the unit's locative (kijijini Kaole); a list of
# names may stand between ("kata za Dunda, Zinga na Kati").
_CUE_BEFORE = re.compile(
    r"(?:\b(?:kata|kijiji|vijiji|kitongoji|vitongoji|mtaa|mitaa|shehia|eneo|maeneo|diwani|ward|wards|village|villages)"
    r"(?:\s+(?:ya|za|cha|vya|wa|la|of|the))*|\b(?:kijijini|katani|mtaani))\s+"
    r"(?:[^\W\d_]+(?:\s*,\s*|\s+(?:na|and)\s+))*$"
)
_CUE_AFTER = re.compile(r"^\s+(?:ward|village|kata|kijiji)\b")
# Before a name: a school, clinic, hospital, market, station or prison named after the place ("Sekondari Mtoni",
# "Zahanati ya Kati", "Kituo cha Afya cha Sokoni"); only for a name not in lower case ("shule ya awali" is the word).
_INSTITUTION_BEFORE = re.compile(
    r"\b(?:shule|sekondari|msingi|zahanati|hospitali|soko|kituo|afya|polisi|gereza)(?:\s+(?:ya|la|cha|wa))?\s+$"
)
# Right before a name followed by a capitalised word: what introduces a place ("huko Dunda Mashariki"), not a person.
PLACE_INTRODUCERS = frozenset({
    "huko", "huku", "hapa", "hapo", "pale", "katika", "ktk", "kutoka", "toka", "kwenda", "kuelekea", "hadi", "mpaka",
    "ndani", "karibu", "jirani", "mjini", "jijini", "wilayani", "mkoani", "ya", "wa", "la", "cha", "za", "vya", "kwa",
    "in", "at", "from", "to", "of", "near",
})
# After an everyday word, in any case: what makes it the name of a venue or a business ("Mlimani city", "Amani Mall").
VENUE_WORDS = frozenset({"city", "mall", "plaza", "hotel", "club", "centre", "center", "tower", "towers"})
# After a name: the district it is in. Ours makes it the council's place; another district makes it a namesake.
_DISTRICT_AFTER = re.compile(
    r"^(?:\s+(?:ward|village))?[\s,]+(?:(?:[^\W\d_]+\s+){0,2}?"
    r"(?:wilayani|wilaya\s+ya|manispaa\s+ya|halmashauri\s+ya\s+(?:wilaya|mji|jiji)\s+ya)\s+(?P<sw>[^\W\d_]+)"
    r"|(?:in\s+)?(?P<en>[^\W\d_]+)\s+(?:district|municipal|municipality)\b)"
)
NEXT_WORD = re.compile(r" ([^\W\d_]+)")
WORD_BEFORE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*$")
CONNECTIVE_BEFORE = re.compile(r"(?<= )(?:na )?(?:ya|wa|la|za|cha|vya|of|and) $", re.IGNORECASE)
DEMONSTRATIVES = frozenset({"humo", "hapa", "hapo", "huko", "hiyo", "hii", "hilo", "hicho", "yetu", "yake", "yao"})


class Verdict(Enum):
    PLACE = "place"  # counts, with its evidence
    UNSURE = "unsure"  # an everyday word where case says nothing: counts if the article names it as a place elsewhere
    NOT_PLACE = "not a place"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: str  # the evidence for a place, or why it is not one


@cache
def _everyday_counts() -> dict[str, tuple[int, int]]:
    """The shipped list (lexicons/everyday_sw.tsv): each word, and how often real tweets write it in lower case and
    capitalised inside a sentence."""
    table = files("pipeline.lexicons").joinpath("everyday_sw.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in table.splitlines() if line and not line.startswith("#"))
    return {row[0]: (int(row[1]), int(row[2])) for row in rows}


@cache
def everyday_words() -> frozenset[str]:
    """The words of real Swahili tweets written in lower case at least half as often as capitalised."""
    return frozenset(_everyday_counts())


def _seldom_lower(folded: str) -> bool:
    """Not an everyday word, or one that tweets capitalise at least as often as not (a name written as a handle)."""
    lower, capitalised = _everyday_counts().get(folded, (0, 0))
    return capitalised >= lower


def _fold(text: str) -> str:
    return without_accents(text.casefold())


def is_everyday(name: str, extra: frozenset[str] = frozenset()) -> bool:
    """A one-word name that is an everyday word, or the locative (-ni) of one: Kati, Sokoni (soko), Mjini (mji)."""
    folded = _fold(name.strip())
    if not WORD.fullmatch(folded):
        return False
    stem = folded.removesuffix(LOCATIVE)
    return folded in extra or folded in everyday_words() or (len(stem) >= 2 and stem in everyday_words())


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _all_capitals(word: str) -> bool:
    return word.isupper() and len(word) > 1


class PlaceJudge:
    """Judges one name where it stands, from the text around it and the watch file; built once per watch file."""

    def __init__(self, watch: WatchFile) -> None:
        extra = frozenset(_fold(word) for word in watch.everyday_words)
        self._everyday_names = frozenset(
            _fold(name) for name in (*watch.wards, *watch.villages) if is_everyday(name, extra)
        )
        self._district = _fold(watch.place) if watch.place else None
        titles = [title for official in watch.officials for title in (official.title, *official.other_titles)]
        shipped = [title for _, title in read_table("titles.tsv")]
        self._titles = frozenset(
            _fold(title).rstrip(".") for title in (*watch.honorifics, *titles, *shipped) if " " not in title.strip()
        )
        council_terms = (*watch.wards, *watch.villages, *watch.names.sw, *watch.names.en, *watch.aliases,
                         *((watch.place,) if watch.place else ()))
        self._own_words = frozenset(_fold(word) for term in council_terms for word in WORD.findall(term))

    def everyday(self, term: str) -> bool:
        return _fold(term) in self._everyday_names

    def judge(self, text: str, start: int, end: int, term: str, kind: str) -> Judgement:
        """Is text[start:end], which matched the ward or village `term` (kind: "ward" or "village"), that place?"""
        before, after = text[max(0, start - REACH) : start], text[end : end + REACH]
        folded_before, folded_after = _fold(before), _fold(after)
        district = _DISTRICT_AFTER.match(folded_after)
        named = district and (district.group("sw") or district.group("en"))
        where = after[: district.end()].strip(" ,") if district else ""
        if named and named != self._district and named not in DEMONSTRATIVES:
            return Judgement(Verdict.NOT_PLACE, f"'{term}' here is in another district ({where})")
        person = self._person_before(text, start, given_names=not self.everyday(term))
        if person:
            return Judgement(Verdict.NOT_PLACE, f"'{term}' here is a person's name ({person} {text[start:end]})")
        cue = _CUE_BEFORE.search(folded_before)
        if cue:
            return Judgement(Verdict.PLACE, f"after '{before[cue.start():].split()[0]}'")
        if _CUE_AFTER.match(folded_after):
            return Judgement(Verdict.PLACE, f"before '{after.split()[0]}'")
        if named == self._district:
            return Judgement(Verdict.PLACE, f"with the district after it ({where})")
        institution = _INSTITUTION_BEFORE.search(folded_before)
        if institution and not text[start].islower():
            return Judgement(Verdict.PLACE, f"after '{before[institution.start():].split()[0]}'")
        if not self.everyday(term):
            surname = self._surname_after(text, start, end)
            if surname:
                return Judgement(Verdict.NOT_PLACE, f"'{term}' here is a person's given name ({text[start:end]} "
                                                    f"{surname})")
            return Judgement(Verdict.PLACE, f"a {kind} name that is not an everyday word")
        return self._everyday_word(text, start, end)

    def _word_before(self, text: str, start: int) -> tuple[str, int] | None:
        """The word one space before `start`, and where it starts."""
        if start < 2 or text[start - 1] != " ":
            return None
        found = WORD_BEFORE.search(text, max(0, start - REACH), start - 1)
        return (found.group(), found.start()) if found else None

    def _name_like(self, word: str) -> bool:
        """Capitalised or in capitals, and neither an everyday word nor one of the council's own: part of a name."""
        folded = _fold(word)
        return (_capitalised(word) or _all_capitals(word)) and folded not in everyday_words() \
            and folded not in self._own_words

    def _person_before(self, text: str, start: int, given_names: bool) -> str | None:
        """The name's first words when a title or given names come right before it: "Mhe Stanslaus Kondo",
        "DKT FARAJI KASIDI MAPINGA"; with `given_names`, also "Martin Dunda" (a capitalised word that is no everyday
        word, inside a sentence; before an everyday word such a word makes a longer name: Unguja Mjini)."""
        run: list[tuple[str, int]] = []  # the name-like words right before, nearest first
        position = start
        while len(run) < MAX_GIVEN_NAMES and (previous := self._word_before(text, position)):
            word, position = previous
            if _fold(word).rstrip(".") in self._titles:
                return " ".join([word, *(name for name, _ in reversed(run))])
            if not self._name_like(word):
                break
            run.append(previous)
        if given_names and run and _capitalised(run[0][0]) and not _starts_sentence(text, run[0][1]):
            return run[0][0]
        return None

    def _surname_after(self, text: str, start: int, end: int) -> str | None:
        """The surname when a capitalised name word follows and nothing before introduces a place: "Bondia Kaole
        Mwakinyo", "hapa Dunda Kulaya anaeleza" (not "huko Dunda Mashariki", nor "Dunda NBS", in capitals)."""
        following = NEXT_WORD.match(text, end)
        if not following or not _capitalised(word := following.group(1)) or not _seldom_lower(folded := _fold(word)) \
                or folded in self._own_words:
            return None
        previous = self._word_before(text, start)
        if previous and _fold(previous[0]) in PLACE_INTRODUCERS:
            return None
        return word

    def _everyday_word(self, text: str, start: int, end: int) -> Judgement:
        word = text[start:end]
        if not word[:1].isupper():
            return Judgement(Verdict.NOT_PLACE, f"'{word}' is the everyday word here (in lower case)")
        longer = self._longer_name(text, start, end)
        if longer:
            return Judgement(Verdict.NOT_PLACE, f"'{word}' is part of a longer name here ({longer})")
        if _all_capitals(word):
            return Judgement(Verdict.UNSURE, f"'{word}' is in capitals, with no sign of a place")
        if _starts_sentence(text, start):
            return Judgement(Verdict.UNSURE, f"'{word}' starts a sentence, with no sign of a place")
        return Judgement(Verdict.PLACE, "capitalised inside a sentence")

    def _longer_name(self, text: str, start: int, end: int) -> str | None:
        """A capitalised name that this everyday word ends or starts: Afrika ya Kati, Unguja Mjini, Mlimani City."""
        following = NEXT_WORD.match(text, end)
        if following and (self._name_like(following.group(1)) or _fold(following.group(1)) in VENUE_WORDS):
            return f"followed by '{following.group(1)}'"
        previous = self._word_before(text, start)
        if previous and _capitalised(previous[0]) and self._name_like(previous[0]) \
                and not _starts_sentence(text, previous[1]):
            return f"after '{previous[0]}'"
        connected = CONNECTIVE_BEFORE.search(text, max(0, start - REACH), start)
        if not connected:
            return None
        run = list(WORD.finditer(text, max(0, start - REACH), connected.start()))[-2:]
        if not run or run[-1].end() != connected.start() - 1 or not _capitalised(last := run[-1].group()) \
                or _fold(last) in self._own_words:
            return None
        # A name before the connective (Afrika ya Kati), or two capitalised words (Biashara Ndogo na za Kati)
        capitalised = [match.group() for match in run if _capitalised(match.group()) or _all_capitals(match.group())]
        if self._name_like(last) or (len(capitalised) == 2 and not _starts_sentence(text, run[0].start())):
            return f"after '{' '.join(capitalised if len(capitalised) == 2 else [last])}'"
        return None


def _starts_sentence(text: str, position: int) -> bool:
    """Whether text[position] begins a sentence: nothing but spaces, quotes or brackets after a full stop or a line."""
    index = position - 1
    floor = max(-1, position - REACH)
    while index > floor and text[index] in OPENERS:
        index -= 1
    return index < 0 or text[index] in SENTENCE_END
