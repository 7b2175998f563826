"""Benchmark: search a year of coverage (N articles of real news text) on each store, p50/p95 ms per query kind.

Usage: python -m bench.search [--articles 100000] [--store sqlite|elasticsearch|both] [--reuse] [--kinds KIND ...]
"""
from __future__ import annotations

import sys

if not __package__:  # as a file, any bench script would find bench/pipeline.py when it imports the `pipeline` package
    sys.exit("run benchmarks from the repository root as modules: python -m bench.NAME [options]")

import argparse
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.search_corpus import Corpus, ensure_corpus
from bench.search_queries import KINDS, VARIANTS, QuerySpec, build_kinds, describe
from settings.environment import REPO_ROOT, Settings, StoreBackend
from store import ArticleStore, SearchRequest, StoreError
from store.elasticsearch import ElasticsearchStore
from store.query import parse_query
from store.sqlite import SqliteStore

CLIENTS = 8
LABELS = {"sqlite": "SQLite", "elasticsearch": "Elasticsearch"}
MIB = 1024 * 1024


@dataclass(frozen=True)
class KindResult:
    """One kind's timed runs on one store, the hit counts of its variants, and why it has no figures if so."""

    kind: str
    store: str
    seconds: tuple[float, ...] = ()
    totals: tuple[int, ...] = ()
    status: str = ""  # "unsupported: ...", "failed: ..." or "> 30 s"
    notes: tuple[str, ...] = ()

    def row(self) -> str:
        low, high = (min(self.totals), max(self.totals)) if self.totals else (0, 0)
        hits = "" if not self.totals else f"{low:,}" if low == high else f"{low:,}–{high:,}"
        if self.status:
            return f"| {self.kind} | {LABELS[self.store]} | {self.status} | | {hits} |"
        p50 = statistics.median(self.seconds)
        p95 = statistics.quantiles(self.seconds, n=20, method="inclusive")[18] if len(self.seconds) > 1 else p50
        return f"| {self.kind} | {LABELS[self.store]} | {p50 * 1000:,.1f} | {p95 * 1000:,.1f} | {hits} |"


def open_store(backend: str, corpus: Corpus, arguments: argparse.Namespace) -> ArticleStore:
    """The benchmark's own store for this corpus: a file under the data dir, or the index habari-bench-N-sSEED."""
    name = f"{corpus.articles}-s{corpus.seed}"
    if backend == "sqlite":
        return SqliteStore(arguments.data_dir / f"search-{name}.sqlite3")
    settings = Settings(store=StoreBackend.elasticsearch, data_dir=arguments.data_dir, es_url=arguments.es_url,
                        es_index=f"habari-bench-{name}")
    return ElasticsearchStore.from_settings(settings)


def emptied(store: ArticleStore) -> ArticleStore:
    """The same store with nothing in it: the SQLite file removed, or this index alone dropped."""
    if isinstance(store, ElasticsearchStore):
        store.drop()
        return store
    assert isinstance(store, SqliteStore)
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store.path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(f"{store.path}.search", ignore_errors=True)
    return SqliteStore(store.path)


def load(store: ArticleStore, corpus: Corpus, reuse: bool, label: str) -> tuple[ArticleStore, str]:
    """Upsert the corpus in batches (reading it not timed) unless --reuse finds it there; says how fast."""
    if reuse and store.count() == corpus.articles:
        return store, f"index: {label}: reused, the store already holds {corpus.articles:,} articles"
    store = emptied(store)
    seconds = 0.0
    for batch in corpus.batches():
        began = time.perf_counter()
        store.upsert(batch)
        seconds += time.perf_counter() - began
    began = time.perf_counter()
    store.refresh()
    seconds += time.perf_counter() - began
    found = store.count()
    if found != corpus.articles:
        raise SystemExit(f"{label} holds {found:,} articles after loading {corpus.articles:,}")
    return store, (f"index: {label}: {corpus.articles:,} articles in {seconds:,.1f} s"
                   f" ({corpus.articles / seconds:,.0f} docs/s), batches of 1,000")


