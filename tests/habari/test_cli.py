"""The `habari` command as a user meets it: help, configuration errors, and searching from a terminal
(stories folded, or every article; best match or newest first)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

from settings.environment import REPO_ROOT, Settings
from store import Article, open_store
from store.models import FailedPage, SourceRun
from tests.builders import make_article


def habari(*arguments: str, stdin: str | None = None, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "habari.cli", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **environment},
    )


def test_help_lists_the_commands():
    result = habari("--help")
    assert result.returncode == 0
    for command in ("run", "crawl", "search", "demo"):
        assert command in result.stdout


def test_a_bad_config_file_is_one_message_and_exit_status_2(tmp_path):
    config_dir = tmp_path / "config"
    shutil.copytree(REPO_ROOT / "config", config_dir)
    sources = config_dir / "sources.yaml"
    sources.write_text(sources.read_text().replace("language: sw", "language: french", 1))
    result = habari("search", "maji", HABARI_CONFIG_DIR=str(config_dir))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(sources) in result.stderr and "language" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_bad_environment_variable_is_named(tmp_path):
    result = habari("search", "maji", HABARI_STORE="mongodb")
    assert result.returncode == 2
    assert "HABARI_STORE" in result.stderr and "Traceback" not in result.stderr


def test_unknown_source_for_crawl_is_refused(tmp_path):
    result = habari("crawl", "--source", "no-such-source", HABARI_DATA_DIR=str(tmp_path))
    assert result.returncode == 2 and "no-such-source" in result.stderr


def test_search_prints_matching_articles_with_the_match_marked(make_settings, tmp_path):
    settings = make_settings()
    with open_store(settings) as store:
        store.upsert(
            [
                make_article(
                    "a1",
                    url="https://mwananchi.example/a1",
                    title="Mradi wa maji Kaole <b>",
                    text="Halmashauri ya Wilaya ya Bagamoyo imezindua mradi wa maji Kaole.",
                    published=datetime(2026, 11, 1, tzinfo=timezone.utc),
                )
            ]
        )
    result = habari("search", "kaole", HABARI_DATA_DIR=str(settings.data_dir))
    assert result.returncode == 0, result.stderr
    assert "1 matching article in 1 story\n" in result.stdout
    assert "Mradi wa maji Kaole <b>" in result.stdout and "01/11/2026 03:00 EAT" in result.stdout
    assert "https://mwananchi.example/a1" in result.stdout
    assert "<mark>" not in result.stdout


def _road_story(settings: Settings) -> None:
    """One story in three outlets (a Mwananchi lead and its update among them) and a lone article, on four days."""
    def road(doc_id: str, outlet: str, day: int, cluster_id: str | None = "road") -> Article:
        return make_article(doc_id, url=f"https://news.example.tz/{doc_id}", title=f"Barabara ya Msata {doc_id}",
                            text="Ukarabati wa barabara ya Msata.", outlet=outlet, cluster_id=cluster_id,
                            published=datetime(2026, 11, day, 9, tzinfo=timezone.utc))

    with open_store(settings) as store:
        store.upsert([road("r1", "Mwananchi", 1), road("r2", "HabariLeo", 2), road("r3", "Mwananchi", 3),
                      road("r4", "Daily News", 4), road("lone", "Mwananchi", 5, cluster_id=None)])


def test_search_folds_a_story_and_names_its_other_outlets(make_settings):
    settings = make_settings()
    _road_story(settings)
    result = habari("search", "barabara", "--sort", "newest", HABARI_DATA_DIR=str(settings.data_dir))
    assert result.returncode == 0, result.stderr
    assert "5 matching articles in 2 stories\n" in result.stdout
    assert result.stdout.index("Barabara ya Msata lone") < result.stdout.index("Barabara ya Msata r4")
    assert "and 2 other outlets: Mwananchi, HabariLeo"  # in the story's order in result.stdout
    assert "Barabara ya Msata r1" not in result.stdout  # folded into the story's newest article


def test_search_no_collapse_lists_every_article_newest_first(make_settings):
    settings = make_settings()
    _road_story(settings)
    result = habari("search", "barabara", "--no-collapse", "--sort", "newest", HABARI_DATA_DIR=str(settings.data_dir))
    assert result.returncode == 0, result.stderr
    assert "5 matching articles\n" in result.stdout and "other outlet" not in result.stdout
    days = [f"0{day}/11/2026" for day in (5, 4, 3, 2, 1)]
    assert [result.stdout.index(day) for day in days] == sorted(result.stdout.index(day) for day in days)


def test_search_refuses_an_unknown_order(make_settings):
    result = habari("search", "barabara", "--sort", "oldest", HABARI_DATA_DIR=str(make_settings().data_dir))
    assert result.returncode == 2 and "relevance" in result.stderr and "newest" in result.stderr


def test_sources_lists_each_sources_failed_pages_by_stage(make_settings):
    settings = make_settings()
    at = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
    with open_store(settings) as store:
        store.record_source_run(SourceRun("mwananchi-rss", at, at, True, pages_fetched=20, new_articles=19,
                                          failed_pages=1))
        store.record_failures([
            FailedPage(f"https://mwananchi.co.tz/habari/{n}", "mwananchi-rss", stage, "IndexError: x", at)
            for n, stage in enumerate(("entities", "entities", "extract"))
        ])
        store.record_source_run(SourceRun("habarileo-sitemap", at, at, False, error="sitemap https://habarileo.co.tz/"
                                          "sitemap.xml: " + "HTTP 503 Service Unavailable " * 6))
    result = habari("sources", HABARI_DATA_DIR=str(settings.data_dir), COLUMNS="80")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    row = lines.index(next(line for line in lines if line.startswith("mwananchi-rss ")))
    assert "20/11/2026 12:00" in lines[row] and " ok " in lines[row]
    assert lines[row].split()[-2:] == ["19", "3"]  # new articles, failed pages
    assert "failed pages: 3 (entities: 2, extract: 1)" in result.stdout
    failing = next(line for line in lines if line.startswith("habarileo-sitemap "))
    assert "failed (1 in a row)" in failing and "last error: sitemap https://habarileo.co.tz/" in result.stdout


def test_search_refuses_an_unknown_source_as_crawl_does(make_settings):
    data = str(make_settings().data_dir)
    searched, crawled = (habari(command, *arguments, "--source", "no-such-source", HABARI_DATA_DIR=data)
                         for command, arguments in (("search", ("maji",)), ("crawl", ())))
    assert searched.returncode == crawled.returncode == 2
    assert searched.stderr == crawled.stderr and "no-such-source" in searched.stderr


def test_search_limit_and_dates_are_checked_by_option_name(make_settings):
    data = str(make_settings().data_dir)
    limit = habari("search", "maji", "--limit", "0", HABARI_DATA_DIR=data)
    assert limit.returncode == 2 and "--limit" in limit.stderr and "offset" not in limit.stderr
    day = habari("search", "maji", "--from", "31/02/2026", HABARI_DATA_DIR=data)
    assert day.returncode == 2 and "--from" in day.stderr and "DD/MM/YYYY" in day.stderr
    backwards = habari("search", "maji", "--from", "05/11/2026", "--to", "2026-11-01", HABARI_DATA_DIR=data)
    assert backwards.returncode == 2 and "--to" in backwards.stderr


def test_search_narrows_to_eat_days_and_writes_json_lines(make_settings):
    settings = make_settings()
    _road_story(settings)  # published at 09:00 UTC (12:00 EAT) on 1 to 5 November
    result = habari("search", "barabara", "--no-collapse", "--from", "02/11/2026", "--to", "2026-11-03", "--json",
                    HABARI_DATA_DIR=str(settings.data_dir))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(record["doc_id"] for record in records) == ["r2", "r3"]
    assert {record["published"][-6:] for record in records} == {"+03:00"}


def test_an_extra_stage_that_is_no_dotted_name_is_refused_at_start(tmp_path):
    result = habari("sources", HABARI_DATA_DIR=str(tmp_path), HABARI_EXTRA_STAGES='["not a name"]')
    assert result.returncode == 2
    assert "HABARI_EXTRA_STAGES: 'not a name' does not name a callable as package.module:name" in result.stderr
