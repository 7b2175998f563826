"""Re-analysis from the archive and the store, on both backends: a watch-rule change reaches every article,
nothing is fetched, document ids stay, and a stopped run resumes where it was."""
from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.page import FeedEntry, PageContext
from pipeline.reprocess import NO_SOURCE, CheckpointFile, PipelineSpec, ReprocessRequest, Reprocessor, Stage
from settings.environment import REPO_ROOT, Settings
from store import ArticleStore
from store.models import CorrectedField, Correction
from store.archive import Capture, WarcArchive
from tests.habari.test_cli import habari

FETCHED = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
SENTENCES = (
    "Wakazi wa kijiji cha {place} wamepata huduma mpya ya maji safi baada ya miaka mingi ya kusubiri.",
    "Kisima hicho kilijengwa kwa ushirikiano wa wananchi na wadau wa maendeleo wa eneo hilo.",
    "Mwenyekiti wa kijiji alisema sasa wanawake hawatalazimika kutembea umbali mrefu kutafuta maji.",
    "Wananchi waliomba huduma hiyo iendelezwe hadi vitongoji vilivyo mbali zaidi na kijiji.",
)


def page_html(number: int, place: str) -> bytes:
    body = " ".join(sentence.format(place=place) for sentence in SENTENCES)
    return (f"<!DOCTYPE html><html lang='sw'><head><meta charset='utf-8'><title>Maji {place} {number}</title></head>"
            f"<body><article><h1>Huduma ya maji {place}, habari namba {number}</h1><p>{body}</p>"
            f"<p>Habari hii ni ya {number} katika mfululizo wa habari za maji.</p></article></body></html>").encode()


def archive_pages(settings: Settings, places: list[str], with_context: bool = True) -> list[str]:
    archive = WarcArchive(settings.warc_dir, clock=lambda: FETCHED)
    urls = []
    for number, place in enumerate(places):
        url = f"https://www.mwananchi.co.tz/habari/maji-{number}"
        context = PageContext("mwananchi-rss", "Mwananchi", "newspaper", FeedEntry(title=f"Maji {place}"))
        archive.write(Capture(url, 200, (("Content-Type", "text/html; charset=utf-8"),), page_html(number, place),
                              context=context.to_json() if with_context else None))
        urls.append(url)
    archive.close()
    return urls


def reprocessor(settings: Settings, store: ArticleStore, workers: int = 1) -> Reprocessor:
    checkpoints = CheckpointFile(settings.data_dir / "reprocess-checkpoint.json")
    return Reprocessor(PipelineSpec.from_settings(settings), store, WarcArchive(settings.warc_dir), checkpoints,
                       workers)


def with_village(config_dir: Path, village: str) -> None:
    watch = config_dir / "watch.yaml"
    watch.write_text(watch.read_text().replace("villages:\n", f"villages:\n  - {village}\n", 1))


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    copied = tmp_path / "config"
    shutil.copytree(REPO_ROOT / "config", copied)
    return copied


def test_the_archive_alone_is_indexed_and_a_watch_change_reaches_every_stored_article(
        store, store_settings, config_dir):
    settings = Settings(**{**store_settings.model_dump(), "config_dir": config_dir})
    archive_pages(settings, ["Msata"] * 3 + ["Kaole"])
    tally = reprocessor(settings, store).run(ReprocessRequest(Stage.extract))
    assert (tally.read, tally.indexed) == (4, 4)
    stored = {article.url: article for article in store.articles()}
    assert {article.source_id for article in stored.values()} == {"mwananchi-rss"}
    assert [article.about_council for article in stored.values()].count(True) == 1  # Kaole is a village
    ids_before = {article.doc_id for article in stored.values()}

    with_village(config_dir, "Msata")
    settings = Settings(**{**settings.model_dump(), "config_dir": config_dir})
    tally = reprocessor(settings, store, workers=2).run(ReprocessRequest(Stage.analyse))
    assert (tally.read, tally.indexed) == (4, 4)
    after = list(store.articles())
    assert {article.doc_id for article in after} == ids_before
    assert all(article.about_council for article in after)
    assert all(any(mention.term == "Msata" for mention in article.mentions)
               for article in after if "Msata" in article.title)


