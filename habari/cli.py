"""The `habari` command: run the service, crawl once, search the index, or try the offline demo.

Bad configuration ends the program with one message naming the file and key, and exit status 2.
"""
from __future__ import annotations

import argparse
import html
import json
import logging
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from settings.config import ConfigError, OutletType
from habari.user_commands import add_user_commands
from settings.environment import Settings
from store.models import MAX_LIMIT as MAX_SEARCH_LIMIT
from store.models import SORT_ORDERS, SearchHit, SearchResult

if TYPE_CHECKING:
    from crawlers.progress import CrawlProgress
    from pipeline.reprocess import ReprocessTally
    from store.source_status import SourceStatus

EXIT_CONFIG = 2
SEARCH_OPTIONS = {"q": "QUERY", "from": "--from", "to": "--to", "offset": "--limit"}  # API parameter: the option
LOCAL_FORMAT = "%d/%m/%Y %H:%M"  # the council's zone (EAT), as the page writes dates
SOURCE_ID_WIDTH = 24  # `habari sources`: a longer id gets a line of its own
Tally = TypeVar("Tally")
Done = TypeVar("Done")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help()
        return EXIT_CONFIG
    try:
        settings = Settings(**{"config_dir": arguments.config} if getattr(arguments, "config", None) else {})
    except ConfigError as error:
        print(f"habari: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except ValidationError as error:
        print(f"habari: environment error: {_first_problem(error)}", file=sys.stderr)
        return EXIT_CONFIG
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return arguments.handler(settings, arguments)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="habari",
        description="Media monitoring for a district council: collect, index and search news coverage.",
        epilog="Settings come from HABARI_* environment variables and the files in config/ (see README).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="poll the configured sources on schedule and serve the web page and API")
    run.set_defaults(handler=_run)

    crawl = commands.add_parser("crawl", help="poll sources once now and report each one's outcome")
    crawl.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    crawl.set_defaults(handler=_crawl)

    add_url = commands.add_parser("add-url", help="fetch and index one page now (a story the crawlers missed)")
    add_url.add_argument("url", help="the page's http or https address")
    add_url.add_argument("--as-section", action="store_true", help="the page is a home or section page: index"
                         " the articles it links to that were not fetched before")
    add_url.set_defaults(handler=_add_url)

    sources = commands.add_parser("sources", help="list the sources with the health of their last polls")
    sources.set_defaults(handler=_sources)

    search = commands.add_parser("search", help="search the indexed articles")
    search.add_argument("query", nargs="?", default="", help='the query language (see README or /help/query):'
                        ' words, "phrases", OR, -word, field:value; none: every article, newest first')
    search.add_argument("--source", action="append", metavar="ID", default=[], help="only this source (repeatable)")
    search.add_argument("--language", action="append", choices=["sw", "en", "other"], default=[])
    search.add_argument("--outlet-type", action="append", choices=[kind.value for kind in OutletType], default=[],
                        help="only outlets of this kind (repeatable)")
    search.add_argument("--about", choices=["yes", "no"], help="yes: only stories about the council; no: the others")
    search.add_argument("--from", dest="date_from", type=_typed_day, metavar="DAY",
                        help="published on or after this day in EAT: DD/MM/YYYY or YYYY-MM-DD")
    search.add_argument("--to", dest="date_to", type=_typed_day, metavar="DAY",
                        help="published on or before this day in EAT: DD/MM/YYYY or YYYY-MM-DD")
    search.add_argument("--sort", choices=SORT_ORDERS, default="relevance",
                        help="relevance (the default; newest first without a query) or newest")
    search.add_argument("--no-collapse", dest="collapse", action="store_false",
                        help="list every matching article, not one per story")
    search.add_argument("--limit", type=_search_limit, default=10, metavar="N", help="how many results, 1 to"
                        f" {MAX_SEARCH_LIMIT}: stories, or articles with --no-collapse (default 10)")
    search.add_argument("--json", action="store_true", help="one JSON line per result instead of text")
    search.set_defaults(handler=_search)

    extract = commands.add_parser("extract", help="extract articles from HTML files: one JSON line per file")
    extract.add_argument("--jsonl", action="store_true", required=True, help="write JSON lines (the only format)")
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE", help="HTML files")
    extract.set_defaults(handler=_extract)

    process = commands.add_parser(
        "process", help="analyse extracted articles (JSON lines): stories, council mentions, topics, sentiment"
    )
    process.add_argument("--jsonl", required=True, metavar="IN", help='JSON lines {"id", "url", "title", "text",'
                         ' "published", "source"}; - for standard input')
    process.add_argument("--config", type=Path, metavar="DIR", help="the config directory to read watch.yaml and"
                         " topics.yaml from (default: HABARI_CONFIG_DIR)")
    process.set_defaults(handler=_process)

    reprocess = commands.add_parser(
        "reprocess", help="analyse what is already collected again, fetching nothing (after a change to the config"
        " or the pipeline); a stopped run resumes"
    )
    reprocess.add_argument("--stage", choices=["extract", "analyse"], default="extract",
                           help="extract: every archived page through the whole pipeline (the default);"
                           " analyse: the stored text through mentions, topics, tone and entities only (faster)")
    reprocess.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="only pages fetched on or after this"
                           " day (UTC)")
    reprocess.add_argument("--source", action="append", metavar="ID", default=[], help="only this source"
                           " (repeatable)")
    reprocess.add_argument("--workers", type=_positive, default=min(2, os.cpu_count() or 1), metavar="N",
                           help="processes running the pipeline (default: 2, or 1 on a one-core machine)")
    reprocess.add_argument("--restart", action="store_true", help="start from the beginning even if a run of"
                           " the same selection was stopped part-way")
    reprocess.set_defaults(handler=_reprocess)

    demo = commands.add_parser("demo", help="run Habari against a bundled offline web of demo news sites")
    demo.set_defaults(handler=_demo)
    add_user_commands(commands)
    return parser


