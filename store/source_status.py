"""Each configured source's state for the officer: its latest poll, and its pages whose processing failed.

`habari sources`, the sources page and /api/sources all read it, so the three say the same.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from settings.config import Source
from store.base import ArticleStore
from store.models import FailedPage, SourceHealth

LISTED_FAILURES = 200  # the sources page and /api/sources list at most this many failed pages


@dataclass(frozen=True)
class SourceStatus:
    """One source as configured, its latest poll (None before the first), and its failed pages by stage."""

    source: Source
    health: SourceHealth | None
    failed_by_stage: tuple[tuple[str, int], ...]  # (stage, pages), by stage name

    @property
    def failed_pages(self) -> int:
        return sum(count for _, count in self.failed_by_stage)

    @property
    def outcome(self) -> str:
        """"never" before the first poll, "ok", or "failed (N in a row)"."""
        if self.health is None:
            return "never"
        return "ok" if self.health.last_run.ok else f"failed ({self.health.failures_in_a_row} in a row)"

    def failed_summary(self) -> str:
        """"3 (analyse: 2, extract: 1)", or "" when no page failed."""
        if not self.failed_by_stage:
            return ""
        stages = ", ".join(f"{stage}: {count}" for stage, count in self.failed_by_stage)
        return f"{self.failed_pages} ({stages})"


def source_statuses(sources: Iterable[Source], store: ArticleStore) -> list[SourceStatus]:
    """The configured sources in their configured order, each with its health and failed pages."""
    health = {entry.source_id: entry for entry in store.source_health()}
    stages = _failed_stages(store.failed_pages())
    return [
        SourceStatus(source, health.get(source.id), tuple(sorted(stages.get(source.id, Counter()).items())))
        for source in sources
    ]


def latest_failures(store: ArticleStore) -> list[FailedPage]:
    """The latest failed pages, newest first, at most LISTED_FAILURES of them."""
    return store.failed_pages()[::-1][:LISTED_FAILURES]


def _failed_stages(failures: Iterable[FailedPage]) -> dict[str, Counter[str]]:
    """Per source id, how many of its failed pages failed in each stage."""
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    for failure in failures:
        by_source[failure.source_id][failure.stage] += 1
    return by_source
