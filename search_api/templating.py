"""Jinja2 templates for the web page, with autoescaping on, and the one helper that renders them.

Every page carries a Content-Security-Policy that allows only this site's own stylesheet.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import Response

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
LANGUAGE_NAMES = {"sw": "Kiswahili", "en": "English", "mixed": "Mchanganyiko / Mixed"}
SENTIMENT_NAMES = {"positive": "Chanya · Positive", "neutral": "Wastani · Neutral", "negative": "Hasi · Negative"}
OUTLET_TYPE_NAMES = {"newspaper": "Gazeti · Newspaper", "online": "Mtandaoni · Online", "tv": "Televisheni · TV",
                     "radio": "Redio · Radio", "blog": "Blogu · Blog", "government": "Serikali · Government"}
ABOUT_NAMES = {"true": "Inahusu Halmashauri · About the council", "false": "Nyingine · Other"}
PAGE_HEADERS = {
    "Content-Security-Policy": "; ".join(
        ("default-src 'none'", "style-src 'self'", "img-src 'self'", "form-action 'self'", "base-uri 'none'",
         "frame-ancestors 'none'")
    ),
    "X-Content-Type-Options": "nosniff",
}


def make_templates() -> Jinja2Templates:
    environment = Environment(
        loader=FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["language_name"] = lambda code: LANGUAGE_NAMES.get(code, code)
    environment.filters["outlet_type_name"] = lambda code: OUTLET_TYPE_NAMES.get(code, code)
    environment.filters["sentiment_name"] = lambda code: SENTIMENT_NAMES.get(code, code or "—")
    return Jinja2Templates(env=environment, context_processors=[_signed_in])


def _signed_in(request: Request) -> dict[str, Any]:
    """The page header's signed-in user and logout token (search_api/auth.py keeps the session on request.state)."""
    return {"signed_in": getattr(request.state, "session", None)}


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200,
           headers: Mapping[str, str] = PAGE_HEADERS) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=dict(headers))
