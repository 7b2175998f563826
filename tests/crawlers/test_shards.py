"""Crawl shards: every host's sources stay in one process, and the processes share the hosts evenly."""
from __future__ import annotations

from crawlers.run import host_shards
from settings.config import Source


def source(source_id: str, url: str) -> Source:
    return Source(id=source_id, outlet="O", outlet_type="online", kind="rss", url=url, language="sw")


def test_a_hosts_sources_stay_together_and_hosts_are_spread():
    sources = [
        source("a-rss", "https://a.example/rss.xml"),
        source("a-sitemap", "https://a.example/sitemap.xml"),
        source("b-rss", "https://b.example/rss.xml"),
        source("c-rss", "https://c.example/feed"),
        source("a-search", "https://a.example/search?q=x"),
    ]
    shards = host_shards(sources, processes=2)
    assert len(shards) == 2
    hosts = [{s.url.split("/")[2] for s in shard} for shard in shards]
    assert hosts[0] == {"a.example"} and hosts[1] == {"b.example", "c.example"}
    assert sorted(s.id for shard in shards for s in shard) == sorted(s.id for s in sources)


def test_never_more_processes_than_hosts():
    sources = [source("a-rss", "https://a.example/rss.xml"), source("a-map", "https://a.example/map.xml")]
    assert host_shards(sources, processes=4) == [tuple(sources)]
