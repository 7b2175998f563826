"""Decoding fetched bytes: a lying charset header does not garble Swahili or English text; a charset that is no
text encoding is passed over; empty and binary bodies are named."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.decode import NotText, decode_html
from tests.strategies import TOTALITY, declared_charsets, mutated_page

TEXT = "Mkurugenzi “amesema” — ng’ombe wa Zinga, café"


def test_utf8_body_under_a_latin1_header_is_read_as_utf8():
    assert decode_html(TEXT.encode("utf-8"), "iso-8859-1") == TEXT


def test_windows_1252_body_under_a_utf8_header_is_read_as_windows_1252():
    assert decode_html(TEXT.encode("cp1252"), "utf-8") == TEXT


def test_the_pages_own_meta_charset_is_used_when_the_header_says_nothing():
    body = '<meta charset="iso-8859-1"><p>café</p>'.encode("latin-1")
    assert decode_html(body, None).endswith("café</p>")


def test_a_byte_order_mark_wins():
    assert decode_html(b"\xff\xfe" + "habari".encode("utf-16-le"), "utf-8") == "habari"


@pytest.mark.parametrize("charset", ["rot13", "base64", "idna", "hex", "zlib", "uu", "x-no-such-charset"])
def test_a_charset_that_is_no_text_encoding_is_passed_over_in_the_header_and_in_meta(charset):
    body = f'<meta charset="{charset}"><p>café</p>'.encode("cp1252")
    assert decode_html(body, None).endswith("café</p>")
    assert decode_html(body, charset).endswith("café</p>")


def test_meta_utf_16_on_an_8_bit_page_is_read_as_utf_8():
    """The HTML standard: a <meta> cannot declare UTF-16 (the page it is read from is 8-bit); it means UTF-8."""
    assert decode_html(f'<meta charset="utf-16"><p>{TEXT}</p>'.encode("utf-8"), None).endswith(f"{TEXT}</p>")
    legacy = '<meta charset="utf-16"><p>café</p>'.encode("cp1252")  # not UTF-8 after all: as a lying utf-8
    assert decode_html(legacy, None).endswith("café</p>")
    assert decode_html(legacy, "utf-16").endswith("café</p>")  # a header's UTF-16 on a body without NUL bytes


def test_a_utf_16_page_with_the_header_saying_so_is_read():
    assert decode_html("<p>habari ng'ombe</p>".encode("utf-16-le"), "utf-16") == "<p>habari ng'ombe</p>"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "the page is empty"),
        (b" \r\n\t ", "the page is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary data, not a web page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00", "binary data, not a web page"),
        (bytes(range(256)) * 4, "binary data, not a web page"),
    ],
)
def test_empty_and_binary_bodies_are_named(body, reason):
    assert decode_html(body, None) == NotText(reason)


@TOTALITY
@given(body=st.one_of(mutated_page(), st.binary(max_size=3000)), declared=declared_charsets)
def test_any_bytes_under_any_declared_charset_decode_or_are_named(body, declared):
    decoded = decode_html(body, declared)
    assert isinstance(decoded, str) or decoded.reason in ("the page is empty", "binary data, not a web page")
