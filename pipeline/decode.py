"""Bytes to text for fetched pages, robust to a charset header that lies about the body.

A body that is valid UTF-8 is UTF-8 whatever the header says (legacy single-byte text almost never is); otherwise
a BOM, the HTTP header, the page's own <meta> declaration, then Windows-1252. Only the Encoding standard's labels
count as encodings (webencodings: `rot13` or `base64` is none); empty and binary bodies are named, not decoded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import webencodings
from w3lib.encoding import html_body_declared_encoding, read_bom

FALLBACK = webencodings.lookup("windows-1252")
# The HTML standard reads a <meta> that declares UTF-16 as UTF-8 (an 8-bit page cannot be UTF-16), and
# x-user-defined as windows-1252. A header's UTF-16 is believed of a body with NUL bytes only (UTF-16 markup has them).
META_OVERRIDES = {"utf-16le": "utf-8", "utf-16be": "utf-8", "x-user-defined": "windows-1252"}
UTF_16 = ("utf-16le", "utf-16be")
# The MIME Sniffing standard's binary data bytes, looked for in its resource header (the first 1,445 bytes).
BINARY = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
SNIFF_CHARS = 1445


@dataclass(frozen=True)
class NotText:
    """A body that is no web page's text: empty, or binary data (an image, a PDF, random bytes)."""

    reason: str


def decode_html(body: bytes, declared: str | None) -> str | NotText:
    """The body's text, or why it is none; `declared` is the charset the HTTP header names."""
    if not body or body.isspace():
        return NotText("the page is empty")
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        text = body[len(bom):].decode(bom_encoding, errors="replace")
    elif b"\x00" in body[:SNIFF_CHARS] or (text := _as_utf8(body)) is None:  # BOM-less UTF-16 is full of NULs
        text = _declared_encoding(body, declared).codec_info.decode(body, errors="replace")[0]
    if BINARY.search(text, 0, SNIFF_CHARS):
        return NotText("binary data, not a web page")
    return text


def _as_utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _declared_encoding(body: bytes, declared: str | None) -> webencodings.Encoding:
    """The HTTP header's encoding, else the <meta> one, when either is an encoding of the Encoding standard other
    than UTF-8 (which the body is not) and "replacement" (which only refuses to decode); else windows-1252."""
    for candidate in (webencodings.lookup(declared) if declared else None, _meta_encoding(body)):
        if candidate is None or candidate.name in ("utf-8", "replacement"):
            continue
        if candidate.name not in UTF_16 or b"\x00" in body:
            return candidate
    return FALLBACK


def _meta_encoding(body: bytes) -> webencodings.Encoding | None:
    """The <meta> declaration's encoding; w3lib gives Python's name for its label ('euc_jp'), which the
    standard spells alike or with a hyphen."""
    python_name = html_body_declared_encoding(body)
    if python_name is None:
        return None
    found = webencodings.lookup(python_name) or webencodings.lookup(python_name.replace("_", "-"))
    return webencodings.lookup(META_OVERRIDES.get(found.name, found.name)) if found else None
