"""A result set written out for a spreadsheet or another program: CSV (UTF-8 with a byte-order mark, so that Excel
reads Swahili right) or JSON Lines, one article a row, streamed as the store reads them.

CSV cells that a spreadsheet would take for a formula are quoted with a leading apostrophe (OWASP's advice).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from enum import StrEnum
from zoneinfo import ZoneInfo

from store import Article

MAX_EXPORT_ROWS = 100_000
ROWS_PER_CHUNK = 200  # rows encoded together before they are sent
EXPORT_DATE_FORMAT = "%d/%m/%Y %H:%M"
COLUMNS = ("doc_id", "published_eat", "outlet", "outlet_type", "source_id", "language", "title", "url",
           "about_council", "relevance", "topics", "sentiment", "sentiment_confidence", "corrected", "people",
           "places", "organisations", "story", "summary")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"

    @property
    def media_type(self) -> str:
        return "text/csv; charset=utf-8" if self is ExportFormat.CSV else "application/x-ndjson; charset=utf-8"


def export_row(article: Article, zone: ZoneInfo) -> dict[str, object]:
    """The article as one row: its time in the council's zone, lists as lists, which fields an officer corrected."""
    return {
        "doc_id": article.doc_id,
        "published_eat": article.published.astimezone(zone).strftime(EXPORT_DATE_FORMAT) if article.published else "",
        "outlet": article.outlet,
        "outlet_type": article.outlet_type or "",
        "source_id": article.source_id,
        "language": article.language,
        "title": article.title,
        "url": article.url,
        "about_council": article.about_council,
        "relevance": round(article.relevance, 3),
        "topics": list(article.topics),
        "sentiment": article.sentiment or "",
        "sentiment_confidence": "" if article.sentiment_confidence is None else round(article.sentiment_confidence, 3),
        "corrected": sorted({correction.field.value for correction in article.corrections}),
        "people": list(article.entities.people),
        "places": list(article.entities.places),
        "organisations": list(article.entities.organisations),
        "story": article.story_id,
        "summary": article.summary,
    }


def encoded_rows(articles: Iterable[Article], export_format: ExportFormat, zone: ZoneInfo) -> Iterator[bytes]:
    """The export's bytes in chunks of ROWS_PER_CHUNK rows, the CSV header (after its byte-order mark) first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n") if export_format is ExportFormat.CSV else None
    if writer is not None:
        buffer.write("\ufeff")
        writer.writerow(COLUMNS)
    for number, article in enumerate(articles, start=1):
        row = export_row(article, zone)
        if writer is not None:
            writer.writerow([_cell(row[column]) for column in COLUMNS])
        else:
            buffer.write(json.dumps(row, ensure_ascii=False) + "\n")
        if number % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _cell(value: object) -> str:
    if isinstance(value, list):
        text = "; ".join(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8", errors="replace")
    buffer.seek(0)
    buffer.truncate()
    return data
