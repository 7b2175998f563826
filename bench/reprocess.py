"""Benchmark: `habari reprocess` over an archive of N article pages, on each backend, both stages, pages/s.

Usage: python -m bench.reprocess [--pages 100000] [--backend sqlite elasticsearch] [--stage extract analyse]
    [--es-url URL] [--fill-from-corpus]
The pages are the search benchmark's corpus (real English and Swahili sentences, bench/search_corpus.py)
set in a news site's page (navigation, related stories, footer); the archive is built once under data/bench.
"""
from __future__ import annotations

import sys

if not __package__:  # as a file, any bench script would find bench/pipeline.py when it imports the `pipeline` package
    sys.exit("run benchmarks from the repository root as modules: python -m bench.NAME [options]")

import argparse
import html
import platform
import random
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bench.search_corpus import SOURCES, ensure_corpus
from pipeline.page import FeedEntry, PageContext
from pipeline.reprocess import CheckpointFile, PipelineSpec, ReprocessRequest, Reprocessor, ReprocessTally, Stage
from settings.environment import REPO_ROOT, Settings, StoreBackend
from store import Article, open_store
from store.archive import Capture, WarcArchive

SECTIONS = ("Habari", "Kitaifa", "Kimataifa", "Biashara", "Michezo", "Burudani", "Maoni", "Afya", "Elimu", "Siasa")
RELATED = 20


def page_html(article: Article, related: list[str]) -> bytes:
    """The article as a news site serves it: navigation, the story with its date, related stories, a footer."""
    escape = html.escape
    navigation = "".join(f'<li><a href="/{section.lower()}/{n}">{section} {n}</a></li>'
                         for section in SECTIONS for n in range(8))
    paragraphs = "".join(f"<p>{escape(part.strip())}.</p>" for part in article.text.split(". ") if part.strip())
    published = (f'<time datetime="{article.published.isoformat()}">{article.published:%d %B %Y}</time>'
                 if article.published else "")
    stories = "".join(f'<li><a href="/habari/{n}">{escape(title)}</a></li>' for n, title in enumerate(related))
    return (
        f"<!DOCTYPE html><html lang='{article.language}'><head><meta charset='utf-8'>"
        f"<title>{escape(article.title)} | {escape(article.outlet)}</title>"
        f"<meta property='og:title' content='{escape(article.title)}'>"
        f"<link rel='canonical' href='{escape(article.url)}'></head><body>"
        f"<header><nav><ul>{navigation}</ul></nav></header><main><article><h1>{escape(article.title)}</h1>"
        f"<div class='byline'>{escape(', '.join(article.authors))} {published}</div>{paragraphs}</article>"
        f"<aside><h2>Habari zinazohusiana</h2><ul>{stories}</ul></aside></main>"
        f"<footer><p>Haki zote zimehifadhiwa © {escape(article.outlet)}. Wasiliana nasi: habari@example.tz</p>"
        f"<ul>{navigation}</ul></footer></body></html>"
    ).encode()


def build_archive(directory: Path, corpus_articles: Iterator[list[Article]], pages: int) -> tuple[int, float]:
    """Writes the pages once (a marker file says the archive is whole); returns its bytes and seconds taken."""
    done = directory / "complete"
    if done.exists():
        return sum(path.stat().st_size for path in directory.glob("*.warc.gz")), 0.0
    shutil.rmtree(directory, ignore_errors=True)
    began = time.perf_counter()
    moments = iter(datetime(2026, 1, 1, tzinfo=UTC).timestamp() + 300 * n for n in range(pages))
    archive = WarcArchive(directory, clock=lambda: datetime.fromtimestamp(next(moments), UTC))
    outlets = {source.id: source for source in SOURCES}
    choose = random.Random(1)
    titles: list[str] = []
    written = 0
    for batch in corpus_articles:
        for article in batch:
            titles = (titles + [article.title])[-200:]
            context = PageContext(article.source_id, article.outlet, outlets[article.source_id].outlet_type,
                                  FeedEntry(article.title, article.published, article.summary, article.authors))
            body = page_html(article, choose.sample(titles, min(RELATED, len(titles))))
            archive.write(Capture(article.url, 200, (("Content-Type", "text/html; charset=utf-8"),), body,
                                  context=context.to_json()))
            written += 1
            if written == pages:
                break
        if written == pages:
            break
    archive.close()
    done.write_text(f"{written}\n")
    return sum(path.stat().st_size for path in directory.glob("*.warc.gz")), time.perf_counter() - began


