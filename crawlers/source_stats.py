"""Per-source counters kept in Scrapy's stats under habari/<source id>/, and read back as outcomes.

The spider and the index pipeline write them; `outcomes_from_stats` turns them into SourceOutcomes.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scrapy.statscollectors import StatsCollector

from store.models import SourceRun

LISTING_LINKS = "listing_links"  # present once any listing of the source was read (or was unchanged)
NOT_MODIFIED = "not_modified"
PAGES_FETCHED = "pages_fetched"
ARTICLES_INDEXED = "articles_indexed"
ARTICLES_NOT_INDEXED = "articles_not_indexed"  # analysed, but the store refused them: fetched again next poll
REJECTED = "rejected/"
ROBOTS_FORBIDDEN = "robots_forbidden"  # links skipped because robots.txt forbids them: obeyed, not an error
FAILED = "failed/"  # + the stage: pages whose processing failed (recorded in the store, not fetched again)
ERROR = "error"
NOT_FETCHED = "no listing of the source was read before the crawl ended"


@dataclass(frozen=True)
class SourceOutcome:
    """What one crawl did for one source; `error` says why when `ok` is False."""

    source_id: str
    ok: bool
    pages_fetched: int = 0
    articles_indexed: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)  # pages whose processing failed, by stage
    error: str | None = None
    robots_forbidden: int = 0

    def as_run(self, started_at: datetime, finished_at: datetime) -> SourceRun:
        """This outcome as an entry of the source's history in the store."""
        return SourceRun(
            source_id=self.source_id,
            started_at=started_at,
            finished_at=finished_at,
            ok=self.ok,
            pages_fetched=self.pages_fetched,
            new_articles=self.articles_indexed,
            errors=sum(self.rejected.values()),
            error=self.error,
            robots_forbidden=self.robots_forbidden,
            failed_pages=sum(self.failed.values()),
        )

    def describe(self) -> str:
        """One line for the log."""
        counts = f"{self.pages_fetched} pages fetched, {self.articles_indexed} articles indexed"
        if self.rejected:
            reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(self.rejected.items()))
            counts += f", {sum(self.rejected.values())} rejected ({reasons})"
        if self.robots_forbidden:
            counts += f", {self.robots_forbidden} links forbidden by robots.txt"
        if self.failed:
            stages = ", ".join(f"{stage}: {n}" for stage, n in sorted(self.failed.items()))
            counts += f", {sum(self.failed.values())} failed ({stages})"
        if self.ok:
            return f"{self.source_id}: ok, {counts}"
        return f"{self.source_id}: FAILED, {self.error} ({counts})"


def _key(source_id: str, name: str) -> str:
    return f"habari/{source_id}/{name}"


def count(stats: StatsCollector, source_id: str, name: str, n: int = 1) -> None:
    stats.inc_value(_key(source_id, name), n)


def get(stats: StatsCollector, source_id: str, name: str) -> Any:
    return stats.get_value(_key(source_id, name))


def reject(stats: StatsCollector, source_id: str, reason: str) -> None:
    count(stats, source_id, REJECTED + reason)


def fail(stats: StatsCollector, source_id: str, stage: str) -> None:
    count(stats, source_id, FAILED + stage)


def record_error(stats: StatsCollector, source_id: str, message: str) -> None:
    """Mark the source failed; the first error is kept, as later ones usually follow from it."""
    if get(stats, source_id, ERROR) is None:
        stats.set_value(_key(source_id, ERROR), message)


def outcomes_from_stats(stats: Mapping[str, Any], source_ids: Iterable[str]) -> list[SourceOutcome]:
    outcomes = []
    for source_id in source_ids:
        prefix = _key(source_id, "")
        mine = {key.removeprefix(prefix): value for key, value in stats.items() if key.startswith(prefix)}
        error = mine.get(ERROR)
        if error is None and LISTING_LINKS not in mine:
            error = NOT_FETCHED
        outcomes.append(SourceOutcome(
            source_id=source_id,
            ok=error is None,
            pages_fetched=mine.get(PAGES_FETCHED, 0),
            articles_indexed=mine.get(ARTICLES_INDEXED, 0),
            rejected={key.removeprefix(REJECTED): n for key, n in mine.items() if key.startswith(REJECTED)},
            failed={key.removeprefix(FAILED): n for key, n in mine.items() if key.startswith(FAILED)},
            error=error,
            robots_forbidden=mine.get(ROBOTS_FORBIDDEN, 0),
        ))
    return outcomes


def failed_outcomes(source_ids: Iterable[str], message: str) -> list[SourceOutcome]:
    return [SourceOutcome(source_id, ok=False, error=message) for source_id in source_ids]
