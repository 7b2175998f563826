"""Bytes to text for fetched pages, robust to a charset header that lies about the body.

A body that is valid UTF-8 is UTF-8 whatever the header says (legacy single-byte text almost never
is); otherwise a BOM, the HTTP header, the page's own <meta> declaration, then Windows-1252.
"""
from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

FALLBACK = "cp1252"


def decode_html(body: bytes, declared: str | None) -> str:
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return body[len(bom):].decode(bom_encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for candidate in (declared, html_body_declared_encoding(body)):
        encoding = resolve_encoding(candidate) if candidate else None
        if encoding and codecs.lookup(encoding).name != "utf-8":
            return body.decode(encoding, errors="replace")
    return body.decode(FALLBACK, errors="replace")
