"""Benchmark: story clusters on the generated set and on the real-text dev and held-out sets, by case, in publication
order and shuffled; and how long assignment takes at 1,000 and 10,000 articles.

Usage: python -m bench.dedupe [--sets generated dev held-out] [--before FILE] [--sweep] [--timing [N ...]]
       [--write-set]
--before FILE measures another version of pipeline/dedupe.py beside this one, e.g. the one before sentence keys:
    git show 552e30b:pipeline/dedupe.py > /tmp/dedupe_before.py
"""
from __future__ import annotations

import argparse
import importlib.util
import inspect
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import ModuleType

import numpy as np

import pipeline.dedupe
from bench.dedupe_generated import generate_labelled_set, load_labelled_set, write_labelled_set
from bench.dedupe_labels import LabelledDoc, PairScores, pair_scores
from bench.dedupe_real import DATASETS, load_articles, real_labelled_sets

ORDER_SEEDS = (1, 2, 3, 4, 5)
PUBLISHED = "published"
TIMED_ARTICLES = (1_000, 10_000)  # the marks --timing reports at by default
TIMED_WINDOW = 100  # the articles before each mark that its ms/article is the mean of
NOTICE = (
    "TANGAZO LA ZABUNI Na. {number}/2026. Halmashauri ya Wilaya ya Bagamoyo inawakaribisha wazabuni wenye sifa "
    "kuwasilisha zabuni za ujenzi wa choo cha shule ya msingi {school}.\n"
    "Nyaraka za zabuni zinapatikana ofisi ya Mkurugenzi Mtendaji kwa ada ya Sh 50,000 isiyorejeshwa.\n"
    "Zabuni zote ziwasilishwe kabla ya saa nne asubuhi tarehe {day} Desemba 2026 na zitafunguliwa hadharani.\n"
    "Imetolewa na Mkurugenzi Mtendaji, Halmashauri ya Wilaya ya Bagamoyo."
)


@dataclass(frozen=True)
class Implementation:
    """One version of the story clusters: its module, and whether its `assign` is told each copy's site."""

    name: str
    module: ModuleType
    sites: bool

    def open(self, path: Path | None, changes: dict | None = None):
        settings = replace(self.module.DedupeSettings(), **(changes or {}))
        return self.module.StoryClusters(path, settings)

    def assign(self, clusters, doc: LabelledDoc):
        published = datetime.fromisoformat(doc.published)
        if self.sites:
            return clusters.assign(doc.doc_id, doc.title, doc.text, published, site=doc.site)
        return clusters.assign(doc.doc_id, doc.title, doc.text, published)


def implementations(before: Path | None) -> list[Implementation]:
    found = [Implementation("this version, told sites", pipeline.dedupe, True),
             Implementation("this version, no sites", pipeline.dedupe, False)]
    if before is not None:
        spec = importlib.util.spec_from_file_location("dedupe_before", before)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        takes_sites = "site" in inspect.signature(module.StoryClusters.assign).parameters
        found.append(Implementation(f"{before.name}{', told sites' if takes_sites else ''}", module, takes_sites))
    return found


@dataclass(frozen=True)
class RunResult:
    clusters: PairScores
    exact: PairScores
    by_case: dict[str, PairScores]  # real sets: a case's stories, and "case:kind" its copies of one kind with their
    # stories' first docs
    missed_by_kind: dict[str, tuple[int, int]]  # kind: (copies not in their story's first doc's cluster, copies)
    docs_per_second: float


def arrival_orders(docs: list[LabelledDoc]) -> dict[str, list[LabelledDoc]]:
    """Publication order (as a crawl roughly sees it) and ORDER_SEEDS shuffles (harsher)."""
    orders = {PUBLISHED: sorted(docs, key=lambda doc: (datetime.fromisoformat(doc.published), doc.doc_id))}
    for seed in ORDER_SEEDS:
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        orders[f"shuffled {seed}"] = shuffled
    return orders


def run_labelled_set(docs: Iterable[LabelledDoc], implementation: Implementation, path: Path | None = None,
                     changes: dict | None = None) -> RunResult:
    """Assign the docs in the order given and score the clusters and exact copies against the labels."""
    docs = list(docs)
    with implementation.open(path, changes) as clusters:
        began = time.perf_counter()
        memberships = {doc.doc_id: implementation.assign(clusters, doc) for doc in docs}
        elapsed = time.perf_counter() - began
        merged_into = ({merge.absorbed: merge.into for merge in clusters.merges()}
                       if hasattr(clusters, "merges") else {})
    cluster_of = {doc_id: merged_into.get(membership.cluster_id, membership.cluster_id)
                  for doc_id, membership in memberships.items()}
    truth = {doc.doc_id: doc.story for doc in docs}
    cases: dict[str, set[str]] = defaultdict(set)
    missed: dict[str, list[int]] = {}
    for doc in docs:
        if ":" in doc.kind:
            cases[doc.kind.split(":")[0]].add(doc.doc_id)
            if doc.doc_id != f"{doc.story}-0" and not doc.kind.endswith((":original", ":full")):
                cases[doc.kind] |= {doc.doc_id, f"{doc.story}-0"}
        if doc.doc_id != f"{doc.story}-0":
            counts = missed.setdefault(doc.kind, [0, 0])
            counts[0] += cluster_of[doc.doc_id] != cluster_of[f"{doc.story}-0"]
            counts[1] += 1
    return RunResult(
        clusters=pair_scores(truth, cluster_of),
        exact=pair_scores({doc.doc_id: doc.copy_of for doc in docs},
                          {doc_id: membership.duplicate_of or doc_id for doc_id, membership in memberships.items()}),
        by_case={case: pair_scores({doc_id: truth[doc_id] for doc_id in ids}, cluster_of)
                 for case, ids in sorted(cases.items())},
        missed_by_kind={kind: (lost, total) for kind, (lost, total) in sorted(missed.items())},
        docs_per_second=len(docs) / elapsed,
    )


