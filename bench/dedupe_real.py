"""Real-text labelled sets for story clustering, built at bench time from ../shared and never stored in the repo.

Real article bodies and site blocks (extraction dev set) and real Swahili tweets become syndicated copies,
teasers, truncated and all-capitals copies, bridges, and distinct stories that share an outlet's block.
"""
from __future__ import annotations

import csv
import gzip
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from bench.dedupe_labels import LabelledDoc
from pipeline.decode import decode_html
from pipeline.dedupe import normalised_words
from pipeline.language import LanguageDetector
from settings.environment import REPO_ROOT

DATASETS = REPO_ROOT.parent / "shared" / "datasets"
SPLIT_SEED = 20261203
PARTS = ("dev", "held-out")
MIN_ARTICLE_WORDS = 80
BLOCK_WORDS = (30, 300)  # a site block kept: a related-stories list, a footer, a newsletter appeal
SHORT_STORY_WORDS = (15, 120)
BLOCK_CLASSES = re.compile(r"related|recommend|newsletter|subscri|more|teaser|promo|popular|trending|latest|footer"
                           r"|also|read", re.IGNORECASE)
LINE_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "tr", "dd", "dt")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
READ_MORE = ("Read more", "Soma zaidi", "Continue reading", "Endelea kusoma", "Weiterlesen", "…")
BYLINES = ("By Staff Reporter", "Na Mwandishi Wetu", "Imeandikwa na Mwandishi Wetu, Dar es Salaam",
           "From our correspondent", "Source: agencies", "Chanzo: Mtandao")
START = datetime(2026, 9, 1, 6, tzinfo=UTC)


@dataclass(frozen=True)
class Outlet:
    publisher: str  # the extraction dev set's publisher key, e.g. "tz-HabariLeo"
    site: str
    block: tuple[str, ...]  # the lines of one real site block of the outlet's page


@dataclass(frozen=True)
class RealArticle:
    key: str
    outlet: Outlet
    title: str
    paragraphs: tuple[str, ...]


def site_block(html: str) -> tuple[str, ...]:
    """The lines of the page's largest footer, aside or related/newsletter/more block of BLOCK_WORDS words."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ()
    for hidden in tree.xpath("//script|//style|//noscript|//template|//svg"):
        hidden.drop_tree()
    best: tuple[int, tuple[str, ...]] = (0, ())
    for element in tree.iter("footer", "aside", "div", "section", "ul"):
        attributes = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag not in ("footer", "aside") and not BLOCK_CLASSES.search(attributes):
            continue
        words = len(element.text_content().split())
        if BLOCK_WORDS[0] <= words <= BLOCK_WORDS[1] and words > best[0]:
            best = (words, _lines(element))
    return best[1]


def _lines(element: lxml.html.HtmlElement) -> tuple[str, ...]:
    """The element's text, a line for each block inside it, as an extractor that kept it would give it."""
    copy = lxml.html.fromstring(lxml.html.tostring(element))
    for inner in copy.iter(*LINE_TAGS):
        inner.tail = "\n" + (inner.tail or "")
        inner.text = "\n" + (inner.text or "")
    lines = (" ".join(line.split()) for line in copy.text_content().splitlines())
    return tuple(line for line in lines if line)


def load_articles(dataset: Path) -> list[RealArticle]:
    gold_path = dataset / "gold.json"
    if not gold_path.is_file():
        raise SystemExit(f"extraction dev set not found: {gold_path} does not exist")
    articles = []
    for key, entry in sorted(json.loads(gold_path.read_text(encoding="utf-8")).items()):
        html = decode_html(gzip.decompress((dataset / "html" / f"{key}.html.gz").read_bytes()), None)
        paragraphs = tuple(line.strip() for line in entry["articleBody"].splitlines() if line.strip())
        outlet = Outlet(key.rsplit("_", 3)[0], urlsplit(entry["url"]).hostname or key, site_block(html))
        articles.append(RealArticle(key, outlet, entry["title"].strip(), paragraphs))
    return articles


def load_tweets(dataset: Path) -> list[str]:
    """Tweets of SHORT_STORY_WORDS words, in file order, less those with a third of their word 4-grams in earlier
    ones (retweets and template replies: copies, not distinct stories)."""
    tweets: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for name in ("train.tsv", "dev.tsv"):
        with (dataset / name).open(encoding="utf-8", newline="") as rows:
            for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
                tweet = " ".join(row["tweet"].split())
                words = normalised_words(tweet)
                grams = {tuple(words[start : start + 4]) for start in range(max(1, len(words) - 3))}
                if not SHORT_STORY_WORDS[0] <= len(tweet.split()) <= SHORT_STORY_WORDS[1]:
                    continue
                if sum(gram in seen for gram in grams) * 3 >= len(grams):
                    continue
                seen |= grams
                tweets.append(tweet)
    return tweets


