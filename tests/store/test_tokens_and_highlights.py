"""The stores' one tokenizer and the highlighter: total on any text, and safe HTML out of any input.

Both backends index `indexed_text`, so these properties hold for both; matching itself is in the contract tests.
"""
from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from store.highlight import highlights
from store.query import And, Not, Or, Phrase, Prefix, Term
from store.tokens import MAX_WORD, fold, indexed_text, same_length_fold, word_spans, words

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
swahili = st.lists(st.sampled_from(["Ng'ombe", "ng’ombe", "SERIKALI.Na", "Mkuu", "wa", "Wilaya", "Señor", "café",
                                    "e\u0301te\u0301", "ﬁnal", "İstanbul", "<script>", "&amp;", "—", "“maji”"]),
                   max_size=40).map(" ".join)


def test_the_words_of_swahili_and_english_text():
    assert words("Wafugaji wa Ng’OMBE serikali.Na Señor café_x") == [
        "wafugaji", "wa", "ng'ombe", "serikali", "na", "senor", "cafe", "x"]
    assert words(unicodedata.normalize("NFD", "Ngómbe")) == words("Ngómbe") == ["ngombe"]
    assert words("a" * 100) == ["a" * MAX_WORD]
    assert words("𝐌𝐀𝐉𝐈 ᴬ ŉ") == ["maji", "a", "n"]  # capitals and apostrophes made by decomposing


@given(st.one_of(texts, swahili))
def test_any_text_gives_folded_bounded_words(text):
    found = words(text)
    assert all(word and len(word) <= MAX_WORD and not any(char.isspace() for char in word) for word in found)
    assert all(fold(word) == word for word in found)
    assert indexed_text(text).split() == found


@given(st.one_of(texts, swahili))
def test_word_spans_point_at_their_words(text):
    for start, end, word in word_spans(text):
        assert fold(text[start:end])[:MAX_WORD] == word
    folded = same_length_fold(text)
    assert folded is None or len(folded) == len(text)


leaves = st.one_of(
    st.builds(Term, st.sampled_from(["maji", "ng'ombe", "script", "amp", "wa"])),
    st.builds(Prefix, st.sampled_from(["ma", "ser", "ng"])),
    st.builds(lambda words, slop: Phrase(tuple(words), slop), st.lists(st.sampled_from(["wa", "maji", "mkuu"]),
              min_size=2, max_size=3), st.sampled_from([None, 2])),
)
queries = st.recursive(leaves, lambda children: st.one_of(
    st.builds(lambda items: And(tuple(items)), st.lists(children, min_size=2, max_size=3)),
    st.builds(lambda items: Or(tuple(items)), st.lists(children, min_size=2, max_size=3)),
    st.builds(Not, children),
), max_leaves=5)


@given(queries, st.one_of(texts, swahili), st.one_of(texts, swahili))
def test_highlights_are_safe_html_for_any_text_and_query(query, title, text):
    for fragments in highlights(query, title, text).values():
        for fragment in fragments:
            bare = fragment.replace("<mark>", "").replace("</mark>", "")
            assert "<" not in bare and ">" not in bare
            assert fragment.count("<mark>") == fragment.count("</mark>") >= 1


def test_highlights_mark_words_phrases_and_prefixes_in_the_original_text():
    query = And((Term("kaole"), Phrase(("mradi", "wa", "maji")), Prefix("baga"), Not(Term("dunda"))))
    found = highlights(query, "Habari za KAOLE", "Mkuu wa Dunda. “Mradi wa maji” Bagamoyo, ng’ombe wa Kaole.")
    assert found["title"] == ["Habari za <mark>KAOLE</mark>"]
    (text,) = found["text"]
    assert "<mark>Mradi wa maji</mark>" in text and "<mark>Bagamoyo</mark>" in text and "<mark>Kaole</mark>" in text
    assert "Dunda" in text and "<mark>Dunda" not in text
    assert re.search(r"<mark>wa</mark>", text) is None  # "wa" alone is not a word of the query


def test_a_long_text_gives_at_most_three_fragments_around_the_first_matches():
    text = " ".join(["maji"] + ["neno"] * 200 + ["maji"] + ["neno"] * 200 + ["maji"] + ["neno"] * 200 + ["maji"])
    fragments = highlights(Term("maji"), "", text)["text"]
    assert len(fragments) == 3 and all(len(fragment) < 300 for fragment in fragments)
