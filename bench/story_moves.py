"""Benchmark: one story merge carried to the store, moving a cluster of 1,000 articles among 10,000, per backend.

Usage: python -m bench.story_moves [--backend sqlite elasticsearch] [--es-url URL]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from settings.environment import Settings, StoreBackend
from store import Article, open_store
from store.elasticsearch import ElasticsearchStore

ARTICLES, CLUSTER = 10_000, 1_000
FETCHED_AT = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
TEXT = " ".join(["Halmashauri ya Wilaya ya Bagamoyo imekamilisha mradi wa maji katika kijiji cha Kaole."] * 30)


def article(number: int) -> Article:
    return Article(doc_id=f"a{number:05}", url=f"https://news.example.tz/{number}", title=f"Habari {number}",
                   text=TEXT, source_id="bench", outlet="Bench", language="sw",
                   fetched_at=FETCHED_AT,
                   cluster_id="big" if number < CLUSTER else f"c{number}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", nargs="+", choices=[b.value for b in StoreBackend], default=["sqlite", "elasticsearch"])
    parser.add_argument("--es-url", default=os.environ.get("HABARI_ES_URL", "http://127.0.0.1:9200"))
    arguments = parser.parse_args()
    for backend in arguments.backend:
        with tempfile.TemporaryDirectory() as data_dir:
            settings = Settings(store=backend, data_dir=Path(data_dir), es_url=arguments.es_url,
                                es_index=f"bench-{uuid.uuid4().hex[:8]}")
            store = open_store(settings)
            articles = [article(number) for number in range(ARTICLES)]
            for start in range(0, ARTICLES, 500):
                store.upsert(articles[start : start + 500])
            store.refresh()
            for absorbed, into in (("big", "x"), ("x", "y"), ("y", "z"), ("big", "z")):
                began, cpu = time.perf_counter(), time.process_time()
                moved = store.move_stories({absorbed: into})
                store.refresh()
                print(f"{backend:14} {moved:5} articles moved in {time.perf_counter() - began:6.3f} s"
                      f" ({time.process_time() - cpu:.3f} s CPU in this process), refresh included", flush=True)
            if isinstance(store, ElasticsearchStore):
                store.drop()
            store.close()


if __name__ == "__main__":
    main()
