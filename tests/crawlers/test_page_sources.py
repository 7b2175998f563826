"""A `page` source is its one page: when that page times out, is too big or redirects in a loop, the source
fails with the reason (it does not report "ok, 0 pages"), and so does `habari add-url` for such a page."""
from __future__ import annotations

from dataclasses import replace

from crawlers.run import submit_url
from settings.config import Source
from store import SearchRequest, open_store
from tests.crawlers.hostile import TIGHT, crawl_run, fresh_settings
from tests.fakeweb import HUGE_SLUG, LOOP_SLUG, SLOW_SECONDS, SLOW_SLUG

QUICK = replace(TIGHT, download_timeout=1.0, retry_times=0)  # the slow page (3 s) times out, once
PAGES = {  # source id -> (site, story)
    "slow-page": ("sauti-kiromo", SLOW_SLUG),
    "huge-page": ("bay-gazette", HUGE_SLUG),
    "looping-page": ("coast-observer", LOOP_SLUG),
    "good-page": ("coast-observer", "mapinga-market-stalls-rebuilt"),
}


def page_source(source_id: str, url: str) -> Source:
    return Source(id=source_id, outlet="Page", outlet_type="online", kind="page", url=url, language="en")


def test_a_page_that_times_out_is_too_big_or_loops_fails_its_source_with_the_reason(hostile_web, tmp_path):
    urls = {source_id: f"{hostile_web.urls[site]}/articles/{story}" for source_id, (site, story) in PAGES.items()}
    settings = fresh_settings(tmp_path, [page_source(source_id, url) for source_id, url in urls.items()])
    assert QUICK.download_timeout < SLOW_SECONDS
    outcomes = crawl_run(settings, hostile_web, QUICK).outcomes

    assert outcomes["slow-page"].error == f"page {urls['slow-page']}: timed out after 1 s"
    assert outcomes["huge-page"].error == f"page {urls['huge-page']}: over the size cap"
    looping = outcomes["looping-page"]
    assert looping.error.startswith(f"page {urls['looping-page']}: ") and "redirect" in looping.error
    for source_id in ("slow-page", "huge-page", "looping-page"):
        assert (outcomes[source_id].ok, outcomes[source_id].rejected) == (False, {}), outcomes[source_id]
        assert "FAILED" in outcomes[source_id].describe()
    assert (outcomes["good-page"].ok, outcomes["good-page"].articles_indexed) == (True, 1)
    with open_store(settings) as store:
        health = {entry.source_id: entry for entry in store.source_health()}
    assert {source_id: entry.failures_in_a_row for source_id, entry in health.items()} == {
        "slow-page": 1, "huge-page": 1, "looping-page": 1, "good-page": 0,
    }


def test_add_url_of_a_page_that_loops_reports_the_failure(hostile_web, tmp_path):
    url = f"{hostile_web.urls['coast-observer']}/articles/{LOOP_SLUG}"
    submission = submit_url(fresh_settings(tmp_path, ()), url, limits=QUICK)

    assert submission.problem.startswith(f"could not fetch {url}: ") and "redirect" in submission.problem


def test_add_url_keeps_a_configured_sites_source_and_outlet_and_refuses_its_listings(hostile_web, tmp_path):
    base = hostile_web.urls["coast-observer"]
    site = Source(id="observer-rss", outlet="Coast Observer", outlet_type="newspaper", kind="rss",
                  url=f"{base}/rss.xml", language="en")
    settings = fresh_settings(tmp_path, [site])
    article = submit_url(settings, f"{base}/articles/mapinga-market-stalls-rebuilt", limits=QUICK)
    again = submit_url(settings, f"{base}/articles/mapinga-market-stalls-rebuilt", limits=QUICK)
    with open_store(settings) as store:
        (stored,) = store.search(SearchRequest(limit=5)).hits
    assert (article.problem, again.problem, again.source.id) == (None, None, "observer-rss")
    assert (stored.article.source_id, stored.article.outlet) == ("observer-rss", "Coast Observer")

    home = submit_url(settings, f"{base}/", limits=QUICK)
    assert home.refused_as_listing and "it is a listing" in home.problem
    missing = submit_url(settings, f"{base}/articles/no-such-story", limits=QUICK)
    assert missing.problem == f"could not fetch {base}/articles/no-such-story: HTTP 404 Not Found"