def split(articles: list[RealArticle], tweets: list[str]) -> dict[str, tuple[list[RealArticle], list[str]]]:
    """Publishers (with their pages and blocks) and tweets shuffled by SPLIT_SEED, half of each to "dev", which
    settings are tuned on, and half to "held-out", which they never are. The seed was fixed before any tuning."""
    rng = random.Random(SPLIT_SEED)
    publishers = sorted({article.outlet.publisher for article in articles})
    rng.shuffle(publishers)
    dev_publishers = set(publishers[: len(publishers) // 2])
    shuffled_tweets = tweets[:]
    rng.shuffle(shuffled_tweets)
    half = len(shuffled_tweets) // 2
    return {
        "dev": ([a for a in articles if a.outlet.publisher in dev_publishers], shuffled_tweets[:half]),
        "held-out": ([a for a in articles if a.outlet.publisher not in dev_publishers], shuffled_tweets[half:]),
    }


class _PartBuilder:
    """The labelled docs of one part: each story's first publication, then its copies."""

    def __init__(self, part: str, articles: list[RealArticle], tweets: list[str]) -> None:
        self.part = part
        self.rng = random.Random(f"{SPLIT_SEED}-{part}")
        self.articles = [a for a in articles if sum(len(p.split()) for p in a.paragraphs) >= MIN_ARTICLE_WORDS]
        self.rng.shuffle(self.articles)
        by_site = {a.outlet.site: a.outlet
                   for a in sorted(articles, key=lambda a: a.key, reverse=True) if a.outlet.block}
        self.outlets = [by_site[site] for site in sorted(by_site)]  # one block a site: its first page's
        self.tweets = tweets
        self.languages = LanguageDetector()
        self.docs: list[LabelledDoc] = []
        self.article_of_story: dict[str, str] = {}  # story: the title of the article it was made from

    def build(self) -> list[LabelledDoc]:
        """The part's docs; stories made from two pages of one article (the extraction dev set has one article twice:
        two snapshots of a taz.de page) are labelled one story."""
        quarter = len(self.articles) // 4
        for number, article in enumerate(self.articles[quarter:], start=quarter):
            if number < 2 * quarter:
                self._bridge(number, article)
            else:
                self._syndicated(number, article)
        self._shared_blocks(self.articles[:quarter])
        first_story: dict[str, str] = {}
        for story, title in self.article_of_story.items():
            first_story.setdefault(title, story)
        return [replace(doc, story=first_story[self.article_of_story[doc.story]])
                if doc.story in self.article_of_story else doc for doc in self.docs]

    def _add(self, story: str, number: int, kind: str, title: str, lines: list[str], published: datetime,
             site: str | None, language: str) -> LabelledDoc:
        """The doc, labelled an exact copy of the story's first doc with the same normalised words."""
        doc_id, text = f"{story}-{number}", "\n".join(lines)
        words = normalised_words(text)
        same_words = [doc.doc_id for doc in self.docs if doc.story == story and normalised_words(doc.text) == words]
        doc = LabelledDoc(doc_id, story, same_words[0] if same_words else doc_id, kind, language, title, text,
                          published.isoformat(), site)
        self.docs.append(doc)
        return doc

    def _with_block(self, lines: list[str], outlet: Outlet, share: float = 0.7) -> list[str]:
        """The outlet's block after the text (now and then before it), one line dropped half the time."""
        if not outlet.block or self.rng.random() >= share:
            return lines
        block = list(outlet.block)
        if len(block) > 3 and self.rng.random() < 0.5:
            del block[self.rng.randrange(len(block))]
        return [*block, *lines] if self.rng.random() < 0.15 else [*lines, *block]

    def _other_outlet(self, *avoid: Outlet) -> Outlet:
        sites = {outlet.site for outlet in avoid}
        return self.rng.choice([outlet for outlet in self.outlets if outlet.site not in sites])

    def _published(self) -> datetime:
        return START + timedelta(minutes=self.rng.randrange(60 * 24 * 60))

    def _syndicated(self, number: int, article: RealArticle) -> None:
        """The article on its own site, then one to four copies: syndicated, teaser, truncated, all-capitals, exact."""
        story = f"{self.part}-syndicated-{number}"
        self.article_of_story[story] = " ".join(normalised_words(article.title))
        published = self._published()
        language = self.languages.detect("\n".join(article.paragraphs))
        first = self._add(story, 0, "syndicated:original", article.title,
                          self._with_block(list(article.paragraphs), article.outlet), published, article.outlet.site,
                          language)
        edits = self.rng.sample(["copy", "teaser", "truncated", "all-capitals", "exact", "copy"],
                                self.rng.randint(1, 4))
        used = [article.outlet]
        for copy_number, edit in enumerate(edits, start=1):
            when = published + timedelta(hours=self.rng.uniform(-3, 48))
            if edit == "exact":  # the same page under another address: the same site, its block and all
                self._add(story, copy_number, f"syndicated:{edit}", article.title,
                          first.text.replace("'", "\u2019").replace(". ", ".  ").splitlines(), when, first.site,
                          language)
                continue
            outlet = self._other_outlet(*used)  # a site carries a story once
            used.append(outlet)
            title, lines = self._edited(edit, article, outlet)
            self._add(story, copy_number, f"syndicated:{edit}", title, lines, when, outlet.site, language)

    def _edited(self, edit: str, article: RealArticle, outlet: Outlet) -> tuple[str, list[str]]:
        paragraphs = list(article.paragraphs)
        if edit == "teaser":
            sentences = SENTENCE_END.split(" ".join(paragraphs))
            teaser = sentences[0]
            for sentence in sentences[1:3]:
                if len(teaser) >= 150:
                    break
                teaser = f"{teaser} {sentence}"
            return article.title, self._with_block([f"{teaser} {self.rng.choice(READ_MORE)}"], outlet, 0.3)
        if edit == "truncated":
            words = " ".join(paragraphs).split()
            cut = " ".join(words[: int(len(words) * self.rng.uniform(0.3, 0.7))])
            return article.title, self._with_block([f"{cut} ..."], outlet, 0.5)
        if edit == "all-capitals":
            if self.rng.random() < 0.5:
                return article.title.upper(), [paragraphs[0].upper(), *paragraphs[1:]]
            return article.title.upper(), [paragraph.upper() for paragraph in paragraphs]
        if len(paragraphs) > 4 and self.rng.random() < 0.3:
            del paragraphs[self.rng.randrange(1, len(paragraphs))]
        if self.rng.random() < 0.4:
            paragraphs.insert(0, self.rng.choice(BYLINES))
        title = article.title if self.rng.random() < 0.6 else f"{article.title} | {outlet.site}"
        return title, self._with_block(paragraphs, outlet)

    def _bridge(self, number: int, article: RealArticle) -> None:
        """Two partial copies that barely overlap (the first and the last 40-55% of the words), then the full story
        that shows they are one."""
        story = f"{self.part}-bridge-{number}"
        self.article_of_story[story] = " ".join(normalised_words(article.title))
        published = self._published()
        words = " ".join(article.paragraphs).split()
        head = " ".join(words[: int(len(words) * self.rng.uniform(0.4, 0.55))])
        tail = " ".join(words[int(len(words) * self.rng.uniform(0.45, 0.6)):])
        first = self._other_outlet(article.outlet)
        second = self._other_outlet(article.outlet, first)
        language = self.languages.detect("\n".join(article.paragraphs))
        self._add(story, 1, "bridge:head", article.title, self._with_block([f"{head} ..."], first, 0.5), published,
                  first.site, language)
        self._add(story, 2, "bridge:tail", article.title, self._with_block([tail], second, 0.5),
                  published + timedelta(hours=self.rng.uniform(0.5, 6)), second.site, language)
        self._add(story, 0, "bridge:full", article.title, self._with_block(list(article.paragraphs), article.outlet),
                  published + timedelta(hours=self.rng.uniform(6, 48)), article.outlet.site, language)

    def _short_stories(self, articles: list[RealArticle]) -> Iterator[tuple[str, str, bool]]:
        """(title, text, whether from an article) of short real stories: tweets, and the lead paragraphs of articles
        used nowhere else."""
        leads = [(a.title, a.paragraphs[0], True) for a in articles
                 if SHORT_STORY_WORDS[0] <= len(a.paragraphs[0].split()) <= SHORT_STORY_WORDS[1]]
        tweets = [(" ".join(tweet.split()[:8]), tweet, False) for tweet in self.tweets]
        stories = leads + tweets[: 3 * len(leads)]
        self.rng.shuffle(stories)
        yield from stories

    def _shared_blocks(self, articles: list[RealArticle]) -> None:
        """Distinct short stories of one outlet, each with the outlet's block (its related list, footer or appeal):
        4-12 an outlet, and a third of them also syndicated to another outlet with that one's block."""
        stories = self._short_stories(articles)
        for outlet_number, outlet in enumerate(self.outlets):
            for number in range(self.rng.randint(4, 12)):
                short = next(stories, None)
                if short is None:
                    return
                title, text, from_article = short
                story = f"{self.part}-shared-block-{outlet_number}-{number}"
                if from_article:
                    self.article_of_story[story] = " ".join(normalised_words(title))
                language = self.languages.detect(text)
                published = self._published()
                self._add(story, 0, "shared-block:original", title, self._with_block([text], outlet, 1.0), published,
                          outlet.site, language)
                if self.rng.random() < 1 / 3:
                    other = self._other_outlet(outlet)
                    self._add(story, 1, "shared-block:copy", title, self._with_block([text], other, 1.0),
                              published + timedelta(hours=self.rng.uniform(1, 30)), other.site, language)


def real_labelled_sets(datasets: Path = DATASETS) -> dict[str, list[LabelledDoc]]:
    """The dev and held-out sets, the same on every run."""
    parts = split(load_articles(datasets / "extraction-dev"), load_tweets(datasets / "sentiment-sw"))
    return {part: _PartBuilder(part, *parts[part]).build() for part in PARTS}