def _run(settings: Settings, arguments: argparse.Namespace) -> int:
    from habari.service import serve

    serve(settings)
    return 0


def _crawl(settings: Settings, arguments: argparse.Namespace) -> int:
    from crawlers.run import crawl

    if _refuse_unknown_sources(settings, arguments.source or ()):
        return EXIT_CONFIG
    outcomes = _with_progress(lambda show: crawl(settings, arguments.source, on_progress=show, fork_server=False),
                              _crawl_totals, "starting the crawl")
    table = Table("source", "outcome", "pages", "indexed", "failed pages", "error")
    for outcome in outcomes:
        table.add_row(
            outcome.source_id,
            "ok" if outcome.ok else "failed",
            str(outcome.pages_fetched),
            str(outcome.articles_indexed),
            str(sum(outcome.failed.values()) or ""),
            Text(outcome.error or ""),
        )
    Console().print(table)
    return 0 if all(outcome.ok for outcome in outcomes) else 1


def _refuse_unknown_sources(settings: Settings, source_ids: Iterable[str]) -> bool:
    """Whether some of the ids name no configured source; if so, says which and the known ones, on standard error
    (every command taking --source refuses them alike, with exit status 2)."""
    known = [source.id for source in settings.config.sources]
    unknown = list(dict.fromkeys(source_id for source_id in source_ids if source_id not in known))
    if unknown:
        print(f"habari: unknown source {', '.join(unknown)}; known: {', '.join(sorted(known))}", file=sys.stderr)
    return bool(unknown)


def _with_progress(run: Callable[[Callable[[Tally], None] | None], Done], describe: Callable[[Tally], str],
                   starting: str) -> Done:
    """On a terminal, a live line of running totals while `run` works; elsewhere only the logs."""
    if not sys.stderr.isatty():
        return run(None)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        line = progress.add_task(starting, total=None)
        return run(lambda totals: progress.update(line, description=describe(totals)))


def _crawl_totals(totals: CrawlProgress) -> str:
    return f"{totals.requests} requests, {totals.pages_fetched} pages fetched, {totals.articles_indexed} articles indexed"


def _add_url(settings: Settings, arguments: argparse.Namespace) -> int:
    from crawlers.run import submit_url

    try:
        submission = submit_url(settings, arguments.url, as_section=arguments.as_section, fork_server=False)
    except ValidationError as error:
        print(f"habari: {arguments.url!r} is not a web address: {error.errors()[0]['msg']}", file=sys.stderr)
        return EXIT_CONFIG
    source, outcome = submission.source, submission.outcome
    if submission.problem:
        hint = "; to index the articles it links to: habari add-url --as-section URL"
        print(f"habari: {submission.problem}{hint if submission.refused_as_listing else ''}", file=sys.stderr)
        return 1
    print(f"{outcome.articles_indexed} article{'' if outcome.articles_indexed == 1 else 's'} indexed from"
          f" {submission.url} ({source.outlet}, source {source.id})")
    return 0


def _sources(settings: Settings, arguments: argparse.Namespace) -> int:
    from store import StoreError, open_store
    from store.source_status import source_statuses

    try:
        with open_store(settings) as store:
            statuses = source_statuses(settings.config.sources, store)
    except StoreError as error:
        print(f"habari: {error}", file=sys.stderr)
        return 1
    zone = ZoneInfo(settings.config.schedule.timezone)
    width = shutil.get_terminal_size().columns
    print(_source_line("source", "last poll (EAT)", "outcome", "new", "failed"))
    for status in statuses:
        print("\n".join(_source_lines(status, zone, width)))
    return 0


