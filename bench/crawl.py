"""Benchmark: crawl a loopback fake web of many hosts, fetching and archiving every article; then
time how long a story published in a feed takes to be indexed by the scheduled, polite service.

Usage: python -m bench.crawl [--hosts 20] [--articles 500] [--interval-minutes 1] [--skip-throughput] [--skip-latency]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawlers.run import crawl, start_fork_server
from crawlers.scrapy_settings import LOCAL_WEB
from settings.config import Source
from habari.demo.newsweb import NewsWeb
from habari.demo.site import NewsArticle, NewsSite
from settings.environment import Settings
from store import SearchRequest, open_store
from store.query import parse_query

PARAGRAPH = (
    "Halmashauri ya Wilaya ya Bagamoyo imeendelea na utekelezaji wa miradi ya maendeleo katika kata zake, "
    "ikiwemo ujenzi wa madarasa, zahanati na barabara za vijijini, kwa fedha za serikali kuu na mapato ya ndani. "
)
FAST = replace(LOCAL_WEB, autothrottle=False, concurrent_requests=64, concurrent_per_host=8, time_limit_seconds=1800)


def fake_site(number: int, articles: int) -> NewsSite:
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    return NewsSite(
        id=f"host{number:02d}",
        name=f"Gazeti {number}",
        language="sw",
        articles=tuple(
            NewsArticle(
                slug=f"habari-ya-{number}-namba-{n}-bagamoyo",
                title=f"Habari namba {n} ya gazeti {number}",
                paragraphs=(f"Habari namba {n} ya gazeti {number}: " + PARAGRAPH * 3, PARAGRAPH * 2),  # no two alike
                published=start + timedelta(minutes=n),
                author="Mwandishi Wetu",
                language="sw",
            )
            for n in range(articles)
        ),
    )


def serve(sites: list[NewsSite], urls_out, stop) -> None:
    """The fake web in its own process, so its threads do not share the crawler's interpreter."""
    hosts = tuple(f"127.0.0.{20 + number}" for number in range(len(sites)))  # one host each, as on the web
    with NewsWeb(sites, hosts=hosts) as urls:
        urls_out.send(urls)
        stop.wait()
    print(f"fake web: {cpu_seconds():.1f} CPU seconds", flush=True)


def busy_cpu_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (/proc/stat): the crawl processes fork
    from a server, not from this script, so only the machine's total shows what they used."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> float:
    """CPU seconds this process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_sources(urls: dict[str, str], interval_minutes: int) -> tuple[Source, ...]:
    return tuple(
        Source(id=f"{site_id}-rss", outlet=site_id, outlet_type="online", kind="rss", url=f"{url}/rss.xml",
               language="sw", interval_minutes=interval_minutes, max_pages=10_000)
        for site_id, url in urls.items()
    )


def throughput(urls: dict[str, str], data_dir: Path) -> None:
    base = Settings(data_dir=data_dir)
    settings = base.model_copy(update={"config": base.config.model_copy(update={"sources": rss_sources(urls, 60)})})
    began = time.perf_counter()
    start_fork_server()  # as the service does when it starts
    print(f"the crawl processes' fork server started in {time.perf_counter() - began:.1f} s", flush=True)
    began, busy_before = time.perf_counter(), busy_cpu_seconds()
    outcomes = crawl(settings, limits=FAST, index=False)
    seconds, busy = time.perf_counter() - began, busy_cpu_seconds() - busy_before
    pages = sum(outcome.pages_fetched for outcome in outcomes)
    failed = [outcome.describe() for outcome in outcomes if not outcome.ok]
    archived = sum(path.stat().st_size for path in Settings(data_dir=data_dir).warc_dir.glob("*.warc.gz"))
    print(f"fetched and archived {pages} pages from {len(urls)} hosts in {seconds:.1f} s"
          f" (forking the crawl processes included): {pages / seconds:.0f} pages/s; WARC {archived / 1e6:.1f} MB;"
          f" the machine was busy {busy:.1f} CPU seconds of {seconds * len(os.sched_getaffinity(0)):.1f}", flush=True)
    if failed:
        print("sources that failed:", *failed, sep="\n  ")


def pickup_latency(data_dir: Path, interval_minutes: int) -> None:
    """A scheduled, polite service polls one site; a story is published; how long until it is found?"""
    from habari.demo.run import write_demo_config
    from habari.scheduler import build_scheduler

    site = fake_site(99, 20)
    web = NewsWeb([site])
    with web as urls:
        config_dir = data_dir / "config"
        write_demo_config(Settings().config_dir, config_dir, rss_sources(urls, interval_minutes))
        os.environ.update(HABARI_CONFIG_DIR=str(config_dir), HABARI_DATA_DIR=str(data_dir), HABARI_LOCAL_WEB="false")
        settings = Settings()
        scheduler = build_scheduler(settings)
        scheduler.resume()
        store = open_store(settings)
        try:
            wait_for(lambda: store.count() >= 20, timeout=interval_minutes * 60 + 120)
            time.sleep(5)  # publish in the middle of an interval, not just after a poll
            story = NewsArticle("mradi-mpya-wa-maji-mapinga-umezinduliwa", "Mradi mpya wa maji Mapinga umezinduliwa",
                                ("Mradi mpya wa maji umezinduliwa Mapinga. " + PARAGRAPH * 3,),
                                datetime.now(timezone.utc), "Mwandishi Wetu", "sw")
            published, published_at = time.monotonic(), datetime.now(timezone.utc)
            web.publish(site.id, story)
            query = SearchRequest(query=parse_query('"Mradi mpya wa maji Mapinga"'), limit=1)
            wait_for(lambda: store.search(query).total == 1, timeout=interval_minutes * 60 + 120)
            latency = time.monotonic() - published
            wait_for(lambda: store.source_health()[0].last_run.finished_at > published_at, timeout=60)
            last_poll = store.source_health()[0].last_run  # the run is recorded once its process has ended
        finally:
            scheduler.shutdown(wait=False)
            store.close()
    print(f"a story published in a feed polled every {interval_minutes} min (politeness on) was indexed"
          f" {latency:.1f} s later (target: within {interval_minutes * 60 + 10} s); the poll that found it took"
          f" {(last_poll.finished_at - last_poll.started_at).total_seconds():.1f} s, so the worst case is"
          f" {interval_minutes * 60} s plus that", flush=True)


def wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not done within {timeout:.0f} s")
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--interval-minutes", type=int, default=1)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    arguments = parser.parse_args()
    print(f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}")
    if not arguments.skip_throughput:
        measure_throughput(arguments.hosts, arguments.articles)
    if not arguments.skip_latency:
        with tempfile.TemporaryDirectory() as data_dir:
            pickup_latency(Path(data_dir), arguments.interval_minutes)


def measure_throughput(hosts: int, articles: int) -> None:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    stop = context.Event()
    server = context.Process(
        target=serve, args=([fake_site(n, articles) for n in range(hosts)], sender, stop)
    )
    server.start()
    try:
        urls = receiver.recv()
        with tempfile.TemporaryDirectory() as data_dir:
            throughput(urls, Path(data_dir))
    finally:
        stop.set()
        server.join()


if __name__ == "__main__":
    main()
