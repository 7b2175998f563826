"""The pipeline over files on disk, for `habari extract` and `habari process`: one JSON line out per input.

Input errors name the file or line and the field; one bad input, or a stage that fails on it, never stops the rest.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.chain import Document, Failed, Pipeline, StageError, run_stage
from pipeline.decode import NotText, decode_html
from pipeline.extract import NoArticle, extract
from pipeline.html_tree import MAX_HTML_CHARS
from pipeline.language import LanguageDetector
from pipeline.normalise import InvalidUrl, canonical_url, clean_text, utc_time, whole_characters
from settings.config import first_problem

MAX_FILE_BYTES = 4 * MAX_HTML_CHARS  # a UTF-8 character takes at most four bytes
MAX_TEXT_CHARS = 1_000_000  # an article's text; a book is shorter


class BatchInputError(ValueError):
    """One input cannot be used; the message names it and says why."""


class ProcessInput(BaseModel):
    """One line of `habari process` input: an article whose text is already extracted."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str | int
    url: str
    title: str = ""
    text: str = Field(max_length=MAX_TEXT_CHARS)
    published: datetime | None = None
    source: str | None = None

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise ValueError("must be an http or https address")
        try:
            host = urlsplit(value).hostname
            canonical_url(value)
        except InvalidUrl as error:
            raise ValueError(f"not a readable address ({error.reason})") from None
        except ValueError as error:  # urlsplit's ("Invalid IPv6 URL")
            raise ValueError(f"not a readable address ({error})") from None
        if not host:
            raise ValueError("has no host name")
        return value

    @field_validator("published")
    @classmethod
    def _utc_unless_zoned(cls, value: datetime | None) -> datetime | None:
        """A date, or a time without a zone, is read as UTC; one that UTC cannot hold is refused."""
        if value is None:
            return None
        in_utc = utc_time(value)
        if in_utc is None:
            raise ValueError(f"{value.isoformat()} is outside the range of dates in UTC")
        return in_utc


def extract_files(paths: Iterable[Path], languages: LanguageDetector) -> Iterator[dict]:
    """For each HTML file, what extraction found; a file that cannot be read or holds no article gets an "error"."""
    for path in paths:
        line: dict = {"path": str(path)}
        try:
            yield {**line, **_extracted(path, languages)}
        except BatchInputError as error:
            yield {**line, "error": f"{path}: {error}"}
        except StageError as error:
            yield {**line, "error": f"{path}: the {error.stage} stage failed: {error}"}


def _extracted(path: Path, languages: LanguageDetector) -> dict:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BatchInputError(f"too large for a web page (over {MAX_FILE_BYTES:,} bytes)")
        body = path.read_bytes()
    except OSError as error:
        raise BatchInputError(f"cannot read the file: {error.strerror or error}") from None
    html = run_stage("decode", decode_html, body, None)
    if isinstance(html, NotText):
        raise BatchInputError(html.reason)
    extracted = run_stage("extract", extract, html, path.resolve().as_uri())
    if isinstance(extracted, NoArticle):
        raise BatchInputError(extracted.reason)
    return {
        "title": extracted.title,
        "text": extracted.text,
        "published": _iso(extracted.published),
        "language": run_stage("language", languages.detect, f"{extracted.title}\n{extracted.text}"),
        "authors": list(extracted.authors),
        "image": extracted.image,
        "canonical_url": _web_url(extracted.canonical_url),
    }


def process_lines(lines: Iterable[bytes], pipeline: Pipeline, name: str) -> Iterator[dict]:
    """Each JSON line of `name` analysed in input order, deduplicated against every line before it; a line that
    is not UTF-8 text costs only itself."""
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}, line {number}"
        try:
            item = _parse(line, where)
        except BatchInputError as error:
            yield {"line": number, "error": str(error)}
            continue
        document = Document(canonical_url(item.url), clean_text(item.title), clean_text(item.text), item.published)
        analysis = pipeline.analyse(document)
        if isinstance(analysis, Failed):
            yield {"line": number, "id": item.id, "error": f"{where}: the {analysis.stage} stage failed:"
                   f" {analysis.message}"}
            continue
        duplicate_of = analysis.story.duplicate_of or (analysis.doc_id if analysis.doc_id in seen else None)
        seen.add(analysis.doc_id)
        yield {
            "id": item.id,
            "doc_id": analysis.doc_id,
            "cluster_id": analysis.story.cluster_id,
            "duplicate_of": duplicate_of,
            "language": analysis.language,
            "about_council": analysis.council.about_council,
            "relevance": round(analysis.council.relevance, 3),
            "mentions": [asdict(mention) for mention in analysis.council.mentions],
            "topics": list(analysis.topics),
            "sentiment": analysis.sentiment,
            "sentiment_confidence": round(analysis.sentiment_confidence, 3),
            "entities": {name: list(values) for name, values in asdict(analysis.entities).items()},
        }


def _parse(line: bytes, where: str) -> ProcessInput:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BatchInputError(f"{where}: not UTF-8 text (byte {line[error.start]:#04x} at position {error.start})") from None
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, or an integer of over 4,300 digits
        raise BatchInputError(f"{where}: not a JSON object ({error})") from None
    if not isinstance(record, dict):
        raise BatchInputError(f"{where}: not a JSON object (a {type(record).__name__})")
    # JSON can carry half a character (an emoji cut in two: "\ud83d"), which no string field takes
    record = {key: whole_characters(value) if isinstance(value, str) else value for key, value in record.items()}
    try:
        return ProcessInput.model_validate(record)
    except ValidationError as error:
        raise BatchInputError(f"{where}: {first_problem(error, 'the line')}") from None


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def _web_url(url: str | None) -> str | None:
    """A canonical URL the page declared; the file's own file:// address is not one."""
    return url if url and url.startswith(("http://", "https://")) else None
