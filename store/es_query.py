"""The query tree compiled to Elasticsearch query DSL, with the same meaning as the embedded store's.

Words arrive folded by the stores' one tokenizer and go in as terms of the word fields; values, case-insensitive terms.
"""
from __future__ import annotations

from store.query import And, Keyword, Not, Or, Phrase, Prefix, QueryNode, Term

TEXT_BOOSTS = {"title": 2.0, "text": 1.0}
# Each text field's words as store.tokens.indexed_text gives them, split again on spaces by the index.
WORD_FIELDS = {"title": "title_words", "text": "text_words"}
WORDS_ANALYZER = "whitespace"
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
    path, boost = WORD_FIELDS[field], TEXT_BOOSTS[field]
    if isinstance(node, Term):
        return {"term": {path: {"value": node.word, "boost": boost}}}
    if isinstance(node, Prefix):
        return {"prefix": {path: {"value": node.stem, "boost": boost}}}
    phrase = {"query": " ".join(node.words), "analyzer": WORDS_ANALYZER, "boost": boost}
    if node.slop is not None:  # Lucene's sloppy phrase, as Tantivy's: moves between positions, a swap costs 2
        phrase["slop"] = node.slop
    return {"match_phrase": {path: phrase}}


def _keyword(node: Keyword) -> dict:
    if node.field == "about":
        return {"term": {"about_council": node.value == "true"}}
    return {"term": {KEYWORD_PATHS[node.field]: {"value": node.value, "case_insensitive": True}}}
