"""Entities in an article: people (a title or honorific, then a capitalised name), gazetteer places, organisations.

Places come from the watch file (wards, villages and the council's district); titles and organisation words are shipped.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from settings.config import WatchFile
from pipeline.lexicons import PhraseMatch, PhraseMatcher, read_table
from store.models import Entities

CONNECTORS = frozenset({"wa", "ya", "la", "cha", "za", "of", "for", "the"})
ORGANISATION_JOINERS = frozenset({"wa", "ya", "la", "cha", "za", "na", "and", "of", "for", "&", "'"})
LOWERCASE_AFTER_CONNECTOR = 2  # "Mwalimu Mkuu wa shule hiyo, Bi. ..."
TITLE_REACH = 16  # tokens after a title in which its name may come
LONGEST_NAME = 3
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+|[^\w\s]")
_DISTRICT = re.compile(
    r"^(?P<name>.+?)\s+(?:District|Municipal|Town|City)\s+Council$|\bya\s+(?:Wilaya|Manispaa|Mji|Jiji)\s+ya\s+(?P<sw>.+)$"
)


class _Token(NamedTuple):  # made by the thousand per article: a tuple is several times cheaper to build
    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def all_caps(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()


@dataclass(frozen=True)
class _Person:
    name: str
    title: str
    start: int  # token index where the name begins


@dataclass(frozen=True)
class _OrganisationWords:
    acronyms: frozenset[str]
    heads: frozenset[str]
    tails: frozenset[str]
    admin: frozenset[str]


class EntityFinder:
    def __init__(self, watch: WatchFile) -> None:
        self._titles: PhraseMatcher[str] = PhraseMatcher((title, kind) for kind, title in read_table("titles.tsv"))
        words: dict[str, set[str]] = {"acronym": set(), "head": set(), "tail": set(), "admin": set()}
        for kind, word in read_table("organisations.tsv"):
            words[kind].add(word)
        aliases = {alias for alias in watch.aliases if alias.isupper() and " " not in alias}
        self._words = _OrganisationWords(
            frozenset(words["acronym"] | aliases), frozenset(words["head"]), frozenset(words["tail"]),
            frozenset(words["admin"]),
        )
        district = _district(watch.council)
        self._places = tuple(dict.fromkeys((*watch.wards, *watch.villages, *([district] if district else []))))
        self._place_pattern = _whole_words(self._places, ending="(?:ni)?")  # Kaoleni: at Kaole
        self._officials = {official.name: official.title for official in watch.officials}
        self._official_pattern = _whole_words(tuple(self._officials))
        self._surnames = frozenset(official.name.split()[-1] for official in watch.officials)
        self._council_pattern = _whole_words((*watch.names.sw, *watch.names.en, *watch.aliases))

    def find(self, title: str, text: str) -> Entities:
        people: list[_Person] = []
        places: list[str] = []
        organisations: list[str] = []
        for part in (title, text):
            tokens = [_Token(match.group(), *match.span()) for match in _TOKEN.finditer(part)]
            titles = {match.start: match for match in self._titles.find([token.text.lower() for token in tokens])}
            found = self._people(part, tokens, titles)
            people.extend(found)
            places.extend(self._places_in(part, tokens, found))
            organisations.extend(self._organisations(part, tokens, {person.start for person in found} | set(titles)))
        names = _distinct_names(person.name for person in people)
        kept = set(names)
        titled = {person.name: person.title for person in reversed(people) if person.name in kept}
        return Entities(
            people=names,
            places=tuple(dict.fromkeys(places)),
            organisations=tuple(dict.fromkeys(organisations)),
            titled_people=tuple(f"{titled[name]} {name}" for name in names),
        )

    def _people(self, text: str, tokens: list[_Token], titles: dict[int, PhraseMatch[str]]) -> list[_Person]:
        people = []
        for match in titles.values():
            named = self._name_after(tokens, match, titles)
            if named:
                start, end = named
                title = text[tokens[match.start].start : tokens[match.end - 1].end]
                people.append(self._person(text[tokens[start].start : tokens[end - 1].end], title, start))
        for index, found in _at_token_starts(self._official_pattern, text, tokens):
            people.append(_Person(found.group(1), self._officials[found.group(1)], index))
        return people

    def _person(self, name: str, title: str, start: int) -> _Person:
        """The watch file's official when the name is theirs in part ("Mr Selenda"), else the name as written."""
        for official in self._officials:
            if set(name.split()) <= set(official.split()):
                return _Person(official, title, start)
        return _Person(name, title, start)

    def _name_after(
        self, tokens: list[_Token], title: PhraseMatch[str], titles: dict[int, PhraseMatch[str]]
    ) -> tuple[int, int] | None:
        """Token range of the name that a title introduces, past any apposition ("wa Halmashauri ya X,")."""
        opener = "honorific" if "honorific" in title.values else "title"
        runs: list[tuple[int, int, str]] = []
        lowercase_left = 0
        position = title.end
        while position < min(len(tokens), title.end + TITLE_REACH):
            token, lowered = tokens[position], tokens[position].text.lower()
            if position in titles:
                if "honorific" not in titles[position].values:
                    break
                opener, position = "honorific", titles[position].end
            elif token.text == ",":
                opener, position = "comma", position + 1
            elif lowered in CONNECTORS:
                opener, lowercase_left, position = "connector", LOWERCASE_AFTER_CONNECTOR, position + 1
            elif token.is_word and token.capitalised:
                end = position
                while end < len(tokens) and tokens[end].is_word and tokens[end].capitalised and end not in titles:
                    end += 1
                runs.append((position, end, opener))
                opener, position = "run", end
            elif token.is_word and lowercase_left:
                opener, lowercase_left, position = "lowercase", lowercase_left - 1, position + 1
            else:
                break
        for start, end, run_opener in reversed(runs):
            named = self._name_in_run(tokens, start, end, run_opener)
            if named:
                return named
        return None

    def _name_in_run(self, tokens: list[_Token], start: int, end: int, opener: str) -> tuple[int, int] | None:
        """The person's name inside a run of capitalised words, without the places or offices before it."""
        texts = [token.text for token in tokens[start:end]]
        known = [index for index, word in enumerate(texts) if word in self._words.admin or word in self._places]
        if opener == "honorific":
            pass  # "Mr Kondo": right after an honorific comes a name, even one that is also a place
        elif known:
            start += known[-1] + 1
        elif opener == "connector":
            start += 1  # "wa Mkoa wa Pwani Abubakar Kunenge": the word after a connector is the place
        if start >= end:  # the run was all places and offices ("Mkuu wa Mkoa wa Iringa"): no name in it
            return None
        name_end = start
        while name_end < min(end, start + LONGEST_NAME):
            word = tokens[name_end].text
            if tokens[name_end].all_caps or word in self._words.tails or word in self._words.heads:
                break
            name_end += 1
        shortest = 1 if opener == "honorific" or tokens[start].text in self._surnames else 2
        return (start, name_end) if name_end - start >= shortest else None

    def _places_in(self, text: str, tokens: list[_Token], people: list[_Person]) -> list[str]:
        if not self._place_pattern:
            return []
        in_names = _merged_spans(
            (tokens[person.start].start, tokens[person.start].start + len(person.name)) for person in people
        )
        name_starts = [start for start, _ in in_names]
        return [
            found.group(1)
            for found in self._place_pattern.finditer(text)
            if not _within(found.start(), in_names, name_starts)
        ]

    def _organisations(self, text: str, tokens: list[_Token], stops: set[int]) -> list[str]:
        """Known acronyms, bracketed capitals, and capitalised chains with an organisation word; stops: where
        a person's name or a title begins, which no chain runs into."""
        found = [(index, name.group(1)) for index, name in _at_token_starts(self._council_pattern, text, tokens)]
        chains: list[tuple[int, int, str]] = []
        for index, token in enumerate(tokens):
            bracketed = 0 < index < len(tokens) - 1 and tokens[index - 1].text == "(" and tokens[index + 1].text == ")"
            if token.text in self._words.acronyms or (bracketed and token.all_caps):
                found.append((index, token.text))
        position = 0
        while position < len(tokens):
            if not tokens[position].capitalised:  # a chain starts with a capitalised word (cheap to rule out)
                position += 1
                continue
            end = self._capitalised_chain(tokens, position, stops)
            if end > position:
                span = self._organisation_in_chain(tokens, position, end)
                if span:
                    first, last = span
                    chains.append((first, last, text[tokens[first].start : tokens[last - 1].end]))
                position = end
            else:
                position += 1
        # an acronym inside a chain's name ("NMB Bank") is the same organisation; chains do not overlap
        chain_starts = [first for first, _, _ in chains]
        outside = [(index, name) for index, name in found if not _within(index, chains, chain_starts)]
        return [name for _, name in sorted(outside + [(first, name) for first, _, name in chains])]

    def _capitalised_chain(self, tokens: list[_Token], start: int, stops: set[int]) -> int:
        """End of the run of capitalised words from start, joined by ya, wa, na, of, and ...; start if none."""
        end = position = start
        while position < len(tokens):
            token = tokens[position]
            if token.is_word and token.capitalised and (position == start or position not in stops):
                position += 1
                end = position
            elif position > start and token.text.lower() in ORGANISATION_JOINERS:
                position += 1
            else:
                break
        return end

    def _organisation_in_chain(self, tokens: list[_Token], start: int, end: int) -> tuple[int, int] | None:
        """Swahili "Head ya ...", English "... Tail" or "Tail of ...", in a chain of capitalised words."""
        if tokens[start].text == "The":
            start += 1
        words = [token.text for token in tokens[start:end]]
        head_at = next((index for index, word in enumerate(words) if word in self._words.heads), None)
        tail_at = max((index for index, word in enumerate(words) if word in self._words.tails), default=None)
        if head_at is not None and len(words) - head_at >= 3:
            start += head_at
        elif tail_at is not None and words[0] in self._words.tails and len(words) >= 3:
            pass  # "Ministry of Health"
        elif tail_at is not None:
            end = start + tail_at + 1
        else:
            return None
        named = [token.text for token in tokens[start:end] if token.is_word and token.capitalised]
        if len(named) < 2 or all(word in self._words.admin or word in self._words.tails for word in named):
            return None
        return start, end


