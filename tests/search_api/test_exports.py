"""Exports on both backends: CSV with a byte-order mark that Excel reads as UTF-8, JSON Lines, every matching
article (stories not folded) in the search's order, streamed past the store's chunks, formulas defused.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from search_api.exports import COLUMNS
from tests.search_api.conftest import MAJI, ROAD_STORY, article


def rows(response) -> list[dict[str, str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_holds_every_matching_article_with_a_byte_order_mark(client, storied):
    response = client.get("/api/export.csv", params={"q": "barabara"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="habari-')
    found = rows(response)
    assert list(found[0]) == list(COLUMNS)
    assert {row["doc_id"] for row in found} >= {member.doc_id for member in ROAD_STORY}  # the story unfolded
    assert response.headers["x-total-count"] == str(len(found))
    road = next(row for row in found if row["doc_id"] == "barabara")
    assert road["title"] == "Barabara ya Bagamoyo–Msata kukarabatiwa" and road["published_eat"] == "03/03/2026 12:00"
    assert road["story"] == "msata-road" and road["topics"] == "roads"


def test_json_lines_carry_lists_as_lists(client):
    response = client.get("/api/export.jsonl", params={"q": "maji"})
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    maji = next(line for line in lines if line["doc_id"] == MAJI.doc_id)
    assert maji["topics"] == ["water"] and maji["places"] == ["Kaole"] and maji["about_council"] is True
    assert maji["sentiment"] == "positive" and maji["sentiment_confidence"] == 0.72


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_defused(client, filled):
    filled.upsert([article("formula", title="=HYPERLINK(\"http://evil\",\"Bagamoyo\")", outlet="@outlet")])
    filled.refresh()
    [row] = [row for row in rows(client.get("/api/export.csv", params={"q": "Bagamoyo"})) if row["doc_id"] == "formula"]
    assert row["title"].startswith("'=HYPERLINK") and row["outlet"] == "'@outlet"


def test_a_large_set_streams_whole_in_the_searchs_order(client, filled):
    first = MAJI.published
    filled.upsert([article(f"many-{n:04}", title=f"Kikao cha baraza {n}", published=first - timedelta(minutes=n))
                   for n in range(1_234)])
    filled.refresh()
    found = rows(client.get("/api/export.csv", params={"q": "baraza", "sort": "newest"}))
    assert [row["doc_id"] for row in found] == [f"many-{n:04}" for n in range(1_234)]


def test_an_unknown_format_or_a_bad_query_is_named(client):
    response = client.get("/api/export.xlsx")
    assert response.status_code == 422 and "export_format" in response.text
    assert client.get("/api/export.csv", params={"q": "maji AND"}).json()["parameter"] == "q"


def test_the_search_page_links_its_result_set_in_both_formats(client):
    html = client.get("/", params={"q": "maji"}).text
    assert '<a href="/api/export.csv?q=maji" download>CSV</a>' in html
    assert '<a href="/api/export.jsonl?q=maji" download>JSON Lines</a>' in html
    assert "/api/export" not in client.get("/", params={"q": "hakuna-kitu-hiki"}).text


@pytest.mark.parametrize("text", ["Mradi\u00a0wa maji", "Maji\u200b safi", "\U0001F4A7 maji"])
def test_unusual_characters_survive_the_round_trip(client, filled, text):
    filled.upsert([article("odd", title=text)])
    filled.refresh()
    [row] = [row for row in rows(client.get("/api/export.csv", params={"q": "maji"})) if row["doc_id"] == "odd"]
    assert row["title"] == text
