"""The config files: the shipped ones validate, and every kind of mistake gets one precise message."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from settings.config import ConfigError, load_config
from settings.environment import REPO_ROOT

SHIPPED = REPO_ROOT / "config"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(SHIPPED, target)
    return target


def test_shipped_config_is_valid():
    config = load_config(SHIPPED)
    assert len(config.sources) >= 10
    assert {source.language.value for source in config.sources} >= {"sw", "en"}
    assert config.watch.names.sw and config.watch.names.en
    assert config.schedule.timezone == "Africa/Dar_es_Salaam"


@pytest.mark.parametrize("source", load_config(SHIPPED).sources, ids=lambda s: s.id)
def test_every_shipped_source_is_complete(source):
    assert source.url.startswith(("http://", "https://"))
    assert source.outlet.strip() and source.interval_minutes >= 15


LINE = "the line of the edit"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("sources.yaml", "kind: rss", "kind: telegram", ["sources.yaml", LINE, "sources[0].kind", "'rss'"]),
        ("sources.yaml", "outlet: The Citizen", "outlett: The Citizen", [LINE, "unknown key 'outlett'"]),
        ("sources.yaml", "interval_minutes: 30", "interval_minutes: soon", [LINE, "interval_minutes"]),
        ("sources.yaml", "id: mwananchi-rss", "id: thecitizen-rss", ["source id 'thecitizen-rss' is used twice"]),
        ("sources.yaml", "id: thecitizen-rss", "id: The Citizen!", ["sources[0].id", "lower-case"]),
        ("sources.yaml", "url: https://www.thecitizen", "url: ftp:/www.thecitizen", [LINE, "sources[0].url"]),
        ("watch.yaml", "names:\n  sw:", "names: [\n  sw:", ["watch.yaml", "not valid YAML"]),
        ("schedule.yaml", 'digest_time: "07:00"', 'digest_time: "7 am"', ["schedule.yaml", LINE, "digest_time"]),
    ],
)
def test_a_bad_file_is_named_with_line_key_and_problem(config_dir, file, old, new, expected):
    edit(config_dir / file, old, new)
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    lines = (config_dir / file).read_text(encoding="utf-8").splitlines()
    edited_line = 1 + next(number for number, text in enumerate(lines) if new.splitlines()[0] in text)
    for part in expected:
        assert (f"line {edited_line}" if part is LINE else part) in str(caught.value)


def test_a_missing_file_is_named(config_dir):
    (config_dir / "topics.yaml").unlink()
    with pytest.raises(ConfigError, match=r"topics\.yaml: file not found"):
        load_config(config_dir)


def test_a_file_that_is_not_a_mapping(config_dir):
    (config_dir / "schedule.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(config_dir)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  - Kaole\n", "  - dunda\n", "villages[0]: 'dunda' is already listed at wards[0]"),
        ("  - Mji wa Bagamoyo\n", "  - BAGAMOYO\n", "namesakes[0]: 'BAGAMOYO' is already listed at place"),
        ("    name: Halima Okash\n", "    name: Shauri  Selenda\n", "officials[1].name: 'Shauri  Selenda' is already"),
        ("    other_titles: [District", "    other_title: [District", "at officials[1].other_title: unknown key"),
        ("honorifics: [Bw.,", "honorifics: [Bw., '',", "at honorifics[1]: String should have at least 1 character"),
        ("honorifics: [Bw.,", "honorifics: [Bw., '-',", "honorifics[1]: '-' has no letters or digits to match"),
        ("  - Kaole\n", "  - '...'\n", "villages[0]: '...' has no letters or digits to match"),
        ("projects:\n", "everyday_words: [Kaole, Sokoni]\nprojects:\n",
         "everyday_words[1]: 'Sokoni' is not one of the wards or villages"),
    ],
)
def test_a_bad_watch_file_names_the_key_of_the_mistake(config_dir, old, new, expected):
    edit(config_dir / "watch.yaml", old, new)
    with pytest.raises(ConfigError, match="watch.yaml") as caught:
        load_config(config_dir)
    assert expected in str(caught.value)


def test_the_mention_rules_read_the_shipped_watch_file():
    watch = load_config(SHIPPED).watch
    assert watch.place == "Bagamoyo" and watch.honorifics and watch.officials[0].other_titles
    assert "Mji wa Bagamoyo" in watch.namesakes
    assert ("villages[2]", "Kondo") in watch.listed_terms()
    assert watch.search_terms[0] == "Halmashauri ya Wilaya ya Bagamoyo"
