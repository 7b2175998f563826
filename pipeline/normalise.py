"""Normalisation: canonical URL (tracking parameters and fragment dropped, the page's own rel=canonical
followed within its site), document id, clean text, publication times in UTC.

The document id is a stable hash of the canonical URL, so every write of the same page is an upsert.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from functools import cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan

from store.highlight import strip_sentinels

_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_LONE_SURROGATES = re.compile("[\ud800-\udfff]")
_BEYOND_FIRST_PLANE = re.compile("[\U00010000-\U0010ffff]")
# Control characters other than the ones str.splitlines() breaks lines at, and tab.
_LINE_BREAKING_CONTROLS = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x85")


class InvalidUrl(ValueError):
    """An address that cannot be read as a URL; the message names it and says why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url[:200]!r} is not a readable URL: {reason}")
        self.reason = reason


def without_accents(text: str) -> str:
    """Compatibility-decomposed (NFKD) with the combining marks dropped: é -> e, ﬁ -> fi."""
    return text if text.isascii() else unicodedata.normalize("NFKD", text).translate(_combining_marks())


@cache
def _combining_marks() -> dict[int, None]:
    """Every character with a combining class (accents and other marks); all lie in Unicode's first two planes."""
    return dict.fromkeys(code for code in range(0x20000) if unicodedata.combining(chr(code)))


def canonical_url(url: str, declared: str | None = None) -> str:
    """`url` normalised; or the page's declared canonical URL when it is an http(s) URL on the same site
    (another site's address, a page can claim but not prove; one that cannot be read, it does not declare).
    Raises InvalidUrl for a `url` that cannot be read."""
    if declared:
        try:
            absolute = urljoin(url, declared.strip())
            if urlsplit(absolute).scheme in ("http", "https") and _site(absolute) == _site(url):
                return _normalised(absolute)
        except ValueError:  # InvalidUrl, or urlsplit's: a declared address that cannot be read is not followed
            pass
    return _normalised(url)


def _normalised(url: str) -> str:
    try:
        normalised = courlan.normalize_url(url, strict=True)
        return urlunsplit(urlsplit(normalised)._replace(fragment=""))
    except ValueError as error:  # UnicodeError is one: a lone surrogate in the address
        raise InvalidUrl(url, str(error)) from None


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.").removeprefix("m.").removeprefix("amp.")


def doc_id_for(url: str) -> str:
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def clean_text(text: str) -> str:
    """NFC Unicode, plain apostrophes (ng'ombe), single spaces, at most one blank line between paragraphs; without
    invisible characters (soft hyphens, zero-width and direction marks, controls) that would split a word
    ("Baga\u00admoyo"), and a lone surrogate (half of a character cut in two) replaced by U+FFFD."""
    first_plane, beyond = _invisible_characters()
    text = first_plane.sub("", whole_characters(text))
    if _BEYOND_FIRST_PLANE.search(text):
        text = beyond.sub("", text)
    text = strip_sentinels(unicodedata.normalize("NFC", text)).replace("\u2019", "'")
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def whole_characters(text: str) -> str:
    """The text with each lone surrogate (half of a character cut in two, as JSON can carry it) made U+FFFD."""
    return _LONE_SURROGATES.sub("\ufffd", text)


@cache
def _invisible_characters() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Unicode's format characters (Cf: soft hyphen, zero-width space and joiners, direction marks, BOM, tags) and
    the control characters (Cc) that do not break lines, as classes of code point ranges: those of the first
    plane, and those beyond it (a class with any is five times slower, so it is searched for only where a text
    has a character beyond the first plane: an emoji, say)."""
    ranges: list[list[int]] = []
    for code in (*range(0x20000), *range(0xE0000, 0xE1000)):  # the planes that have any
        category = unicodedata.category(chr(code))
        if category == "Cf" or (category == "Cc" and chr(code) not in _LINE_BREAKING_CONTROLS):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])

    def character_class(wanted: list[list[int]]) -> re.Pattern[str]:
        return re.compile("[" + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in wanted)
                          + "]")

    return (character_class([span for span in ranges if span[1] <= 0xFFFF]),
            character_class([span for span in ranges if span[0] > 0xFFFF]))


def utc_time(moment: datetime | None) -> datetime | None:
    """The moment in UTC (a naive one is read as UTC); None for one that UTC cannot hold (year 1 at +05:00)."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError:
        return None
