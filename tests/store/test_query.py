"""The query parser alone: the tree each construct gives, the position and wording of each error, and
that any text at all gives a tree or a QuerySyntaxError, never another exception."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    And,
    Keyword,
    Not,
    Or,
    Phrase,
    Prefix,
    QuerySyntaxError,
    Term,
    parse_query,
)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("", None),
        ("   ", None),
        ("maji kaole", And((Term("maji"), Term("kaole")))),
        ("maji AND kaole", And((Term("maji"), Term("kaole")))),
        ("a OR b c", Or((Term("a"), And((Term("b"), Term("c")))))),
        ("(a OR b) c", And((Or((Term("a"), Term("b"))), Term("c")))),
        ("maji -kaole", And((Term("maji"), Not(Term("kaole"))))),
        ("NOT NOT maji", Term("maji")),
        ("maji maji MAJI", Term("maji")),
        ("maj*", Prefix("maj")),
        ('"mradi wa maji"', Phrase(("mradi", "wa", "maji"))),
        ('"maji mradi"~5', Phrase(("maji", "mradi"), 5)),
        ('"maji maji"~2', Term("maji")),
        ("serikali.Na", Phrase(("serikali", "na"))),
        ("ng’ombe", Term("ng'ombe")),
        ("title:maji", Term("maji", "title")),
        ('person:"Shauri  Selenda"', Keyword("person", "Shauri Selenda")),
        ("tone:hasi", Keyword("sentiment", "negative")),
        ("about:ndiyo", Keyword("about", "true")),
        ("and or not", And((Term("and"), Term("or"), Term("not")))),
        ('maji -"mradi wa"', And((Term("maji"), Not(Phrase(("mradi", "wa")))))),
    ],
)
def test_constructs(text, tree):
    assert parse_query(text) == tree


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("maji AND", 9, "expected a word"),
        ("OR maji", 1, "expected a word"),
        ("(maji", 1, "this ( is not closed"),
        ("maji)", 5, "has no ( before it"),
        ('maji "kaole', 6, "quote is not closed"),
        ("*", 1, "a prefix needs"),
        ("m*", 1, "a prefix needs"),
        ("foo:bar", 1, "unknown field 'foo:'"),
        ("title: maji", 1, "right after title:"),
        ("tone:good", 6, "use one of positive"),
        ("maji && kaole", 6, "no letters or digits"),
        ('"maji mradi"~99', 1, "at most 50 apart"),
        ('"maji mradi kaole"~5', 1, "nearness is between two words"),
        ("(" * 20 + "maji" + ")" * 20, 17, "levels of brackets"),
    ],
)
def test_errors_name_the_position_and_what_was_expected(text, position, words):
    with pytest.raises(QuerySyntaxError) as raised:
        parse_query(text)
    assert raised.value.position == position and words in str(raised.value)
    assert str(raised.value).startswith(f"at character {position}: ")


def test_limits_on_length_and_terms():
    with pytest.raises(QuerySyntaxError, match="limit is 1000"):
        parse_query("a" * (MAX_QUERY_LENGTH + 1))
    with pytest.raises(QuerySyntaxError, match=f"limit is {MAX_TERMS}"):
        parse_query(" ".join(f"w{n}" for n in range(MAX_TERMS + 1)))
    assert parse_query(" ".join(f"w{n}" for n in range(MAX_TERMS))) is not None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab ()"-*:~5AND OR NOT title: tone: \u2019\'.&')), max_size=60) | st.text())
def test_any_text_gives_a_tree_or_a_syntax_error(text):
    try:
        parse_query(text)
    except QuerySyntaxError as error:
        assert error.reason
