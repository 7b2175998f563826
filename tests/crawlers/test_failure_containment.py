"""A page whose processing raises is contained to itself in a crawl: the source's other articles are indexed, the
failure is kept in the store (stage, message, archive reference) and counted per source, the page stays in the
WARC archive, the next poll does not fetch it again, and indexing it once the cause is gone (`habari add-url`, or
`habari reprocess` from the archive) clears the failure."""
from __future__ import annotations

import urllib.request

from crawlers.run import crawl, submit_url
from crawlers.scrapy_settings import LOCAL_WEB
from pipeline.reprocess import CheckpointFile, PipelineSpec, ReprocessRequest, Reprocessor, Stage
from store.archive import WarcArchive
from tests.builders import all_articles, with_sources
from tests.crawlers.faults import FAIL_ON_COLD_ROOM, FAILING_SLUG


def test_one_articles_failure_is_recorded_and_the_rest_are_indexed(store_settings, store, news_web, news_sources):
    settings = with_sources(store_settings.model_copy(update={"extra_stages": (FAIL_ON_COLD_ROOM,)}), news_sources)
    failing_path = f"/articles/{FAILING_SLUG}"

    sauti, herald = crawl(settings, limits=LOCAL_WEB)

    assert (sauti.ok, sauti.articles_indexed, sauti.failed) == (True, 2, {})
    assert (herald.ok, herald.pages_fetched, herald.articles_indexed) == (True, 2, 1)
    assert herald.failed == {FAIL_ON_COLD_ROOM: 1}
    assert f"1 failed ({FAIL_ON_COLD_ROOM}: 1)" in herald.describe()
    assert sorted(article.url.rsplit("/", 1)[-1] for article in all_articles(store)) == [
        "barabara-ya-zinga", "dunda-clinic-opens", "kisima-kipya-dunda",
    ]
    (failure,) = store.failed_pages()
    url = news_web.urls["herald"] + failing_path
    assert (failure.url, failure.source_id, failure.stage) == (url, "herald-rss", FAIL_ON_COLD_ROOM)
    assert failure.message == "RuntimeError: a bug not yet found"
    with urllib.request.urlopen(url) as served:
        assert WarcArchive(settings.warc_dir).read_record(failure.archive).payload == served.read()
    health = {entry.source_id: entry for entry in store.source_health()}
    assert health["herald-rss"].last_run.failed_pages == 1 and health["herald-rss"].last_run.ok

    requests_before = news_web.site("herald").times_requested(failing_path)
    again = crawl(settings, limits=LOCAL_WEB)

    assert news_web.site("herald").times_requested(failing_path) == requests_before == 2  # this test's and the crawl's
    assert [(outcome.pages_fetched, outcome.failed) for outcome in again] == [(0, {}), (0, {})]
    assert store.failed_pages() == [failure]

    fixed = submit_url(settings.model_copy(update={"extra_stages": ()}), url, limits=LOCAL_WEB).outcome
    assert (fixed.ok, fixed.articles_indexed) == (True, 1)
    assert store.failed_pages() == [] and len(all_articles(store)) == 4


def test_habari_reprocess_indexes_a_failed_page_once_its_cause_is_gone(store_settings, store, news_web,
                                                                        news_sources):
    settings = with_sources(store_settings.model_copy(update={"extra_stages": (FAIL_ON_COLD_ROOM,)}), news_sources)
    crawl(settings, limits=LOCAL_WEB)
    (failure,) = store.failed_pages()
    requests_before = news_web.site("herald").times_requested(f"/articles/{FAILING_SLUG}")

    still = Reprocessor(PipelineSpec.from_settings(settings), store, WarcArchive(settings.warc_dir),
                        CheckpointFile(settings.data_dir / "reprocess-checkpoint.json"))
    tally = still.run(ReprocessRequest(Stage.analyse))
    assert (tally.read, tally.failed) == (4, {FAIL_ON_COLD_ROOM: 1})  # three stored articles and the failed page
    assert [page.url for page in store.failed_pages()] == [failure.url]

    fixed = Reprocessor(PipelineSpec.from_settings(settings.model_copy(update={"extra_stages": ()})), store,
                        WarcArchive(settings.warc_dir), CheckpointFile(settings.data_dir / "reprocess-checkpoint.json"))
    tally = fixed.run(ReprocessRequest(Stage.analyse))
    assert (tally.read, tally.indexed, tally.failed) == (4, 4, {})
    assert store.failed_pages() == [] and len(all_articles(store)) == 4
    assert news_web.site("herald").times_requested(f"/articles/{FAILING_SLUG}") == requests_before  # nothing fetched
