"""The query tree compiled for the SQLite store: FTS5 match expressions and SQL conditions.

Every word reaches FTS5 as a quoted string and every value as a bound parameter, never as syntax.
"""
from __future__ import annotations

from dataclasses import dataclass

from store.query import And, Keyword, Not, Or, Phrase, Prefix, QueryNode, Term, TextNode

FTS_WEIGHTS = "2.0, 1.0"  # title, text
# Keyword fields of the query language: article columns, and fields of the article_terms table.
KEYWORD_COLUMNS = {"source": "source_id", "outlet": "outlet", "language": "language"}
KEYWORD_TERMS = {
    "topic": "topics",
    "sentiment": "sentiment",
    "place": "places",
    "person": "people",
    "organisation": "organisations",
    "author": "authors",
    "about": "about_council",
}


@dataclass(frozen=True)
class Condition:
    """A SQL boolean expression over `articles` with its bound parameters, in order."""

    sql: str
    params: tuple


def match_expression(node: QueryNode) -> str | None:
    """The node as one FTS5 expression, or None when FTS5 cannot say it (a field value, or NOT
    with nothing positive beside it)."""
    if isinstance(node, Term | Prefix | Phrase):
        return _text(node)
    if isinstance(node, Or):
        parts = [match_expression(child) for child in node.children]
        return None if None in parts else " OR ".join(f"({part})" for part in parts)
    if isinstance(node, And):
        positive = [match_expression(child) for child in node.children if not isinstance(child, Not)]
        negative = [match_expression(child.child) for child in node.children if isinstance(child, Not)]
        if not positive or None in positive or None in negative:
            return None
        return " AND ".join(f"({part})" for part in positive) + "".join(f" NOT ({part})" for part in negative)
    return None


def condition(node: QueryNode) -> Condition:
    """The node as a SQL condition on `articles`, for trees FTS5 cannot match alone."""
    expression = match_expression(node)
    if expression is not None:
        return Condition("articles.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", (expression,))
    if isinstance(node, Keyword):
        return _keyword(node)
    if isinstance(node, Not):
        inner = condition(node.child)
        return Condition(f"NOT ({inner.sql})", inner.params)
    if isinstance(node, And | Or):
        parts = [condition(child) for child in node.children]
        joiner = " AND " if isinstance(node, And) else " OR "
        return Condition(joiner.join(f"({part.sql})" for part in parts), sum((part.params for part in parts), ()))
    raise TypeError(f"unsupported query node {node!r}")


def scoring_expression(node: QueryNode) -> str | None:
    """An FTS5 expression matching the words that make an article relevant: every text leaf not under
    a NOT, any of them; None when there is none (rank by date)."""
    leaves = list(dict.fromkeys(_positive_text(node)))
    return " OR ".join(f"({_text(leaf)})" for leaf in leaves) or None


def _positive_text(node: QueryNode) -> list[TextNode]:
    if isinstance(node, Term | Prefix | Phrase):
        return [node]
    if isinstance(node, And | Or):
        return [leaf for child in node.children for leaf in _positive_text(child)]
    return []


def _text(node: TextNode) -> str:
    if isinstance(node, Term):
        body = _quote(node.word)
    elif isinstance(node, Prefix):
        body = f"{_quote(node.stem)} *"
    elif node.slop is None:
        body = _quote(" ".join(node.words))
    else:
        body = f"NEAR({' '.join(_quote(word) for word in node.words)}, {node.slop})"
    return f"title : {body}" if node.field == "title" else body


def _keyword(node: Keyword) -> Condition:
    """Case is ignored with lower(), not COLLATE NOCASE: SQLite 3.40 gets `col = ? COLLATE NOCASE OR
    col = ? COLLATE NOCASE` wrong on an indexed column (found by the parity test)."""
    if node.field in KEYWORD_COLUMNS:
        return Condition(f"lower(articles.{KEYWORD_COLUMNS[node.field]}) = lower(?)", (node.value,))
    return Condition(
        "articles.rowid IN (SELECT article FROM article_terms WHERE field = ? AND lower(value) = lower(?))",
        (KEYWORD_TERMS[node.field], node.value),
    )


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
