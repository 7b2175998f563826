"""Normalisation: canonical URL (tracking parameters and fragment dropped, the page's own rel=canonical
followed within its site), document id, clean text.

The document id is a stable hash of the canonical URL, so every write of the same page is an upsert.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan

from store.highlight import strip_sentinels

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def without_accents(text: str) -> str:
    """Compatibility-decomposed (NFKD) with the combining marks dropped: é -> e, ﬁ -> fi."""
    return text if text.isascii() else unicodedata.normalize("NFKD", text).translate(_combining_marks())


@cache
def _combining_marks() -> dict[int, None]:
    """Every character with a combining class (accents and other marks); all lie in Unicode's first two planes."""
    return dict.fromkeys(code for code in range(0x20000) if unicodedata.combining(chr(code)))


def canonical_url(url: str, declared: str | None = None) -> str:
    """`url` normalised; or the page's declared canonical URL when it is an http(s) URL on the same site
    (another site's address, a page can claim but not prove)."""
    if declared:
        absolute = urljoin(url, declared.strip())
        if urlsplit(absolute).scheme in ("http", "https") and _site(absolute) == _site(url):
            url = absolute
    normalised = courlan.normalize_url(url, strict=True)
    return urlunsplit(urlsplit(normalised)._replace(fragment=""))


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.").removeprefix("m.").removeprefix("amp.")


def doc_id_for(url: str) -> str:
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def clean_text(text: str) -> str:
    """NFC Unicode, plain apostrophes (ng'ombe), single spaces, at most one blank line between paragraphs."""
    text = strip_sentinels(unicodedata.normalize("NFC", text)).replace("\u2019", "'")
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
