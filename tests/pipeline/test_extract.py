"""Tests for article extraction: body text without boilerplate, metadata, pages that hold no article (and why),
and pages whose shape or size would make extraction slow or lose their text.

The pages under tests/pipeline/pages/ are written for these tests.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import NO_TEXT, Extracted, NoArticle, extract, trim_edge_lines
from pipeline.html_tree import MAX_ELEMENTS, MAX_HTML_CHARS, PARSER_DEPTH
from tests.strategies import TOTALITY, hostile_text, mutated_page

PAGES = Path(__file__).parent / "pages"


def page(name: str) -> str:
    return (PAGES / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "first_words", "last_words", "boilerplate"),
    [
        (
            "swahili_news",
            "Halmashauri ya Wilaya ya Bagamoyo imezindua",
            "vizazi vijavyo katika wilaya nzima.",
            ("Mwanzo", "Maoni ya wasomaji", "Hongera sana", "Sera ya faragha", "Haki zote"),
        ),
        (
            "english_news",
            "The district council on Tuesday approved",
            "local builders would be given priority.",
            ("Sport", "Share this article", "Related stories", "12 comments", "Great news", "Copyright"),
        ),
    ],
)
def test_body_is_the_article_prose_only(name: str, first_words: str, last_words: str, boilerplate: tuple[str, ...]):
    extracted = extract(page(name), f"https://example.tz/{name}")

    assert isinstance(extracted, Extracted)
    assert extracted.text.startswith(first_words)
    assert extracted.text.endswith(last_words)
    for words in boilerplate:
        assert words not in extracted.text
    assert len(extracted.text.splitlines()) >= 3


def test_page_whose_story_is_rendered_by_script_has_no_article_text():
    assert extract(page("script_shell"), "https://habari.example.tz/habari/bagamoyo") == NoArticle(NO_TEXT)


def test_empty_page_has_no_article_text():
    assert extract("<html><body></body></html>", "https://habari.example.tz/") == NoArticle(NO_TEXT)


def test_text_that_is_no_html_is_named():
    assert extract("just words, no markup", "https://habari.example.tz/") == NoArticle("not an HTML page")


def test_metadata_of_a_swahili_page():
    extracted = extract(page("swahili_news"), "https://habari.example.tz/habari/123?utm_source=rss")

    assert isinstance(extracted, Extracted)
    assert extracted.title == "Halmashauri ya Bagamoyo yazindua mradi wa maji safi"
    assert extracted.authors == ("Asha Mwinyi",)
    assert extracted.published == datetime(2026, 3, 14, 6, 30, tzinfo=UTC)  # 09:30 EAT, as the page gives it
    assert extracted.image == "https://habari.example.tz/picha/mradi-maji.jpg"
    assert extracted.canonical_url == "https://habari.example.tz/habari/bagamoyo-mradi-maji"


def test_metadata_of_an_english_page_with_og_url_only():
    extracted = extract(page("english_news"), "https://coast.example.tz/?p=991")

    assert isinstance(extracted, Extracted)
    assert extracted.title == "District council approves new health centre budget"
    assert extracted.authors == ("John Mrema",)
    assert extracted.published == datetime(2026, 2, 3, tzinfo=UTC)
    assert extracted.published.tzinfo is not None
    assert extracted.image == "https://coast.example.tz/images/health-centre.jpg"
    assert extracted.canonical_url == "https://coast.example.tz/news/health-centre-budget"


def test_edge_trim_drops_short_unpunctuated_lines_at_either_end_only():
    prose = "Wananchi walihudhuria mkutano wa hadhara ulioitishwa na diwani wa kata yao jana jioni."
    mid_heading = "Bajeti ya mwaka ujao"
    text = f"Habari Kuu\nPicha: Maktaba\n{prose}\n{mid_heading}\n{prose}\nSoma zaidi\nShiriki habari hii"

    assert trim_edge_lines(text) == f"{prose}\n{mid_heading}\n{prose}"


def test_edge_trim_keeps_long_lines_and_punctuated_short_lines():
    long_line = " ".join(["neno"] * 25)
    short_sentence = "Mkutano uliahirishwa."

    assert trim_edge_lines(f"{long_line}\n{short_sentence}") == f"{long_line}\n{short_sentence}"


def test_edge_trim_leaves_a_text_without_prose_whole():
    assert trim_edge_lines("Mwanzo\nSiasa") == "Mwanzo\nSiasa"


SENTENCE = "Halmashauri ya Wilaya ya Bagamoyo imekamilisha ujenzi wa kisima kirefu katika kijiji cha Kaole. "


def document(body: str, head: str = "") -> str:
    return f"<html><head><title>Kisima Kaole</title>{head}</head><body>{body}</body></html>"


def timed(html: str) -> tuple[Extracted | NoArticle, float]:
    started = time.perf_counter()
    extracted = extract(html, "https://habari.example.tz/habari/kaole")
    return extracted, time.perf_counter() - started


@pytest.mark.parametrize("depth", [254, 1000])
def test_a_page_nested_deeper_than_libxml2s_default_keeps_its_text(depth):
    """libxml2 stops at 256 levels unless told otherwise, and the text after that point was lost without a word."""
    extracted = extract(document("<div>" * depth + f"<p>{SENTENCE * 3}</p>" + "</div>" * depth), "https://a.tz/x")
    assert isinstance(extracted, Extracted) and "kijiji cha Kaole" in extracted.text


def test_a_page_nested_past_the_parsers_limit_is_refused_by_name():
    depth = PARSER_DEPTH + 10
    extracted = extract(document("<div>" * depth + f"<p>{SENTENCE}</p>" + "</div>" * depth), "https://a.tz/x")
    assert extracted == NoArticle(f"the page nests elements more than {PARSER_DEPTH:,} deep: the rest of its text is lost")


def test_nested_lists_and_tables_do_not_exhaust_the_recursion_or_the_clock():
    for opening, closing in (("<ul><li>", "</li></ul>"), ("<table><tr><td>", "</td></tr></table>")):
        extracted, seconds = timed(document(opening * 600 + SENTENCE * 3 + closing * 600))
        assert isinstance(extracted, Extracted) and "kijiji cha Kaole" in extracted.text
        assert seconds < 5  # before: RecursionError for the lists; 6 s for 512 nested tables, growing with the cube


def test_a_json_ld_block_cut_inside_a_string_costs_little():
    """Trafilatura's whitespace minifier retried from every later quote of a string the block's end cut: 40 s."""
    body = 'Mkuu wa Wilaya alisema \\"maji ni uhai\\" na wananchi walishangilia. ' * 1400  # 92 KB
    block = '{"@context":"https://schema.org","@type":"NewsArticle","headline":"Kisima Kaole","articleBody":"' + body
    script = f'<script type="application/ld+json">{block}</script>'
    extracted, seconds = timed(document(f"<article><p>{SENTENCE * 3}</p></article>", script))
    assert isinstance(extracted, Extracted) and extracted.title == "Kisima Kaole"
    assert seconds < 3


def test_thousands_of_inline_tags_in_one_paragraph_cost_little():
    """12,000 inline elements in one paragraph took trafilatura 26 s (it grows with their square)."""
    extracted, seconds = timed(document("<article><p>" + "<b>habari</b> <i>za</i> <span>Kaole</span> " * 4000
                                        + "</p></article>"))
    assert isinstance(extracted, Extracted) and extracted.text.count("Kaole") == 4000
    assert seconds < 3


def test_too_many_elements_or_characters_are_refused_by_name():
    """5 MB of inline tags on one line took 33 s and 850 MB."""
    inline, seconds = timed(document("<p>" + "<b>habari</b> " * (MAX_ELEMENTS + 1) + "</p>"))
    assert inline == NoArticle(f"the page has too many elements to extract ({MAX_ELEMENTS + 6:,}; at most {MAX_ELEMENTS:,})")
    assert seconds < 5
    huge = document("<p>" + "x" * MAX_HTML_CHARS + "</p>")
    assert extract(huge, "https://a.tz/x") == NoArticle(
        f"the page is too large to extract ({len(huge):,} characters; at most {MAX_HTML_CHARS:,})"
    )


@TOTALITY
@given(html=st.one_of(mutated_page().map(lambda body: body.decode("utf-8", "replace")), hostile_text()))
def test_any_markup_or_text_gives_an_article_or_the_reason_there_is_none(html):
    extracted = extract(html, "https://habari.example.tz/habari/1")
    assert isinstance(extracted, (Extracted, NoArticle))
    if isinstance(extracted, Extracted):
        assert extracted.text.strip() and (extracted.published is None or extracted.published.tzinfo is not None)
