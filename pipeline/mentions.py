"""Council mentions: which watch-file term matched where in an article, and whether the story is about the council.

Each match says its rule, term, field, offsets, snippet and evidence; a namesake, an everyday word or a lone place name
is kept as an exclusion with its reason.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from types import MappingProxyType

from settings.config import WatchFile
from pipeline.normalise import without_accents
from pipeline.place_names import PlaceJudge, Verdict
from store.models import Mention  # rule: name, alias, official, project, ward, village, place, setting

# Evidence each rule gives. The bare place name is shared with the town and the constituency, so it
# counts only in an article that also has a mention of another rule. A ward or village in the title or
# lead with the district named in the same sentence sets the story in the council's area: about its service
# delivery, so that mention adds a "setting" one ("Wakazi wa kata ya Kati wilayani Bagamoyo wamelalamikia ...").
RULE_WEIGHTS = MappingProxyType(
    {"name": 1.0, "alias": 1.0, "official": 1.0, "project": 0.5, "ward": 0.5, "village": 0.5, "place": 0.25,
     "setting": 0.5}
)
EVIDENCE = MappingProxyType({
    "name": "the council's name", "alias": "the council's short name", "official": "an official's full name",
    "project": "a flagship project's name", "place": "the district's name, beside other mentions of the council",
})
PLACE_RULES = ("ward", "village")
SETTING = "setting"
NAMESAKE = "namesake"
SURNAME = "surname"  # a bare surname: kept only if the article also names the official or the council
SENTENCE_END = re.compile(r"[.!?\n]")

# Where a mention is: the title counts most, then the lead (the text's first paragraph, at most
# LEAD_CHARS long), then the body. A document whose points reach ABOUT_POINTS is about the council:
# one strong mention in the title or lead, three in the body, a ward in the title with the place name; but
# wards and villages alone only from the title or with the district named (the setting).
TITLE_FACTOR, LEAD_FACTOR, BODY_FACTOR = 3.0, 2.0, 0.7
LEAD_CHARS = 400
ABOUT_POINTS = 2.0
PASSING_POINTS = 1.9  # the most that wards and villages in passing reach: just under the line
SNIPPET_CHARS = 60

# Swahili: a place takes the locative -ni (Bagamoyoni = in Bagamoyo); a longer place name also takes an
# attached class prefix (Wabagamoyo = the people of Bagamoyo). Shorter names do not, since m+Kondo is
# "mkondo" (a current). Connectives (wa, ya, la, kwa) are separate words and need no rule, and a
# possessive or demonstrative may stand between the words of a name ("Halmashauri yetu ya Wilaya ...").
LOCATIVE = "ni"
ATTACHED_PREFIXES = ("wa", "ki", "m")
MIN_PREFIXED_LETTERS = 6
POSSESSIVES = ("yetu", "yake", "yao", "yenu", "yangu", "hiyo", "hii", "hizo", "hilo", "hicho", "huo", "ile")
WORD_GAP = r"[\s\-]+(?:(?:" + "|".join(POSSESSIVES) + r")[\s,]+)?"
TITLE_GAP = r"[\s,.]+"
# A term starts where no letter or digit is before it (nor a word and an apostrophe: ng'ombe is one
# word) and ends where no letter or digit follows ("Bagamoyo's" ends at the apostrophe).
WORD_START = r"(?<!\w)(?<!\w')"
WORD_END = r"(?!\w)"
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})
NON_ASCII = re.compile(r"[^\x00-\x7f]+")
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Exclusion:
    mention: Mention
    reason: str


@dataclass(frozen=True)
class CouncilMentions:
    mentions: tuple[Mention, ...]
    about_council: bool
    relevance: float  # points / (points + ABOUT_POINTS): 0 for none, 0.5 exactly at the about_council line
    excluded: tuple[Exclusion, ...] = ()


@dataclass(frozen=True)
class _Term:
    rule: str
    term: str
    evidence: str = ""


@dataclass(frozen=True)
class _Branch:
    """One alternative of the matcher's expression: `span` is reported, `before` (a title) only required."""

    term: _Term
    span: str
    first_words: tuple[str, ...]  # the folded words it can start with: where the expression is tried
    prefixes: tuple[str, ...] = ("",)  # what may be attached before a first word
    before: str = ""
    words: int = 1  # the number of words it matches; more words win at the same position


@dataclass(frozen=True)
class _Folded:
    """A field casefolded with accents stripped, and where each folded character came from."""

    text: str
    starts: tuple[int, ...] | None  # None: the folded text lines up with the original one to one
    ends: tuple[int, ...] | None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> str:
    """Casefold, strip accents and unify apostrophes and hyphens; may change the length (ß -> ss)."""
    return without_accents(text.casefold()).translate(APOSTROPHES)


