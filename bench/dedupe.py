"""Benchmark: story clustering against a generated, labelled set of syndicated Tanzanian local news.

Usage: python -m bench.dedupe [--write-set] [--sweep] [--reopen-members 100000]
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import re
import resource
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import numpy as np
import yaml
from datasketch import LeanMinHash, MinHashLSH

from settings.environment import REPO_ROOT
from pipeline.dedupe import DedupeSettings, StoryClusters, band_buckets

DATA = REPO_ROOT / "bench" / "data" / "dedupe"
LABELLED_SET = DATA / "labelled.jsonl"
SEED = 20261128
STORIES_PER_TOPIC_AND_LANGUAGE = 6
FOLLOW_UP_SHARE = 0.4  # of base stories that get a distinct follow-up story on the same project days later
_CHOICE = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class Council:
    district: str
    director: str
    commissioner: str
    chair: str
    wards: tuple[str, ...]


COUNCILS = (
    Council("Bagamoyo", "Shauri Selenda", "Halima Okash", "Abdul Sharifu",
            ("Dunda", "Magomeni", "Kiromo", "Zinga")),
    Council("Kibaha", "Mshamu Munde", "Nickson Simon", "Mussa Ndomba",
            ("Mailimoja", "Tumbi", "Visiga", "Picha ya Ndege")),
    Council("Kisarawe", "Mtela Mwampamba", "Petro Magoti", "Hamisi Dikupatile",
            ("Chole", "Masaki", "Kibuta", "Msimbu")),
    Council("Mkuranga", "Tatu Selemani", "Khadija Nasri", "Juma Abeid",
            ("Vikindu", "Kimanzichana", "Shungubweni", "Tambani")),
    Council("Chalinze", "Ramadhani Possi", "Zainab Kawawa", "Hassan Mwinyikondo",
            ("Msata", "Lugoba", "Pera", "Bwilingu")),
    Council("Rufiji", "Hemedi Magaro", "Meja Edward Gowele", "Abdul Ngulangwa",
            ("Ikwiriri", "Utete", "Mkongo", "Chumbi")),
)
PEOPLE = (
    "Mwanaisha Ally", "Saidi Mketo", "Rehema Mfinanga", "Joseph Lyimo", "Fatuma Kombo", "Yusuph Mnyamani",
    "Agnes Mushi", "Bakari Kitwana", "Neema Massawe", "Omari Chande", "Grace Mwakalinga", "Issa Mpemba",
)
REPORTERS = ("Elias Mhagama", "Sophia Kigoda", "Athumani Mbwana", "Lucy Ngowi", "Peter Mwakyusa", "Mariam Sudi")
OUTLETS = ("Mwananchi", "HabariLeo", "Daily News", "The Citizen", "Mwanahalisi", "Uhuru", "Jamhuri", "Nipashe")

TEMPLATES = yaml.safe_load((DATA / "templates.yaml").read_text(encoding="utf-8"))
TOPICS: dict[str, dict[str, dict[str, list[str]]]] = TEMPLATES["topics"]
FOLLOW_UP_LEADS: dict[str, list[str]] = TEMPLATES["follow_up_leads"]
FOLLOW_UP_SENTENCES: dict[str, list[str]] = TEMPLATES["follow_up_sentences"]
REMARK_PARTS: dict[str, list[list[str]]] = TEMPLATES["remark_parts"]  # subject, verb, clause, tail: each story's own
BOILERPLATE: dict[str, list[str]] = TEMPLATES["boilerplate"]
SYNONYMS: dict[str, dict[str, str]] = TEMPLATES["synonyms"]
VILLAGES = (
    "Mapinga", "Kerege", "Fukayosi", "Kondo", "Mataya", "Buma", "Kiwangwa", "Msoga", "Mandera", "Matipwili",
    "Kitonga", "Makurunge", "Mkenge", "Kwamsanja", "Mwavi", "Mbwewe", "Kibindu", "Diozile", "Saleni", "Kidomole",
)
CROPS = {"sw": ("mihogo", "mahindi", "korosho", "ufuta", "mpunga", "mananasi"),
         "en": ("cassava", "maize", "cashew", "sesame", "rice", "pineapple")}
CONTRACTORS = ("Mwambao Builders Ltd", "Kilwa Engineering", "Pwani Contractors", "Nyanza Road Works", "Zenji Civil Co")


@dataclass(frozen=True)
class LabelledDoc:
    doc_id: str
    story: str  # docs with the same story are one story cluster
    copy_of: str  # docs with the same copy_of have the same text (exact copies); otherwise their own doc_id
    kind: str  # base, follow-up, or the variant's edits joined by "+"
    language: str
    title: str
    text: str
    published: str


def _render(template: str, facts: dict[str, str], rng: random.Random) -> str:
    return _CHOICE.sub(lambda match: rng.choice(match.group(1).split("|")), template).format(**facts)


def _facts(rng: random.Random, council: Council, language: str) -> dict[str, str]:
    village, village2 = rng.sample(VILLAGES, 2)
    person, person2 = rng.sample(PEOPLE, 2)
    return {
        "district": council.district, "director": council.director, "commissioner": council.commissioner,
        "chair": council.chair, "ward": rng.choice(council.wards), "village": village, "village2": village2,
        "person": person, "person2": person2, "contractor": rng.choice(CONTRACTORS),
        "crop": rng.choice(CROPS[language]), "year": "2026/27",
        "amount": f"{rng.randint(18, 79) / 10:.1f}".replace(".", "," if language == "sw" else "."),
        "amount2": f"{rng.randint(11, 49) / 10:.1f}".replace(".", "," if language == "sw" else "."),
        "small": str(rng.randrange(120, 990, 10)), "percent": str(rng.randint(35, 92)),
        "count": str(rng.randint(2, 9)), "count2": str(rng.randint(2, 12)), "months": str(rng.randint(4, 18)),
        "liters": f"{rng.randrange(50, 300, 25)},000", "km": str(rng.randint(3, 24)), "km2": str(rng.randint(150, 900)),
        "price": str(rng.randrange(200, 1500, 100)), "pupils": str(rng.randint(90, 180)),
        "pupils2": str(rng.randint(600, 2400)), "teachers": str(rng.randint(6, 19)), "desks": str(rng.randint(60, 300)),
        "people": f"{rng.randint(3, 15)},{rng.randint(0, 9)}00", "acres": str(rng.randint(20, 400)),
        "weeks": str(rng.randint(2, 8)), "plots": str(rng.randint(300, 3000)),
    }


def _pick(pool: dict[str, list[str]], indices: Iterable[int]) -> list[str]:
    return [pool["sentences"][index] for index in indices]


def _remark(rng: random.Random, language: str) -> str:
    subject, verb, clause, tail = (rng.choice(part) for part in REMARK_PARTS[language])
    return f"{subject} {verb} {clause} {tail}."


def _story(
    rng: random.Random, topic: str, language: str, facts: dict[str, str], sentences: list[str], lead: str | None = None
) -> tuple[str, str]:
    """Title and text: the sentences and four of the story's own remarks in a shuffled order (after the lead, if
    given), in paragraphs of one to three sentences."""
    title = _render(rng.choice(TOPICS[topic][language]["headlines"]), facts, rng)
    body = [*sentences, *(_remark(rng, language) for _ in range(4))]
    rng.shuffle(body)
    rendered = [_render(sentence, facts, rng) for sentence in ([lead] if lead else []) + body]
    paragraphs, start = [], 0
    while start < len(rendered):
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(rendered[start : start + size]))
        start += size
    return title, "\n".join(paragraphs)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _variant(
    rng: random.Random, base: LabelledDoc, topic: str, facts: dict[str, str], other_headline: str
) -> tuple[str, str, str]:
    """A syndicated copy: (edits, title, text) with two or three edits, at least one changing the words."""
    extras = {**facts, "reporter": rng.choice(REPORTERS), "outlet": rng.choice(OUTLETS),
              "other_headline": other_headline}
    edits = rng.sample(["retitle", "substitute", "reorder", "boilerplate", "truncate", "drop"], rng.randint(2, 3))
    title = base.title
    paragraphs = base.text.split("\n")
    if "retitle" in edits:
        title = _render(rng.choice(TOPICS[topic][base.language]["headlines"]), facts, rng)
    if "substitute" in edits:
        synonyms = SYNONYMS[base.language]
        paragraphs = [" ".join(synonyms.get(word, word) if rng.random() < 0.6 else word for word in paragraph.split())
                      for paragraph in paragraphs]
    if "drop" in edits and len(paragraphs) > 3:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    if "reorder" in edits and len(paragraphs) > 3:
        first, second = rng.sample(range(1, len(paragraphs)), 2)
        paragraphs[first], paragraphs[second] = paragraphs[second], paragraphs[first]
    if "truncate" in edits:
        words = " ".join(paragraphs).split()
        paragraphs = [" ".join(words[: int(len(words) * rng.uniform(0.4, 0.7))]) + " ..."]
    if _words(" ".join(paragraphs)) == _words(base.text) and "boilerplate" not in edits:
        edits.append("boilerplate")
    if "boilerplate" in edits:
        lines = rng.sample(BOILERPLATE[base.language], rng.randint(1, 2))
        paragraphs = [*paragraphs, *(_render(line, extras, rng) for line in lines)]
    return "+".join(sorted(edits)), title, "\n".join(paragraphs)


PLACE_FACTS = ("district", "director", "commissioner", "chair", "ward", "village", "village2", "person", "contractor")


def generate_labelled_set(seed: int = SEED) -> list[LabelledDoc]:
    """Base stories, follow-ups on the same projects (hard negatives), syndicated variants and exact copies."""
    rng = random.Random(seed)
    start = datetime(2026, 7, 1, 6, tzinfo=UTC)
    docs: list[LabelledDoc] = []
    for topic_number, (topic, languages) in enumerate(TOPICS.items()):
        for language, pool in languages.items():
            sentences = list(range(len(pool["sentences"])))
            halves: dict[int, tuple[list[int], list[int]]] = {}
            for index in range(STORIES_PER_TOPIC_AND_LANGUAGE):
                # Stories index and index + 3 share a council and its officials but none of their body sentences.
                pair = index % 3
                if pair not in halves:
                    rng.shuffle(sentences)
                    halves[pair] = (sentences[:5], sentences[5:])
                own, sibling = halves[pair] if index < 3 else halves[pair][::-1]
                council = COUNCILS[(topic_number + pair) % len(COUNCILS)]
                story = f"{topic}-{language}-{index}"
                facts = _facts(rng, council, language)
                published = start + timedelta(hours=rng.randint(0, 24 * 120))
                title, text = _story(rng, topic, language, facts, _pick(pool, own))
                stories = [(story, "base", facts, title, text, published)]
                if rng.random() < FOLLOW_UP_SHARE:
                    follow_facts = {**_facts(rng, council, language), **{key: facts[key] for key in PLACE_FACTS}}
                    follow_facts["days"] = str(rng.randint(3, 20))
                    recap = rng.choice(re.split(r"(?<=\.) ", text.split("\n")[-1]))
                    follow_title, follow_text = _story(rng, topic, language, follow_facts, [
                        *_pick(pool, rng.sample(sibling, 3)), *rng.sample(FOLLOW_UP_SENTENCES[language], 2), recap,
                    ], lead=rng.choice(FOLLOW_UP_LEADS[language]))
                    stories.append((f"{story}-follow-up", "follow-up", follow_facts, follow_title, follow_text,
                                    published + timedelta(days=rng.randint(2, 12))))
                for story_id, kind, story_facts, story_title, story_text, story_published in stories:
                    docs.extend(_syndicated(rng, story_id, kind, topic, language, story_facts, story_title, story_text,
                                            story_published, docs))
    return docs


def _syndicated(
    rng: random.Random, story: str, kind: str, topic: str, language: str, facts: dict[str, str], title: str,
    text: str, published: datetime, earlier: list[LabelledDoc],
) -> list[LabelledDoc]:
    """The story as first published, 0-5 syndicated variants, and sometimes an exact copy of one of them."""
    base = LabelledDoc(f"{story}-0", story, f"{story}-0", kind, language, title, text, published.isoformat())
    group = [base]
    for number in range(1, rng.choice((0, 1, 2, 3, 4, 5)) + 1):
        other_headline = rng.choice(earlier).title if earlier else title
        edits, variant_title, variant_text = _variant(rng, base, topic, facts, other_headline)
        variant_published = published + timedelta(hours=rng.uniform(-6, 48))
        doc_id = f"{story}-{number}"
        same_words = [doc.doc_id for doc in group if _words(doc.text) == _words(variant_text)]
        group.append(replace(base, doc_id=doc_id, copy_of=same_words[0] if same_words else doc_id, kind=edits,
                             title=variant_title, text=variant_text, published=variant_published.isoformat()))
    if rng.random() < 0.35:
        original = rng.choice(group)
        noisy = original.text.replace("'", "\u2019").replace(", ", " , ", 1).replace(". ", ".  ")
        copy_published = datetime.fromisoformat(original.published) + timedelta(hours=rng.uniform(1, 30))
        group.append(replace(original, doc_id=f"{story}-copy", kind="exact-copy",
                             text=noisy.upper() if rng.random() < 0.2 else noisy, published=copy_published.isoformat()))
    return group


def write_labelled_set(docs: Iterable[LabelledDoc], path: Path = LABELLED_SET) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(asdict(doc), ensure_ascii=False) + "\n" for doc in docs), encoding="utf-8")


def load_labelled_set(path: Path = LABELLED_SET) -> list[LabelledDoc]:
    return [LabelledDoc(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float


def pair_scores(truth: dict[str, str], predicted: dict[str, str]) -> PairScores:
    """Pairwise precision and recall of "same group": pairs counted per group without listing them."""

    def pairs(counts: Iterable[int]) -> int:
        return sum(count * (count - 1) // 2 for count in counts)

    together = pairs(Counter((truth[doc], predicted[doc]) for doc in truth).values())
    predicted_pairs, true_pairs = pairs(Counter(predicted.values()).values()), pairs(Counter(truth.values()).values())
    return PairScores(together / predicted_pairs if predicted_pairs else 1.0,
                      together / true_pairs if true_pairs else 1.0)


@dataclass(frozen=True)
class RunResult:
    clusters: PairScores
    exact: PairScores
    missed_by_edit: dict[str, tuple[int, int]]  # edit: (variants not clustered with their story's first doc, variants)
    docs_per_second: float


def run_labelled_set(
    docs: list[LabelledDoc], settings: DedupeSettings, order_seed: int, path: Path | None = None
) -> RunResult:
    """Assign the docs in a shuffled order and score the clusters and exact copies against the labels."""
    shuffled = docs[:]
    random.Random(order_seed).shuffle(shuffled)
    with StoryClusters(path, settings) as clusters:
        began = time.perf_counter()
        memberships = {doc.doc_id: clusters.assign(doc.doc_id, doc.title, doc.text,
                                                   datetime.fromisoformat(doc.published)) for doc in shuffled}
        elapsed = time.perf_counter() - began
    cluster_of = {doc_id: membership.cluster_id for doc_id, membership in memberships.items()}
    missed_by_edit: dict[str, list[int]] = {}
    for doc in docs:
        if doc.doc_id == f"{doc.story}-0":
            continue
        for edit in doc.kind.split("+"):
            counts = missed_by_edit.setdefault(edit, [0, 0])
            counts[0] += cluster_of[doc.doc_id] != cluster_of[f"{doc.story}-0"]
            counts[1] += 1
    return RunResult(
        clusters=pair_scores({doc.doc_id: doc.story for doc in docs}, cluster_of),
        exact=pair_scores({doc.doc_id: doc.copy_of for doc in docs},
                          {doc_id: membership.duplicate_of or doc_id for doc_id, membership in memberships.items()}),
        missed_by_edit={edit: (missed, total) for edit, (missed, total) in sorted(missed_by_edit.items())},
        docs_per_second=len(docs) / elapsed,
    )


SWEEP = (  # changes to the default settings, one row each
    *({"shingle_words": words} for words in (3, 4, 6)),
    *({"same_story": threshold} for threshold in (0.4, 0.45, 0.55, 0.6)),
    *({"shingle_words": 4, "same_story": threshold} for threshold in (0.45, 0.55)),
    *({"num_perm": num_perm} for num_perm in (64, 256)),
    *({"lsh_bands": bands, "lsh_rows": rows} for bands, rows in ((16, 2), (20, 3), (42, 3), (64, 2))),
    *({"min_contained_shingles": shingles} for shingles in (10, 50)),
    *({"min_jaccard": jaccard} for jaccard in (0.0, 0.15, 0.25)),
    {"min_jaccard": 0.0, "num_perm": 256},
)
ORDER_SEEDS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Summary:
    precision: float  # the worst over the shuffled orders
    recall: float
    exact_precision: float
    exact_recall: float
    docs_per_second: float  # the median


def summarise(docs: list[LabelledDoc], settings: DedupeSettings, path: Path | None = None) -> tuple[Summary, RunResult]:
    """Worst pairwise figures over ORDER_SEEDS shuffled arrival orders, and the first order's run for detail."""
    runs = []
    for seed in ORDER_SEEDS:
        if path is not None:
            path.unlink(missing_ok=True)
        runs.append(run_labelled_set(docs, settings, seed, path))
    return Summary(
        precision=min(run.clusters.precision for run in runs),
        recall=min(run.clusters.recall for run in runs),
        exact_precision=min(run.exact.precision for run in runs),
        exact_recall=min(run.exact.recall for run in runs),
        docs_per_second=sorted(run.docs_per_second for run in runs)[len(runs) // 2],
    ), runs[0]


def sweep(docs: list[LabelledDoc]) -> None:
    """The defaults, then each change in SWEEP, in memory."""
    print("\n| settings | precision | recall | docs/s |\n|---|---:|---:|---:|")
    for changes in ({}, *SWEEP):
        summary, _ = summarise(docs, replace(DedupeSettings(), **changes))
        described = ", ".join(f"{name}={value}" for name, value in changes.items()) or "defaults"
        print(f"| {described} | {summary.precision:.3f} | {summary.recall:.3f} | {summary.docs_per_second:,.0f} |")


def synthetic_members(path: Path, count: int, settings: DedupeSettings) -> None:
    """A story table of `count` distinct members (seq 1..count) with random signatures, written straight in."""
    StoryClusters(path, settings).close()
    rng = np.random.default_rng(SEED)
    with sqlite3.connect(path) as db:
        for start in range(0, count, 10_000):
            numbers = range(start, min(count, start + 10_000))
            signatures = rng.integers(0, 2**32, size=(len(numbers), settings.num_perm), dtype=np.uint32)
            db.executemany(
                "INSERT INTO members (doc_id, cluster_id, published, fingerprint, shingles, signature)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                ((f"synthetic-{n}", f"synthetic-{n}", None, f"fingerprint-{n}", 150, signature.tobytes())
                 for n, signature in zip(numbers, signatures, strict=True)),
            )
            db.executemany("INSERT INTO clusters (cluster_id, lead_id, lead_published, size) VALUES (?, ?, NULL, 1)",
                           ((f"synthetic-{n}", f"synthetic-{n}") for n in numbers))
            db.executemany("INSERT OR IGNORE INTO bands (bucket, member) VALUES (?, ?)",
                           ((bucket, n + 1) for n, signature in zip(numbers, signatures, strict=True)
                            for bucket in band_buckets(signature, settings)))


