"""Hostile behaviours a fake site can be given: quirks, frozen dataclasses that add routes or change listings.

Throttling, redirect loops, huge pages, a gzip bomb, a lying charset, a broken feed, tracking copies, slowness, PDFs.
"""
from __future__ import annotations

import functools
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from habari.demo.feeds import RSS_TYPE, feed_document
from habari.demo.pages import not_found, render_article
from habari.demo.site import (
    LiveSite,
    NewsArticle,
    Quirk,
    Request,
    Response,
    Route,
    Streamed,
)

MIB = 1024 * 1024
_BLANK_MIB = b" " * MIB  # what the gzip bomb inflates to, over and over
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, no mtime, best compression
_FINAL_BLOCK = b"\x03\x00"  # an empty last deflate block


@dataclass(frozen=True)
class RetryLater(Quirk):
    """The first `times` requests for each path matching `path` (a regular expression) get `status`
    (429 or 503) with `Retry-After: retry_after`; later ones are answered as usual."""

    path: str
    status: int = 429
    times: int = 1
    retry_after: int = 1

    def routes(self) -> tuple[tuple[str, Route], ...]:
        return ((self.path, self._refuse),)

    def _refuse(self, site: LiveSite, request: Request) -> Response | None:
        if site.times_requested(request.path) > self.times:
            return None
        headers = (("Retry-After", str(self.retry_after)),)
        return Response(self.status, f"{self.status}: try again later\n".encode(), "text/plain; charset=utf-8", headers)


@dataclass(frozen=True)
class RedirectLoop(Quirk):
    """The story's page redirects to `/loop/a`, which redirects to `/loop/b`, which redirects to `/loop/a`…"""

    slug: str

    def routes(self) -> tuple[tuple[str, Route], ...]:
        return (
            (_article_path(self.slug), lambda site, request: _redirect("/loop/a")),
            (r"/loop/a", lambda site, request: _redirect("/loop/b")),
            (r"/loop/b", lambda site, request: _redirect("/loop/a")),
        )


@dataclass(frozen=True)
class ArticleQuirk(Quirk):
    """A quirk that changes how the page of story `slug` is answered."""

    slug: str

    def routes(self) -> tuple[tuple[str, Route], ...]:
        return ((self.route(), self._answer),)

    def route(self) -> str:
        return _article_path(self.slug)

    def serve(self, site: LiveSite, article: NewsArticle, request: Request) -> Response:
        raise NotImplementedError

    def _answer(self, site: LiveSite, request: Request) -> Response:
        article = site.article(self.slug)
        return not_found(site, request) if article is None else self.serve(site, article, request)


@dataclass(frozen=True)
class HugePage(ArticleQuirk):
    """The story's page padded with filler paragraphs to exactly `size` bytes, streamed."""

    size: int = 50 * MIB

    def serve(self, site: LiveSite, article: NewsArticle, request: Request) -> Response:
        head, _, tail = render_article(site, article, request.base_url).partition("</article>")
        prefix, suffix = head.encode(), ("</article>" + tail).encode()
        filler = (f"<p class=\"filler\">{article.paragraphs[0] if article.paragraphs else ''}</p>\n" * 200).encode()
        count, spare = divmod(self.size - len(prefix) - len(suffix), len(filler))

        def chunks() -> Iterator[bytes]:
            yield prefix
            for _ in range(count):
                yield filler
            yield b" " * spare + suffix

        return Response(200, Streamed(self.size, chunks))


@dataclass(frozen=True)
class GzipBomb(ArticleQuirk):
    """The story's URL answers `Content-Encoding: gzip` with about 1 MB that inflates to `inflated_mib` MiB
    of blank HTML (deflate cannot beat about 1030:1)."""

    inflated_mib: int = 1024

    def serve(self, site: LiveSite, article: NewsArticle, request: Request) -> Response:
        head = f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(article.title)}</title></head><body>'
        head_block, blank_block = _deflated(head.encode()), _blank_block()
        inflated = len(head.encode()) + self.inflated_mib * MIB

        def chunks() -> Iterator[bytes]:
            yield _GZIP_HEADER + head_block
            for _ in range(self.inflated_mib):
                yield blank_block
            crc = _crc_of_blanks(head.encode(), self.inflated_mib)
            yield _FINAL_BLOCK + struct.pack("<II", crc, inflated & 0xFFFFFFFF)

        length = len(_GZIP_HEADER) + len(head_block) + len(blank_block) * self.inflated_mib + len(_FINAL_BLOCK) + 8
        return Response(200, Streamed(length, chunks), headers=(("Content-Encoding", "gzip"),))


