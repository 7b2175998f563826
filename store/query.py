"""The search query language, parsed once into a tree that each backend compiles to its own queries.

Words, "phrases", "phrase"~N proximity, prefix*, AND / OR / NOT, -exclusion, parentheses and field:value.
User text never reaches a backend's own syntax: backends build their queries from these nodes only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from store.tokens import words

MAX_QUERY_LENGTH = 1000
MAX_TERMS = 64  # words, phrases, prefixes and field values in one query
MAX_DEPTH = 16  # parentheses and NOTs nested in one another
MAX_SLOP = 50
MIN_PREFIX = 2
_FIELD = re.compile(r"([A-Za-z]+):")
_SLOP = re.compile(r"~(\d{1,3})")
_BREAK = set(' \t\r\n()"')
OPERATORS = ("AND", "OR", "NOT")

TEXT_FIELDS = {"title": "title"}
KEYWORD_FIELDS = {  # the name a user writes : the field it filters
    "source": "source", "outlet": "outlet",
    "lang": "language", "language": "language", "lugha": "language",
    "topic": "topic", "mada": "topic",
    "tone": "sentiment", "sentiment": "sentiment",
    "place": "place", "mahali": "place",
    "person": "person", "mtu": "person",
    "org": "organisation", "organisation": "organisation",
    "author": "author", "mwandishi": "author",
    "about": "about",
}
_VALUES = {  # closed fields: each spelling a user may write : the stored value
    "sentiment": {"positive": "positive", "chanya": "positive", "neutral": "neutral", "wastani": "neutral",
                  "negative": "negative", "hasi": "negative"},
    "about": {"true": "true", "yes": "true", "ndiyo": "true", "false": "false", "no": "false", "hapana": "false"},
}


class QuerySyntaxError(ValueError):
    """The query cannot be parsed: `position` is the 1-based character where the trouble is."""

    def __init__(self, message: str, position: int | None = None) -> None:
        self.position = position
        self.reason = message
        super().__init__(f"at character {position}: {message}" if position else message)


@dataclass(frozen=True)
class Term:
    """A word, anywhere in the title or text, or only in the title (`field="title"`)."""

    word: str
    field: str | None = None


@dataclass(frozen=True)
class Prefix:
    """Any word starting with `stem` (maj* finds maji and majengo)."""

    stem: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Words together in this order; with `slop`, two words at most `slop` moves apart: a word between them
    is one move, and swapping them takes two (Lucene's slop, which both stores' engines share)."""

    words: tuple[str, ...]
    slop: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class Keyword:
    """An exact value of an article field (source, outlet, topic, tone, place, ...), case ignored."""

    field: str
    value: str


