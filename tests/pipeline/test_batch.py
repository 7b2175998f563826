"""The batch over JSON lines (`habari process`): each line a result or an error naming the line and what is wrong,
never an end to the batch; the text cleaned as crawls clean it; any line at all gets one answer (hypothesis)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import Pipeline
from pipeline.batch import process_lines
from settings.environment import Settings
from tests.strategies import TOTALITY, hostile_text

STORY = ("Halmashauri ya Wilaya ya Bagamoyo imezindua mradi mkubwa wa maji katika kijiji cha Kaole, ambao "
         "utawanufaisha wananchi zaidi ya elfu tano.")


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    chain = Pipeline.open(Settings().config, stories_path=None)
    yield chain
    chain.close()


def line(**fields) -> bytes:
    return json.dumps({"id": 1, "url": "https://a.example/habari/1", "text": STORY, **fields}).encode("utf-8")


def run(pipeline: Pipeline, *lines: bytes) -> list[dict]:
    return list(process_lines(lines, pipeline, "in.jsonl"))


@pytest.mark.parametrize(
    ("published", "error"),
    [
        ("0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00+05:00 is outside the range of dates in UTC"),
        ("9999-12-31T23:00:00-05:00", "9999-12-31T23:00:00-05:00 is outside the range of dates in UTC"),
    ],
)
def test_a_zoned_time_that_utc_cannot_hold_is_that_lines_error(pipeline, published, error):
    """It raised OverflowError and ended the batch."""
    assert run(pipeline, line(published=published)) == [{"line": 1, "error": f"in.jsonl, line 1: published: {error}"}]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://[", "not a readable address (Invalid IPv6 URL)"),
        ("https://", "has no host name"),
        ("ftp://a.example/x", "must be an http or https address"),
    ],
)
def test_an_address_that_cannot_be_read_is_that_lines_error(pipeline, url, error):
    """http://[ passed the check and raised in urlsplit, outside the guard of each line."""
    (result,) = run(pipeline, line(url=url))
    assert result["line"] == 1 and result["error"].startswith(f"in.jsonl, line 1: url: {error}")


def test_a_line_that_is_not_utf8_costs_only_itself(pipeline):
    """One invalid byte ended `habari process`, losing up to 8 KB of good lines read before it."""
    good = [line(id=n, url=f"https://a.example/habari/{n}") for n in range(3)]
    results = run(pipeline, good[0], b'{"id": 9, "text": "Habari \xff"}', good[1], good[2])
    assert [result.get("id") for result in results] == [0, None, 1, 2]
    assert results[1] == {"line": 2, "error": "in.jsonl, line 2: not UTF-8 text (byte 0xff at position 26)"}


def test_lines_are_cleaned_as_crawled_text_is(pipeline):
    """A soft hyphen or a zero-width space inside the council's name hid the mention."""
    hidden = STORY.replace("Bagamoyo", "Baga\u00admoyo").replace("Kaole", "Ka\u200bole")
    (result,) = run(pipeline, line(text=hidden, title="Maji\u200b Kaole"))
    assert result["about_council"] is True
    assert "Halmashauri ya Wilaya ya Bagamoyo" in {mention["term"] for mention in result["mentions"]}
    assert "Kaole" in result["entities"]["places"]


def test_half_a_character_is_repaired_not_refused(pipeline):
    (result,) = run(pipeline, line(id="tweet-\ud83d", text=STORY + " \ud83d"))  # an emoji cut in two, as JSON has it
    assert result["id"] == "tweet-\ufffd" and result["language"] == "sw"


def test_a_stage_that_fails_costs_its_line_and_names_the_stage(pipeline):
    broken = Pipeline.open(Settings().config, stories_path=None)
    results = process_lines([line(id=1), line(id=2, url="https://a.example/habari/2")], broken, "in.jsonl")
    assert next(results)["id"] == 1
    broken.stories.close()  # the story clusters' database is gone from under the batch
    failed = next(results)
    assert failed["line"] == 2 and failed["id"] == 2
    assert failed["error"].startswith("in.jsonl, line 2: the stories stage failed: ProgrammingError:")


lines_of_any_kind = st.one_of(
    st.binary(max_size=300),
    hostile_text(max_words=20).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.fixed_dictionaries(
        {"id": st.one_of(st.integers(), hostile_text(max_words=3)), "url": st.sampled_from(
            ("https://a.example/1", "http://[", "https://", "https://ä.example/ü", "https://a.example/\ud800"))},
        optional={"title": hostile_text(max_words=10), "text": hostile_text(), "published": st.one_of(
            st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()), hostile_text(max_words=2))},
    ).map(lambda record: json.dumps(record).encode("utf-8")),
)


@TOTALITY
@given(lines=st.lists(lines_of_any_kind, max_size=4))
def test_every_line_gets_one_answer(pipeline, lines):
    lines = [raw.replace(b"\n", b" ") for raw in lines]
    results = run(pipeline, *lines)
    assert len(results) == sum(1 for raw in lines if raw.strip())
    for result in results:
        assert ("error" in result) != ("doc_id" in result)
        json.dumps(result)