def run_orders(docs: list[LabelledDoc], implementation: Implementation, changes: dict | None = None,
               path: Path | None = None) -> dict[str, RunResult]:
    results = {}
    for name, ordered in arrival_orders(docs).items():
        if path is not None:
            path.unlink(missing_ok=True)
        results[name] = run_labelled_set(ordered, implementation, path, changes)
    return results


def _worst(results: Iterable[RunResult], score: Callable[[RunResult], PairScores]) -> PairScores:
    scores = [score(result) for result in results]
    worst = min(scores, key=lambda found: found.f1)
    return PairScores(min(found.precision for found in scores), min(found.recall for found in scores),
                      worst.true_pairs)


def report_set(name: str, docs: list[LabelledDoc], implementation: Implementation, path: Path) -> None:
    results = run_orders(docs, implementation, path=path)
    published = results[PUBLISHED]
    shuffled = [result for order, result in results.items() if order != PUBLISHED]
    rows = [("all", published.clusters, _worst(shuffled, lambda result: result.clusters))]
    rows += [(case, scores, _worst(shuffled, lambda result, case=case: result.by_case[case]))
             for case, scores in published.by_case.items()]
    print(f"\n{name}, {implementation.name}: {len(docs)} docs, {len({doc.story for doc in docs})} stories; "
          f"{published.docs_per_second:,.0f} docs/s (SQLite file)")
    print("| case | pairs | P (published order) | R | F1 | P (worst of 5 shuffles) | R | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for case, in_order, worst in rows:
        print(f"| {case} | {in_order.true_pairs} | {in_order.precision:.3f} | {in_order.recall:.3f} | "
              f"{in_order.f1:.3f} | {worst.precision:.3f} | {worst.recall:.3f} | {worst.f1:.3f} |")
    exact = _worst(results.values(), lambda result: result.exact)
    print(f"exact-copy pairs, worst of all orders: P {exact.precision:.3f} R {exact.recall:.3f}")
    missed = {kind: f"{lost}/{total}" for kind, (lost, total) in published.missed_by_kind.items() if lost}
    print(f"copies outside their story's first doc's cluster (published order): {missed or 'none'}")


SWEEP = (  # changes to the default settings, one row each; tried on the generated and dev sets only
    {"contained": 0.9}, {"contained": 0.97},
    {"one_opening": 0.85}, {"one_opening": 0.95},
    {"same_opening": 0.2}, {"same_opening": 0.5},
    {"lead_shingles": 5}, {"lead_shingles": 15},
    {"recurring_stories": 1}, {"recurring_stories": 3}, {"recurring_stories": 1_000_000},
    {"min_shared_shingles": 8}, {"min_shared_shingles": 12},
    {"candidates": 4}, {"candidates_per_cluster": 1},
    {"shingle_words": 4}, {"shingle_words": 6}, {"shingles_per_key": 8}, {"shingles_per_key": 32},
)


def sweep(runs: dict[str, tuple[list[LabelledDoc], Implementation]]) -> None:
    """The defaults, then each change in SWEEP: the worst precision and recall of all orders, in memory."""
    print(f"\nSettings tried (worst of all {len(ORDER_SEEDS) + 1} orders, in memory)")
    print("| settings | " + " | ".join(f"{name} P | R" for name in runs) + " |")
    print("|---|" + "---:|---:|" * len(runs))
    for changes in ({}, *SWEEP):
        cells = []
        for docs, implementation in runs.values():
            worst = _worst(run_orders(docs, implementation, changes).values(), lambda result: result.clusters)
            cells.append(f"{worst.precision:.3f} | {worst.recall:.3f}")
        described = ", ".join(f"{name}={value}" for name, value in changes.items()) or "defaults"
        print(f"| {described} | " + " | ".join(cells) + " |", flush=True)


def timing_workloads(datasets: Path, count: int) -> dict[str, list[LabelledDoc]]:
    """`count` distinct articles of random sentences of real words, each with one of 40 real sites' blocks; and
    `count` near-identical notices of one site."""
    articles = load_articles(datasets / "extraction-dev")
    vocabulary = sorted({word for article in articles for paragraph in article.paragraphs
                         for word in paragraph.split()})
    outlets = sorted({article.outlet for article in articles if article.outlet.block},
                     key=lambda outlet: (outlet.publisher, outlet.block))[:40]
    rng = random.Random(7)
    distinct, notices = [], []
    for number in range(count):
        outlet = outlets[number % len(outlets)]
        body = [" ".join(" ".join(rng.choices(vocabulary, k=rng.randint(12, 30))) + "." for _ in range(3))
                for _ in range(rng.randint(3, 8))]
        distinct.append(LabelledDoc(f"article-{number}", f"article-{number}", f"article-{number}", "timing", "",
                                    body[0][:60], "\n".join([*body, *outlet.block]), "2026-12-01T06:00:00+00:00",
                                    outlet.site))
        text = NOTICE.format(number=number + 1, school=f"Kiromo {number % 97}", day=1 + number % 28)
        notices.append(LabelledDoc(f"notice-{number}", f"notice-{number}", f"notice-{number}", "timing", "sw",
                                   "Tangazo la zabuni", text, "2026-12-01T06:00:00+00:00", "bagamoyodc.go.tz"))
    return {"distinct articles with site blocks": distinct, "near-identical notices": notices}


def report_timing(workloads: dict[str, list[LabelledDoc]], implementation: Implementation, scratch: Path,
                  marks: tuple[int, ...]) -> None:
    print(f"\nAssignment time, {implementation.name} (SQLite file, a durable commit per article; wall and CPU ms)")
    print("| workload | " + " | ".join(f"ms/article at {mark:,} | CPU" for mark in marks)
          + " | clusters | file MiB | reopen ms |")
    print("|---|" + "---:|---:|" * len(marks) + "---:|---:|---:|")
    for name, docs in workloads.items():
        path = scratch / "timing.sqlite3"
        path.unlink(missing_ok=True)
        wall, cpu = [], []
        with implementation.open(path) as clusters:
            cluster_ids = set()
            for doc in docs:
                began, began_cpu = time.perf_counter(), time.process_time()
                cluster_ids.add(implementation.assign(clusters, doc).cluster_id)
                wall.append(time.perf_counter() - began)
                cpu.append(time.process_time() - began_cpu)
            if hasattr(clusters, "merges"):
                cluster_ids = {clusters.current_cluster_id(cluster_id) for cluster_id in cluster_ids}
        began = time.perf_counter()
        implementation.open(path).close()
        reopen = time.perf_counter() - began
        cells = [" | ".join(f"{1000 * np.mean(times[mark - TIMED_WINDOW : mark]):.1f}" for times in (wall, cpu))
                 for mark in marks]
        print(f"| {name} | " + " | ".join(cells) +
              f" | {len(cluster_ids):,} | {path.stat().st_size / 2**20:.1f} | {reopen * 1000:.0f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["generated", "dev", "held-out"],
                        choices=["generated", "dev", "held-out"])
    parser.add_argument("--before", type=Path, help="another version of pipeline/dedupe.py to measure beside this one")
    parser.add_argument("--datasets", type=Path, default=DATASETS, help="the shared datasets (real sets, timing)")
    parser.add_argument("--sweep", action="store_true", help="also try the settings in SWEEP (generated and dev sets)")
    parser.add_argument("--timing", nargs="*", type=int, metavar="ARTICLES",
                        help=f"also time assignment, at these numbers of articles (default {TIMED_ARTICLES})")
    parser.add_argument("--write-set", action="store_true", help="regenerate bench/data/dedupe/labelled.jsonl")
    args = parser.parse_args()
    if args.write_set:
        write_labelled_set(generate_labelled_set())
    print(f"Python {platform.python_version()}, numpy {np.__version__}, SQLite {sqlite3.sqlite_version}")
    print(f"settings: {pipeline.dedupe.DedupeSettings()}")
    sets = {"generated": load_labelled_set()}
    if {"dev", "held-out"} & set(args.sets) or args.sweep:
        sets.update(real_labelled_sets(args.datasets))
    for name in args.sets:
        kinds = Counter(doc.kind for doc in sets[name])
        print(f"{name}: {len(sets[name])} docs, {len({doc.story for doc in sets[name]})} stories, {dict(kinds)}")
    with tempfile.TemporaryDirectory() as scratch:
        for implementation in implementations(args.before):
            for name in args.sets:
                report_set(name, sets[name], implementation, Path(scratch) / "stories.sqlite3")
        if args.sweep:
            told, untold = implementations(None)
            sweep({"generated, no sites": (sets["generated"], untold), "dev, told sites": (sets["dev"], told),
                   "dev, no sites": (sets["dev"], untold)})
        if args.timing is not None:
            marks = tuple(sorted(args.timing or TIMED_ARTICLES))
            workloads = timing_workloads(args.datasets, max(marks))
            for implementation in implementations(args.before):
                report_timing(workloads, implementation, Path(scratch), marks)


if __name__ == "__main__":
    main()
