"""Highlights for both stores: the query's words marked in an article's own text, as safe HTML.

The text is cut into words by the stores' one tokenizer, so a mark falls where the match was; the untrusted
text is escaped first and only then are the marks turned into <mark> elements. Work is bounded per article.
"""
from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from store.query import And, Or, Phrase, Prefix, QueryNode, Term
from store.tokens import FOLDED_WORD, MAX_WORD, same_length_fold, word_spans

MARK_START = "\ue000"
MARK_END = "\ue001"
FRAGMENTS = 3
FRAGMENT_CHARS = 200
SCANNED_CHARS = 200_000  # matches past this point of a very long text are not looked for


@dataclass
class _Wanted:
    """The positive text leaves of a query for one field: single words, prefixes and exact phrases."""

    words: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes or self.phrases)


def strip_sentinels(text: str) -> str:
    """Remove sentinel characters from untrusted text before it is stored."""
    return text.replace(MARK_START, "").replace(MARK_END, "")


def render_snippet(marked: str) -> str:
    """Escape a sentinel-marked snippet and turn the sentinels into <mark> tags."""
    escaped = html.escape(marked, quote=True)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def highlights(query: QueryNode | None, title: str, text: str) -> dict[str, list[str]]:
    """The title with its matches marked, and up to FRAGMENTS pieces of the text around its first matches;
    a field without a match is absent."""
    found: dict[str, list[str]] = {}
    if query is None:
        return found
    for name, value in (("title", title), ("text", text)):
        wanted = _wanted(query, name)
        spans = _marked_spans(value[:SCANNED_CHARS], wanted, None if name == "title" else FRAGMENTS) if wanted else []
        if not spans:
            continue
        found[name] = [_mark(value, spans)] if name == "title" else _fragments(value, spans)
    return found


def _wanted(query: QueryNode, field_name: str) -> _Wanted:
    wanted = _Wanted()

    def visit(node: QueryNode) -> None:
        if isinstance(node, And | Or):
            for child in node.children:
                visit(child)
        elif isinstance(node, Term | Prefix | Phrase) and node.field in (None, field_name):
            if isinstance(node, Term):
                wanted.words.add(node.word)
            elif isinstance(node, Prefix):
                wanted.prefixes.add(node.stem)
            elif node.slop is None:
                wanted.phrases.add(node.words)
            else:  # words near one another: each is marked where it occurs
                wanted.words.update(node.words)
        # a Not's words are what the article does not have; a Keyword is not in the text

    visit(query)
    return wanted


def _marked_spans(value: str, wanted: _Wanted, windows: int | None = None) -> list[tuple[int, int]]:
    """The character spans to mark, in order, merged where marked words run on; with `windows`, the scan
    stops once that many fragments' worth of marks are found."""
    folded = same_length_fold(value)
    words = word_spans(value) if folded is None else _near_candidates(folded, wanted)
    longest = max((len(phrase) for phrase in wanted.phrases), default=1)
    recent: deque[tuple[int, int, str]] = deque(maxlen=longest)
    found: list[tuple[int, int]] = []
    opened, window_end = 0, -1
    for start, end, word in words:
        if windows is not None and opened == windows and start > window_end:
            break
        if recent and start < recent[-1][1]:  # candidates' phrase continuations can overlap: read each word once
            continue
        recent.append((start, end, word))
        begin = None
        if word in wanted.words or any(word.startswith(stem) for stem in wanted.prefixes):
            begin = start
        for phrase in wanted.phrases:
            tail = list(recent)[-len(phrase) :]
            if len(tail) == len(phrase) and tuple(word for _, _, word in tail) == phrase:
                begin = min(begin if begin is not None else start, tail[0][0])
        if begin is None:
            continue
        while found and found[-1][0] >= begin:  # a phrase takes in the marks of its first words
            found.pop()
        if found and not value[found[-1][1] : begin].strip():
            found[-1] = (found[-1][0], end)
        else:
            found.append((begin, end))
        if begin > window_end:
            opened, window_end = opened + 1, begin + FRAGMENT_CHARS
    return found


def _near_candidates(folded: str, wanted: _Wanted) -> Iterator[tuple[int, int, str]]:
    """The words where a match may start, each followed by the words a phrase needs after it: a regular
    expression finds them in C instead of reading every word in Python."""
    starts = {*wanted.words, *wanted.prefixes, *(phrase[0] for phrase in wanted.phrases)}
    following = max((len(phrase) for phrase in wanted.phrases), default=1) - 1
    pattern = re.compile(r"(?<![^\W_])(?<![^\W_]')(?:" + "|".join(map(re.escape, sorted(starts, key=len, reverse=True))) + ")")
    for candidate in pattern.finditer(folded):
        at = candidate.start()
        for _ in range(following + 1):
            word = FOLDED_WORD.search(folded, at)
            if word is None:
                break
            yield word.start(), word.end(), word.group()[:MAX_WORD]
            at = word.end()


def _mark(value: str, spans: list[tuple[int, int]], begin: int = 0, end: int | None = None) -> str:
    end = len(value) if end is None else end
    pieces, at = [], begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        pieces += [value[at:start], MARK_START, value[start:stop], MARK_END]
        at = stop
    pieces.append(value[at:end])
    return render_snippet("".join(pieces))


def _fragments(value: str, spans: list[tuple[int, int]]) -> list[str]:
    """Windows of about FRAGMENT_CHARS around the first matches, cut at spaces, none overlapping."""
    windows: list[tuple[int, int]] = []
    for start, stop in spans:
        if len(windows) == FRAGMENTS:
            break
        if windows and start < windows[-1][1]:
            continue
        begin = max(0, start - (FRAGMENT_CHARS - (stop - start)) // 2)
        begin = value.rfind(" ", 0, begin) + 1 if begin else 0
        end = value.find(" ", min(len(value), begin + FRAGMENT_CHARS))
        windows.append((begin, len(value) if end < 0 else end))
    return [
        ("…" if begin else "") + _mark(value, spans, begin, end).strip() + ("…" if end < len(value) else "")
        for begin, end in windows
    ]
