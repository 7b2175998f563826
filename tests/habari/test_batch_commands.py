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


def test_extract_names_a_file_that_is_empty_an_image_random_bytes_or_no_article(tmp_path):
    files = {
        "empty.html": b"",
        "photo.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "noise.html": bytes((n * 97 + 13) % 256 for n in range(4096)),
        "menu.html": b"<html><body><script>render()</script></body></html>",
    }
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    result = habari("extract", "--jsonl", *(str(tmp_path / name) for name in files))
    empty, photo, noise, menu = lines(result.stdout)
    assert empty == {"path": str(tmp_path / "empty.html"), "error": f"{tmp_path / 'empty.html'}: the page is empty"}
    assert photo["error"].endswith("photo.html: binary data, not a web page")
    assert noise["error"].endswith("noise.html: binary data, not a web page")
    assert menu["error"].endswith("menu.html: no article text found")
    assert result.returncode == 1 and result.stderr.count("habari: ") == 4


def test_process_loses_only_the_line_with_an_invalid_byte(tmp_path):
    """One invalid UTF-8 byte ended the command, and the good lines before it (up to 8 KB) were lost with it."""
    good = [json.dumps({"id": n, "url": f"https://a.example/habari/{n}", "text": f"{STORY} Habari namba {n}."})
            for n in range(60)]
    batch = tmp_path / "in.jsonl"
    batch.write_bytes("\n".join(good[:50]).encode() + b'\n{"id": "bad", "text": "caf\xe9"}\n'
                      + "\n".join(good[50:]).encode())
    result = habari("process", "--jsonl", str(batch))
    found = lines(result.stdout)
    assert [line.get("id") for line in found] == [*range(50), None, *range(50, 60)]
    assert found[50] == {"line": 51, "error": f"{batch}, line 51: not UTF-8 text (byte 0xe9 at position 26)"}
    assert result.returncode == 1


def test_process_takes_half_a_character_as_the_replacement_character(tmp_path):
    batch = tmp_path / "in.jsonl"
    batch.write_text('{"id": "tweet-\\ud83d", "url": "https://a.example/1", "text": "Habari za leo \\ud83d"}\n')
    result = habari("process", "--jsonl", str(batch))
    (line,) = lines(result.stdout)
    assert line["id"] == "tweet-\ufffd" and result.returncode == 0
