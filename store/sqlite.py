"""The embedded store: one SQLite file holds every article and the crawl's tables; Tantivy indexes them.

SQLite is the record (WAL lets a crawl in a child process write while the API reads); each article change
is logged in the same transaction, and the search index beside the file catches up from that log.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store.base import ArticleStore, StoreError
from store.highlight import highlights
from store.models import (
    Article,
    ArticleSelection,
    Correction,
    FailedPage,
    FetchRecord,
    SavedSearch,
    SearchFilters,
    SearchHit,
    SearchRequest,
    SearchResult,
    SourceHealth,
    SourceRun,
    StoryMember,
    saved_search_key,
)
from store.sqlite_file import connect_shared, statements, write_transaction
from store.tantivy_index import IndexBusy, IndexedStory, SearchIndex

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 30.0
SCHEMA_VERSION = 7  # 6: failed_pages; 7: articles_by_cluster and saved_searches
MAX_PARAMS = 500
REBUILD_CHUNK = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FETCH_COLUMNS = ("url", "fetched_at", "status", "etag", "last_modified", "content_sha256")
_COLUMNS = ("doc_id", "source_id", "outlet", "language", "published_ts", "fetched_ts", "title", "text", "record")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    source_id TEXT NOT NULL,
    outlet TEXT NOT NULL,
    language TEXT NOT NULL,
    published_ts REAL,
    fetched_ts REAL NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_by_cluster ON articles (json_extract(record, '$.cluster_id'));
CREATE TABLE IF NOT EXISTS store_identity (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL);
INSERT OR IGNORE INTO store_identity (id, token) VALUES (1, lower(hex(randomblob(16))));
CREATE TABLE IF NOT EXISTS article_changes (revision INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS article_changes_ai AFTER INSERT ON articles BEGIN
    INSERT INTO article_changes (doc_id) VALUES (new.doc_id);
END;
CREATE TRIGGER IF NOT EXISTS article_changes_au AFTER UPDATE ON articles BEGIN
    INSERT INTO article_changes (doc_id) VALUES (new.doc_id);
END;
CREATE TRIGGER IF NOT EXISTS article_changes_ad AFTER DELETE ON articles BEGIN
    INSERT INTO article_changes (doc_id) VALUES (old.doc_id);
END;
CREATE TABLE IF NOT EXISTS fetch_records (
    url TEXT PRIMARY KEY,
    fetched_at TEXT NOT NULL,
    status INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    content_sha256 TEXT
);
CREATE TABLE IF NOT EXISTS source_runs (
    source_id TEXT NOT NULL,
    started_us INTEGER NOT NULL,
    finished_us INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (source_id, started_us)
);
CREATE INDEX IF NOT EXISTS source_runs_finished ON source_runs(source_id, finished_us);
CREATE TABLE IF NOT EXISTS failed_pages (
    url TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    failed_us INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS saved_searches (key TEXT PRIMARY KEY, name TEXT NOT NULL, record TEXT NOT NULL);
"""
# Before version 5, an FTS5 table and a table of facet values, kept by triggers, did the searching.
_BEFORE_5 = """
DROP TRIGGER IF EXISTS articles_ai;
DROP TRIGGER IF EXISTS articles_ad;
DROP TRIGGER IF EXISTS articles_au;
DROP TRIGGER IF EXISTS article_terms_ai;
DROP TRIGGER IF EXISTS article_terms_ad;
DROP TRIGGER IF EXISTS article_terms_au;
DROP TABLE IF EXISTS articles_fts;
DROP TABLE IF EXISTS article_terms;
DROP TABLE IF EXISTS term_paths;
DROP INDEX IF EXISTS articles_source;
DROP INDEX IF EXISTS articles_language;
DROP INDEX IF EXISTS articles_published;
"""
_UPSERT = f"""
INSERT INTO articles ({", ".join(_COLUMNS)}) VALUES ({", ".join("?" for _ in _COLUMNS)})
ON CONFLICT(doc_id) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])}
"""
_MOVE_STORY = """
UPDATE articles SET record = json_set(record, '$.cluster_id', ?) WHERE json_extract(record, '$.cluster_id') = ?
"""
_SAVE_FETCH = f"""
INSERT INTO fetch_records ({", ".join(_FETCH_COLUMNS)}) VALUES ({", ".join("?" for _ in _FETCH_COLUMNS)})
ON CONFLICT(url) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in _FETCH_COLUMNS[1:])}
"""
_RECORD_RUN = """
INSERT INTO source_runs (source_id, started_us, finished_us, ok, record) VALUES (?, ?, ?, ?, ?)
ON CONFLICT(source_id, started_us) DO UPDATE SET
    finished_us = excluded.finished_us, ok = excluded.ok, record = excluded.record
"""
_RECORD_FAILURE = """
INSERT INTO failed_pages (url, source_id, failed_us, record) VALUES (?, ?, ?, ?)
ON CONFLICT(url) DO UPDATE SET source_id = excluded.source_id, failed_us = excluded.failed_us, record = excluded.record
"""
# One row per source: its latest run, latest ok run, latest failed run and the failed runs since the ok one.
_HEALTH = """
WITH ranked AS (
    SELECT source_id, ok, finished_us, record,
        ROW_NUMBER() OVER (PARTITION BY source_id ORDER BY finished_us DESC, started_us DESC) AS recency,
        ROW_NUMBER() OVER (PARTITION BY source_id, ok ORDER BY finished_us DESC, started_us DESC) AS rank_in_outcome
    FROM source_runs
)
SELECT latest.source_id, latest.record, succeeded.record, failed.record, (
    SELECT COUNT(*) FROM source_runs AS run
    WHERE run.source_id = latest.source_id AND NOT run.ok
        AND (succeeded.finished_us IS NULL OR run.finished_us > succeeded.finished_us)
)
FROM ranked AS latest
LEFT JOIN ranked AS succeeded
    ON succeeded.source_id = latest.source_id AND succeeded.ok AND succeeded.rank_in_outcome = 1
LEFT JOIN ranked AS failed
    ON failed.source_id = latest.source_id AND NOT failed.ok AND failed.rank_in_outcome = 1
WHERE latest.recency = 1
ORDER BY latest.source_id
"""