def test_an_officers_corrections_outlast_reprocessing_both_stages(store, store_settings):
    archive_pages(store_settings, ["Kaole", "Msata"])
    reprocessor(store_settings, store).run(ReprocessRequest(Stage.extract))
    kaole, msata = sorted(store.articles(), key=lambda article: article.title)
    store.correct(kaole.doc_id, Correction(CorrectedField.SENTIMENT, "negative", "asha", FETCHED))
    store.correct(msata.doc_id, Correction(CorrectedField.ABOUT_COUNCIL, True, "asha", FETCHED))
    for stage in (Stage.analyse, Stage.extract):
        reprocessor(store_settings, store).run(ReprocessRequest(stage), resume=False)
        assert store.get(kaole.doc_id).sentiment == "negative" and store.get(msata.doc_id).about_council is True
        assert store.get(msata.doc_id).corrections[0].corrected_by == "asha"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stopped_run_resumes_after_its_last_stored_batch(store, store_settings, monkeypatch, workers):
    monkeypatch.setattr("pipeline.reprocess.BATCH_SIZE", 2)
    archive_pages(store_settings, [f"Kijiji{number}" for number in range(7)])
    runner = reprocessor(store_settings, store, workers)
    batches = []

    def stop_after_two(tally):
        batches.append(tally.indexed)
        if len(batches) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.run(ReprocessRequest(Stage.extract), progress=stop_after_two)
    store.refresh()
    assert store.count() == 4
    tally = runner.run(ReprocessRequest(Stage.extract))
    assert (tally.resumed_after, tally.read, tally.done) == (4, 3, 7)
    assert store.count() == 7
    assert not (store_settings.data_dir / "reprocess-checkpoint.json").exists()


def test_pages_archived_without_their_source_take_the_stored_articles_or_the_hosts_one(store, store_settings):
    urls = archive_pages(store_settings, ["Kaole", "Zinga"], with_context=False)
    foreign = WarcArchive(store_settings.warc_dir, clock=lambda: FETCHED + timedelta(days=1))
    foreign.write(Capture("https://unknown.example/habari/1", 200, (("Content-Type", "text/html"),),
                          page_html(9, "Kaole")))
    foreign.close()
    runner = reprocessor(store_settings, store)
    tally = runner.run(ReprocessRequest(Stage.extract))
    since = runner.run(ReprocessRequest(Stage.extract, since=date(2026, 11, 21)))
    assert tally.indexed == 2 and tally.skipped[NO_SOURCE] == 1
    assert {article.url for article in store.articles()} == set(urls)
    assert {article.outlet for article in store.articles()} == {"Mwananchi"}  # the configured source on the host
    assert (since.read, since.skipped[NO_SOURCE]) == (1, 1)


def test_habari_reprocess_reports_what_it_did_and_refuses_an_unknown_source(tmp_path):
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    archive_pages(settings, ["Kaole", "Mapinga"])
    done = habari("reprocess", HABARI_DATA_DIR=str(data))
    assert done.returncode == 0, done.stderr
    assert "2 read, 2 articles updated" in done.stdout
    again = habari("reprocess", "--stage", "analyse", "--source", "mwananchi-rss", HABARI_DATA_DIR=str(data))
    assert again.returncode == 0 and "2 read, 2 articles updated" in again.stdout
    unknown = habari("reprocess", "--source", "nowhere", HABARI_DATA_DIR=str(data))
    assert unknown.returncode == 2 and "unknown source nowhere" in unknown.stderr
    bad_day = habari("reprocess", "--since", "2026-13-01", HABARI_DATA_DIR=str(data))
    assert bad_day.returncode == 2 and "YYYY-MM-DD" in bad_day.stderr