def without_request_cache(store: ArticleStore) -> str | None:
    """Turn off Elasticsearch's shard request cache for this index, so that every run counts its facets
    afresh: the variants of a kind repeat, and a cached count would time the cache, not the search."""
    if not isinstance(store, ElasticsearchStore):
        return None
    store.client.indices.put_settings(index=store.index, settings={"index.requests.cache.enable": False})
    store.client.indices.clear_cache(index=store.index, request=True)
    return "cache: Elasticsearch's shard request cache off for the benchmark's index (facets counted on every run)"


def size_on_disk(store: ArticleStore, label: str) -> str:
    if isinstance(store, SqliteStore):
        main, wal = (Path(f"{store.path}{suffix}") for suffix in ("", "-wal"))
        file_bytes, wal_bytes = main.stat().st_size, wal.stat().st_size if wal.exists() else 0
        index_bytes = sum(part.stat().st_size for part in Path(f"{store.path}.search").iterdir())
        return (f"size: {label}: {(file_bytes + wal_bytes + index_bytes) / MIB:,.0f} MiB (SQLite file"
                f" {file_bytes / MIB:,.0f} MiB + WAL {wal_bytes / MIB:,.0f} MiB + Tantivy index {index_bytes / MIB:,.0f} MiB)")
    assert isinstance(store, ElasticsearchStore)
    stats = store.client.indices.stats(index=store.index, metric="store")
    size = stats["_all"]["primaries"]["store"]["size_in_bytes"]
    version = next(iter(store.client.nodes.info(node_id="_local")["nodes"].values()))["version"]
    return f"size: {label}: {size / MIB:,.0f} MiB (index _stats, primaries; Elasticsearch {version} at {store.url})"


def run_kind(store: ArticleStore, backend: str, kind: str, specs: list[QuerySpec], runs: int,
             max_seconds: float) -> KindResult:
    """One untimed warm-up, then `runs` timed searches cycling through the variants; a run over max_seconds
    ends the kind (it is not interrupted). Variants with a hit count to check are checked afterwards."""
    try:
        requests = [spec.request() for spec in specs]
    except ValueError as error:
        return KindResult(kind, backend, status=f"unsupported: {error}")
    seconds: list[float] = []
    totals: dict[int, int] = {}
    try:
        for number in range(runs + 1):
            at = (number - 1) % len(requests) if number else 0
            began = time.perf_counter()
            totals[at] = store.search(requests[at]).total
            elapsed = time.perf_counter() - began
            if elapsed > max_seconds:
                return KindResult(kind, backend, totals=tuple(totals.values()), status=f"> {max_seconds:g} s")
            if number:
                seconds.append(elapsed)
        notes = tuple(note for at, total in sorted(totals.items()) if (note := check(store, specs[at], total)))
    except (StoreError, TypeError, ValueError) as error:  # a backend that cannot run a query tree the parser made
        return KindResult(kind, backend, status=f"failed: {type(error).__name__}: {error}")
    return KindResult(kind, backend, tuple(seconds), tuple(totals.values()), notes=notes)


def check(store: ArticleStore, spec: QuerySpec, total: int) -> str | None:
    """Why the hit count shows the query's operator was not applied (a grammar that reads it as words), if it does."""

    def hits(text: str) -> int:
        return store.search(SearchRequest(query=parse_query(text), facets=(), limit=1)).total

    if spec.minus:
        first, second = spec.minus
        expected = hits(first) - hits(f"{first} {second}")
        if total != expected:
            return f"`{spec.text}`: {total:,} hits, expected {expected:,} (`{first}` without `{second}`)"
    if spec.at_least and total < (floor := hits(spec.at_least)):
        return f"`{spec.text}`: {total:,} hits, fewer than `{spec.at_least}` ({floor:,})"
    return None


