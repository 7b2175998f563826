"""Real-shaped inputs through the whole chain: real Kiswahili tweets (tests/pipeline/corpus, AfriSenti, CC BY 4.0)
as they are, in capitals, as titles without a body, with invisible characters, in pages; and the texts that
crashed the batch. Every one is analysed; none fails a stage."""
from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline import FetchedPage, Pipeline
from pipeline.batch import process_lines
from pipeline.chain import Failed
from settings.environment import Settings

CORPUS = Path(__file__).parent / "corpus" / "afrisenti_sw_dev.tsv"
TWEETS = [row["tweet"] for row in csv.DictReader(CORPUS.open(encoding="utf-8"), delimiter="\t",
                                                 quoting=csv.QUOTE_NONE)]
CRASHED = [  # issue 10: each of these ended a batch of real text
    {"title": "SPIKA WA BUNGE ALIPOKUTANA NA MAKAMU WA RAIS WA CUBA", "text": ""},
    {"title": "Habari za leo", "text": "Alikutana na Mkuu wa Mkoa wa Iringa"},
    {"title": "Mfahamu waziri mkuu wa Tanzania", "text": ""},
    {"title": "", "text": "Mkutano wa ng'Shauri Selenda na wananchi wa Kaole"},
    {"title": "Habari", "text": "Habari za leo", "published": "2026-11-20T09:00:00+03:00"},
]


def variants(tweet: str) -> list[dict]:
    return [
        {"title": "", "text": tweet},
        {"title": tweet.upper(), "text": tweet.upper()},
        {"title": tweet, "text": ""},
        {"title": "Halmashauri ya Wilaya ya Baga\u00admoyo", "text": tweet.replace(" ", " \u200b", 3)},
        {"title": "\u202eمجلس Bagamoyo 北京", "text": f"{tweet} \U0001f600 \ud83d"},
    ]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    chain = Pipeline.open(Settings().config, stories_path=None)
    yield chain
    chain.close()


def test_every_real_shaped_line_is_analysed(pipeline):
    records = [*CRASHED, *(variant for tweet in TWEETS for variant in variants(tweet))]
    lines = [json.dumps({"id": n, "url": f"https://x.example/status/{n}", **record}).encode()
             for n, record in enumerate(records)]
    results = list(process_lines(lines, pipeline, "tweets.jsonl"))
    assert [result.get("error") for result in results] == [None] * len(records)
    assert {result["language"] for result in results[len(CRASHED)::5]} >= {"sw"}


def test_the_council_name_with_a_soft_hyphen_in_it_is_still_the_council(pipeline):
    (result,) = process_lines([json.dumps({"id": 1, "url": "https://x.example/1", **variants(TWEETS[0])[3]}).encode()],
                              pipeline, "tweets.jsonl")
    assert result["about_council"] is True


def test_every_tweet_in_a_page_becomes_an_article_or_a_named_rejection(pipeline):
    for number, tweet in enumerate(TWEETS):
        body = f"<html><head><title>{tweet[:60]}</title></head><body><article>" + f"<p>{tweet}</p>" * 3 + "</article>"
        page = FetchedPage(f"https://x.example/habari/{number}", body.encode(), datetime(2026, 11, 21, tzinfo=UTC),
                           "x", "X")
        assert not isinstance(pipeline.process_page(page), Failed), tweet
