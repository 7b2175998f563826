"""The pipeline over files on disk, for `habari extract` and `habari process`: one JSON line out per input.

Input errors name the file or line and the field; one bad input never stops the ones after it.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from pipeline.chain import Document, Pipeline
from pipeline.decode import decode_html
from pipeline.extract import extract
from pipeline.language import LanguageDetector
from pipeline.normalise import canonical_url


class BatchInputError(ValueError):
    """One input cannot be used; the message names it and says why."""


class ProcessInput(BaseModel):
    """One line of `habari process` input: an article whose text is already extracted."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str | int
    url: str
    title: str = ""
    text: str
    published: datetime | None = None
    source: str | None = None

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise ValueError("must be an http or https address")
        return value

    @field_validator("published")
    @classmethod
    def _utc_unless_zoned(cls, value: datetime | None) -> datetime | None:
        """A date, or a time without a zone, is read as UTC."""
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def extract_files(paths: Iterable[Path], languages: LanguageDetector) -> Iterator[dict]:
    """For each HTML file, what extraction found; a file that cannot be read gets an "error"."""
    for path in paths:
        line: dict = {"path": str(path)}
        try:
            body = path.read_bytes()
        except OSError as error:
            yield {**line, "error": f"cannot read the file: {error.strerror or error}"}
            continue
        extracted = extract(decode_html(body, None), path.resolve().as_uri())
        if extracted is None:
            yield {**line, "title": "", "text": "", "published": None, "language": None, "authors": [],
                   "image": None, "canonical_url": None}
            continue
        yield {
            **line,
            "title": extracted.title,
            "text": extracted.text,
            "published": _iso(extracted.published),
            "language": languages.detect(f"{extracted.title}\n{extracted.text}"),
            "authors": list(extracted.authors),
            "image": extracted.image,
            "canonical_url": _web_url(extracted.canonical_url),
        }


def process_lines(lines: Iterable[str], pipeline: Pipeline, name: str) -> Iterator[dict]:
    """Each JSON line of `name` analysed in input order, deduplicated against every line before it."""
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = _parse(line, f"{name}, line {number}")
        except BatchInputError as error:
            yield {"line": number, "error": str(error)}
            continue
        document = Document(canonical_url(item.url), item.title, item.text, item.published)
        analysis = pipeline.analyse(document)
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


def _parse(line: str, where: str) -> ProcessInput:
    try:
        return ProcessInput.model_validate_json(line)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "the line"
        if first["type"] == "json_invalid":
            raise BatchInputError(f"{where}: not a JSON object ({first['msg']})") from None
        raise BatchInputError(f"{where}: {field}: {first['msg'].removeprefix('Value error, ')}") from None


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def _web_url(url: str | None) -> str | None:
    """A canonical URL the page declared; the file's own file:// address is not one."""
    return url if url and url.startswith(("http://", "https://")) else None