def fold_with_offsets(text: str) -> _Folded:
    """`fold` for matching, keeping the way back to the original offsets only when some character changed length."""
    if text.isascii():
        return _Folded(text.lower(), None, None)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    shifted = False
    for run in NON_ASCII.finditer(text):
        pieces.append(text[done : run.start()].lower())
        starts.extend(range(done, run.start()))
        ends.extend(range(done + 1, run.start() + 1))
        for index in range(run.start(), run.end()):
            folded = fold(text[index])
            shifted = shifted or len(folded) != 1
            if not folded and ends:  # a lone combining accent belongs to the letter before it
                ends[-1] = index + 1
            pieces.append(folded)
            starts.extend([index] * len(folded))
            ends.extend([index + 1] * len(folded))
        done = run.end()
    pieces.append(text[done:].lower())
    starts.extend(range(done, len(text)))
    ends.extend(range(done + 1, len(text) + 1))
    if not shifted:
        return _Folded("".join(pieces), None, None)
    return _Folded("".join(pieces), tuple(starts), tuple(ends))


def _phrase(term: str) -> str:
    """A regular expression for a folded term's words; a full stop in a term is optional (Bw. = Bw)."""
    words = fold(term).replace("-", " ").split()
    return WORD_GAP.join(re.escape(word).replace(r"\.", r"\.?") for word in words)


def _first_word(term: str) -> str:
    return WORD.findall(fold(term))[0]