def _source_line(source_id: str, last_poll: str, outcome: str, new: str, failed: str) -> str:
    """The first line of a source in `habari sources`: 79 characters at most, beside an id of SOURCE_ID_WIDTH."""
    return f"{source_id:<{SOURCE_ID_WIDTH}} {last_poll:<16}  {outcome:<22} {new:>5}  {failed:>6}".rstrip()


def _source_lines(status: SourceStatus, zone: ZoneInfo, width: int) -> list[str]:
    """A source's essentials on one line (its id on a line of its own when longer than SOURCE_ID_WIDTH), and
    its outlet, kind, pages, failed pages by stage and last error on indented lines wrapped to `width`."""
    source, run = status.source, status.health.last_run if status.health else None
    source_id = source.id + ("" if source.enabled else " (off)")
    lines = [source_id] if len(source_id) > SOURCE_ID_WIDTH else []
    lines.append(_source_line(
        "" if lines else source_id,
        _local(run.finished_at, zone) if run else "never",
        status.outcome if run else "",
        str(run.new_articles) if run else "",
        str(status.failed_pages or ""),
    ))
    about = f"{source.outlet} · {source.kind.value} every {source.interval_minutes} min"
    if run:
        about += f" · {run.pages_fetched} pages fetched"
        about += f" · {run.robots_forbidden} links forbidden by robots.txt" if run.robots_forbidden else ""
    details = [about]
    if status.failed_by_stage:
        details.append(f"failed pages: {status.failed_summary()}")
    if status.health and status.health.last_error:
        details.append(f"last error: {status.health.last_error}")
    wrap = textwrap.TextWrapper(width=max(width, 40), initial_indent="  ", subsequent_indent="    ")
    return lines + [line for detail in details for line in wrap.wrap(detail)]


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(LOCAL_FORMAT)


