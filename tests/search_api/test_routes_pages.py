"""The web page on both backends: results with highlights and facets, stories folded into details, the
per-day histogram, the sort control, paging, empty states, errors, the article page, and feed text
(titles, outlets, URLs) escaped wherever it appears.
"""
from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from search_api import create_app
from tests.search_api.conftest import signed_in
from store import open_store
from tests.search_api.conftest import MAJI, ROAD_STORY, UNREACHABLE_NODE, WATER, road_article


def hrefs(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def test_results_show_title_link_outlet_local_date_and_snippet(client):
    response = client.get("/", params={"q": "maji"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert f'<a href="{MAJI.url}" rel="noopener noreferrer">' in html
    assert "Mwananchi" in html and "06 Mar 2026, 01:30 EAT" in html
    assert re.search(r"<mark>maji</mark>", html, re.IGNORECASE)
    assert "1–1 kati ya habari 1 (makala 1) · 1–1 of 1 story (1 article)" in html
    assert "/articles/maji" in hrefs(html)


def test_facets_are_links_with_counts_that_filter(client):
    html = client.get("/", params={"q": "Bagamoyo"}).text
    assert "3 articles" in html
    [swahili] = [href for href in hrefs(html) if "language=sw" in href]
    filtered = client.get(swahili).text
    assert "1–1 of 1 story (1 article)" in filtered and MAJI.title in filtered and WATER.title not in filtered
    assert 'class="active"' in filtered
    [remove] = [href for href in hrefs(filtered) if "q=Bagamoyo" in href and "language" not in href]
    assert "3 articles" in client.get(remove).text


def test_source_facet_is_labelled_with_the_outlet(client):
    html = client.get("/", params={"q": "Bagamoyo"}).text
    assert re.search(r'source=thecitizen-rss">The Citizen <span class="count">1</span>', html)
    [citizen] = [href for href in hrefs(html) if "source=thecitizen-rss" in href]
    filtered = client.get(citizen).text
    assert "council completes water project" in filtered and "1–1 of 1 story (1 article)" in filtered


def test_outlet_type_facet_is_labelled_in_both_languages_and_filters(client):
    html = client.get("/", params={"q": "Bagamoyo"}).text
    assert "Aina ya chombo · Outlet type" in html
    assert re.search(r'outlet_type=newspaper">Gazeti · Newspaper <span class="count">2</span>', html)
    [online] = [href for href in hrefs(html) if "outlet_type=online" in href]
    filtered = client.get(online).text
    assert "1–1 of 1 story (1 article)" in filtered and "/articles/hostile" in filtered and "/articles/water" not in filtered


def test_paging_links_keep_the_search(client):
    first = client.get("/", params={"q": "Bagamoyo", "limit": 1}).text
    assert "1–1 of 2 stories (3 articles)" in first and 'rel="prev"' not in first
    [following] = [href for href in hrefs(first) if "offset=1" in href]
    assert "q=Bagamoyo" in following and "limit=1" in following
    second = client.get(following).text
    assert "2–2 of 2 stories (3 articles)" in second and 'rel="prev"' in second and 'rel="next"' not in second


def test_paging_counts_articles_when_not_collapsed(client):
    second = client.get("/", params={"q": "Bagamoyo", "limit": 1, "offset": 1, "collapse": "false"}).text
    assert "2–2 kati ya makala 3 · 2–2 of 3 articles" in second
    [following] = [href for href in hrefs(second) if "offset=2" in href]
    assert "collapse=false" in following and "3–3 of 3 articles" in client.get(following).text


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
    assert "<dt>Aina ya chombo · Outlet type</dt><dd>Gazeti · Newspaper</dd>" in html
    assert f'<a href="{MAJI.url}" rel="noopener noreferrer">' in html


def test_article_page_explains_the_mentions_and_links_the_story(client):
    html = client.get("/articles/maji").text
    assert "About the council" in html and "Maji · Water" in html and "Positive" in html and "Kaole" in html
    assert "<strong>Halmashauri ya Wilaya ya Bagamoyo</strong> (name: the council&#39;s name, text 0–33)" in html
    [story] = [href for href in hrefs(html) if "story=" in href]
    listed = client.get(story).text
    assert "collapse=false" in story and "1–2 of 2 articles" in listed and WATER.title in listed


def test_article_page_says_how_sure_the_tone_is(client):
    assert "Chanya · Positive (uhakika · confidence 72%)" in client.get("/articles/maji").text
    assert "confidence" not in client.get("/articles/water").text  # scored before confidence was kept


def test_sources_page_shows_each_sources_poll_and_failed_pages_escaped(client, polled):
    html = client.get("/sources").text
    assert "Mwananchi" in html and "failed (2 in a row)" in html and "Zilizoshindwa · Failed pages</dt><dd>2 (entities: 1, extract: 1)" in html
    assert "bado · never" in html  # a configured source never polled
    assert "<script" not in html and "&lt;script&gt;alert(4)&lt;/script&gt;" in html
    assert "https://www.mwananchi.co.tz/habari/ajali" in html and "10 Mar 2026, 12:00 EAT" in html


def test_topic_facet_filters(client):
    [projects] = [href for href in hrefs(client.get("/").text) if "topic=projects" in href]
    filtered = client.get(projects).text
    assert "1–1 of 1 story (1 article)" in filtered and WATER.title in filtered and MAJI.title not in filtered


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
        response = signed_in(TestClient(create_app(settings, store))).get("/", params={"q": "maji"})
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


def test_a_story_is_folded_into_details_listing_its_other_articles(client, storied):
    html = client.get("/", params={"q": "barabara"}).text
    assert "1–1 of 1 story (4 articles)" in html and html.count('<li class="hit">') == 1
    [folded] = re.findall(r'<details class="story-others">(.*?)</details>', html, re.DOTALL)
    assert "<summary>na vyombo 3 vingine · and 3 other outlets</summary>" in folded
    listed = re.findall(r'<li><a href="/articles/([^"]+)">', folded)
    lead = {member.doc_id for member in ROAD_STORY} - set(listed)
    assert len(listed) == 3 and len(lead) == 1 and f"/articles/{lead.pop()}" in hrefs(html)
    assert "IPP Media (Nipashe, The Guardian)" in folded and "Ukarabati wa barabara ya Msata waanza" in folded
    assert '<time datetime="2026-03-05T09:00:00Z">05 Mar 2026, 12:00 EAT</time>' in folded


def test_a_story_without_other_matches_has_no_details(client, storied):
    html = client.get("/", params={"q": "barabara", "collapse": "false"}).text
    assert "1–4 kati ya makala 4 · 1–4 of 4 articles" in html and "story-others" not in html


def test_folded_feed_text_is_escaped(client, storied):
    hostile = road_article("road-hostile", '<b onmouseover="alert(4)">Gazeti</b>', "hostile-rss", 6,
                           title="<script>alert(5)</script> barabara")
    storied.upsert([hostile])
    storied.refresh()
    html = client.get("/", params={"q": "barabara"}).text
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in html and "&lt;b onmouseover=&#34;alert(4)&#34;&gt;Gazeti" in html


def bars(html: str) -> list[tuple[str, int]]:
    return [(day, int(count)) for day, count in re.findall(r'data-day="([^"]+)" data-count="(\d+)"', html)]


def test_the_histogram_has_a_bar_per_day_with_zero_days_between(client, storied):
    html = client.get("/", params={"q": "barabara"}).text
    assert bars(html) == [("2026-03-03", 2), ("2026-03-04", 0), ("2026-03-05", 1), ("2026-03-06", 1)]
    assert 'data-count="2"><title>2026-03-03: 2</title>' in html
    assert '<title>2026-03-04: 0</title>' in html


def test_a_histogram_bar_narrows_the_search_to_its_day(client, storied):
    html = client.get("/", params={"q": "barabara", "sort": "newest"}).text
    [day] = [href for href in hrefs(html) if "from=2026-03-03" in href]
    assert "to=2026-03-03" in day and "sort=newest" in day and "q=barabara" in day
    narrowed = client.get(day).text
    assert "1–1 of 1 story (2 articles)" in narrowed and bars(narrowed) == [("2026-03-03", 2)]


def test_the_histogram_counts_dated_articles_only(client, storied):
    html = client.get("/", params={"q": "maji"}).text
    assert "(makala 3)" in html and sum(count for _, count in bars(html)) == 2


def test_a_long_span_is_drawn_with_several_days_to_a_bar(client, storied):
    old = road_article("old", "Uhuru", "uhuru-rss", 6, published=ROAD_STORY[-1].published.replace(year=2024))
    storied.upsert([old])
    storied.refresh()
    html = client.get("/", params={"q": "barabara"}).text
    drawn = bars(html)
    assert len(drawn) <= 120 and sum(count for _, count in drawn) == 5
    assert "Articles per 7 days" in html and "<title>2024-03-06 – 2024-03-12: 1</title>" in html  # 731 days


def test_no_dated_match_draws_no_histogram(client, storied):
    html = client.get("/", params={"q": "tarehe"}).text
    assert "1–1 of 1 story (1 article)" in html and 'class="histogram"' not in html


def test_the_sort_and_fold_controls_keep_their_values(client, storied):
    html = client.get("/", params={"q": "maji", "sort": "newest", "collapse": "false", "limit": 1}).text
    assert '<option value="newest" selected>Mpya · Newest</option>' in html
    assert '<option value="relevance">Bora · Best match</option>' in html
    assert '<option value="false" selected>' in html
    [following] = [href for href in hrefs(html) if "offset=1" in href]
    assert "sort=newest" in following and "collapse=false" in following
    default = client.get("/", params={"q": "maji"}).text
    assert '<option value="relevance" selected>' in default and '<option value="true" selected>' in default


def test_newest_first_on_the_page(client, storied):
    html = client.get("/", params={"q": "maji OR barabara", "sort": "newest", "collapse": "false"}).text
    times = re.findall(r'<p class="meta">[^<]*<time datetime="([^"]+)">', html)
    assert len(times) == 6 and times == sorted(times, reverse=True)


@pytest.mark.parametrize(("params", "words"), [({"sort": "oldest"}, "'relevance' or 'newest'"),
                                               ({"collapse": "yes"}, "'true' or 'false'")])
def test_a_bad_sort_or_collapse_is_explained(client, params, words):
    response = client.get("/", params=params)
    assert response.status_code == 422 and words in unescape(response.text)


@pytest.mark.parametrize("path", ["/nonexistent", "/articles/a%2Fb", "/section/habari"])
def test_an_unknown_page_answers_with_the_html_error_page(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "Hakuna ukurasa huu · There is no such page" in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_an_unknown_api_route_keeps_json(client):
    response = client.get("/api/nonexistent")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