@dataclass(frozen=True)
class LyingCharset(ArticleQuirk):
    """The story's page is UTF-8 (and says so in its <meta>) but its Content-Type header says `declared`."""

    declared: str = "iso-8859-1"

    def serve(self, site: LiveSite, article: NewsArticle, request: Request) -> Response:
        body = render_article(site, article, request.base_url).encode("utf-8")
        return Response(200, body, content_type=f"text/html; charset={self.declared}")


@dataclass(frozen=True)
class MalformedFeed(Quirk):
    """`/rss.xml` is cut off halfway and ends in junk."""

    def routes(self) -> tuple[tuple[str, Route], ...]:
        return ((r"/rss\.xml", self._feed),)

    def _feed(self, site: LiveSite, request: Request) -> Response:
        whole = feed_document(site, request.base_url)
        return Response(200, whole[: len(whole) // 2] + b"\x00<item><title>Habari &za", RSS_TYPE)


@dataclass(frozen=True)
class TrackingCopies(Quirk):
    """The feed lists the story again under each of `parameters` (tracking query strings); all serve it."""

    slug: str
    parameters: tuple[str, ...] = (
        "utm_source=feed&utm_medium=rss&utm_campaign=asubuhi",
        "fbclid=IwAR2xYz0FakeClickId",
        "gclid=Cj0KCQjwFakeGoogleClickId",
    )

    def paths(self, slug: str) -> tuple[str, ...]:
        if slug != self.slug:
            return ()
        path = f"/articles/{slug}"
        return (path, *(f"{path}?{query}" for query in self.parameters))


@dataclass(frozen=True)
class SlowPage(ArticleQuirk):
    """The story's page is answered only after `seconds` (sooner when the web stops)."""

    seconds: float = 3.0

    def serve(self, site: LiveSite, article: NewsArticle, request: Request) -> Response:
        site.stopping.wait(self.seconds)
        return Response(200, render_article(site, article, request.base_url).encode())


@dataclass(frozen=True)
class PdfDocument(ArticleQuirk):
    """Listings point at `/files/<slug>.pdf`, a one-page PDF (application/pdf) bearing the story's title."""

    def paths(self, slug: str) -> tuple[str, ...]:
        return (f"/files/{slug}.pdf",) if slug == self.slug else ()

    def route(self) -> str:
        return rf"/files/{re.escape(self.slug)}\.pdf"

    def serve(self, site: LiveSite, article: NewsArticle, request: Request) -> Response:
        return Response(200, one_page_pdf(article.title), content_type="application/pdf")


def one_page_pdf(line: str) -> bytes:
    """A minimal valid PDF 1.4 showing `line` (Latin-1; other characters become '?') in Helvetica."""
    text = line.encode("latin-1", errors="replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj ET"
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
         b" /Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    )
    document, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return document + (
        b"xref\n0 %d\n0000000000 65535 f \n%s" % (len(objects) + 1, xref)
        + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(document))
    )


def _article_path(slug: str) -> str:
    return rf"/articles/{re.escape(slug)}"


def _redirect(location: str) -> Response:
    return Response(302, f'<a href="{location}">{location}</a>'.encode(), headers=(("Location", location),))


def _deflated(data: bytes) -> bytes:
    """`data` as raw deflate ending in a full flush, so that any such block may follow it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


@functools.cache
def _blank_block() -> bytes:
    """A MiB of blanks, deflated once per process (about 1 KB); the bomb repeats it."""
    return _deflated(_BLANK_MIB)


@functools.cache
def _crc_of_blanks(head: bytes, mebibytes: int) -> int:
    """The gzip CRC-32 of `head` and that many MiB of blanks (half a second a GiB: computed once)."""
    crc = zlib.crc32(head)
    for _ in range(mebibytes):
        crc = zlib.crc32(_BLANK_MIB, crc)
    return crc
