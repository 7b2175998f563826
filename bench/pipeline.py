"""Benchmark: raw HTML to indexed articles, through the whole pipeline (decode, extract, normalise, story
clusters, council mentions, topics, sentiment, entities) and a store backend, in parallel processes as crawls run.

Usage: python -m bench.pipeline [--dataset DIR] [--processes 2] [--backend sqlite elasticsearch] [--es-url URL]
The pages are the extraction dev set's (../shared/datasets/extraction-dev, read at bench time only).
"""
from __future__ import annotations

import sys

if not __package__:  # run as a file, this module would hide the `pipeline` package it measures
    sys.exit("run it from the repository root as: python -m bench.pipeline [options]")

import argparse
import gzip
import json
import multiprocessing
import os
import platform
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from habari.settings import REPO_ROOT, Settings, StoreBackend
from pipeline import FetchedPage, Pipeline, Rejected
from store import open_store

BATCH = 100  # as the crawl's index pipeline writes
DEFAULT_DATASET = REPO_ROOT.parent / "shared" / "datasets" / "extraction-dev"


def load_pages(dataset: Path) -> list[FetchedPage]:
    gold_file = dataset / "gold.json"
    if not gold_file.is_file():
        raise SystemExit(f"bench/pipeline.py: no extraction dev set at {dataset} (expected {gold_file})")
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    now = datetime.now(UTC)
    return [
        FetchedPage(url=entry["url"], body=gzip.decompress((dataset / "html" / f"{key}.html.gz").read_bytes()),
                    fetched_at=now, source_id="bench", outlet="Bench")
        for key, entry in sorted(gold.items())
    ]


def work(settings: Settings, pages: list[FetchedPage], start, results) -> None:
    """One process: its share of the pages through the pipeline into the store, in batches."""
    pipeline = Pipeline.open(settings.config, settings.stories_path)
    store = open_store(settings)
    outcomes: Counter[str] = Counter()
    start.wait()
    batch = []
    for page in pages:
        result = pipeline.process_page(page)
        if isinstance(result, Rejected):
            outcomes[result.reason] += 1
            continue
        batch.append(result)
        if len(batch) >= BATCH:
            outcomes["indexed"] += store.upsert(batch)
            batch = []
    outcomes["indexed"] += store.upsert(batch)
    store.refresh()
    store.close()
    pipeline.close()
    results.put(outcomes)


def measure(settings: Settings, pages: list[FetchedPage], processes: int) -> tuple[float, Counter[str]]:
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=work, args=(settings, pages[number::processes], start, results))
        for number in range(processes)
    ]
    for worker in workers:
        worker.start()
    time.sleep(5)  # let every worker import and build its pipeline; only the pages are timed
    began = time.perf_counter()
    start.set()
    outcomes: Counter[str] = Counter()
    for _ in workers:
        outcomes.update(results.get())
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join()
    return elapsed, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--backend", nargs="+", choices=[b.value for b in StoreBackend],
                        default=["sqlite", "elasticsearch"])
    parser.add_argument("--es-url", default=os.environ.get("HABARI_ES_URL", "http://127.0.0.1:9200"))
    arguments = parser.parse_args()
    pages = load_pages(arguments.dataset)
    print(f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()};"
          f" {len(pages)} pages, {sum(len(p.body) for p in pages) / len(pages) / 1024:.0f} KiB of HTML on average")
    for backend in arguments.backend:
        with tempfile.TemporaryDirectory() as data_dir:
            settings = Settings(store=backend, data_dir=Path(data_dir), es_url=arguments.es_url,
                                es_index=f"bench-{uuid.uuid4().hex[:8]}")
            seconds, outcomes = measure(settings, pages, arguments.processes)
            with open_store(settings) as store:
                indexed = store.count()
                if settings.store is StoreBackend.elasticsearch:
                    store.drop()
        assert indexed == outcomes["indexed"], f"{outcomes['indexed']} written but {indexed} found"
        rejected = ", ".join(f"{count} {reason}" for reason, count in outcomes.items() if reason != "indexed")
        print(f"{backend:14} {arguments.processes} processes: {len(pages)} pages in {seconds:.1f} s ="
              f" {len(pages) / seconds:.1f} pages/s; {indexed} indexed; rejected: {rejected or 'none'}", flush=True)


if __name__ == "__main__":
    main()
