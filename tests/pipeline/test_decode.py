"""Decoding fetched bytes: a lying charset header does not garble Swahili or English text."""
from __future__ import annotations

from pipeline.decode import decode_html

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
