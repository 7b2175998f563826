"""What a saved search keeps of a search and how it runs again; the checks on its name."""
from __future__ import annotations

import pytest

from search_api.params import SearchParams
from search_api.saved import MAX_NAME, SavedSearchError, checked_name, to_params, to_saved

SEARCH = SearchParams(q='maji "Kaole"', topics=("water",), about=("true",), date_from="2026-11-01", sort="newest",
                      collapse=False, offset=40)


def test_a_search_kept_and_run_again_gives_its_query_and_filters_with_the_readers_page():
    saved = to_saved("  Maji   Kaole ", SEARCH, "asha")
    assert saved.name == "Maji Kaole" and saved.owner == "asha" and saved.created_at == saved.updated_at
    assert dict(saved.filters) == {"topics": ("water",), "about": ("true",), "date_from": ("2026-11-01",)}
    again = to_params(saved)
    assert (again.q, again.topics, again.about, again.date_from) == (SEARCH.q, ("water",), ("true",), "2026-11-01")
    assert (again.sort, again.collapse, again.offset) == ("relevance", True, 0)


def test_replacing_a_saved_search_keeps_when_it_was_first_saved():
    first = to_saved("Maji", SEARCH, "asha")
    second = to_saved("maji", SearchParams(q="maji"), "juma", existing=first)
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at and second.filters == ()


@pytest.mark.parametrize(("name", "words"), [
    ("   ", "needs a name"),
    ("x" * (MAX_NAME + 1), f"at most {MAX_NAME} characters"),
    ("maji\u200bkaole", "control or invisible"),
    ("maji\x07", "control or invisible"),
])
def test_a_name_nobody_could_read_or_type_is_refused(name, words):
    with pytest.raises(SavedSearchError, match=words):
        checked_name(name)


def test_swahili_names_pass():
    assert checked_name("Ng'ombe na mifugo — Bagamoyo") == "Ng'ombe na mifugo — Bagamoyo"
