"""The one tokenizer of both stores: text cut into words, each folded (case, accents, curly apostrophes).

Both backends index the words this module gives, joined by spaces, so a query finds the same articles on
each; the highlighter uses the same word spans to mark matches in the original text.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

MAX_WORD = 64  # longer runs of letters are cut: no real word is longer, and the index stays bounded
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining accents
_LETTERS = rf"(?:[^\W_]|[{_MARKS}])+"
# Keeps Swahili ng'ombe (any apostrophe) as one word; splits serikali.Na and snake_case.
_WORD = re.compile(rf"{_LETTERS}(?:['\u2019\u02bc]{_LETTERS})*")
FOLDED_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # the same on folded text, which has no accents left
_ACCENTS = re.compile(f"[{_MARKS}]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


def fold(text: str) -> str:
    """Lower case without accents, with one kind of apostrophe: 'Ng’OMBE Señor' -> "ng'ombe senor"."""
    if text.isascii():
        return text.lower()
    # Case goes after decomposition, which can give capitals (mathematical 𝐀, modifier ᴬ) and apostrophes (ŉ).
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text)).lower().translate(_APOSTROPHES)


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str | None:
    folded = fold(char)
    return folded if len(folded) == 1 else None


def same_length_fold(text: str) -> str | None:
    """The text folded character by character, each offset kept; None when a character folds into more
    or fewer (a ligature, a lone combining accent): the caller then folds word by word."""
    if text.isascii():
        return text.lower()
    table = {}
    for char in set(text):
        folded = _folded_char(char)
        if folded is None:
            return None
        table[ord(char)] = folded
    return text.translate(table)


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Each word of the text as (start, end, folded word), in order."""
    if text.isascii():  # lower case keeps every offset, and there is nothing else to fold
        for match in FOLDED_WORD.finditer(text.lower()):
            yield match.start(), match.end(), match.group()[:MAX_WORD]
        return
    for match in _WORD.finditer(text):
        yield match.start(), match.end(), fold(match.group())[:MAX_WORD]


def words(text: str) -> list[str]:
    """The folded words of a text, in order: what a query word must equal to match."""
    return [word[:MAX_WORD] for word in FOLDED_WORD.findall(fold(text))]


def indexed_text(text: str) -> str:
    """The words of a text joined by single spaces: what each store indexes with a whitespace tokenizer."""
    return " ".join(words(text))