def timed_run(settings: Settings, stage: Stage, workers: int) -> tuple[ReprocessTally, float, int]:
    """The time includes starting the workers and warming up each one's pipeline, as a user's run does; the
    store's article count after it is the check that nothing was missed or written twice."""
    with open_store(settings) as store:
        checkpoints = CheckpointFile(settings.data_dir / "reprocess-checkpoint.json")
        runner = Reprocessor(PipelineSpec.from_settings(settings), store, WarcArchive(settings.warc_dir),
                             checkpoints, workers)
        began = time.perf_counter()
        tally = runner.run(ReprocessRequest(stage), resume=False)
        seconds = time.perf_counter() - began
        return tally, seconds, store.count()


def filled(settings: Settings, corpus_articles: Iterator[list[Article]], pages: int) -> tuple[int, float]:
    """The store filled with the corpus's first `pages` articles as they are, for `analyse` without `extract`."""
    began = time.perf_counter()
    stored = 0
    with open_store(settings) as store:
        for batch in corpus_articles:
            stored += store.upsert(batch[: pages - stored])
            if stored == pages:
                break
        store.refresh()
    return stored, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "elasticsearch"], default=["sqlite"])
    parser.add_argument("--stage", nargs="+", choices=["extract", "analyse"], default=["extract", "analyse"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    parser.add_argument("--fill-from-corpus", action="store_true",
                        help="before the stages, store the corpus's articles as they are (to run analyse alone)")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "data" / "bench")
    parser.add_argument("--real-text", type=Path, default=REPO_ROOT.parent / "shared" / "datasets")
    arguments = parser.parse_args()

    corpus = ensure_corpus(max(arguments.pages, 100_000), 1, arguments.data_dir, arguments.real_text)
    warc_dir = arguments.data_dir / f"reprocess-{arguments.pages}" / "warc"
    size, seconds = build_archive(warc_dir, corpus.batches(), arguments.pages)
    built = f"built in {seconds:,.1f} s" if seconds else "built before"
    print(f"machine: {platform.machine()}, Python {platform.python_version()}; date {datetime.now(UTC):%Y-%m-%d}")
    print(f"archive: {arguments.pages:,} pages, {size / 2**20:,.0f} MiB of WARC ({built}): {warc_dir}")
    print(f"workers: {arguments.workers}")
    print("\n| backend | stage | pages | seconds | pages/s | indexed | not indexed | in store |"
          "\n|---|---|---:|---:|---:|---:|---:|---:|")
    for backend in arguments.backend:
        data_dir = arguments.data_dir / f"reprocess-{arguments.pages}" / backend
        shutil.rmtree(data_dir, ignore_errors=True)
        settings = Settings(data_dir=data_dir, store=StoreBackend(backend), es_url=arguments.es_url,
                            es_index=f"habari-bench-reprocess-{uuid.uuid4().hex[:8]}")
        (data_dir / "warc").parent.mkdir(parents=True, exist_ok=True)
        (data_dir / "warc").symlink_to(warc_dir.resolve())
        try:
            if arguments.fill_from_corpus:
                stored, seconds = filled(settings, corpus.batches(), arguments.pages)
                print(f"| {backend} | (corpus stored) | {stored:,} | {seconds:,.1f} | | | | {stored:,} |", flush=True)
            for stage in map(Stage, arguments.stage):
                tally, seconds, stored = timed_run(settings, stage, arguments.workers)
                print(f"| {backend} | {stage.value} | {tally.read:,} | {seconds:,.1f} | {tally.read / seconds:,.1f} |"
                      f" {tally.indexed:,} | {sum(tally.skipped.values()):,} | {stored:,} |", flush=True)
                for reason, count in tally.skipped.most_common(3):
                    print(f"  not indexed: {count:,} {reason}", file=sys.stderr)
        finally:
            if backend == "elasticsearch":
                with open_store(settings) as store:
                    store.drop()


if __name__ == "__main__":
    main()
