"""Normalisation: clean text without the invisible characters that hide a word, URLs that cannot be read named as
such, publication times that UTC cannot hold dropped; all of it total over any text."""
from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalise import InvalidUrl, canonical_url, clean_text, utc_time
from tests.strategies import TOTALITY, hostile_text


@pytest.mark.parametrize("hidden", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\x07"])
def test_invisible_characters_inside_a_word_are_removed(hidden):
    assert clean_text(f"Halmashauri ya Wilaya ya Baga{hidden}moyo") == "Halmashauri ya Wilaya ya Bagamoyo"


def test_spaces_of_every_kind_become_one_and_lines_are_kept():
    assert clean_text("Habari\u3000za\u2009leo\u00a0\t ndugu\u2028Karibu\n\n\n\nTena") == (
        "Habari za leo ndugu\nKaribu\n\nTena"
    )


def test_a_lone_surrogate_becomes_the_replacement_character():
    assert clean_text("tabasamu \ud83d na") == "tabasamu \ufffd na"


def test_a_url_that_cannot_be_read_is_named():
    with pytest.raises(InvalidUrl, match=r"'http://\[' is not a readable URL"):
        canonical_url("http://[")


def test_a_declared_canonical_url_that_cannot_be_read_is_not_followed():
    assert canonical_url("https://mwangaza.example/habari/1", declared="http://[") == "https://mwangaza.example/habari/1"


def test_a_time_outside_utcs_range_is_none():
    assert utc_time(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))) is None
    assert utc_time(datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))) is None
    assert utc_time(datetime(2026, 11, 20, 9)) == datetime(2026, 11, 20, 9, tzinfo=UTC)


@TOTALITY
@given(text=hostile_text())
def test_clean_text_is_total_idempotent_and_leaves_nothing_invisible(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")  # no lone surrogate is left
    assert not any(unicodedata.category(character) == "Cf" for character in cleaned)


@TOTALITY
@given(url=st.one_of(hostile_text(max_words=8), hostile_text(max_words=8).map(lambda text: f"https://{text}")),
       declared=st.one_of(st.none(), hostile_text(max_words=4)))
def test_canonical_url_gives_a_url_or_names_the_one_it_cannot_read(url, declared):
    try:
        assert isinstance(canonical_url(url, declared), str)
    except InvalidUrl as error:
        assert "is not a readable URL" in str(error)


@TOTALITY
@given(moment=st.datetimes(timezones=st.timezones() | st.just(timezone(timedelta(hours=14)))))
def test_utc_time_gives_a_moment_in_utc_or_none(moment):
    in_utc = utc_time(moment)
    assert in_utc is None or in_utc.utcoffset() == timedelta(0)