def _search(settings: Settings, arguments: argparse.Namespace) -> int:
    from search_api.formatting import others_phrase
    from search_api.params import ParameterError, SearchParams, build_request
    from store import StoreError, open_store

    if _refuse_unknown_sources(settings, arguments.source):
        return EXIT_CONFIG
    about = ("true" if arguments.about == "yes" else "false",) if arguments.about else ()
    params = SearchParams(
        q=arguments.query, sources=tuple(arguments.source), languages=tuple(arguments.language),
        outlet_types=tuple(arguments.outlet_type), about=about, sort=arguments.sort, collapse=arguments.collapse,
        date_from=arguments.date_from.isoformat() if arguments.date_from else "",
        date_to=arguments.date_to.isoformat() if arguments.date_to else "", limit=arguments.limit,
    )
    zone = ZoneInfo(settings.config.schedule.timezone)
    try:
        request = replace(build_request(params, zone), facets=(), histogram=False)
    except ParameterError as error:
        problem = str(error).removeprefix(f"parameter '{error.parameter}': ")
        print(f"habari: {SEARCH_OPTIONS.get(error.parameter, error.parameter)}: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        with open_store(settings) as store:
            result = store.search(request)
    except StoreError as error:
        print(f"habari: {error}", file=sys.stderr)
        return 1
    if arguments.json:
        _write_lines(_hit_record(hit, zone) for hit in result.hits)
        return 0
    console = Console(highlight=False)
    console.print(_search_total(result, request.collapse), markup=False)
    for hit in result.hits:
        article = hit.article
        published = f"{_local(article.published, zone)} EAT" if article.published else "undated"
        console.print(Text("\n").append(article.title, style="bold").append(f"  {article.outlet}, {published}"))
        console.print(Text(f"  {article.url}"))
        for snippet in hit.highlights.get("text", [])[:1]:
            console.print(_terminal_snippet(snippet))
        if hit.others:
            outlets = ", ".join(_other_outlets(hit))
            console.print(Text(f"  {others_phrase(hit)[1]}").append(f": {outlets}" if outlets else "", style="dim"))
    return 0


def _hit_record(hit: SearchHit, zone: ZoneInfo) -> dict:
    """A search hit as `habari search --json` writes it: its time in the council's zone, its snippet as text."""
    article = hit.article
    snippet = next(iter(hit.highlights.get("text", [])), "")
    return {
        "doc_id": article.doc_id, "title": article.title, "url": article.url, "outlet": article.outlet,
        "source_id": article.source_id,
        "published": article.published.astimezone(zone).isoformat() if article.published else None,
        "language": article.language, "about_council": article.about_council, "topics": list(article.topics),
        "sentiment": article.sentiment, "cluster_id": article.cluster_id,
        "snippet": html.unescape(re.sub(r"</?mark>", "", snippet)),
        "others": [{"doc_id": other.doc_id, "url": other.url, "outlet": other.outlet} for other in hit.others],
    }


def _search_total(result: SearchResult, collapsed: bool) -> str:
    articles = f"{result.total} matching article{'' if result.total == 1 else 's'}"
    if not collapsed:
        return articles
    return f"{articles} in {result.stories} stor{'y' if result.stories == 1 else 'ies'}"


def _other_outlets(hit: SearchHit) -> list[str]:
    """The outlets of a folded story's listed other articles besides the hit's own, each once, in order."""
    return [outlet for outlet in dict.fromkeys(other.outlet for other in hit.others) if outlet != hit.article.outlet]


def _extract(settings: Settings, arguments: argparse.Namespace) -> int:
    from pipeline.batch import extract_files
    from pipeline.language import LanguageDetector

    failed = _write_lines(extract_files(arguments.files, LanguageDetector()))
    return 1 if failed else 0


def _process(settings: Settings, arguments: argparse.Namespace) -> int:
    from pipeline import Pipeline
    from pipeline.batch import process_lines

    name = "standard input" if arguments.jsonl == "-" else arguments.jsonl
    try:
        lines = sys.stdin.buffer if arguments.jsonl == "-" else open(arguments.jsonl, "rb")  # noqa: SIM115
    except OSError as error:
        print(f"habari: cannot read {name}: {error.strerror or error}", file=sys.stderr)
        return EXIT_CONFIG
    pipeline = Pipeline.open(settings.config, stories_path=None)  # the batch is deduplicated within itself
    try:
        with lines:
            failed = _write_lines(process_lines(lines, pipeline, name))
    finally:
        pipeline.close()
    return 1 if failed else 0


def _reprocess(settings: Settings, arguments: argparse.Namespace) -> int:
    from pipeline.reprocess import CheckpointFile, PipelineSpec, ReprocessRequest, Reprocessor, Stage
    from store import StoreError, open_store
    from store.archive import WarcArchive

    if _refuse_unknown_sources(settings, arguments.source):
        return EXIT_CONFIG
    request = ReprocessRequest(Stage(arguments.stage), arguments.since, tuple(sorted(set(arguments.source))))
    checkpoints = CheckpointFile(settings.data_dir / "reprocess-checkpoint.json")
    try:
        with open_store(settings) as store:
            reprocessor = Reprocessor(PipelineSpec.from_settings(settings), store, WarcArchive(settings.warc_dir),
                                      checkpoints, arguments.workers)
            tally = _with_progress(lambda show: reprocessor.run(request, not arguments.restart, show),
                                   _reprocess_totals, "reading")
    except StoreError as error:
        print(f"habari: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("habari: stopped; run the same command again to go on from the last batch stored", file=sys.stderr)
        return 130
    resumed = f" (resumed after {tally.resumed_after:,} done before)" if tally.resumed_after else ""
    print(f"{tally.read:,} read{resumed}, {tally.indexed:,} articles updated")
    for reason, count in tally.skipped.most_common():
        print(f"  {count:,} not indexed: {reason}")
    for stage, count in tally.failed.most_common():
        print(f"  {count:,} failed in the {stage} stage (kept in the failed pages: habari sources)")
    for problem in tally.problems:
        print(f"habari: {problem}", file=sys.stderr)
    return 1 if tally.problems or tally.failed else 0


def _reprocess_totals(tally: ReprocessTally) -> str:
    return f"{tally.done:,} read, {tally.indexed:,} updated, {sum(tally.skipped.values()):,} not indexed"


def _search_limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_SEARCH_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to {MAX_SEARCH_LIMIT}")
    return int(text)


def _typed_day(text: str) -> date:
    """A day as the officer types it, DD/MM/YYYY (the page's way), or YYYY-MM-DD."""
    try:
        return datetime.strptime(text, "%d/%m/%Y").date() if "/" in text else date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day written DD/MM/YYYY or YYYY-MM-DD") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day written YYYY-MM-DD") from None


def _write_lines(results: Iterable[dict]) -> int:
    """Each result as a JSON line on standard output, each error also on standard error; the error count."""
    failed = 0
    for result in results:
        if "error" in result:
            failed += 1
            print(f"habari: {result['error']}", file=sys.stderr)
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return failed


def _demo(settings: Settings, arguments: argparse.Namespace) -> int:
    from habari.demo.run import run_demo

    run_demo(settings)
    return 0


def _terminal_snippet(snippet: str) -> Text:
    """A store snippet (escaped HTML with <mark>) as terminal text with the matches reversed."""
    text = Text("  ")
    for position, part in enumerate(re.split(r"</?mark>", snippet)):
        text.append(html.unescape(part), style="reverse" if position % 2 else "")
    return text


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    variable = "HABARI_" + str(first["loc"][0]).upper() if first["loc"] else "HABARI_*"
    return f"{variable}: {first['msg'].removeprefix('Value error, ')}"


if __name__ == "__main__":
    sys.exit(main())
