"""The search benchmark's corpus: N articles of real news sentences with a year of metadata, seeded.

Generated once per (N, seed) as gzipped JSONL under data/bench/, beside each word's document frequency.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import itertools
import json
import math
import os
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline.language import LanguageDetector
from store import Article
from store.models import ArchiveRef, Entities

CORPUS_VERSION = 2
BATCH = 1000
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
SKIPPED_COUNTRIES = frozenset({"de", "at", "ch", "fr", "es", "jp", "it"})
SWAHILI_SHARE = 0.55
LENGTH_TARGET = 2900  # a body stops after the paragraph that passes its target: median length about 3,100
STORY_SHARE = 0.048  # stories with 2-5 members, so about 15% of articles share their story
UNDATED_SHARE = 0.03
ZIPF_OFFSET = 50  # sentence weights 1/(rank + 50): the most drawn sentence is in about 1 Swahili article in 7
TOPICS = ("health", "education", "water", "roads", "agriculture", "livestock", "revenue", "land", "environment",
          "tourism", "investment", "governance")
PLACES = ("Bagamoyo", "Dunda", "Magomeni", "Chalinze", "Kibaha", "Dar es Salaam", "Kiromo", "Zinga", "Pwani",
          "Dodoma", "Kaole", "Mapinga", "Yombo", "Kondo", "Mkuranga", "Kisarawe", "Morogoro", "Tanga", "Rufiji",
          "Zanzibar", "Arusha", "Mwanza")
PEOPLE_FIRST = ("Halima", "Shauri", "Juma", "Neema", "Hassan", "Rehema", "Joseph", "Amina", "Said", "Grace")
PEOPLE_LAST = ("Okash", "Selenda", "Mrisho", "Mwakyusa", "Kikwete", "Mollel", "Nyerere", "Mushi", "Salim", "Massawe")
ORGANISATIONS = ("Halmashauri ya Wilaya ya Bagamoyo", "TARURA", "RUWASA", "TANESCO", "CCM", "Wizara ya Afya", "TAMISEMI",
                 "DAWASA", "CHADEMA", "TRA", "NEMC", "Bunge", "TASAF", "World Bank", "UNICEF")
BOILERPLATE = {"sw": "Chanzo: {outlet}", "en": "Source: {outlet}"}
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Source:
    id: str
    outlet: str
    outlet_type: str
    host: str
    languages: tuple[str, ...]
    weight: float


SOURCES = (  # ids from config/sources.yaml; volumes skewed as the big dailies outpublish the rest
    Source("mwananchi-rss", "Mwananchi", "newspaper", "www.mwananchi.co.tz", ("sw",), 24),
    Source("thecitizen-rss", "The Citizen", "newspaper", "www.thecitizen.co.tz", ("en",), 20),
    Source("dailynews-rss", "Daily News", "newspaper", "dailynews.co.tz", ("en",), 16),
    Source("habarileo-sitemap", "HabariLeo", "newspaper", "habarileo.co.tz", ("sw",), 14),
    Source("ippmedia-rss", "IPP Media (Nipashe, The Guardian)", "newspaper", "www.ippmedia.com", ("sw", "en"), 10),
    Source("millardayo-rss", "Millard Ayo", "online", "millardayo.com", ("sw",), 8),
    Source("michuzi-rss", "Michuzi blog", "blog", "issamichuzi.blogspot.com", ("sw",), 5),
    Source("bbc-swahili-rss", "BBC Swahili", "online", "www.bbc.com", ("sw",), 4),
    Source("dw-kiswahili-rss", "DW Kiswahili", "online", "www.dw.com", ("sw",), 3),
    Source("voa-swahili-rss", "VOA Swahili", "online", "www.voaswahili.com", ("sw",), 2),
    Source("dailynews-sitemap", "Daily News", "newspaper", "dailynews.co.tz", ("en",), 1.5),
    Source("bagamoyodc-news", "Bagamoyo District Council", "government", "bagamoyodc.go.tz", ("sw",), 0.5),
)


@dataclass(frozen=True)
class Corpus:
    """A generated corpus on disk: its articles file and what generation counted (document frequencies
    of each plain word by language, lengths, stories)."""

    path: Path
    articles: int
    seed: int
    stats: dict

    def batches(self, size: int = BATCH) -> Iterator[list[Article]]:
        with gzip.open(self.path, "rt", encoding="utf-8") as lines:
            while batch := [Article.from_record(json.loads(line)) for line in itertools.islice(lines, size)]:
                yield batch

    def document_frequency(self) -> dict[str, Counter[str]]:
        return {language: Counter(counts) for language, counts in self.stats["df"].items()}


def _plain_words(text: str) -> set[str]:
    """The distinct lower-case words of `text` made of ASCII letters only, as both stores tokenise them alike."""
    found = _WORD.findall(text.casefold().replace("\u2019", "'"))
    return {word for word in found if word.isascii() and word.isalpha()}


def ensure_corpus(count: int, seed: int, data_dir: Path, real_text_dir: Path) -> Corpus:
    """The cached corpus for (count, seed), generated first if absent (that needs the real-text datasets)."""
    path = data_dir / f"search-corpus-v{CORPUS_VERSION}-{count}-s{seed}.jsonl.gz"
    stats_path = path.with_name(path.name.removesuffix(".jsonl.gz") + ".stats.json")
    if not (path.exists() and stats_path.exists()):
        data_dir.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        stats = _write(_Generator(_real_sentences(real_text_dir), random.Random(seed)), count, path)
        stats["seconds"] = round(time.perf_counter() - began, 1)
        temporary = stats_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(stats), encoding="utf-8")
        os.replace(temporary, stats_path)
    return Corpus(path, count, seed, json.loads(stats_path.read_text(encoding="utf-8")))


def _write(generator: _Generator, count: int, path: Path) -> dict:
    df: dict[str, Counter[str]] = {"sw": Counter(), "en": Counter()}
    lengths: list[int] = []
    shared = 0
    temporary = path.with_suffix(".tmp")
    with gzip.open(temporary, "wt", encoding="utf-8", compresslevel=4) as out:
        for article in itertools.islice(generator.articles(), count):
            out.write(json.dumps(article.to_record(), ensure_ascii=False) + "\n")
            df[article.language].update(_plain_words(f"{article.title}\n{article.text}"))
            lengths.append(len(article.text))
            shared += article.cluster_id in generator.shared_stories
    os.replace(temporary, path)
    return {
        "articles": count,
        "median_chars": statistics.median(lengths),
        "in_shared_stories": shared,
        "languages": generator.language_counts,
        "df": {language: dict(counts) for language, counts in df.items()},
    }


def _real_sentences(root: Path) -> dict[str, list[str]]:
    """English sentences of the extraction dev set's English pages (countries in SKIPPED_COUNTRIES left out, the
    rest kept when the pipeline's detector reads English) and Swahili from the sentiment set's tweets."""
    gold, tweets = root / "extraction-dev" / "gold.json", root / "sentiment-sw" / "train.tsv"
    missing = [str(path) for path in (gold, tweets) if not path.is_file()]
    if missing:
        raise SystemExit(f"bench.search needs the real-text datasets to generate its corpus; missing: "
                         f"{', '.join(missing)} (pass --real-text DIR, the folder holding extraction-dev/ and sentiment-sw/)")
    detector = LanguageDetector()
    pages = json.loads(gold.read_text(encoding="utf-8")).values()
    bodies = [page["articleBody"] for page in pages if page["country"] not in SKIPPED_COUNTRIES]
    english = [part.strip() for body in bodies if detector.detect(body) == "en" for part in _SENTENCE_END.split(body)]
    with tweets.open(encoding="utf-8", newline="") as rows:
        swahili = [" ".join(row["tweet"].split()) for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return {
        "en": [sentence for sentence in english if len(sentence.split()) >= 5],
        "sw": [tweet[0].upper() + tweet[1:] + "." for tweet in swahili if len(tweet.split()) >= 5],
    }


class _Generator:
    """Stories of one to five articles: a lead and its syndicated copies on other outlets. Sentences are drawn
    with Zipf-Mandelbrot weights (a random few recur often, most seldom), so words range from common to rare."""

    def __init__(self, sentences: dict[str, list[str]], rng: random.Random) -> None:
        self.rng = rng
        self.sentences = {language: rng.sample(found, len(found)) for language, found in sorted(sentences.items())}
        self.weights = {language: list(itertools.accumulate(1 / (rank + ZIPF_OFFSET) for rank in range(1, len(found) + 1)))
                        for language, found in self.sentences.items()}
        self.people = [f"{first} {last}" for first in PEOPLE_FIRST for last in PEOPLE_LAST]
        rng.shuffle(self.people)
        self.authors = {source.id: rng.sample(self.people, 4) for source in SOURCES}
        self.shared_stories: set[str] = set()
        self.language_counts: dict[str, int] = {"sw": 0, "en": 0}
        self.number = 0

    def articles(self) -> Iterator[Article]:
        while True:
            copies = self.rng.randint(1, 4) if self.rng.random() < STORY_SHARE else 0
            lead = self._lead()
            if copies:
                self.shared_stories.add(lead.doc_id)
            yield lead
            outlets = [source for source in SOURCES if lead.language in source.languages and source.outlet != lead.outlet]
            for source in self._distinct(outlets, copies):
                yield self._copy(lead, source)

    def _lead(self) -> Article:
        rng = self.rng
        language = "sw" if rng.random() < SWAHILI_SHARE else "en"
        source = rng.choices([s for s in SOURCES if language in s.languages],
                             [s.weight for s in SOURCES if language in s.languages])[0]
        target = min(max(rng.lognormvariate(math.log(LENGTH_TARGET), 0.55), 400), 25_000)
        paragraphs: list[str] = []
        while sum(map(len, paragraphs)) < target:
            paragraphs.append(" ".join(self._sentences(language, rng.randint(2, 5))))
        published = None if rng.random() < UNDATED_SHARE else YEAR_START + timedelta(seconds=rng.randrange(365 * 86400))
        about = rng.random() < 0.05
        return self._article(
            source, language, self._title(language), paragraphs, published,
            cluster_id=None, about_council=about,
            relevance=rng.uniform(0.6, 1.0) if about else (rng.uniform(0.05, 0.5) if rng.random() < 0.1 else 0.0),
            topics=tuple(sorted(self._zipf(TOPICS, rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0]))),
            sentiment=rng.choices(("neutral", "positive", "negative", None), (55, 20, 20, 5))[0],
            entities=Entities(
                people=self._zipf(self.people, rng.randint(0, 3)),
                places=self._zipf(PLACES, rng.randint(0, 3)),
                organisations=self._zipf(ORGANISATIONS, rng.randint(0, 2)),
            ),
        )

    def _copy(self, lead: Article, source: Source) -> Article:
        """The lead lightly edited: maybe retitled, a few words swapped, a paragraph dropped, a source line added."""
        rng = self.rng
        paragraphs = lead.text.split("\n\n")
        if len(paragraphs) > 2 and rng.random() < 0.3:
            del paragraphs[rng.randrange(1, len(paragraphs))]
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(paragraphs))
            words = paragraphs[at].split()
            words[rng.randrange(len(words))] = rng.choice(words)
            paragraphs[at] = " ".join(words)
        if rng.random() < 0.4:
            paragraphs.append(BOILERPLATE[lead.language].format(outlet=lead.outlet))
        published = lead.published + timedelta(minutes=rng.randint(20, 36 * 60)) if lead.published else None
        title = self._title(lead.language) if rng.random() < 0.5 else lead.title
        return self._article(source, lead.language, title, paragraphs, published, cluster_id=lead.doc_id,
                             about_council=lead.about_council, relevance=lead.relevance, topics=lead.topics,
                             sentiment=lead.sentiment, entities=lead.entities)

    def _article(self, source: Source, language: str, title: str, paragraphs: list[str],
                 published: datetime | None, cluster_id: str | None, **analysis) -> Article:
        rng = self.rng
        self.number += 1
        self.language_counts[language] += 1
        url = f"https://{source.host}/habari/{self.number:07d}"
        doc_id = hashlib.sha256(url.encode()).hexdigest()[:32]
        fetched_at = (published + timedelta(minutes=2 + rng.expovariate(1 / 180)) if published
                      else YEAR_START + timedelta(seconds=rng.randrange(365 * 86400)))
        text = "\n\n".join(paragraphs)
        return Article(
            doc_id=doc_id, url=url, title=title, text=text, source_id=source.id, outlet=source.outlet,
            outlet_type=source.outlet_type, language=language, fetched_at=fetched_at, published=published,
            authors=tuple(rng.sample(self.authors[source.id], rng.choices((0, 1, 2), (35, 55, 10))[0])),
            summary=paragraphs[0][:300],
            image=f"https://{source.host}/images/{self.number}.jpg" if rng.random() < 0.7 else None,
            archive=ArchiveRef(f"habari-{fetched_at:%Y%m%d}.warc.gz", rng.randrange(1 << 30),
                               hashlib.sha256(text.encode()).hexdigest()),
            cluster_id=cluster_id or doc_id, **analysis,
        )

    def _title(self, language: str) -> str:
        words = self._sentences(language, 1)[0].rstrip(".!?").split()
        return " ".join(words[: self.rng.randint(6, 12)])

    def _sentences(self, language: str, count: int) -> list[str]:
        return self.rng.choices(self.sentences[language], cum_weights=self.weights[language], k=count)

    def _zipf(self, pool: tuple[str, ...] | list[str], count: int) -> tuple[str, ...]:
        ranks = [1 / rank for rank in range(1, len(pool) + 1)]
        return tuple(dict.fromkeys(self.rng.choices(pool, ranks, k=count)))

    def _distinct(self, sources: list[Source], count: int) -> list[Source]:
        chosen: list[Source] = []
        while sources and len(chosen) < count:
            source = self.rng.choices(sources, [s.weight for s in sources])[0]
            chosen.append(source)
            sources = [s for s in sources if s.outlet != source.outlet]
        return chosen
