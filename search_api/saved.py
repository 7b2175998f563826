"""Saved searches between the search's parameters and the store: what is kept of a search (its query and filters,
not its page), how a kept one runs again, and the checks on a name.

The page, the API and `habari saved` all go through here; the digest and alerts will read the same.
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime, timezone

from search_api.params import SearchParams
from store.models import SavedSearch

MAX_NAME = 80
# The parts of a search a saved one keeps, by SearchParams field; the rest (order, folding, page) are the reader's.
KEPT_FIELDS = ("sources", "languages", "topics", "sentiments", "places", "people", "outlets", "outlet_types",
               "organisations", "about", "story", "date_from", "date_to")
_TEXT_FIELDS = ("story", "date_from", "date_to")  # one value each; the others are tuples


class SavedSearchError(ValueError):
    """A saved search cannot be made or changed as asked: the message says why."""


def checked_name(name: str) -> str:
    """The name with its spacing tidied, when it is one a person can read and type; else SavedSearchError."""
    tidy = " ".join(name.split())
    if not tidy:
        raise SavedSearchError("a saved search needs a name")
    if len(tidy) > MAX_NAME:
        raise SavedSearchError(f"a saved search's name is at most {MAX_NAME} characters, not {len(tidy)}")
    if any(unicodedata.category(character) in ("Cc", "Cf", "Cs", "Co", "Cn") for character in tidy):
        raise SavedSearchError("a saved search's name may not hold control or invisible characters")
    return tidy


def to_saved(name: str, params: SearchParams, owner: str, existing: SavedSearch | None = None) -> SavedSearch:
    """The search kept under `name` by `owner`; replacing `existing` keeps when it was first saved."""
    now = datetime.now(timezone.utc)
    kept = []
    for field_name in KEPT_FIELDS:
        value = getattr(params, field_name)
        values = (value,) if isinstance(value, str) else value
        if any(values):
            kept.append((field_name, tuple(values)))
    return SavedSearch(checked_name(name), params.q, tuple(kept), owner, existing.created_at if existing else now,
                       now)


def to_params(saved: SavedSearch, base: SearchParams = SearchParams()) -> SearchParams:
    """The search the saved one describes, with `base`'s order, folding and page."""
    kept = {name: values for name, values in saved.filters if name in KEPT_FIELDS}
    changes = {name: values[0] if name in _TEXT_FIELDS else values for name, values in kept.items()}
    return replace(base, q=saved.query, **changes)
