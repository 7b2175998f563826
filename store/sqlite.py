"""The embedded store: one SQLite file with an FTS5 index and the crawl's operational tables.

WAL mode lets a crawl in a child process write while the API reads; one lock guards the connection.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store.base import ArticleStore, StoreError
from store.highlight import MARK_END, MARK_START, render_snippet
from store.models import (
    Article,
    FacetBucket,
    FetchRecord,
    SearchFilters,
    SearchHit,
    SearchRequest,
    SearchResult,
    SourceHealth,
    SourceRun,
)
from store.sqlite_query import FTS_WEIGHTS, condition, match_expression, scoring_expression
from store.sqlite_file import connect_shared, statements, write_transaction

BUSY_TIMEOUT_SECONDS = 30.0

SCHEMA_VERSION = 4
# Facets and filters on the article columns, and on values kept in the article_terms table, where the
# triggers below copy them from each article's JSON record (lists give one row per item).
_COLUMN_FIELDS = ("source_id", "outlet", "language")
_TERM_PATHS = {
    "about_council": "$.about_council",
    "topics": "$.topics",
    "sentiment": "$.sentiment",
    "places": "$.entities.places",
    "people": "$.entities.people",
    "organisations": "$.entities.organisations",
    "cluster_id": "$.cluster_id",
    "authors": "$.authors",
}
FACET_SIZE = 50
_NEWEST = "published_ts IS NULL, published_ts DESC, fetched_ts DESC"
_SCORED_COLUMNS = (
    f"bm25(articles_fts, {FTS_WEIGHTS}) AS score, highlight(articles_fts, 0, '{MARK_START}', '{MARK_END}') AS marked_title,"
    f" snippet(articles_fts, 1, '{MARK_START}', '{MARK_END}', '…', 32) AS marked_text"
)
MAX_PARAMS = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FETCH_COLUMNS = ("url", "fetched_at", "status", "etag", "last_modified", "content_sha256")
_COLUMNS = ("doc_id", "source_id", "outlet", "language", "published_ts", "fetched_ts", "title", "text", "record")
_SCHEMA = f"""
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
CREATE INDEX IF NOT EXISTS articles_source ON articles(source_id);
CREATE INDEX IF NOT EXISTS articles_language ON articles(language);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_ts);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
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
CREATE TABLE IF NOT EXISTS term_paths (field TEXT PRIMARY KEY, path TEXT NOT NULL);
INSERT OR REPLACE INTO term_paths (field, path) VALUES {", ".join(f"('{f}', '{p}')" for f, p in _TERM_PATHS.items())};
CREATE TABLE IF NOT EXISTS article_terms (
    article INTEGER NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (article, field, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_terms_value ON article_terms(field, value);
CREATE TRIGGER IF NOT EXISTS article_terms_ai AFTER INSERT ON articles BEGIN
    INSERT OR IGNORE INTO article_terms (article, field, value) {{terms_of_new}};
END;
CREATE TRIGGER IF NOT EXISTS article_terms_ad AFTER DELETE ON articles BEGIN
    DELETE FROM article_terms WHERE article = old.rowid;
END;
CREATE TRIGGER IF NOT EXISTS article_terms_au AFTER UPDATE ON articles BEGIN
    DELETE FROM article_terms WHERE article = old.rowid;
    INSERT OR IGNORE INTO article_terms (article, field, value) {{terms_of_new}};
END;
"""


def _terms_of(row: str) -> str:
    """The (article, field, value) rows of the record of `row`: a trigger's `new`, or every row of
    `articles`; JSON true/false become 'true'/'false'."""
    return (
        f"SELECT {row}.rowid, paths.field, CASE item.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'"
        f" ELSE item.value END FROM {'' if row == 'new' else row + ', '}term_paths AS paths,"
        f" json_each({row}.record, paths.path) AS item"
        " WHERE item.type NOT IN ('null', 'object', 'array')"
    )


_SCHEMA = _SCHEMA.replace("{terms_of_new}", _terms_of("new"))
_UPSERT = f"""
INSERT INTO articles ({", ".join(_COLUMNS)}) VALUES ({", ".join("?" for _ in _COLUMNS)})
ON CONFLICT(doc_id) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])}
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
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = connect_shared(path, BUSY_TIMEOUT_SECONDS, check_same_thread=False)
            self._migrate()
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the SQLite store at {path}: {error}") from error
        self._lock = threading.Lock()

    def _migrate(self) -> None:
        """Create the schema; an older file gains the article_terms (authors since version 4) of its articles."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        with write_transaction(self._db):
            for statement in statements(_SCHEMA):
                self._db.execute(statement)
            if 0 < version < 4:
                self._db.execute(f"INSERT OR IGNORE INTO article_terms (article, field, value) {_terms_of('articles')}")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def upsert(self, articles: Iterable[Article]) -> int:
        rows = [_to_row(article) for article in articles]
        self._write(_UPSERT, rows)
        return len(rows)

    def get(self, doc_id: str) -> Article | None:
        row = self._fetch("SELECT title, text, record FROM articles WHERE doc_id = ?", (doc_id,))
        return _to_article(*row[0]) if row else None

    def search(self, request: SearchRequest) -> SearchResult:
        where, params = _filter_sql(request.filters)
        query = request.query
        expression = match_expression(query) if query is not None else None
        if expression is not None:  # FTS5 matches the whole query: it drives the search
            source = "articles_fts CROSS JOIN articles ON articles.rowid = articles_fts.rowid"
            where, params = ["articles_fts MATCH ?", *where], [expression, *params]
            page_source, scored = source, "articles_fts"
        else:
            source = "articles"
            if query is not None:
                found = condition(query)
                where, params = [found.sql, *where], [*found.params, *params]
            scoring = scoring_expression(query) if query is not None else None
            page_source, scored = source, None
            if scoring is not None:
                page_source = (
                    f"articles LEFT JOIN (SELECT rowid, {_SCORED_COLUMNS} FROM articles_fts WHERE articles_fts MATCH ?)"
                    " AS scored ON scored.rowid = articles.rowid"
                )
                scored = "scored"
        condition_sql = " AND ".join(where) or "1"
        page_params = list(params)
        if scored == "articles_fts":
            selected = _SCORED_COLUMNS
            order = "score"
        elif scored == "scored":
            selected = "scored.score, scored.marked_title, scored.marked_text"
            order = "scored.score IS NULL, scored.score, " + _NEWEST
            page_params = [scoring, *params]
        else:
            selected, order = "0, NULL, NULL", _NEWEST
        rows = self._fetch(
            f"SELECT articles.title, articles.text, record, {selected} FROM {page_source}"
            f" WHERE {condition_sql} ORDER BY {order}, doc_id LIMIT ? OFFSET ?",
            (*page_params, request.limit, request.offset),
        )
        total = self._fetch(f"SELECT COUNT(*) FROM {source} WHERE {condition_sql}", params)[0][0]
        facets = {name: self._facet(name, source, condition_sql, params) for name in request.facets}
        hits = [
            SearchHit(_to_article(title, text, record), -(rank or 0.0), _highlights(marked_title, marked_text))
            for title, text, record, rank, marked_title, marked_text in rows
        ]
        return SearchResult(total=total, hits=hits, facets=facets)

    def _facet(self, name: str, source: str, condition: str, params: list) -> list[FacetBucket]:
        value = name
        if name not in _COLUMN_FIELDS:
            value = "terms.value"
            source = f"{source} CROSS JOIN article_terms AS terms ON terms.article = articles.rowid AND terms.field = ?"
            params = [name, *params]
        rows = self._fetch(
            f"SELECT {value}, COUNT(*) FROM {source} WHERE {condition}"
            f" GROUP BY {value} ORDER BY COUNT(*) DESC, {value} LIMIT {FACET_SIZE}",
            params,
        )
        return [FacetBucket(bucket, count) for bucket, count in rows]

    def count(self, filters: SearchFilters = SearchFilters()) -> int:
        where, params = _filter_sql(filters)
        return self._fetch(f"SELECT COUNT(*) FROM articles WHERE {' AND '.join(where) or '1'}", params)[0][0]

    def delete(self, doc_id: str) -> bool:
        with self._lock, self._errors("delete"):
            return self._db.execute("DELETE FROM articles WHERE doc_id = ?", (doc_id,)).rowcount > 0

    def fetch_records(self, urls: Iterable[str]) -> dict[str, FetchRecord]:
        wanted = list(dict.fromkeys(urls))
        found: dict[str, FetchRecord] = {}
        for start in range(0, len(wanted), MAX_PARAMS):
            chunk = wanted[start : start + MAX_PARAMS]
            rows = self._fetch(
                f"SELECT {', '.join(_FETCH_COLUMNS)} FROM fetch_records"
                f" WHERE url IN ({', '.join('?' for _ in chunk)})",
                chunk,
            )
            found.update((row[0], _to_fetch_record(*row)) for row in rows)
        return found

    def save_fetch_records(self, records: Iterable[FetchRecord]) -> None:
        self._write(_SAVE_FETCH, [_fetch_row(record) for record in records])

    def record_source_run(self, run: SourceRun) -> None:
        """Recording the same run (source and start time) again replaces it, so a retry never doubles it."""
        record = json.dumps(run.to_record())
        self._write(_RECORD_RUN, [(run.source_id, _micros(run.started_at), _micros(run.finished_at), run.ok, record)])

    def source_health(self) -> list[SourceHealth]:
        return [_to_health(*row) for row in self._fetch(_HEALTH)]

    def refresh(self) -> None:
        """Nothing to do: SQLite writes are visible once committed."""

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, rows: list[tuple]) -> None:
        """Run one statement over all rows in a single transaction."""
        with self._lock, self._errors("write"), write_transaction(self._db):
            self._db.executemany(sql, rows)

    def _fetch(self, sql: str, params: Iterable = ()) -> list[tuple]:
        with self._lock, self._errors("read"):
            return self._db.execute(sql, tuple(params)).fetchall()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise StoreError(f"SQLite store {self.path}: {action} failed: {error}") from error


def _filter_sql(filters: SearchFilters) -> tuple[list[str], list]:
    where: list[str] = []
    params: list = []
    for name, values in filters.by_field().items():
        marks = ", ".join("?" for _ in values)
        if name in _COLUMN_FIELDS:
            where.append(f"articles.{name} IN ({marks})")
        else:
            where.append(
                f"articles.rowid IN (SELECT article FROM article_terms WHERE field = ? AND value IN ({marks}))"
            )
            params.append(name)
        params.extend(values)
    if filters.published_from:
        where.append("published_ts >= ?")
        params.append(filters.published_from.timestamp())
    if filters.published_before:
        where.append("published_ts < ?")
        params.append(filters.published_before.timestamp())
    return where, params


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


def _highlights(marked_title: str | None, marked_text: str | None) -> dict[str, list[str]]:
    found = {"title": marked_title, "text": marked_text}
    return {field: [render_snippet(value)] for field, value in found.items() if value and MARK_START in value}

