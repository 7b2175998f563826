"""An officer's corrections of an article's analysis (tone, topics, about the council, story), applied over the
pipeline's reading whenever the article is written, so that a crawl or `habari reprocess` never undoes them.

The store's `upsert` and `correct` apply them; search, facets and reports then read the corrected fields.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from store.models import Article, CorrectedField, Correction, CorrectionValue

SENTIMENTS = ("positive", "neutral", "negative")
MAX_NOTE = 500
OWN_STORY_PREFIX = "corrected:"  # the story id of an article an officer took out of its story


class CorrectionError(ValueError):
    """A correction that cannot be applied: its value does not suit its field."""


def checked(correction: Correction, topic_ids: Iterable[str]) -> Correction:
    """The correction when its value suits its field (a known sentiment, configured topic ids, a bool, a story
    choice), else CorrectionError naming what is wrong."""
    value = correction.value
    match correction.field:
        case CorrectedField.SENTIMENT if value not in SENTIMENTS:
            raise CorrectionError(f"sentiment must be one of {', '.join(SENTIMENTS)}, not {value!r}")
        case CorrectedField.TOPICS:
            known = set(topic_ids)
            if not isinstance(value, tuple) or not all(isinstance(topic, str) for topic in value):
                raise CorrectionError("topics must be a list of topic ids")
            unknown = [topic for topic in value if topic not in known]
            if unknown:
                raise CorrectionError(f"unknown topic {unknown[0]!r}: topics are {', '.join(sorted(known))}")
        case CorrectedField.ABOUT_COUNCIL if not isinstance(value, bool):
            raise CorrectionError(f"about_council must be true or false, not {value!r}")
        case CorrectedField.STORY if not isinstance(value, str) or not value.strip():
            raise CorrectionError(f"story must be {Correction.OWN_STORY!r} or the id of an article to join")
    if len(correction.note) > MAX_NOTE:
        raise CorrectionError(f"the note is longer than {MAX_NOTE} characters")
    return correction


def corrected(article: Article, story_of: Callable[[str], str | None]) -> Article:
    """The article with the latest correction of each field applied over the pipeline's values; `story_of` gives
    the story id of the article a story correction joins (None when it is gone: the correction then holds no more
    and the pipeline's story stays)."""
    latest = {correction.field: correction.value for correction in article.corrections}
    changes: dict[str, object] = {}
    if CorrectedField.SENTIMENT in latest:
        changes |= {"sentiment": latest[CorrectedField.SENTIMENT], "sentiment_confidence": None}
    if CorrectedField.TOPICS in latest:
        changes["topics"] = tuple(latest[CorrectedField.TOPICS])
    if CorrectedField.ABOUT_COUNCIL in latest:
        changes["about_council"] = latest[CorrectedField.ABOUT_COUNCIL]
    if CorrectedField.STORY in latest:
        story = _story(article.doc_id, str(latest[CorrectedField.STORY]), story_of)
        if story is not None:
            changes["cluster_id"] = story
    return replace(article, **changes)


def carry_over(
    articles: Iterable[Article], stored: Mapping[str, tuple[Correction, ...]], story_of: Callable[[str], str | None]
) -> list[Article]:
    """The articles about to be written, each with the corrections stored for it (`stored`, by doc_id) kept and
    applied: a new reading of a page replaces the pipeline's values, never the officer's."""
    written = []
    for article in articles:
        kept = stored.get(article.doc_id, ())
        written.append(corrected(replace(article, corrections=kept), story_of) if kept or article.corrections
                       else article)
    return written


def replaced_value(article: Article, field: CorrectedField) -> CorrectionValue | None:
    """What the article holds in the field now, kept with a new correction as what Habari had said."""
    match field:
        case CorrectedField.SENTIMENT:
            return article.sentiment
        case CorrectedField.TOPICS:
            return article.topics
        case CorrectedField.ABOUT_COUNCIL:
            return article.about_council
        case CorrectedField.STORY:
            return article.story_id


def _story(doc_id: str, choice: str, story_of: Callable[[str], str | None]) -> str | None:
    if choice == Correction.OWN_STORY:
        return OWN_STORY_PREFIX + doc_id
    return None if choice == doc_id else story_of(choice)
