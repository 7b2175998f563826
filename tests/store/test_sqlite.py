"""SQLite-only behaviour: older files upgrade, and the search index beside the file follows it.

The index is a copy: lost, damaged or behind, it is rebuilt or caught up from the articles table, also when
another process wrote them. Everything the two backends share is in test_contract.py.
"""
from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from pathlib import Path

from store import SearchFilters, SearchRequest
from store.models import Entities, FailedPage, SourceRun
from store.query import parse_query
from store.sqlite import SCHEMA_VERSION, SqliteStore
from store.tantivy_index import SearchIndex
from tests.builders import FETCHED_AT, make_article

# The parts of schema version 4 that version 5 drops: FTS5 and the facet-values table, with their triggers.
_VERSION_4_SEARCH = """
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='rowid');
CREATE TABLE term_paths (field TEXT PRIMARY KEY, path TEXT NOT NULL);
CREATE TABLE article_terms (article INTEGER, field TEXT, value TEXT, PRIMARY KEY (article, field, value));
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE INDEX articles_source ON articles(source_id);
DROP TABLE article_changes;
PRAGMA user_version = 4;
"""


def found(store: SqliteStore, text: str) -> set[str]:
    return {hit.article.doc_id for hit in store.search(SearchRequest(query=parse_query(text))).hits}


def test_a_version_4_file_loses_fts5_and_gets_a_search_index_of_its_articles(tmp_path):
    path = tmp_path / "habari.sqlite3"
    with SqliteStore(path) as store:
        store.upsert([make_article("kaole", title="Maji Kaole", topics=("water",), entities=Entities(places=("Kaole",)))])
    shutil.rmtree(f"{path}.search")
    with sqlite3.connect(path) as older:
        older.executescript(_VERSION_4_SEARCH)
    with SqliteStore(path) as store:
        assert found(store, "kaole") == {"kaole"}
        assert store.count(SearchFilters(topics=("water",), places=("Kaole",))) == 1
    with sqlite3.connect(path) as upgraded:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {name for (name,) in upgraded.execute("SELECT name FROM sqlite_master")}
        assert not tables & {"articles_fts", "article_terms", "term_paths", "articles_ai", "articles_source"}


def test_a_version_5_file_gains_the_failed_pages_table_and_keeps_its_runs(tmp_path):
    path = tmp_path / "habari.sqlite3"
    before = SourceRun("mwananchi-rss", FETCHED_AT, FETCHED_AT, True, pages_fetched=3)
    with SqliteStore(path) as store:
        store.upsert([make_article("kaole", title="Maji Kaole")])
        store.record_source_run(before)
    with sqlite3.connect(path) as older:  # as version 5 left it: no failed pages, runs without their count
        older.executescript("DROP TABLE failed_pages; PRAGMA user_version = 5;")
        older.execute("UPDATE source_runs SET record = json_remove(record, '$.failed_pages')")
    with SqliteStore(path) as store:
        assert store.source_health()[0].last_run == before
        failed = FailedPage("https://news.example.tz/a", "mwananchi-rss", "entities", "IndexError: x", FETCHED_AT)
        store.record_failures([failed])
        assert store.failed_pages() == [failed] and found(store, "kaole") == {"kaole"}
    with sqlite3.connect(path) as upgraded:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_lost_or_damaged_index_is_rebuilt_from_the_articles(tmp_path):
    path = tmp_path / "habari.sqlite3"
    with SqliteStore(path) as store:
        store.upsert([make_article(f"a{n}", title=f"Habari ya Kaole {n}") for n in range(30)])
    shutil.rmtree(f"{path}.search")
    with SqliteStore(path) as store:
        assert len(found(store, "kaole")) == 20 and store.count() == 30
    (Path(f"{path}.search") / "meta.json").write_text("{ not json")
    with SqliteStore(path) as store:
        assert store.count() == 30


def test_a_store_file_replaced_under_its_index_gets_a_new_index(tmp_path):
    path = tmp_path / "habari.sqlite3"
    with SqliteStore(path) as store:
        store.upsert([make_article("old", title="Habari za zamani")])
    path.unlink()
    with SqliteStore(path) as store:
        store.upsert([make_article("new", title="Habari mpya")])
        assert found(store, "habari") == {"new"}


def _write_in_another_process(path: Path, doc_id: str) -> None:
    with SqliteStore(path) as store:
        store.upsert([make_article(doc_id, title="Mkutano wa baraza Zinga")])


def test_writes_of_another_process_are_found_after_refresh(tmp_path):
    path = tmp_path / "habari.sqlite3"
    with SqliteStore(path) as store:
        assert found(store, "zinga") == set()
        writer = multiprocessing.get_context("spawn").Process(target=_write_in_another_process, args=(path, "zinga"))
        writer.start()
        writer.join(60)
        assert writer.exitcode == 0
        store.refresh()
        assert found(store, "zinga") == {"zinga"}


def test_a_write_while_another_process_holds_the_index_is_indexed_later(tmp_path):
    path = tmp_path / "habari.sqlite3"
    with SqliteStore(path) as store:
        other = SearchIndex(Path(f"{path}.search"), store._index.source)
        with other.writer(wait_seconds=0, revision=0):  # as a crawl process in the middle of indexing its batch
            assert store.upsert([make_article("late", title="Habari za Dunda")]) == 1
            assert store.get("late") is not None  # the article is kept; only its indexing waits
            assert found(store, "dunda") == set()
        store.refresh()
        assert found(store, "dunda") == {"late"}
