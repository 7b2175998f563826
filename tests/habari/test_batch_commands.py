"""`habari extract` and `habari process`: the JSON-lines interfaces over files, as a user runs them."""
from __future__ import annotations

import json
import shutil

from settings.environment import REPO_ROOT
from tests.habari.test_cli import habari

STORY = (
    "Halmashauri ya Wilaya ya Bagamoyo imezindua mradi mkubwa wa maji katika kijiji cha Kaole, ambao "
    "utawanufaisha wananchi zaidi ya elfu tano. Mkurugenzi Mtendaji Shauri Selenda alisema mradi huo "
    "umekamilika kwa wakati na kwa gharama iliyopangwa."
)
PAGE = f"""<!DOCTYPE html><html lang="sw"><head><meta charset="utf-8">
<title>Mradi wa maji Kaole wazinduliwa - Mwangaza</title>
<link rel="canonical" href="https://mwangaza.example/habari/mradi-wa-maji-kaole">
<meta name="author" content="Asha Mussa"><meta property="article:published_time" content="2026-11-20T09:00:00+03:00">
</head><body><nav><a href="/">Nyumbani</a> <a href="/michezo">Michezo</a></nav>
<article><h1>Mradi wa maji Kaole wazinduliwa</h1><p>{STORY}</p><p>{STORY}</p></article>
<footer>Haki zote zimehifadhiwa</footer></body></html>"""


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_extract_writes_one_line_per_file_and_names_the_one_it_cannot_read(tmp_path):
    page = tmp_path / "kaole.html"
    page.write_text(PAGE, encoding="utf-8")
    result = habari("extract", "--jsonl", str(page), str(tmp_path / "missing.html"))
    found, missing = lines(result.stdout)
    assert found["path"] == str(page)
    assert found["title"].startswith("Mradi wa maji Kaole")
    assert "kijiji cha Kaole" in found["text"] and "Nyumbani" not in found["text"]
    assert found["language"] == "sw"
    assert found["published"] == "2026-11-20T06:00:00Z"
    assert found["authors"] == ["Asha Mussa"]
    assert found["canonical_url"] == "https://mwangaza.example/habari/mradi-wa-maji-kaole"
    assert set(found) == {"path", "title", "text", "published", "language", "authors", "image", "canonical_url"}
    assert "missing.html" in missing["error"] or "No such file" in missing["error"]
    assert result.returncode == 1 and "No such file" in result.stderr


def test_process_deduplicates_in_input_order_and_reports_bad_lines(tmp_path):
    def item(number: int, url: str, title: str, text: str) -> str:
        return json.dumps({"id": number, "url": url, "title": title, "text": text, "published": "2026-11-20",
                           "source": "test"})

    edited = STORY.replace("mkubwa", "mpya").replace("na kwa gharama iliyopangwa", "kama ilivyopangwa")
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join([
        item(1, "https://a.example/habari/1?utm_source=x", "Bagamoyo DC yazindua mradi wa maji", STORY),
        item(2, "https://b.example/habari/2", "Mradi wa maji Kaole", STORY),
        item(3, "https://c.example/habari/3", "Maji Kaole", edited + " Imeandikwa na Mwandishi Wetu."),
        item(4, "https://a.example/habari/1", "Bagamoyo DC yazindua mradi wa maji", STORY),
        '{"id": 5, "url": "https://d.example/5"}',
        "not json",
    ]), encoding="utf-8")
    result = habari("process", "--jsonl", str(batch))
    first, copy, syndicated, same_url, no_text, not_json = lines(result.stdout)
    assert first["duplicate_of"] is None and first["cluster_id"] == first["doc_id"]
    assert copy["duplicate_of"] == first["doc_id"] and copy["cluster_id"] == first["doc_id"]
    assert syndicated["duplicate_of"] is None and syndicated["cluster_id"] == first["doc_id"]
    assert same_url["doc_id"] == first["doc_id"] and same_url["duplicate_of"] == first["doc_id"]
    assert first["about_council"] is True and first["language"] == "sw"
    assert {"rule": "alias", "term": "Bagamoyo DC", "field": "title", "start": 0, "end": 11}.items() <= \
        first["mentions"][0].items()
    assert "water" in first["topics"] and first["sentiment"] in ("positive", "neutral", "negative")
    assert 1 / 3 <= first["sentiment_confidence"] <= 1
    assert "Kaole" in first["entities"]["places"] and "Shauri Selenda" in first["entities"]["people"]
    assert no_text == {"line": 5, "error": f"{batch}, line 5: text: Field required"}
    assert not_json["line"] == 6 and "not a JSON object" in not_json["error"]
    assert result.returncode == 1


def test_process_reads_the_watch_rules_of_another_config_directory(tmp_path):
    config_dir = tmp_path / "config"
    shutil.copytree(REPO_ROOT / "config", config_dir)
    watch = config_dir / "watch.yaml"
    watch.write_text(watch.read_text(encoding="utf-8").replace("Bagamoyo DC", "BgDC"), encoding="utf-8")
    batch = tmp_path / "in.jsonl"
    batch.write_text(json.dumps({"id": "x", "url": "https://a.example/1", "title": "BgDC", "text": STORY}))
    result = habari("process", "--jsonl", str(batch), "--config", str(config_dir))
    (line,) = lines(result.stdout)
    assert any(mention["term"] == "BgDC" for mention in line["mentions"])
    assert habari("process", "--jsonl", str(batch), "--config", str(tmp_path / "none")).returncode == 2
