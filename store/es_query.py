"""The query tree compiled to Elasticsearch query DSL, with the same meaning as the SQLite store's.

Words go in as match text or exact terms, never as query-string syntax; values are case-insensitive terms.
"""
from __future__ import annotations

from store.query import And, Keyword, Not, Or, Phrase, Prefix, QueryNode, Term

TEXT_BOOSTS = {"title": 2.0, "text": 1.0}
KEYWORD_PATHS = {
    "source": "source_id",
    "outlet": "outlet",
    "language": "language",
    "topic": "topics",
    "sentiment": "sentiment",
    "place": "entities.places",
    "person": "entities.people",
    "organisation": "entities.organisations",
    "author": "authors",
}
_MATCH_NONE = {"match_none": {}}


def compile_query(node: QueryNode) -> dict:
    if isinstance(node, Term | Prefix | Phrase):
        fields = [node.field] if node.field else list(TEXT_BOOSTS)
        clauses = [_text(node, field) for field in fields]
        return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}
    if isinstance(node, Keyword):
        return _keyword(node)
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [compile_query(node.child)]}}
    if isinstance(node, Or):
        return {"bool": {"should": [compile_query(child) for child in node.children], "minimum_should_match": 1}}
    if isinstance(node, And):
        positive = [compile_query(child) for child in node.children if not isinstance(child, Not)]
        negative = [compile_query(child.child) for child in node.children if isinstance(child, Not)]
        return {"bool": {"must": positive or [{"match_all": {}}], "must_not": negative}}
    raise TypeError(f"unsupported query node {node!r}")


def _text(node: Term | Prefix | Phrase, field: str) -> dict:
    boost = TEXT_BOOSTS[field]
    if isinstance(node, Term):
        return {"match": {field: {"query": node.word, "operator": "and", "boost": boost}}}
    if isinstance(node, Prefix):
        return {"prefix": {field: {"value": node.stem.lower(), "boost": boost}}}
    if node.slop is None:
        return {"match_phrase": {field: {"query": " ".join(node.words), "boost": boost}}}
    # FTS5's NEAR counts every word between the first and the last match, the inner matched ones too;
    # a span's slop counts only the unmatched ones.
    slop = node.slop - (len(node.words) - 2)
    if slop < 0:
        return _MATCH_NONE
    spans = [{"span_term": {field: word.lower()}} for word in node.words]
    return {"span_near": {"clauses": spans, "slop": slop, "in_order": False, "boost": boost}}


def _keyword(node: Keyword) -> dict:
    if node.field == "about":
        return {"term": {"about_council": node.value == "true"}}
    return {"term": {KEYWORD_PATHS[node.field]: {"value": node.value, "case_insensitive": True}}}
