"""The `habari` command as a user meets it: help, configuration errors, and searching from a terminal."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

from habari.settings import REPO_ROOT
from store import open_store
from tests.builders import make_article


def habari(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "habari.cli", *arguments],
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
    assert "1 matching article\n" in result.stdout
    assert "Mradi wa maji Kaole <b>" in result.stdout and "2026-11-01" in result.stdout
    assert "https://mwananchi.example/a1" in result.stdout
    assert "<mark>" not in result.stdout
