"""The archived page as the snapshot page shows it: its links pointing at the original site, nothing that could
load, refresh or run, in UTF-8; a page that cannot be parsed is shown as plain text, never as markup.

The bytes as fetched stay untouched in the WARC archive and are served as they are at /snapshot/raw.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring, tostring
from w3lib.encoding import http_content_type_encoding

from pipeline.decode import NotText, decode_html
from pipeline.html_tree import MAX_HTML_CHARS
from store.archive import ArchivedPage

LINK_SCHEMES = ("http", "https")
# Elements that fetch, refresh, redirect, style or run something; the frame's sandbox and policy block them anyway,
# and without them the copy cannot reach anything outside Habari even in a browser that ignores both.
REMOVED = etree.XPath(
    "//script | //noscript | //style | //base | //iframe | //frame | //object | //embed | //link | //svg"
    " | //meta[translate(@http-equiv, 'REFSH', 'refsh') = 'refresh']"
)
# Attributes that make a browser fetch or send something; a link's href is kept, pointing at the original site.
FETCHING_ATTRIBUTES = frozenset({
    "src", "srcset", "lowsrc", "data-src", "data-srcset", "data-lazy-src", "poster", "background", "style", "action",
    "formaction", "data", "codebase", "longdesc", "usemap", "ping", "manifest", "href", "xlink:href", "cite",
})
LINKING = frozenset({"a", "area"})
PARSER = HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True)


@dataclass(frozen=True)
class SnapshotView:
    """What the snapshot frame serves: the body and its Content-Type."""

    body: bytes
    content_type: str


def snapshot_view(page: ArchivedPage) -> SnapshotView:
    """The archived HTML page with every link absolute to where it was fetched and opening there in the whole tab,
    its scripts, frames, embeds, styles, refreshes and images' sources removed; any other payload as plain text."""
    content_type = page.header("Content-Type") or ""
    text = decode_html(page.payload, http_content_type_encoding(content_type))
    if isinstance(text, NotText):
        return SnapshotView(f"[{text.reason}]".encode(), "text/plain; charset=utf-8")
    declared_html = not content_type or "html" in content_type.lower()
    if not declared_html or len(text) > MAX_HTML_CHARS:
        return _plain(text)
    try:
        document = document_fromstring(text.encode("utf-8", "replace"), parser=PARSER)
    except (etree.ParserError, ValueError):
        return _plain(text)
    return SnapshotView(_neutralised(document, page.url), "text/html; charset=utf-8")


def _neutralised(document: HtmlElement, fetched_from: str) -> bytes:
    base = _base_href(document, fetched_from)
    for element in REMOVED(document):
        element.drop_tree()
    for element in document.iter(etree.Element):
        link = element.get("href") if element.tag in LINKING else None
        for name in [name for name in element.attrib if name in FETCHING_ATTRIBUTES or name.startswith("on")]:
            del element.attrib[name]
        if link is not None and (original := _original_site_link(base, link)):
            element.attrib.update({"href": original, "target": "_top", "rel": "noopener noreferrer"})
    return b"<!doctype html>\n" + tostring(document, encoding="utf-8")


def _base_href(document: HtmlElement, fetched_from: str) -> str:
    """The address the page's relative links are relative to: its <base href> when http(s), else where it was
    fetched."""
    declared = next(iter(document.xpath("//base/@href")), None)
    resolved = _original_site_link(fetched_from, declared) if declared else None
    return resolved or fetched_from


def _original_site_link(base: str, link: str) -> str | None:
    """`link` made absolute against `base`, or None (the attribute is dropped) unless it is an http(s) address."""
    try:
        absolute = urljoin(base, link.strip())
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    return absolute if scheme in LINK_SCHEMES else None


def _plain(text: str) -> SnapshotView:
    return SnapshotView(text.encode("utf-8", "replace"), "text/plain; charset=utf-8")