def _district(council: str) -> str | None:
    """The district's own name from the council's: "Bagamoyo District Council" -> "Bagamoyo"."""
    found = _DISTRICT.search(council)
    return (found.group("name") or found.group("sw")) if found else None


def _whole_words(terms: tuple[str, ...], ending: str = "") -> re.Pattern[str] | None:
    """Any of the terms as whole words, case as written, longest first; group 1 is the term without the ending."""
    if not terms:
        return None
    alternatives = "|".join(re.escape(term) for term in sorted(set(terms), key=len, reverse=True))
    return re.compile(rf"\b({alternatives}){ending}\b")


def _distinct_names(names: Iterable[str]) -> tuple[str, ...]:
    """Names in order of first mention, without a shorter form of a name also found in full ("Okash")."""
    unique = list(dict.fromkeys(names))
    shorter_forms = {name.split(" ", cut)[-1] for name in unique for cut in range(1, name.count(" ") + 1)}
    return tuple(name for name in unique if name not in shorter_forms)


def _at_token_starts(pattern: re.Pattern[str] | None, text: str, tokens: list[_Token]) -> Iterator[tuple[int, re.Match]]:
    """The pattern's matches that begin a token, with the token's index; a match inside a word the tokens keep
    whole ("ng'Shauri Selenda": the apostrophe joins) is no name of its own."""
    if pattern is None:
        return
    starts = {token.start: index for index, token in enumerate(tokens)}
    for found in pattern.finditer(text):
        if found.start() in starts:
            yield starts[found.start()], found


def _merged_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open spans sorted and merged where they overlap, so that a position lies in at most one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _within(position: int, spans: list[tuple], starts: list[int]) -> bool:
    """Whether position lies in one of the sorted, disjoint half-open spans (start, end, ...); starts: theirs."""
    at = bisect_right(starts, position) - 1
    return at >= 0 and position < spans[at][1]