def datasketch_lsh_rebuild(path: Path, settings: DedupeSettings) -> tuple[float, float]:
    """Seconds and MiB of peak memory growth to load the table's signatures into an in-memory datasketch MinHashLSH
    with the same bands: the design the SQLite bands table replaced."""
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    lsh = MinHashLSH(num_perm=settings.num_perm, params=(settings.lsh_bands, settings.lsh_rows))
    with sqlite3.connect(path) as db:
        for doc_id, signature in db.execute("SELECT doc_id, signature FROM members"):
            hashvalues = np.frombuffer(signature, dtype=np.uint32)
            lsh.insert(doc_id, LeanMinHash(seed=settings.seed, hashvalues=hashvalues, scheme="affine32"),
                       check_duplication=False)
    elapsed = time.perf_counter() - began
    return elapsed, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024


def reopen_seconds(path: Path, settings: DedupeSettings) -> float:
    began = time.perf_counter()
    StoryClusters(path, settings).close()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write-set", action="store_true", help=f"regenerate {LABELLED_SET.relative_to(REPO_ROOT)}")
    parser.add_argument("--sweep", action="store_true", help="also try the settings in SWEEP, one at a time")
    parser.add_argument("--reopen-members", type=int, default=100_000)
    args = parser.parse_args()
    if args.write_set:
        write_labelled_set(generate_labelled_set())
    docs = load_labelled_set()
    kinds = Counter(edit for doc in docs for edit in doc.kind.split("+"))
    print(f"Python {platform.python_version()}, datasketch {version('datasketch')}, SQLite {sqlite3.sqlite_version}")
    print(f"labelled set: {len(docs)} docs, {len({doc.story for doc in docs})} stories, edits {dict(kinds)}")
    settings = DedupeSettings()
    print(f"settings: {settings}")
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "stories.sqlite3"
        summary, detail = summarise(docs, settings, path)
        print(f"shuffled orders {ORDER_SEEDS}, worst: story pairs P {summary.precision:.3f} R {summary.recall:.3f}; "
              f"exact-copy pairs P {summary.exact_precision:.3f} R {summary.exact_recall:.3f}; "
              f"{summary.docs_per_second:,.0f} docs/s (SQLite file, median)")
        print("variants not in their story's cluster (first order):", detail.missed_by_edit)
        path.unlink()
        synthetic_members(path, args.reopen_members, settings)
        print(f"open with {args.reopen_members:,} members: {reopen_seconds(path, settings) * 1000:.0f} ms; "
              f"file {path.stat().st_size / 2**20:.0f} MiB")
        lsh_seconds, lsh_mebibytes = datasketch_lsh_rebuild(path, settings)
        print(f"for comparison, rebuilding an in-memory datasketch MinHashLSH of them: {lsh_seconds:.1f} s, "
              f"peak memory +{lsh_mebibytes:,.0f} MiB")
        with StoryClusters(path, settings) as clusters:
            began = time.perf_counter()
            for doc in docs:
                clusters.assign(doc.doc_id, doc.title, doc.text, datetime.fromisoformat(doc.published))
            elapsed = time.perf_counter() - began
        print(f"assign the labelled set on top of them: {len(docs) / elapsed:,.0f} docs/s")
    if args.sweep:
        sweep(docs)


if __name__ == "__main__":
    main()
