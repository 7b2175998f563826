"""SQLite-only behaviour: a store file written by an older schema gains what the new one adds.

Everything the two backends share is in test_contract.py.
"""
from __future__ import annotations

import sqlite3

from store import SearchFilters
from store.models import Entities
from store.sqlite import SCHEMA_VERSION, SqliteStore
from tests.builders import make_article


def test_a_version_2_file_gains_the_filter_values_of_the_articles_it_holds(tmp_path):
    path = tmp_path / "habari.sqlite3"
    with SqliteStore(path) as store:
        store.upsert([make_article("kaole", topics=("water",), entities=Entities(places=("Kaole",)))])
    with sqlite3.connect(path) as older:  # as schema version 2 left it: no article_terms
        older.executescript("DROP TABLE article_terms; DROP TABLE term_paths; PRAGMA user_version = 2;")
    with SqliteStore(path) as store:
        assert store.count(SearchFilters(topics=("water",), places=("Kaole",))) == 1
        assert store.get("kaole").topics == ("water",)
    with sqlite3.connect(path) as upgraded:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
