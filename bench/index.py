"""Benchmark: bulk-index N synthetic articles into each store backend and print documents per second.

Usage: python -m bench.index [--docs 10000 100000] [--backend sqlite elasticsearch] [--es-url URL]
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from settings.environment import Settings, StoreBackend
from store import Article, SearchRequest, open_store
from store.query import parse_query

BATCH = 1000
WORDS = (
    "halmashauri wilaya bagamoyo mradi maji shule barabara afya zahanati wananchi diwani mkurugenzi "
    "kijiji kata bajeti mapato ardhi kilimo wakulima serikali ujenzi hospitali elimu walimu wanafunzi "
    "council district project water school road health clinic residents councillor director village "
    "ward budget revenue land farmers government construction hospital education teachers pupils"
).split()


def synthetic_articles(count: int, seed: int = 7) -> Iterator[Article]:
    """Deterministic articles of about 300 words, spread over a year."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for number in range(count):
        published = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
        yield Article(
            doc_id=f"bench-{number:07d}",
            url=f"https://bench.example.tz/{number}",
            title=" ".join(rng.choices(WORDS, k=8)).capitalize(),
            text="\n\n".join(" ".join(rng.choices(WORDS, k=60)).capitalize() + "." for _ in range(5)),
            source_id=f"source-{number % 12}",
            outlet=f"Outlet {number % 12}",
            language="sw" if number % 2 else "en",
            fetched_at=published + timedelta(hours=1),
            published=published,
        )


def measure(settings: Settings, articles: list[Article]) -> float:
    """Seconds to upsert the articles in batches and make them searchable (generation not timed)."""
    count = len(articles)
    store = open_store(settings)
    try:
        began = time.perf_counter()
        for start in range(0, count, BATCH):
            store.upsert(articles[start : start + BATCH])
        store.refresh()
        elapsed = time.perf_counter() - began
        assert store.count() == count, "not every article was indexed"
        assert store.search(SearchRequest(query=parse_query("bagamoyo"), limit=1)).total > 0
        return elapsed
    finally:
        if settings.store is StoreBackend.elasticsearch:
            store.drop()
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backend", nargs="+", choices=[b.value for b in StoreBackend], default=["sqlite", "elasticsearch"])
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    arguments = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}")
    for count in arguments.docs:
        articles = list(synthetic_articles(count))
        for backend in arguments.backend:
            with tempfile.TemporaryDirectory() as data_dir:
                settings = Settings(
                    store=backend,
                    data_dir=Path(data_dir),
                    es_url=arguments.es_url,
                    es_index=f"bench-{uuid.uuid4().hex[:8]}",
                )
                seconds = measure(settings, articles)
            print(f"{backend:14} {count:>8} docs  {seconds:8.1f} s  {count / seconds:9.0f} docs/s", flush=True)


if __name__ == "__main__":
    main()
