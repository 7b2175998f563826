"""The sitemap window: a sitemap source reads the entries changed since its listings were read in the last poll
that left nothing behind, less a margin for clock skew, and skips the entries it handled since, lastmod unchanged.

Kept per source in a SQLite file of its own beside the store (`data/sitemaps.sqlite3`), bounded by the windows.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawlers.links import ArticleLink
from pipeline.normalise import canonical_url
from store.sqlite_file import connect_shared, statements, write_transaction

FIRST_WINDOW = timedelta(days=7)  # a source's first poll reads this recent past
LONGEST_WINDOW = timedelta(days=30)  # a source with no clean poll for longer reads only this recent past
# A site's clock, or the zone it writes, may be off by this much: EAT times written as UTC are 3 hours out.
CLOCK_MARGIN = timedelta(hours=3)
BUSY_TIMEOUT_SECONDS = 30.0
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
SCHEMA = """
CREATE TABLE IF NOT EXISTS windows (
    source_id TEXT PRIMARY KEY,
    since_us INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    source_id TEXT NOT NULL,
    url TEXT NOT NULL,
    lastmod_us INTEGER NOT NULL,
    PRIMARY KEY (source_id, url)
);
"""


@dataclass(frozen=True)
class SitemapWindow:
    """Entries changed before `since` are skipped; `handled` maps the canonical URLs handled since to their lastmod."""

    since: datetime
    handled: Mapping[str, datetime]

    def covers(self, changed_at: datetime | None) -> bool:
        """Whether an entry (or a child sitemap) changed at `changed_at` is inside the window; undated ones are."""
        return changed_at is None or changed_at >= self.since

    def unhandled(self, links: Iterable[ArticleLink]) -> list[ArticleLink]:
        """The links inside the window that were not handled with the same lastmod."""
        return [
            link for link in links
            if self.covers(link.changed_at)
            and (link.changed_at is None or self.handled.get(canonical_url(link.url)) != link.changed_at)
        ]


class SitemapMemory:
    """Each sitemap source's window and the entries it handled, in a SQLite file the crawl processes share."""

    def __init__(self, path: Path) -> None:
        self._db = connect_shared(path, BUSY_TIMEOUT_SECONDS)
        with write_transaction(self._db):
            for statement in statements(SCHEMA):
                self._db.execute(statement)

    def window(self, source_id: str, now: datetime) -> SitemapWindow:
        row = self._db.execute("SELECT since_us FROM windows WHERE source_id = ?", (source_id,)).fetchone()
        since = max(_from_us(row[0]), now - LONGEST_WINDOW) if row else now - FIRST_WINDOW
        handled = self._db.execute(
            "SELECT url, lastmod_us FROM entries WHERE source_id = ? AND lastmod_us >= ?", (source_id, _us(since))
        )
        return SitemapWindow(since, {url: _from_us(lastmod) for url, lastmod in handled})

    def save(self, source_id: str, handled: Mapping[str, datetime], read_at: datetime | None, now: datetime) -> None:
        """Remember the entries handled in a poll (canonical URL -> lastmod). With `read_at`, when the poll that
        left nothing behind first read the source's listings, the next window starts there, less the margin;
        without, it stays where it was. Entries older than the window are forgotten."""
        with write_transaction(self._db):
            self._db.executemany(
                "INSERT INTO entries (source_id, url, lastmod_us) VALUES (?, ?, ?)"
                " ON CONFLICT (source_id, url) DO UPDATE SET lastmod_us = excluded.lastmod_us",
                [(source_id, url, _us(lastmod)) for url, lastmod in handled.items()],
            )
            if read_at is not None:
                self._db.execute(
                    "INSERT INTO windows (source_id, since_us) VALUES (?, ?)"
                    " ON CONFLICT (source_id) DO UPDATE SET since_us = excluded.since_us",
                    (source_id, _us(read_at - CLOCK_MARGIN)),
                )
            row = self._db.execute("SELECT since_us FROM windows WHERE source_id = ?", (source_id,)).fetchone()
            oldest_kept = max(row[0] if row else 0, _us(now - LONGEST_WINDOW))
            self._db.execute("DELETE FROM entries WHERE source_id = ? AND lastmod_us < ?", (source_id, oldest_kept))

    def close(self) -> None:
        self._db.close()


class SitemapPoll:
    """One crawl's use of the memory: each sitemap source's window, read once; when its first listing came in;
    and the entries it handled. The memory file is opened at the first sitemap read."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._memory: SitemapMemory | None = None
        self._windows: dict[str, SitemapWindow] = {}
        self._first_read: dict[str, datetime] = {}
        self._handled: defaultdict[str, dict[str, datetime]] = defaultdict(dict)

    def listing_read(self, source_id: str) -> None:
        self._first_read.setdefault(source_id, datetime.now(timezone.utc))

    def window(self, source_id: str) -> SitemapWindow:
        if source_id not in self._windows:
            self._windows[source_id] = self._opened().window(source_id, datetime.now(timezone.utc))
        return self._windows[source_id]

    def handled(self, source_id: str, url: str, lastmod: datetime) -> None:
        """An entry fetched (or forbidden): skipped until its lastmod changes. `url` is canonical."""
        self._handled[source_id][url] = lastmod

    def sources_read(self) -> list[str]:
        return list(self._first_read)

    def save(self, source_id: str, moves_on: bool, keeps_handled: bool) -> None:
        """Keep the source's entries handled (unless not `keeps_handled`); its window moves to this poll's
        first read when the poll `moves_on`, having left nothing behind."""
        handled = self._handled[source_id] if keeps_handled else {}
        read_at = self._first_read[source_id] if moves_on else None
        self._opened().save(source_id, handled, read_at, datetime.now(timezone.utc))

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()

    def _opened(self) -> SitemapMemory:
        if self._memory is None:
            self._memory = SitemapMemory(self._path)
        return self._memory


def _us(moment: datetime) -> int:
    """Microseconds since the epoch, exactly (a lastmod read back must equal the one listed)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def _from_us(microseconds: int) -> datetime:
    return EPOCH + timedelta(microseconds=microseconds)
