"""The sitemap window and its memory: where each source's next poll starts reading, which entries it skips,
and that the memory forgets what falls out of the window."""
from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from crawlers.links import ArticleLink
from crawlers.sitemap_window import CLOCK_MARGIN, FIRST_WINDOW, LONGEST_WINDOW, SitemapMemory

NOW = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)
URL = "https://gazeti.example.tz/habari/{}"


def link(name: str, changed_at: datetime | None) -> ArticleLink:
    return ArticleLink(URL.format(name), changed_at=changed_at)


def test_a_first_poll_reads_a_week_and_a_clean_poll_moves_the_window_to_its_read_less_the_margin(tmp_path):
    memory = SitemapMemory(tmp_path / "sitemaps.sqlite3")
    assert memory.window("gazeti-sitemap", NOW).since == NOW - FIRST_WINDOW

    read_at = NOW - timedelta(minutes=2)
    memory.save("gazeti-sitemap", {}, read_at, NOW)

    assert memory.window("gazeti-sitemap", NOW).since == read_at - CLOCK_MARGIN
    assert memory.window("other-sitemap", NOW).since == NOW - FIRST_WINDOW


def test_a_poll_that_left_links_behind_keeps_the_window_where_it_was(tmp_path):
    memory = SitemapMemory(tmp_path / "sitemaps.sqlite3")
    memory.save("gazeti-sitemap", {}, NOW - timedelta(hours=1), NOW - timedelta(hours=1))
    memory.save("gazeti-sitemap", {URL.format("a"): NOW}, None, NOW)

    window = memory.window("gazeti-sitemap", NOW)
    assert window.since == NOW - timedelta(hours=1) - CLOCK_MARGIN
    assert window.handled == {URL.format("a"): NOW}


def test_entries_handled_are_skipped_until_their_lastmod_changes(tmp_path):
    memory = SitemapMemory(tmp_path / "sitemaps.sqlite3")
    published = NOW + timedelta(minutes=50)  # the site's clock is ahead of ours
    memory.save("gazeti-sitemap", {URL.format("a"): published, URL.format("b"): published}, NOW, NOW)
    window = memory.window("gazeti-sitemap", NOW + timedelta(hours=1))

    listed = [
        link("a", published),  # handled, unchanged
        link("b", published + timedelta(minutes=5)),  # handled, edited since
        link("c", NOW - timedelta(minutes=30)),  # new, published before the last read (inside the margin)
        link("d", None),  # undated: the store's fetch records decide
        link("e", NOW - CLOCK_MARGIN - timedelta(seconds=1)),  # before the window
    ]
    assert [entry.url.rsplit("/", 1)[1] for entry in window.unhandled(listed)] == ["b", "c", "d"]
    assert window.unhandled([ArticleLink(URL.format("a") + "?utm_source=rss", changed_at=published)]) == []


def test_the_memory_forgets_entries_older_than_the_window_and_never_keeps_more_than_the_longest(tmp_path):
    path = tmp_path / "sitemaps.sqlite3"
    memory = SitemapMemory(path)
    old, recent = NOW - CLOCK_MARGIN - timedelta(hours=1), NOW - timedelta(minutes=10)
    memory.save("gazeti-sitemap", {URL.format("old"): old, URL.format("recent"): recent}, NOW, NOW)
    stuck_since = NOW - LONGEST_WINDOW - timedelta(days=5)  # a source with no clean poll for 35 days
    memory.save("stuck-sitemap", {}, stuck_since + CLOCK_MARGIN, stuck_since)
    memory.save("stuck-sitemap", {URL.format("ancient"): stuck_since, URL.format("new"): recent}, None, NOW)
    memory.close()

    with sqlite3.connect(path) as db:
        kept = db.execute("SELECT source_id, url FROM entries ORDER BY source_id, url").fetchall()
    assert kept == [("gazeti-sitemap", URL.format("recent")), ("stuck-sitemap", URL.format("new"))]
    assert SitemapMemory(path).window("stuck-sitemap", NOW).since == NOW - LONGEST_WINDOW


def test_lastmods_come_back_exactly_to_the_microsecond(tmp_path):
    memory = SitemapMemory(tmp_path / "sitemaps.sqlite3")
    lastmod = datetime(2026, 12, 3, 6, 0, 0, 999999, tzinfo=UTC)
    memory.save("gazeti-sitemap", {URL.format("a"): lastmod}, NOW - timedelta(hours=1), NOW)

    assert memory.window("gazeti-sitemap", NOW).handled[URL.format("a")] == lastmod