def _affixes(term: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The prefixes and suffixes (each including "") a place name may take."""
    folded = fold(term)
    if len(WORD.findall(folded)) > 1:
        return ("",), ("",)
    prefixes = ("", *ATTACHED_PREFIXES) if len(folded) >= MIN_PREFIXED_LETTERS else ("",)
    return prefixes, ("",) if folded.endswith(LOCATIVE) else ("", LOCATIVE)


def _place_branch(rule: str, term: str) -> _Branch:
    prefixes, suffixes = _affixes(term)
    span = f"(?:{'|'.join(prefixes)}){_phrase(term)}(?:{'|'.join(suffixes)})"
    return _Branch(_Term(rule, term), span, (_first_word(term),), prefixes, words=len(term.split()))


def _branches(watch: WatchFile) -> Iterator[_Branch]:
    rules = (
        ("name", (*watch.names.sw, *watch.names.en)),
        ("alias", watch.aliases),
        ("project", watch.projects),
        (NAMESAKE, watch.namesakes),
        ("official", tuple(official.name for official in watch.officials)),
    )
    for rule, terms in rules:
        for term in terms:
            yield _Branch(_Term(rule, term), _phrase(term), (_first_word(term),), words=len(term.split()))
    places = (("ward", watch.wards), ("village", watch.villages), ("place", (watch.place,) if watch.place else ()))
    for rule, terms in places:
        for term in terms:
            yield _place_branch(rule, term)
    for official in watch.officials:
        titles = (official.title, *official.other_titles, *watch.honorifics)
        before = "(?:" + "|".join(_phrase(title) for title in titles) + ")" + TITLE_GAP
        first_words = tuple(_first_word(title) for title in titles)
        yield _Branch(
            _Term("official", official.name, "the surname after a title"), _phrase(_surname(official.name)),
            first_words, before=before, words=2,
        )


def _surname(name: str) -> str:
    return WORD.findall(fold(name))[-1]


def _snippet(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - SNIPPET_CHARS) : end + SNIPPET_CHARS].split())


class MentionMatcher:
    """Finds the watch file's terms in an article's title and text; compile once, call `find` per article.

    All terms are alternatives of one expression, tried only at a word that can start one. The
    alternatives go longest first, so the longest term wins at a position and a namesake
    ("Mji wa Bagamoyo") swallows the shorter term inside it ("Bagamoyo").
    """

    def __init__(self, watch: WatchFile) -> None:
        branches = sorted(_branches(watch), key=lambda branch: -branch.words)
        self._terms = tuple(branch.term for branch in branches)
        alternatives = (f"{branch.before}(?P<t{number}>{branch.span})" for number, branch in enumerate(branches))
        self._pattern = re.compile(WORD_START + "(?:" + "|".join(alternatives) + ")" + WORD_END)
        self._officials_by_surname = {_surname(official.name): official.name for official in watch.officials}
        surnames = "|".join(map(re.escape, self._officials_by_surname)) or "(?!)"  # (?!) never matches
        self._surnames = re.compile(WORD_START + "(?:" + surnames + ")" + WORD_END)
        prefixes: dict[str, set[str]] = {surname: {""} for surname in self._officials_by_surname}
        for branch in branches:
            for word in branch.first_words:
                prefixes.setdefault(word, set()).update(branch.prefixes)
        self._triggers = tuple((word, tuple(sorted(attached - {""}))) for word, attached in prefixes.items())
        self._places = PlaceJudge(watch)

    def find(self, title: str, text: str) -> CouncilMentions:
        """The mentions, title first then in text order; points are RULE_WEIGHTS times the position factors."""
        found: list[Mention] = []
        excluded: list[Exclusion] = []
        surnames: list[Mention] = []
        unsure: list[Exclusion] = []  # an everyday word where case says nothing: a place if named as one elsewhere
        for field, value in (("title", title), ("text", text)):
            folded = fold_with_offsets(value)
            for term, (start, end) in self._scan(folded):
                evidence = term.evidence or EVIDENCE.get(term.rule, "")
                mention = Mention(term.rule, term.term, field, start, end, _snippet(value, start, end), evidence)
                if term.rule == NAMESAKE:
                    excluded.append(Exclusion(mention, f"'{term.term}' is a namesake, not the council"))
                elif term.rule == SURNAME:
                    surnames.append(replace(mention, rule="official", evidence="the surname, once the article "
                                                                                "names the official or the council"))
                elif term.rule in PLACE_RULES:
                    judgement = self._places.judge(value, start, end, term.term, term.rule)
                    judged = replace(mention, evidence=judgement.reason)
                    if judgement.verdict is Verdict.PLACE:
                        found.append(judged)
                    else:
                        (unsure if judgement.verdict is Verdict.UNSURE else excluded).append(
                            Exclusion(judged, judgement.reason))
                else:
                    found.append(mention)
        places_named = {mention.term for mention in found if mention.rule in PLACE_RULES}
        for exclusion in unsure:
            if exclusion.mention.term in places_named:
                found.append(replace(exclusion.mention, evidence="named as a place elsewhere in the article"))
            else:
                excluded.append(exclusion)
        # An official's bare surname ("Selenda alisema") counts once the article has named them or the council.
        council_named = any(mention.rule in ("name", "alias") for mention in found)
        named = {mention.term for mention in found if mention.rule == "official"}
        found += [mention for mention in surnames if council_named or mention.term in named]
        if all(mention.rule == "place" for mention in found):
            reason = "the bare place name, with no other mention of the council in the article"
            excluded += [Exclusion(mention, reason) for mention in found]
            found = []
        lead_end = _lead_end(text)
        setting = _setting(found, {"title": title, "text": text}, lead_end)
        found += [setting] if setting else []
        found.sort(key=lambda mention: (mention.field != "title", mention.start, mention.rule == SETTING))
        points = sum(RULE_WEIGHTS[mention.rule] * _position_factor(mention, lead_end) for mention in found)
        if _places_in_passing(found):
            points = min(points, PASSING_POINTS)
        return CouncilMentions(
            mentions=tuple(found),
            about_council=points >= ABOUT_POINTS,
            relevance=round(points / (points + ABOUT_POINTS), 3),
            excluded=tuple(excluded),
        )

    def _scan(self, folded: _Folded) -> Iterator[tuple[_Term, tuple[int, int]]]:
        """(term, span in the original) for each match, left to right, not overlapping; bare surnames too."""
        matched_to = 0
        for start in self._candidate_starts(folded.text):
            if start < matched_to:
                continue
            if match := self._pattern.match(folded.text, start):
                group = match.lastgroup or ""
                matched_to = match.end()
                yield self._terms[int(group[1:])], folded.original_span(*match.span(group))
            elif surname := self._surnames.match(folded.text, start):
                term = _Term(SURNAME, self._officials_by_surname[surname.group()])
                yield term, folded.original_span(*surname.span())

    def _candidate_starts(self, text: str) -> list[int]:
        """Where a trigger word starts a word, or follows an attached prefix (str.find beats a regex scan)."""
        starts: list[int] = []
        for word, attached in self._triggers:
            found = text.find(word)
            while found >= 0:
                if found == 0 or not text[found - 1].isalnum():
                    starts.append(found)
                starts += [found - len(prefix) for prefix in attached if text.endswith(prefix, 0, found)]
                found = text.find(word, found + 1)
        return sorted(starts)


def _setting(found: list[Mention], values: dict[str, str], lead_end: int) -> Mention | None:
    """A ward or village in the title or lead with the district named in the same sentence, as one mention of both."""
    reach = {"title": min(len(values["title"]), LEAD_CHARS), "text": lead_end}
    near = [mention for mention in found if mention.end <= reach[mention.field]]  # a bounded few: cost stays linear
    districts = [mention for mention in near if mention.rule == "place"]
    for place in (mention for mention in near if mention.rule in PLACE_RULES):
        value = values[place.field]
        for district in (mention for mention in districts if mention.field == place.field):
            between = min(place.end, district.end), max(place.start, district.start)
            if not SENTENCE_END.search(value, *between):
                start, end = min(place.start, district.start), max(place.end, district.end)
                evidence = (f"a story set in the council's {place.rule} {place.term}, with the district named "
                            f"in the same sentence: about the council's service delivery")
                return Mention(SETTING, place.term, place.field, start, end, _snippet(value, start, end), evidence)
    return None


def _places_in_passing(found: list[Mention]) -> bool:
    """Only wards, villages and the district, none in the title and none with the district in its sentence: a story
    that passes through the council's places (a namesake's, perhaps) but is not set in one."""
    return all(mention.rule in (*PLACE_RULES, "place") and mention.field != "title" for mention in found)


def _lead_end(text: str) -> int:
    paragraph_end = text.find("\n", len(text) - len(text.lstrip()))
    return min(LEAD_CHARS, len(text) if paragraph_end < 0 else paragraph_end)


def _position_factor(mention: Mention, lead_end: int) -> float:
    if mention.field == "title":
        return TITLE_FACTOR
    return LEAD_FACTOR if mention.start < lead_end else BODY_FACTOR