@dataclass(frozen=True)
class And:
    children: tuple[QueryNode, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[QueryNode, ...]


@dataclass(frozen=True)
class Not:
    child: QueryNode


QueryNode = Term | Prefix | Phrase | Keyword | And | Or | Not
TextNode = Term | Prefix | Phrase


@dataclass(frozen=True)
class _Token:
    kind: str  # word, phrase, field, open, close, minus, AND, OR, NOT
    text: str
    position: int  # 1-based
    slop: int | None = None


def parse_query(text: str) -> QueryNode | None:
    """Parse user query text; None when it is empty (match everything). Raises QuerySyntaxError."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"the query is {len(text)} characters long; the limit is {MAX_QUERY_LENGTH}")
    parser = _Parser(_lex(text.replace("\u201c", '"').replace("\u201d", '"')))
    if not parser.tokens:
        return None
    node = parser.parse()
    terms = leaf_count(node)
    if terms > MAX_TERMS:
        raise QuerySyntaxError(f"the query has {terms} search terms; the limit is {MAX_TERMS}")
    return node


def leaf_count(node: QueryNode) -> int:
    if isinstance(node, And | Or):
        return sum(leaf_count(child) for child in node.children)
    if isinstance(node, Not):
        return leaf_count(node.child)
    return 1


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char == "-" and text[index + 1 : index + 2] in ('"', "("):  # -"phrase", -(group)
            tokens.append(_Token("minus", "-", index + 1))
            index += 1
        elif char in "()":
            tokens.append(_Token("open" if char == "(" else "close", char, index + 1))
            index += 1
        elif char == '"':
            end = text.find('"', index + 1)
            if end < 0:
                raise QuerySyntaxError('this quote is not closed; add a closing "', index + 1)
            slop = _SLOP.match(text, end + 1)
            tokens.append(_Token("phrase", text[index + 1 : end], index + 1, int(slop.group(1)) if slop else None))
            index = slop.end() if slop else end + 1
        else:
            end = index
            while end < len(text) and text[end] not in _BREAK:
                end += 1
            tokens.extend(_bare(text[index:end], index + 1))
            index = end
    return tokens


def _bare(chunk: str, position: int) -> list[_Token]:
    """One run of text without spaces, quotes or parentheses: an operator, -, field:, or a word."""
    if chunk in OPERATORS:
        return [_Token(chunk, chunk, position)]
    if chunk.startswith("-") and len(chunk) > 1:
        return [_Token("minus", "-", position), *_bare(chunk[1:], position + 1)]
    field = _FIELD.match(chunk)
    if field:
        rest = chunk[field.end() :]
        token = _Token("field", field.group(1).lower(), position)
        return [token, _Token("word", rest, position + field.end())] if rest else [token]
    return [_Token("word", chunk, position)]


class _Parser:
    """Recursive descent over the tokens:
    query := or;  or := and (OR and)*;  and := unary ([AND] unary)*;  unary := (NOT | -) unary | primary;
    primary := ( or ) | field: (word | phrase) | phrase | word."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0

    def parse(self) -> QueryNode:
        node = self._or()
        if self.at < len(self.tokens):
            token = self.tokens[self.at]
            if token.kind == "close":
                raise QuerySyntaxError("this ) has no ( before it", token.position)
            raise QuerySyntaxError(f"unexpected {token.text!r}", token.position)
        return node

    def _peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _or(self) -> QueryNode:
        children = [self._and()]
        while (token := self._peek()) and token.kind == "OR":
            self.at += 1
            children.append(self._and(after=token))
        return _combine(Or, children)

    def _and(self, after: _Token | None = None) -> QueryNode:
        children = [self._unary(after)]
        while (token := self._peek()) and token.kind not in ("OR", "close"):
            if token.kind == "AND":
                self.at += 1
                children.append(self._unary(token))
            else:
                children.append(self._unary(None))
        return _combine(And, children)

    def _unary(self, after: _Token | None) -> QueryNode:
        token = self._peek()
        if token and token.kind in ("NOT", "minus"):
            self.at += 1
            self._nested(token)
            child = self._unary(token)
            self.depth -= 1
            return child.child if isinstance(child, Not) else Not(child)
        return self._primary(after)

    def _nested(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(f"more than {MAX_DEPTH} levels of brackets and NOT", token.position)

    def _primary(self, after: _Token | None) -> QueryNode:
        token = self._peek()
        if token is None or token.kind in ("close", "OR", "AND"):
            place = f"after {after.text}" if after else "here"
            position = token.position if token else (after.position + len(after.text) if after else None)
            found = f", found {token.text!r}" if token else ", found the end of the query"
            raise QuerySyntaxError(f'expected a word, a "phrase" or ( {place}{found}', position)
        self.at += 1
        if token.kind == "open":
            self._nested(token)
            node = self._or()
            closing = self._peek()
            if closing is None or closing.kind != "close":
                raise QuerySyntaxError("this ( is not closed; add a )", token.position)
            self.at += 1
            self.depth -= 1
            return node
        if token.kind == "field":
            return self._field(token)
        if token.kind == "phrase":
            return _phrase(token, field=None)
        return _word(token, field=None)

    def _field(self, token: _Token) -> QueryNode:
        name = token.text
        if name not in TEXT_FIELDS and name not in KEYWORD_FIELDS:
            known = ", ".join(sorted({*TEXT_FIELDS, *KEYWORD_FIELDS}))
            raise QuerySyntaxError(f"unknown field '{name}:'; the fields are {known}", token.position)
        value = self._peek()
        if value is None or value.kind not in ("word", "phrase") or value.position != token.position + len(name) + 1:
            raise QuerySyntaxError(f'expected a word or a "phrase" right after {name}:', token.position)
        self.at += 1
        if name in TEXT_FIELDS:
            field = TEXT_FIELDS[name]
            return _phrase(value, field) if value.kind == "phrase" else _word(value, field)
        return _keyword(KEYWORD_FIELDS[name], value)


def _combine(kind: type[And] | type[Or], children: list[QueryNode]) -> QueryNode:
    """Nested nodes of the same kind flattened and repeated children dropped; one child stands alone."""
    flat: list[QueryNode] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    unique = tuple(dict.fromkeys(flat))
    return unique[0] if len(unique) == 1 else kind(unique)


def _word(token: _Token, field: str | None) -> QueryNode:
    if token.text.endswith("*"):
        stem = words(token.text[:-1])
        if len(stem) != 1 or not token.text[-2:-1].isalnum() or len(stem[0]) < MIN_PREFIX:
            raise QuerySyntaxError(
                f"a prefix needs one word of at least {MIN_PREFIX} letters before the *, as in maj*", token.position
            )
        return Prefix(stem[0], field)
    found = words(token.text)
    if not found:
        raise QuerySyntaxError(
            f"{token.text!r} has no letters or digits; the operators are AND, OR, NOT, - and ( )", token.position
        )
    return Term(found[0], field) if len(found) == 1 else Phrase(tuple(found), None, field)


def _phrase(token: _Token, field: str | None) -> QueryNode:
    found = words(token.text)
    if not found:
        raise QuerySyntaxError("this phrase has no words in it", token.position)
    if token.slop is not None:
        if token.slop > MAX_SLOP:
            raise QuerySyntaxError(f"words can be at most {MAX_SLOP} apart (~{MAX_SLOP})", token.position)
        found = list(dict.fromkeys(found))
        if len(found) > 2:
            raise QuerySyntaxError(
                'nearness is between two words, as in "maji mradi"~5; for more, join pairs with AND', token.position
            )
    if len(found) == 1:
        return Term(found[0], field)
    return Phrase(tuple(found), token.slop, field)


def _keyword(field: str, token: _Token) -> Keyword:
    value = " ".join(token.text.split())
    if not value:
        raise QuerySyntaxError(f"an empty value for {field}", token.position)
    closed = _VALUES.get(field)
    if closed is not None:
        if value.lower() not in closed:
            choices = ", ".join(closed)
            raise QuerySyntaxError(f"'{value}' is not a value of this field; use one of {choices}", token.position)
        value = closed[value.lower()]
    return Keyword(field, value)
