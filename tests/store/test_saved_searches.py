"""Saved searches on both stores: kept by name regardless of case, replaced, listed by name, deleted."""
from __future__ import annotations

from datetime import timedelta

from store.models import SavedSearch
from tests.builders import FETCHED_AT as NOW


def saved(name: str, query: str = "maji", owner: str = "asha", **filters: tuple[str, ...]) -> SavedSearch:
    return SavedSearch(name, query, tuple(filters.items()), owner, NOW, NOW)


def test_a_saved_search_is_kept_whole_and_found_regardless_of_case(store):
    kept = saved("Maji Kaole", "maji AND Kaole", topic=("water",), about=("true",), **{"from": ("01/11/2026",)})
    store.save_search(kept)
    assert store.saved_searches() == [kept]
    assert store.saved_search("  maji   kaole ") == kept and store.saved_search("Barabara") is None


def test_saving_under_a_taken_name_replaces_it_and_the_list_is_by_name(store):
    store.save_search(saved("Zahanati", "zahanati"))
    store.save_search(saved("barabara", "barabara"))
    store.save_search(saved("ZAHANATI", "zahanati OR hospitali", owner="juma"))
    assert [(search.name, search.query) for search in store.saved_searches()] == [
        ("barabara", "barabara"), ("ZAHANATI", "zahanati OR hospitali")]


def test_a_deleted_search_is_gone_and_deleting_it_again_says_so(store):
    store.save_search(saved("Maji"))
    assert store.delete_search("MAJI") is True
    assert store.saved_searches() == [] and store.delete_search("Maji") is False


def test_swahili_and_odd_characters_in_names_and_queries_round_trip(store):
    odd = saved("Ng'ombe — mifugo 🐄", 'ng\'ombe "mnada wa mifugo"', source=("mwananchi-rss", "habarileo-sitemap"))
    store.save_search(odd)
    assert store.saved_search("ng'ombe — mifugo 🐄") == odd
    later = SavedSearch(odd.name, odd.query, (), "asha", NOW, NOW + timedelta(days=1))
    store.save_search(later)
    assert store.saved_searches() == [later]
