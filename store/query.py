"""The search query as a tree: user text is parsed once here, then each backend compiles the tree.

Supported now: words and "quoted phrases", all required (implicit AND). User text never reaches
a backend's own query syntax: backends build their queries from these nodes only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY_LENGTH = 1000
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORD_CHARS = re.compile(r"\w+(?:['’]\w+)*")  # keeps Swahili ng'ombe as one word


class QuerySyntaxError(ValueError):
    """The query text cannot be parsed; the message says what is wrong."""


@dataclass(frozen=True)
class Term:
    word: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class And:
    children: tuple[QueryNode, ...]


QueryNode = Term | Phrase | And


def parse_query(text: str) -> QueryNode | None:
    """Parse user query text; None when it holds no searchable word (match everything)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"query is {len(text)} characters long; the limit is {MAX_QUERY_LENGTH}")
    nodes: list[QueryNode] = []
    for match in _TOKEN.finditer(text):
        quoted, bare = match.groups()
        part = (quoted if quoted is not None else bare).replace("\u2019", "'")
        words = tuple(_WORD_CHARS.findall(part))
        if len(words) == 1:
            nodes.append(Term(words[0]))
        elif words:
            nodes.append(Phrase(words) if quoted is not None else And(tuple(Term(w) for w in words)))
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

