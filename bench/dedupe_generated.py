"""The generated labelled set for story clustering: templated, syndicated Tanzanian local news.

Written to bench/data/dedupe/labelled.jsonl (python -m bench.dedupe --write-set); the same seed gives the same bytes.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bench.dedupe_labels import LabelledDoc
from settings.environment import REPO_ROOT

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
