"""Benchmark: extraction's cost on hostile pages built at its limits (pipeline/html_tree.py): time and peak memory.

Usage: python -m bench.extract_bounds [--only NAME ...]; each page is extracted in a fresh process after warm_up().
"""
from __future__ import annotations

import argparse
import multiprocessing
import platform
import resource
import time
from collections.abc import Callable

from pipeline.extract import NoArticle, extract, warm_up
from pipeline.html_tree import MAX_ELEMENTS, PARSER_DEPTH

SENTENCE = "Halmashauri ya Wilaya ya Bagamoyo imekamilisha ujenzi wa kisima kirefu katika kijiji cha Kaole. "
JSON_LD_CUT = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
               '"headline":"Kisima Kaole","articleBody":"')
QUOTED = 'Mkuu wa Wilaya alisema \\"maji ni uhai\\" na wananchi walishangilia. '  # 70 characters


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>Kisima Kaole</title>{head}</head><body>{body}</body></html>"


def nested(opening: str, closing: str, levels: int) -> str:
    return page(opening * levels + SENTENCE * 3 + closing * levels)


ELEMENTS = MAX_ELEMENTS - 100  # just under the limit
PAGES: dict[str, Callable[[], str]] = {
    "inline tags in one paragraph": lambda: page("<p>" + "<b>habari</b> <i>za</i> Kaole " * (ELEMENTS // 2) + "</p>"),
    "inline tags, 499 in each of 59 paragraphs": lambda: page("".join(
        f"<p>Aya {n}: " + "<span>habari</span> <b>za</b> Kaole " * 249 + "</p>" for n in range(ELEMENTS // 500))),
    "links, 499 in each of 59 spans of one div": lambda: page("<div>" + "".join(
        f"<span>Aya {n}: " + "<a href='/habari'>habari za</a> Kaole " * 499 + "</span>" for n in range(ELEMENTS // 500))
        + "</div>"),
    "paragraphs of text, each in a div": lambda: page(f"<div><p>{SENTENCE}</p></div>" * (ELEMENTS // 2)),
    "table rows of two cells": lambda: page("<table>" + f"<tr><td>{SENTENCE}</td><td>x</td></tr>" * (ELEMENTS // 3)
                                            + "</table>"),
    f"tables nested {PARSER_DEPTH - 8} deep": lambda: nested("<table><tr><td>", "</td></tr></table>",
                                                             (PARSER_DEPTH - 8) // 3),
    f"lists nested {PARSER_DEPTH - 8} deep": lambda: nested("<ul><li>", "</li></ul>", (PARSER_DEPTH - 8) // 2),
    "4.9 MB of text in one paragraph": lambda: page("<p>" + SENTENCE * 50_000 + "</p>"),
    "JSON-LD cut inside a string, 99 KB": lambda: page(f"<p>{SENTENCE * 3}</p>", JSON_LD_CUT + QUOTED * 1400
                                                       + "</script>"),
    "JSON-LD cut inside a string, 4.9 MB": lambda: page(f"<p>{SENTENCE * 3}</p>", JSON_LD_CUT + QUOTED * 70_000
                                                        + "</script>"),
    "5 MB of inline tags on one line (refused)": lambda: page("<p>" + "<b>habari</b> <i>za</i> " * 190_000 + "</p>"),
    f"divs nested {PARSER_DEPTH + 1000} deep (refused)": lambda: nested("<div>", "</div>", PARSER_DEPTH + 1000),
}


def measure(name: str, answers) -> None:
    """In a fresh process: the page's extraction time and this process's peak resident memory after it."""
    warm_up()
    html = PAGES[name]()
    began = time.perf_counter()
    extracted = extract(html, "https://habari.example.tz/habari/kaole")
    seconds = time.perf_counter() - began
    outcome = extracted.reason if isinstance(extracted, NoArticle) else f"{len(extracted.text):,} characters of text"
    answers.put((len(html), seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, outcome))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these pages (their names as listed)")
    names = parser.parse_args().only or list(PAGES)
    context = multiprocessing.get_context("spawn")
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("| page | characters | seconds | peak memory (MiB) | outcome |\n|---|---:|---:|---:|---|")
    for name in names:
        answers = context.Queue()
        worker = context.Process(target=measure, args=(name, answers))
        worker.start()
        size, seconds, peak, outcome = answers.get()
        worker.join()
        print(f"| {name} | {size:,} | {seconds:.2f} | {peak:,.0f} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
