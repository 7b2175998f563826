"""The query tree and the filters compiled to Tantivy queries, with the same meaning as Elasticsearch's.

Words arrive folded by the stores' one tokenizer and go in as exact terms, never as Tantivy query syntax.
"""
from __future__ import annotations

import tantivy

from store.models import SearchFilters
from store.query import And, Keyword, Not, Or, Phrase, Prefix, QueryNode, Term

TEXT_BOOSTS = {"title": 2.0, "text": 1.0}
# Query-language fields : the index field holding the value lower-cased (see store/tantivy_index.py).
KEYWORD_FIELDS = {
    "source": "source_id",
    "outlet": "outlet",
    "language": "language",
    "topic": "topics",
    "sentiment": "sentiment",
    "place": "places",
    "person": "people",
    "organisation": "organisations",
    "author": "authors",
}
FOLDED_SUFFIX = "_folded"


def compile_search(schema: tantivy.Schema, node: QueryNode | None, filters: SearchFilters) -> tantivy.Query:
    """The query scored by its words, with every filter as a condition that adds nothing to the score."""
    conditions = [_unscored(query) for query in _filters(schema, filters)]
    if node is None:
        return _all_of(conditions) if conditions else tantivy.Query.all_query()
    return _all_of([compile_query(schema, node), *conditions])


def compile_query(schema: tantivy.Schema, node: QueryNode) -> tantivy.Query:
    if isinstance(node, Term | Prefix | Phrase):
        fields = [node.field] if node.field else list(TEXT_BOOSTS)
        return _any_of([tantivy.Query.boost_query(_text(schema, node, name), TEXT_BOOSTS[name]) for name in fields])
    if isinstance(node, Keyword):
        return _keyword(schema, node)
    if isinstance(node, Not):
        return _all_of([], [compile_query(schema, node.child)])
    if isinstance(node, Or):
        return _any_of([compile_query(schema, child) for child in node.children])
    if isinstance(node, And):
        positive = [compile_query(schema, child) for child in node.children if not isinstance(child, Not)]
        negative = [compile_query(schema, child.child) for child in node.children if isinstance(child, Not)]
        return _all_of(positive, negative)
    raise TypeError(f"unsupported query node {node!r}")


def with_stories(query: tantivy.Query, schema: tantivy.Schema, keys: list[int]) -> tantivy.Query:
    """The same search restricted to the articles of these stories (by their story keys)."""
    return _all_of([query, _unscored(tantivy.Query.term_set_query(schema, "story_key", keys))])


def _text(schema: tantivy.Schema, node: Term | Prefix | Phrase, field_name: str) -> tantivy.Query:
    if isinstance(node, Term):
        return tantivy.Query.term_query(schema, field_name, node.word)
    if isinstance(node, Prefix):  # a stem is letters, digits and apostrophes: nothing a regex reads as syntax
        return tantivy.Query.regex_query(schema, field_name, f"{node.stem}.*")
    if len(node.words) == 1:
        return tantivy.Query.term_query(schema, field_name, node.words[0])
    return tantivy.Query.phrase_query(schema, field_name, list(node.words), slop=node.slop or 0)


def _keyword(schema: tantivy.Schema, node: Keyword) -> tantivy.Query:
    if node.field == "about":
        return tantivy.Query.term_query(schema, "about_council", node.value)
    return tantivy.Query.term_query(schema, KEYWORD_FIELDS[node.field] + FOLDED_SUFFIX, node.value.lower())


def _filters(schema: tantivy.Schema, filters: SearchFilters) -> list[tantivy.Query]:
    found = [tantivy.Query.term_set_query(schema, name, list(values)) for name, values in filters.by_field().items()]
    if filters.published_from or filters.published_before:
        found.append(
            tantivy.Query.range_query(
                schema, "published", tantivy.FieldType.Date, filters.published_from, filters.published_before,
                include_upper=filters.published_before is None,
            )
        )
    return found


def _unscored(query: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.const_score_query(query, 0.0)


def _all_of(required: list[tantivy.Query], excluded: list[tantivy.Query] = ()) -> tantivy.Query:
    if len(required) == 1 and not excluded:
        return required[0]
    clauses = [(tantivy.Occur.Must, query) for query in required or [tantivy.Query.all_query()]]
    clauses += [(tantivy.Occur.MustNot, query) for query in excluded]
    return tantivy.Query.boolean_query(clauses)


def _any_of(options: list[tantivy.Query]) -> tantivy.Query:
    if len(options) == 1:
        return options[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, query) for query in options])
