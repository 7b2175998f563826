"""Tests for article extraction: body text without boilerplate, metadata, and pages that hold no article.

The pages under tests/pipeline/pages/ are written for these tests.
"""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.extract import extract, trim_edge_lines

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

    assert extracted is not None
    assert extracted.text.startswith(first_words)
    assert extracted.text.endswith(last_words)
    for words in boilerplate:
        assert words not in extracted.text
    assert len(extracted.text.splitlines()) >= 3


def test_page_whose_story_is_rendered_by_script_gives_none():
    assert extract(page("script_shell"), "https://habari.example.tz/habari/bagamoyo") is None


def test_empty_page_gives_none():
    assert extract("<html><body></body></html>", "https://habari.example.tz/") is None


def test_metadata_of_a_swahili_page():
    extracted = extract(page("swahili_news"), "https://habari.example.tz/habari/123?utm_source=rss")

    assert extracted is not None
    assert extracted.title == "Halmashauri ya Bagamoyo yazindua mradi wa maji safi"
    assert extracted.authors == ("Asha Mwinyi",)
    assert extracted.published == datetime(2026, 3, 14, 6, 30, tzinfo=UTC)  # 09:30 EAT, as the page gives it
    assert extracted.image == "https://habari.example.tz/picha/mradi-maji.jpg"
    assert extracted.canonical_url == "https://habari.example.tz/habari/bagamoyo-mradi-maji"


def test_metadata_of_an_english_page_with_og_url_only():
    extracted = extract(page("english_news"), "https://coast.example.tz/?p=991")

    assert extracted is not None
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
