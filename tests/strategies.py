"""Hypothesis strategies for the totality tests: hostile Unicode text and mutated HTML pages, with a fixed budget.

Every stage must answer these with a result or a named rejection, never an exception (tests/pipeline/test_*).
"""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PAGES = Path(__file__).parent / "pipeline" / "pages"
# A fixed budget: the examples are drawn from a fixed seed, so each run tries the same ones and takes the same time.
TOTALITY = settings(
    max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# Words the stages react to: the council's names, offices, titles, honorifics, connectors, places.
SWAHILI = (
    "Halmashauri", "ya", "Wilaya", "Bagamoyo", "Mkurugenzi", "Mtendaji", "Shauri", "Selenda", "Mkuu", "wa", "Mkoa",
    "Iringa", "Kaole", "Dunda", "Zinga", "Bw.", "Mhe.", "Dkt.", "Bi.", "waziri", "mkuu", "Tanzania", "Rais", "CUBA",
    "SPIKA", "BUNGE", "ng'ombe", "ng'Shauri", "DC", "BDC", "maji", "mradi", "shule", "afya", "barabara", "si",
    "hakuna", "nzuri", "mbaya", "Diwani", "Kata", "kijiji", "cha", "la", "za", ",", ".", "(", ")", "NMB", "Bank",
    "Wizara", "Ministry", "of", "Health", "The", "said", "council", "District", "Council", "Commissioner", "Okash",
)
OTHER_SCRIPTS = ("مجلس", "شورى", "北京", "新闻", "Москва", "новости", "नगर", "परिषद", "ελληνικά", "שלום", "😀", "🇹🇿")
INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202e", "\u2066",
             "\u061c", "\x00", "\x07", "\u2028")
LONE_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
hostile_words = st.one_of(
    st.sampled_from(SWAHILI),
    st.sampled_from(SWAHILI).map(str.upper),
    st.sampled_from(OTHER_SCRIPTS),
    st.sampled_from(INVISIBLE),
    LONE_SURROGATES,
    st.text(st.characters(exclude_categories=("L", "N")), min_size=1, max_size=5),  # no letters at all
    st.text(min_size=1, max_size=12),
)
separators = st.sampled_from((" ", " ", "\n", "\n\n", "\t", "\u00a0", "", "'", "\u2019", "-"))


@st.composite
def hostile_text(draw: st.DrawFn, max_words: int = 60) -> str:
    """Words of many scripts and cases, invisible characters, lone surrogates, no letters; sometimes one enormous
    token; sometimes nothing."""
    words = draw(st.lists(st.tuples(hostile_words, separators), max_size=max_words))
    text = "".join(word + separator for word, separator in words)
    if draw(st.integers(0, 9)) == 0:  # one enormous token
        text += draw(st.sampled_from(("a", "A", "ß", "9", "\u200b", "ng'", "北"))) * draw(st.integers(1000, 60_000))
    return text


def page_bytes() -> list[bytes]:
    return [path.read_bytes() for path in sorted(PAGES.glob("*.html"))]


HOSTILE_MARKUP = (
    b"<div>" * 300, b"</div>" * 50, b"<table><tr><td>" * 100, b"<ul><li>" * 200, b"<b>x</b> " * 700,
    b'<meta charset="rot13">', b'<meta charset="utf-16">', b'<meta http-equiv="Content-Type" content="text/html; '
    b'charset=base64">', b'<script type="application/ld+json">{"@type":"NewsArticle","headline":"Habari',
    b'<script type="application/ld+json">' + b"[" * 5000, b"<?xml version='1.0' encoding='idna'?>",
    b"<time datetime='0001-01-01T00:00:00+05:00'>", b"<meta property='article:published_time' "
    b"content='9999-12-31T23:59:59-05:00'>", b"<link rel='canonical' href='http://['>", b"\x00\xff\xfe",
    b"<!--", b"<![CDATA[", b"&#xD800;&#0;&#x110000;", b"\xef\xbb\xbf", b"\xc3", b"<html/>",
)


@st.composite
def mutated_page(draw: st.DrawFn) -> bytes:
    """One of the test pages with a few cuts, copies, byte flips and hostile snippets (deep nesting, charsets that
    are no encodings, a JSON-LD block cut short, out-of-range dates, a canonical URL that does not parse)."""
    page = bytearray(draw(st.sampled_from(page_bytes())))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(page)))
        kind = draw(st.integers(0, 4))
        if kind == 0:
            del page[at : at + draw(st.integers(1, 400))]
        elif kind == 1:
            page[at:at] = page[at : at + draw(st.integers(1, 400))] * draw(st.integers(1, 20))
        elif kind == 2 and page:
            page[min(at, len(page) - 1)] = draw(st.integers(0, 255))
        elif kind == 3:
            page[at:at] = draw(st.sampled_from(HOSTILE_MARKUP))
        else:
            page[at:at] = draw(st.binary(max_size=40))
    return bytes(page)


declared_charsets = st.sampled_from(
    (None, "utf-8", "iso-8859-1", "windows-1252", "utf-16", "utf-16be", "rot13", "base64", "idna", "hex", "zlib",
     "x-user-defined", "replacement", "hz-gb-2312", "shift_jis", "", " ", "\u00e9", "utf-8\x00")
)