class SqliteStore(ArticleStore):
    """Articles and the crawl's tables in SQLite at `path`; the search index in the folder `path`.search."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._readers = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            self._db = self._connect()
            self._migrate()
            identity = self._db.execute("SELECT token FROM store_identity").fetchone()[0]
            self._index = SearchIndex(Path(f"{path}.search"), identity)
        except (OSError, sqlite3.Error, ValueError) as error:
            raise StoreError(f"cannot open the SQLite store at {path}: {error}") from error
        self._catch_up(BUSY_TIMEOUT_SECONDS)

    def _connect(self) -> sqlite3.Connection:
        connection = connect_shared(self.path, BUSY_TIMEOUT_SECONDS, check_same_thread=False)
        self._connections.append(connection)
        return connection

    def _migrate(self) -> None:
        """Create the schema, adding to an older file the tables new since (empty); a file from before version 5
        loses its FTS5 tables (the index is rebuilt)."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        with write_transaction(self._db):
            if 0 < version < 5:
                for statement in statements(_BEFORE_5):
                    self._db.execute(statement)
            for statement in statements(_SCHEMA):
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _put_articles(self, articles: list[Article]) -> int:
        rows = [_to_row(article) for article in articles]
        self._write(_UPSERT, rows)
        self._catch_up(0.0)
        return len(rows)

    def _stored_corrections(self, doc_ids: list[str]) -> dict[str, tuple[Correction, ...]]:
        rows = self._fetch_in(
            "SELECT doc_id, json_extract(record, '$.corrections') FROM articles WHERE doc_id IN ({marks})"
            " AND json_array_length(record, '$.corrections') > 0",
            doc_ids,
        )
        return {doc_id: tuple(map(Correction.from_record, json.loads(listed))) for doc_id, listed in rows}

    def get(self, doc_id: str) -> Article | None:
        row = self._fetch("SELECT title, text, record FROM articles WHERE doc_id = ?", (doc_id,))
        return _to_article(*row[0]) if row else None

    def search(self, request: SearchRequest) -> SearchResult:
        with self._searching():
            found = self._index.search(request)
        rows = {story.row for story in found.page} | {row for story in found.page for row in story.other_rows}
        articles = self._articles(rows)
        hits = [_hit(story, articles, request) for story in found.page if story.row in articles]
        return SearchResult(total=found.total, hits=hits, facets=found.facets, stories=found.stories,
                            histogram=found.histogram)

    def articles(self, selection: ArticleSelection = ArticleSelection()) -> Iterator[Article]:
        where, params = ["doc_id > ?"], [selection.after or ""]
        if selection.source_ids:
            where.append(f"source_id IN ({', '.join('?' for _ in selection.source_ids)})")
            params += selection.source_ids
        if selection.fetched_from is not None:
            where.append("fetched_ts >= ?")
            params.append(selection.fetched_from.timestamp())
        sql = f"SELECT doc_id, title, text, record FROM articles WHERE {' AND '.join(where)} ORDER BY doc_id LIMIT ?"
        while rows := self._fetch(sql, [*params, REBUILD_CHUNK]):
            yield from (_to_article(title, text, record) for _, title, text, record in rows)
            params[0] = rows[-1][0]

    def matching(self, request: SearchRequest, limit: int) -> Iterator[Article]:
        with self._searching():
            rows = self._index.matching_rows(request, limit)
        for start in range(0, len(rows), REBUILD_CHUNK):
            chunk = rows[start : start + REBUILD_CHUNK]
            articles = self._articles(set(chunk))
            yield from (articles[row] for row in chunk if row in articles)

    def count(self, filters: SearchFilters = SearchFilters()) -> int:
        self._index.follow()
        return self._index.count(SearchRequest(filters=filters, facets=()))

    def delete(self, doc_id: str) -> bool:
        with self._lock, self._errors("delete"):
            deleted = self._db.execute("DELETE FROM articles WHERE doc_id = ?", (doc_id,)).rowcount > 0
        self._catch_up(0.0)
        return deleted

    def move_stories(self, into: Mapping[str, str]) -> int:
        """One UPDATE per absorbed story, by the index on the record's cluster_id; the change log then
        re-indexes the moved articles (their story key) as it does any write."""
        with self._lock, self._errors("move stories"), write_transaction(self._db):
            moved = sum(self._db.execute(_MOVE_STORY, (survivor, absorbed)).rowcount
                        for absorbed, survivor in into.items())
        self._catch_up(0.0)
        return moved

    def fetch_records(self, urls: Iterable[str]) -> dict[str, FetchRecord]:
        rows = self._fetch_in(f"SELECT {', '.join(_FETCH_COLUMNS)} FROM fetch_records WHERE url IN ({{marks}})",
                              list(dict.fromkeys(urls)))
        return {row[0]: _to_fetch_record(*row) for row in rows}

    def save_fetch_records(self, records: Iterable[FetchRecord]) -> None:
        self._write(_SAVE_FETCH, [_fetch_row(record) for record in records])

    def record_failures(self, failures: Iterable[FailedPage]) -> None:
        rows = [(failure.url, failure.source_id, _micros(failure.failed_at), json.dumps(failure.to_record()))
                for failure in failures]
        self._write(_RECORD_FAILURE, rows)

    def failed_pages(self, source_id: str | None = None) -> list[FailedPage]:
        rows = self._fetch(
            "SELECT record FROM failed_pages WHERE ? IS NULL OR source_id = ? ORDER BY failed_us, url",
            (source_id, source_id),
        )
        return [FailedPage.from_record(json.loads(record)) for (record,) in rows]

    def clear_failures(self, urls: Iterable[str]) -> None:
        self._write("DELETE FROM failed_pages WHERE url = ?", [(url,) for url in dict.fromkeys(urls)])

    def record_source_run(self, run: SourceRun) -> None:
        """Recording the same run (source and start time) again replaces it, so a retry never doubles it."""
        record = json.dumps(run.to_record())
        self._write(_RECORD_RUN, [(run.source_id, _micros(run.started_at), _micros(run.finished_at), run.ok, record)])

    def source_health(self) -> list[SourceHealth]:
        return [_to_health(*row) for row in self._fetch(_HEALTH)]

    def save_search(self, search: SavedSearch) -> None:
        self._write("INSERT OR REPLACE INTO saved_searches (key, name, record) VALUES (?, ?, ?)",
                    [(search.key, search.name, json.dumps(search.to_record(), ensure_ascii=False))])

    def saved_searches(self) -> list[SavedSearch]:
        rows = self._fetch("SELECT record FROM saved_searches ORDER BY key")
        return [SavedSearch.from_record(json.loads(record)) for (record,) in rows]

    def delete_search(self, name: str) -> bool:
        key = saved_search_key(name)
        existed = bool(self._fetch("SELECT 1 FROM saved_searches WHERE key = ?", (key,)))
        self._write("DELETE FROM saved_searches WHERE key = ?", [(key,)])
        return existed

    def refresh(self) -> None:
        """Bring the search index up to every committed write, waiting for another process's indexing."""
        if not self._catch_up(BUSY_TIMEOUT_SECONDS):
            raise StoreError(f"SQLite store {self.path}: the search index is held by another process")

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._index.close()

    def _catch_up(self, wait_seconds: float) -> bool:
        """Apply the article changes logged since the index's revision (all articles when the index is new
        or of an older schema); False when another process holds the index for longer than `wait_seconds`.
        Changes are applied by doc_id, so applying one twice does no harm. Writes do not wait for another
        process's indexing (what it leaves is indexed by the next write or refresh), refresh() does; searches
        never index, so indexing and merging never slow a search down."""
        held = self._index.revision()
        latest = self._fetch("SELECT COALESCE(MAX(revision), 0) FROM article_changes")[0][0]
        if held is not None and latest <= held:
            self._index.follow()
            return True
        try:
            with self._errors("index"), self._index.writer(wait_seconds, latest) as writer:
                if held is None:
                    log.info("building the search index of %s", self.path)
                    self._index.clear(writer)
                    for chunk in self._all_articles():
                        self._index.replace(writer, (), chunk)
                else:
                    changed = [doc_id for (doc_id,) in self._fetch(
                        "SELECT DISTINCT doc_id FROM article_changes WHERE revision > ? AND revision <= ?",
                        (held, latest))]
                    self._index.replace(writer, changed, self._articles_by_doc_id(changed))
        except IndexBusy:
            if wait_seconds:
                log.warning("search index busy: %s changes wait for the next search or write", self.path)
            self._index.follow()
            return False
        with self._lock, self._errors("index"):
            self._db.execute("DELETE FROM article_changes WHERE revision <= ?", (latest,))
        return True

    def _all_articles(self) -> Iterator[list[tuple[int, Article]]]:
        after = 0
        while rows := self._fetch(
            "SELECT rowid, title, text, record FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after, REBUILD_CHUNK),
        ):
            yield [(row, _to_article(title, text, record)) for row, title, text, record in rows]
            after = rows[-1][0]

    def _articles_by_doc_id(self, doc_ids: list[str]) -> list[tuple[int, Article]]:
        found = self._fetch_in("SELECT rowid, title, text, record FROM articles WHERE doc_id IN ({marks})", doc_ids)
        return [(row, _to_article(title, text, record)) for row, title, text, record in found]

    def _articles(self, rows: set[int]) -> dict[int, Article]:
        found = self._fetch_in("SELECT rowid, title, text, record FROM articles WHERE rowid IN ({marks})", sorted(rows))
        return {row: _to_article(title, text, record) for row, title, text, record in found}

    def _write(self, sql: str, rows: list[tuple]) -> None:
        """Run one statement over all rows in a single transaction."""
        with self._lock, self._errors("write"), write_transaction(self._db):
            self._db.executemany(sql, rows)

    def _fetch_in(self, sql: str, values: list) -> list[tuple]:
        """The rows of `sql`, whose `{marks}` is the placeholders of an IN list, for all `values`: asked
        MAX_PARAMS at a time, as SQLite limits a statement's parameters."""
        found: list[tuple] = []
        for start in range(0, len(values), MAX_PARAMS):
            chunk = values[start : start + MAX_PARAMS]
            found += self._fetch(sql.format(marks=", ".join("?" * len(chunk))), chunk)
        return found

    def _fetch(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """Reads run on a connection of their own per thread, so searches never wait for one another."""
        reader = getattr(self._readers, "connection", None)
        if reader is None:
            with self._lock:
                reader = self._readers.connection = self._connect()
        with self._errors("read"):
            return reader.execute(sql, tuple(params)).fetchall()

    @contextmanager
    def _searching(self) -> Iterator[None]:
        """Reads the index as it now is; Tantivy refusing a query the parser let through is a StoreError."""
        self._index.follow()
        try:
            yield
        except ValueError as error:
            raise StoreError(f"SQLite store {self.path}: search failed: {error}") from error

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, OSError, ValueError) as error:
            raise StoreError(f"SQLite store {self.path}: {action} failed: {error}") from error


