"""A SQLite file shared by several processes: write-ahead log, one writer at a time, waits instead of failing.

Used by the SQLite store and by the story clusters, which both crawl processes open at the same moment.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def connect_shared(path: Path | None, timeout: float, **options: object) -> sqlite3.Connection:
    """Connect in autocommit mode and switch the file to WAL; None opens a private in-memory database.

    SQLite does not wait for the lock a new file's switch to WAL needs when waiting could deadlock
    (two processes opening the same new file), so the switch is tried again until the timeout.
    """
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(":memory:" if path is None else path, timeout=timeout, isolation_level=None, **options)
    _retry_while_locked(lambda: db.execute("PRAGMA journal_mode = WAL"), timeout)
    return db


@contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE: take the write lock first (waiting up to the busy timeout), commit or roll back."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def statements(script: str) -> list[str]:
    """A script's statements, one by one (executescript would commit the transaction it runs in)."""
    found, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    return found


def _retry_while_locked(run: Callable[[], object], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = 0.01
    while True:
        try:
            run()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