def run_concurrently(store: ArticleStore, backend: str, mix: list[SearchRequest], kinds: int, runs: int,
                     max_seconds: float) -> tuple[KindResult, str]:
    """CLIENTS threads sharing the one store, as the API's workers do, each running `runs` searches of the mix."""
    stop = threading.Event()

    def client(number: int) -> list[float]:
        measured: list[float] = []
        for turn in range(runs):
            if stop.is_set():
                break
            began = time.perf_counter()
            store.search(mix[(number * runs + turn) % len(mix)])
            measured.append(time.perf_counter() - began)
            if measured[-1] > max_seconds:
                stop.set()
        return measured

    kind = f"mix of {kinds} kinds, {CLIENTS} clients"
    began = time.perf_counter()
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            seconds = [elapsed for measured in pool.map(client, range(CLIENTS)) for elapsed in measured]
    except (StoreError, TypeError, ValueError) as error:
        return KindResult(kind, backend, status=f"failed: {type(error).__name__}: {error}"), ""
    wall = time.perf_counter() - began
    line = (f"concurrency: {LABELS[backend]}: {len(seconds)} searches by {CLIENTS} clients in {wall:,.1f} s,"
            f" {len(seconds) / wall:,.1f} searches/s")
    return KindResult(kind, backend, tuple(seconds), status=f"> {max_seconds:g} s" if stop.is_set() else ""), line


def benchmark(backend: str, corpus: Corpus, kinds: dict[str, list[QuerySpec]],
              arguments: argparse.Namespace) -> tuple[list[KindResult], list[str]]:
    label = LABELS[backend]
    store = open_store(backend, corpus, arguments)
    try:
        store, loaded = load(store, corpus, arguments.reuse, label)
        lines = [loaded, size_on_disk(store, label)]
        if cache := without_request_cache(store):
            lines.append(cache)
        print(loaded, file=sys.stderr, flush=True)
        results = []
        for kind, specs in kinds.items():
            results.append(run_kind(store, backend, kind, specs, arguments.runs, arguments.max_seconds))
            print(results[-1].row(), file=sys.stderr, flush=True)
        ran = [kinds[result.kind] for result in results if not result.status]
        mix = [specs[variant].request() for variant in range(VARIANTS) for specs in ran if variant < len(specs)]
        if mix:
            result, line = run_concurrently(store, backend, mix, len(ran), arguments.runs, arguments.max_seconds)
            results.append(result)
            lines.append(line)
        return results, lines
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--store", choices=["sqlite", "elasticsearch", "both"], default="both")
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    parser.add_argument("--runs", type=int, default=20, help="timed searches per kind, cycling through its variants")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "data" / "bench",
                        help="where the corpus is cached and the SQLite store kept")
    parser.add_argument("--real-text", type=Path, default=REPO_ROOT.parent / "shared" / "datasets",
                        help="folder with extraction-dev/ and sentiment-sw/, read to generate the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="skip loading when the store already holds N articles")
    parser.add_argument("--max-seconds", type=float, default=30.0, help="a run slower than this ends its kind")
    arguments = parser.parse_args()
    corpus = ensure_corpus(arguments.articles, arguments.seed, arguments.data_dir, arguments.real_text)
    kinds = build_kinds(corpus, tuple(arguments.kinds), arguments.seed)
    backends = ["sqlite", "elasticsearch"] if arguments.store == "both" else [arguments.store]
    results: list[KindResult] = []
    lines: list[str] = []
    for backend in backends:
        found, said = benchmark(backend, corpus, kinds, arguments)
        results += found
        lines += said
    stats = corpus.stats
    print(f"machine: {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores,"
          f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; date {datetime.now(UTC):%Y-%m-%d}")
    print(f"corpus: {corpus.articles:,} articles ({stats['languages']['sw'] / corpus.articles:.0%} Swahili),"
          f" median {stats['median_chars']:,.0f} characters, {stats['in_shared_stories'] / corpus.articles:.1%}"
          f" in stories of 2-5 articles, generated once in {stats['seconds']:,} s: {corpus.path}")
    print(f"runs: {arguments.runs} timed per kind after one warm-up, default facets, limit 20\n")
    print("| kind | store | p50 ms | p95 ms | hits |\n|---|---|---:|---:|---:|")
    print("\n".join(result.row() for result in results), end="\n\n")
    print("\n".join(lines))
    print(f"peak memory of this process (maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB\n")
    print("queries:\n" + "\n".join(f"- {kind}: {describe(specs)}" for kind, specs in kinds.items()))
    for result in (result for result in results if result.notes):
        more = f" (and {len(result.notes) - 1} more variants)" if len(result.notes) > 1 else ""
        print(f"- operator not applied? {result.kind}, {LABELS[result.store]}: {result.notes[0]}{more}")


if __name__ == "__main__":
    main()
