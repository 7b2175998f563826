"""Tests for the publication time extraction finds: the page's time of day and zone, not midnight UTC.

The pages under tests/pipeline/pages/dates/ are written for these tests in the shapes real news sites give
(a byline <time>, a Yoast JSON-LD graph behind a date-only <meta>, a spaced ISO <meta>, a sidebar of times).
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.extract import extract

PAGES = Path(__file__).parent / "pages" / "dates"
PROSE = " ".join(["Halmashauri ya wilaya imekamilisha ujenzi wa kisima kirefu katika kata hiyo."] * 8)


def published(name: str) -> datetime | None:
    extracted = extract((PAGES / f"{name}.html").read_text(encoding="utf-8"), "https://habari.example.tz/a/b-c-d")
    assert extracted is not None
    return extracted.published


@pytest.mark.parametrize(
    ("name", "moment"),
    [
        # <time datetime="2026-11-23T05:42:43+00:00">Monday, November 23, 2026</time> in the byline
        ("byline_time", datetime(2026, 11, 23, 5, 42, 43, tzinfo=UTC)),
        # <meta name="dc.date" content="2026-11-24">, and the NewsArticle's datePublished 08:55:12+03:00
        # (the WebPage node's 06:10 UTC is the page's, not the article's)
        ("yoast_json_ld", datetime(2026, 11, 24, 5, 55, 12, tzinfo=UTC)),
        # <meta name="article:published_time" content="2026-11-25 21:40:05 +03:00">
        ("spaced_meta", datetime(2026, 11, 25, 18, 40, 5, tzinfo=UTC)),
    ],
)
def test_the_page_keeps_its_time_of_day_and_zone(name: str, moment: datetime):
    assert published(name) == moment


def test_times_of_other_stories_on_the_same_day_leave_the_day_alone():
    # the byline gives the day; the sidebar's two unmarked times of that day belong to other stories
    assert published("ambiguous_times") == datetime(2026, 11, 26, tzinfo=UTC)


def page_with_marks(meta: str, json_ld: str, time_element: str) -> str:
    return (
        f'<html><head><title>Habari</title><meta name="date" content="2026-11-23">'
        f'<meta property="article:published_time" content="{escape(meta)}">'
        f'<script type="application/ld+json">{json_ld}</script></head><body><article><h1>Habari</h1>'
        f'<p class="byline">23 November 2026 <time class="published" datetime="{escape(time_element)}">x</time></p>'
        f"<p>{PROSE}</p></article></body></html>"
    )


def test_a_mark_on_another_day_is_not_taken_for_the_day_htmldate_found():
    page = page_with_marks("2026-11-22T23:59:00+00:00", '{"@type": "NewsArticle"}', "2026-11-24T06:00:00+03:00")

    assert extract(page, "https://habari.example.tz/a/b-c-d").published == datetime(2026, 11, 23, tzinfo=UTC)


def test_a_time_without_a_zone_is_read_as_utc():
    page = page_with_marks("2026-11-23T07:15", "", "")

    assert extract(page, "https://habari.example.tz/a/b-c-d").published == datetime(2026, 11, 23, 7, 15, tzinfo=UTC)


DATE_LIKE = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A2026-11-2[0-9][T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)? ?([+-][0-9]{2}:?[0-9]{2}|Z)?\Z"),
)
JSON_LD = st.one_of(
    st.text(max_size=60),
    st.recursive(
        st.none() | st.booleans() | st.integers() | DATE_LIKE,
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["@type", "datePublished", "@graph", "x"]), children, max_size=4),
        max_leaves=12,
    ).map(json.dumps),
    st.just("[" * 5000 + "]" * 5000),  # deeper than the JSON parser goes
)


@settings(max_examples=150, deadline=None)
@given(meta=DATE_LIKE, json_ld=JSON_LD, time_element=DATE_LIKE)
@example(meta="", json_ld='{"datePublished":"","@type":[null]}', time_element="")  # a null among the types
def test_any_marks_give_a_utc_time_or_none(meta: str, json_ld: str, time_element: str):
    page = page_with_marks(meta, json_ld.replace("</", "<\\/"), time_element)
    extracted = extract(page, "https://habari.example.tz/a/b-c-d")

    assert extracted is not None
    assert extracted.published is None or extracted.published.utcoffset() == timedelta(0)
