"""Benchmark: raw HTML to indexed articles, through the whole pipeline (decode, extract, normalise, story
clusters, council mentions, topics, sentiment, entities) and a store backend (as the crawl's indexer writes,
merged stories followed), in parallel processes as crawls run.

Usage: python -m bench.pipeline [--dataset DIR] [--processes 2] [--backend sqlite elasticsearch] [--es-url URL]
       python -m bench.pipeline --stages     # CPU per page of each stage, on one process
The pages are the extraction dev set's (../shared/datasets/extraction-dev, read at bench time only).
"""
from __future__ import annotations

import sys

if not __package__:  # as a file, any bench script would find this module when it imports the `pipeline` package
    sys.exit("run benchmarks from the repository root as modules: python -m bench.NAME [options]")

import argparse
import multiprocessing
import os
import platform
import tempfile
import time
import traceback
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.extract import DEFAULT_DATASET, load_pages
from settings.environment import Settings, StoreBackend
from settings.config import HabariConfig
from pipeline import FetchedPage, Pipeline, Rejected
from pipeline.chain import Document, Failed
from pipeline.decode import decode_html
from pipeline.dedupe import StoryClusters
from pipeline.entities import EntityFinder
from pipeline.extract import Extracted, extract, warm_up
from pipeline.indexing import StoryIndexer
from pipeline.language import LanguageDetector
from pipeline.mentions import MentionMatcher
from pipeline.normalise import clean_text
from pipeline.sentiment import SentimentScorer
from pipeline.topics import TopicTagger
from store import open_store

BATCH = 100  # as the crawl's index pipeline writes


def fetched_pages(dataset: Path, max_kib: int | None = None) -> list[FetchedPage]:
    """The dev set's pages as fetched, those of at most `max_kib` KiB of HTML if given."""
    now = datetime.now(UTC)
    pages = [
        FetchedPage(url=page.url, body=page.html.encode("utf-8"), fetched_at=now, source_id="bench", outlet="Bench")
        for page in load_pages(dataset)
    ]
    return [page for page in pages if max_kib is None or len(page.body) <= max_kib * 1024]


def work(settings: Settings, pages: list[FetchedPage], ready, start, results) -> None:
    """One process: its share of the pages through the pipeline into the store, in batches; what it indexed
    and rejected goes to `results`, or the error it failed with (so the benchmark stops rather than waits)."""
    try:
        results.put(index_pages(settings, pages, ready, start))
    except Exception:
        results.put(traceback.format_exc())
        ready.release()  # the benchmark may still be waiting for this worker to be ready
        raise


def index_pages(settings: Settings, pages: list[FetchedPage], ready, start) -> Counter[str]:
    pipeline = Pipeline.open(settings.config, settings.stories_path)
    warm_up()  # as the crawl processes' fork server does once for all of them
    store = open_store(settings)
    indexer = StoryIndexer(store, pipeline.stories)
    outcomes: Counter[str] = Counter()
    ready.release()
    start.wait()
    batch = []
    for page in pages:
        result = pipeline.process_page(page)
        if isinstance(result, Rejected):
            outcomes[result.reason] += 1
            continue
        if isinstance(result, Failed):
            outcomes[f"failed in the {result.stage} stage"] += 1
            continue
        batch.append(result)
        if len(batch) >= BATCH:
            outcomes["indexed"] += indexer.index(batch)
            batch = []
    outcomes["indexed"] += indexer.index(batch)
    store.refresh()
    store.close()
    pipeline.close()
    return outcomes


def measure(settings: Settings, pages: list[FetchedPage], processes: int) -> tuple[float, Counter[str]]:
    context = multiprocessing.get_context("spawn")
    ready, start, results = context.Semaphore(0), context.Event(), context.Queue()
    workers = [
        context.Process(target=work, args=(settings, pages[number::processes], ready, start, results))
        for number in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:  # every worker has imported and built its pipeline: only the pages are timed
        ready.acquire()
    began = time.perf_counter()
    start.set()
    outcomes: Counter[str] = Counter()
    for _ in workers:
        result = results.get()
        if isinstance(result, str):
            sys.exit(f"a worker failed:\n{result}")
        outcomes.update(result)
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join()
    return elapsed, outcomes


def stage_costs(config: HabariConfig, pages: list[FetchedPage]) -> dict[str, float]:
    """CPU milliseconds a page for extraction (decode, extract, clean) and for each analysis stage."""
    warm_up()
    began = time.process_time()
    extracted = [(page, extract(decode_html(page.body, page.encoding), page.url)) for page in pages]
    documents = [Document(page.url, clean_text(found.title), clean_text(found.text), found.published)
                 for page, found in extracted if isinstance(found, Extracted)]
    costs = {"extraction (decode, extract with metadata, clean)": (time.process_time() - began) / len(pages)}
    stories, languages, mentions = StoryClusters(None), LanguageDetector(), MentionMatcher(config.watch)
    topics, tone, entities = TopicTagger(config.topics), SentimentScorer(), EntityFinder(config.watch)
    stages = {
        "language": lambda d: languages.detect(f"{d.title}\n{d.text}"),
        "story clusters (in memory)": lambda d: stories.assign(d.doc_id, d.title, d.text, d.published),
        "council mentions": lambda d: mentions.find(d.title, d.text),
        "topics": lambda d: topics.tag(d.title, d.text),
        "tone": lambda d: tone.score(d.title, d.text, "other"),
        "entities": lambda d: entities.find(d.title, d.text),
    }
    for name, stage in stages.items():
        began = time.process_time()
        for document in documents:
            stage(document)
        costs[name] = (time.process_time() - began) / len(documents)
    return {name: seconds * 1000 for name, seconds in costs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--max-kib", type=int, help="only pages of at most this much HTML (Tanzanian outlets' are"
                        " about 130 KiB; the set's median is 246)")
    parser.add_argument("--backend", nargs="+", choices=[b.value for b in StoreBackend],
                        default=["sqlite", "elasticsearch"])
    parser.add_argument("--es-url", default=os.environ.get("HABARI_ES_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--stages", action="store_true", help="CPU per page of each stage instead, one process")
    arguments = parser.parse_args()
    pages = fetched_pages(arguments.dataset, arguments.max_kib)
    print(f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()};"
          f" {len(pages)} pages, {sum(len(p.body) for p in pages) / len(pages) / 1024:.0f} KiB of HTML on average")
    if arguments.stages:
        for name, milliseconds in stage_costs(Settings().config, pages).items():
            print(f"  {name:52} {milliseconds:6.1f} ms a page")
        return
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
