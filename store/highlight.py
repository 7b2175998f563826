"""Highlight snippets as safe HTML: backends mark matches with private-use sentinels, never tags.

The untrusted text is escaped first and only then are the sentinels turned into <mark> elements.
"""
from __future__ import annotations

import html

MARK_START = "\ue000"
MARK_END = "\ue001"


def strip_sentinels(text: str) -> str:
    """Remove sentinel characters from untrusted text before it is stored."""
    return text.replace(MARK_START, "").replace(MARK_END, "")


def render_snippet(marked: str) -> str:
    """Escape a backend's sentinel-marked snippet and turn the sentinels into <mark> tags."""
    escaped = html.escape(marked, quote=True)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
