"""The web page on both backends: results with highlights and facets, paging, empty states, errors,
the article page, and feed text (titles, outlets, URLs) escaped wherever it appears.
"""
from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from search_api import create_app
from store import open_store
from tests.search_api.conftest import MAJI, UNREACHABLE_NODE, WATER


def hrefs(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def test_results_show_title_link_outlet_local_date_and_snippet(client):
    response = client.get("/", params={"q": "maji"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert f'<a href="{MAJI.url}" rel="noopener noreferrer">' in html
    assert "Mwananchi" in html and "06 Mar 2026, 01:30 EAT" in html
    assert re.search(r"<mark>maji</mark>", html, re.IGNORECASE)
    assert "1–1 of 1 article" in html
    assert "/articles/maji" in hrefs(html)


def test_facets_are_links_with_counts_that_filter(client):
    html = client.get("/", params={"q": "Bagamoyo"}).text
    assert "3 articles" in html
    [swahili] = [href for href in hrefs(html) if "language=sw" in href]
    filtered = client.get(swahili).text
    assert "1–1 of 1 article" in filtered and MAJI.title in filtered and WATER.title not in filtered
    assert 'class="active"' in filtered
    [remove] = [href for href in hrefs(filtered) if "q=Bagamoyo" in href and "language" not in href]
    assert "3 articles" in client.get(remove).text


def test_source_facet_is_labelled_with_the_outlet(client):
    html = client.get("/", params={"q": "Bagamoyo"}).text
    assert re.search(r'source=thecitizen-rss">The Citizen <span class="count">1</span>', html)
    [citizen] = [href for href in hrefs(html) if "source=thecitizen-rss" in href]
    filtered = client.get(citizen).text
    assert "council completes water project" in filtered and "1–1 of 1 article" in filtered


def test_paging_links_keep_the_search(client):
    first = client.get("/", params={"q": "Bagamoyo", "limit": 1}).text
    assert "1–1 of 3 articles" in first and 'rel="prev"' not in first
    [following] = [href for href in hrefs(first) if "offset=1" in href]
    assert "q=Bagamoyo" in following and "limit=1" in following
    second = client.get(following).text
    assert "2–2 of 3 articles" in second and 'rel="prev"' in second


def test_feed_text_is_escaped_and_bad_urls_are_not_links(client):
    html = client.get("/", params={"q": "Bagamoyo"}).text
    assert "<script>alert(1)</script>" not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Bagamoyo</mark>" in html
    assert "<img" not in html and "<b>News</b>" not in html and "Daily &lt;b&gt;News&lt;/b&gt;" in html
    assert not any(href.lower().startswith("javascript:") for href in hrefs(html))
    snippet = client.get("/", params={"q": "alert"}).text
    assert "&lt;script&gt;<mark>alert</mark>" in snippet and "<script" not in snippet


def test_pages_forbid_inline_scripts(client):
    assert "default-src 'none'" in client.get("/").headers["content-security-policy"]


def test_empty_store_says_nothing_is_indexed_yet(empty_client):
    assert "No articles are indexed yet" in empty_client.get("/").text


def test_no_match_says_nothing_matched(client):
    html = client.get("/", params={"q": "zzyzx"}).text
    assert "Nothing matched" in html and "No articles are indexed yet" not in html


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [({"from": "jana"}, 400, "parameter 'from': 'jana' is not a date"), ({"limit": "x"}, 422, "parameter 'limit'")],
)
def test_bad_parameters_show_a_message(client, params, status, words):
    response = client.get("/", params=params)
    assert response.status_code == status and 'role="alert"' in response.text
    assert words in unescape(response.text)


def test_form_keeps_the_chosen_filters(client):
    html = client.get("/", params={"q": '"mradi wa maji"', "language": "sw", "from": "2026-03-06"}).text
    assert 'value="&#34;mradi wa maji&#34;"' in html
    assert '<option value="sw" selected>' in html and 'value="2026-03-06"' in html


def test_article_page_shows_escaped_paragraphs_and_metadata(client):
    html = client.get("/articles/maji").text
    assert "<p>Wananchi wamepongeza hatua hiyo.</p>" in html
    assert "06 Mar 2026, 01:30 EAT" in html and "Asha Mussa" in html
    assert f'<a href="{MAJI.url}" rel="noopener noreferrer">' in html


def test_article_page_explains_the_mentions_and_links_the_story(client):
    html = client.get("/articles/maji").text
    assert "About the council" in html and "Maji · Water" in html and "Positive" in html and "Kaole" in html
    assert "<strong>Halmashauri ya Wilaya ya Bagamoyo</strong> (name, text 0–33)" in html
    [story] = [href for href in hrefs(html) if "story=" in href]
    listed = client.get(story).text
    assert "1–2 of 2 articles" in listed and WATER.title in listed


def test_topic_facet_filters(client):
    [projects] = [href for href in hrefs(client.get("/").text) if "topic=projects" in href]
    filtered = client.get(projects).text
    assert "1–1 of 1 article" in filtered and WATER.title in filtered and MAJI.title not in filtered


def test_hostile_article_page(client):
    html = client.get("/articles/hostile").text
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bagamoyo roads" in html
    assert not any(href.lower().startswith("javascript:") for href in hrefs(html))


def test_unknown_article_page_is_404(client):
    response = client.get("/articles/no-such-id")
    assert response.status_code == 404 and "no-such-id" in response.text


def test_store_error_page_is_503(make_settings):
    settings = make_settings(store="elasticsearch", es_url=UNREACHABLE_NODE)
    with open_store(settings) as store:
        response = TestClient(create_app(settings, store)).get("/", params={"q": "maji"})
    assert response.status_code == 503 and "not available right now" in response.text
    assert "Traceback" not in response.text


def test_stylesheet_is_served_and_needs_no_network(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200 and "text/css" in response.headers["content-type"]
    assert "http" not in response.text and "@import" not in response.text


def test_a_query_that_cannot_be_parsed_is_explained_beside_the_box(client):
    response = client.get("/", params={"q": "(maji OR"})
    assert response.status_code == 400
    html = unescape(response.text)
    assert 'id="query-error"' in html and "at character 9" in html and 'href="/help/query"' in html


def test_query_help_gives_examples_from_the_council_watch_terms(client):
    html = unescape(client.get("/help/query").text)
    assert "How to search" in html and "Jinsi ya kutafuta" in html
    assert '"Halmashauri ya Wilaya ya Bagamoyo"' in html and 'person:"Shauri Selenda"' in html
    for example in re.findall(r'href="/\?q=([^"]+)"', client.get("/help/query").text):
        assert client.get(f"/?q={example}").status_code == 200, example


def test_boolean_queries_work_in_the_page(client):
    assert client.get("/", params={"q": "maji -kaole"}).status_code == 200
    assert client.get("/", params={"q": "maj* OR (title:road NOT tone:hasi)"}).status_code == 200