def _hit(story: IndexedStory, articles: dict[int, Article], request: SearchRequest) -> SearchHit:
    article = articles[story.row]
    others = tuple(StoryMember.of(articles[row]) for row in story.other_rows if row in articles)
    marked = highlights(request.query, article.title, article.text)
    return SearchHit(article, story.score, marked, story_size=story.size, others=others)


def _to_row(article: Article) -> tuple:
    record = article.to_record()
    title, text = record.pop("title"), record.pop("text")
    return (
        article.doc_id,
        article.source_id,
        article.outlet,
        article.language,
        article.published.timestamp() if article.published else None,
        article.fetched_at.timestamp(),
        title,
        text,
        json.dumps(record, ensure_ascii=False),
    )


def _to_article(title: str, text: str, record: str) -> Article:
    return Article.from_record({**json.loads(record), "title": title, "text": text})


def _to_fetch_record(*row: object) -> FetchRecord:
    return FetchRecord.from_record(dict(zip(_FETCH_COLUMNS, row)))


def _fetch_row(record: FetchRecord) -> tuple:
    values = record.to_record()
    return tuple(values[column] for column in _FETCH_COLUMNS)


def _to_health(
    source_id: str, last_run: str, succeeded: str | None, failed: str | None, failures_in_a_row: int
) -> SourceHealth:
    success = _to_run(succeeded) if succeeded else None
    failure = _to_run(failed) if failed else None
    return SourceHealth(
        source_id=source_id,
        last_run=_to_run(last_run),
        last_success_at=success.finished_at if success else None,
        last_error=failure.error if failure else None,
        last_error_at=failure.finished_at if failure else None,
        failures_in_a_row=failures_in_a_row,
    )


def _to_run(record: str) -> SourceRun:
    return SourceRun.from_record(json.loads(record))


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch: an exact, sortable integer for an aware datetime."""
    return (moment - _EPOCH) // timedelta(microseconds=1)

