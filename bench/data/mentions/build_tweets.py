"""Writes tweets.jsonl for bench/mentions.py: real Swahili tweets with the council's names placed in them.

Placed as tweets_spec.yaml says; each case is in the dev or held-out part by the seed, fixed before any rule was tuned.
Usage: python bench/data/mentions/build_tweets.py [--data ../shared/datasets/sentiment-sw]
       python bench/data/mentions/build_tweets.py --spec tweets_spec_2.yaml --out tweets_2.jsonl --seed 20261204 \
           --part held-out-2   (every case in that part, one draw per entry, with places.yaml's held_out_2 names)
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

import yaml

SEED = 20261203
SECOND_PART = "held-out-2"
HELD_OUT_SHARE = 0.5
CAPITALS_SHARE = 0.35
EVERYDAY_SHARE = 2 / 3  # how often a placeholder gets a place name that is also an everyday word
HERE = Path(__file__).parent
DEFAULT_DATA = HERE.parents[3] / "shared" / "datasets" / "sentiment-sw"
SHIPPED_WARDS = ("Dunda", "Magomeni", "Kiromo", "Zinga", "Yombo")  # config/watch.yaml's
SHIPPED_VILLAGES = ("Kaole", "Mapinga", "Kondo")
PLACEHOLDER = re.compile(r"\{(ward|village|name)\}")
DRAWS = {"service": 3, "place": 2, "namesake": 3, "council": 1}  # cases per entry with a placeholder
SOURCE = "AfriSenti-SemEval 2023, Kiswahili (Muhammad et al. 2023), CC BY 4.0"


def load_tweets(data: Path) -> dict[str, str]:
    tweets: dict[str, str] = {}
    for split in ("train", "dev"):
        with (data / f"{split}.tsv").open(encoding="utf-8", newline="") as handle:
            rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            tweets.update((f"{split}{number}", row["tweet"]) for number, row in enumerate(rows))
    return tweets


def in_case_of(name: str, original: str) -> str:
    return name.upper() if original.isupper() else name


def fill(edit_new: str, original: str, rng: random.Random, pools: dict[str, dict[str, tuple[str, ...]]],
         gold: bool) -> str:
    """The edit with its placeholders filled; a place is gold unless the case is a namesake (another district's)."""
    def choose(match: re.Match[str]) -> str:
        kind = "everyday" if rng.random() < EVERYDAY_SHARE else "plain"
        if match.group(1) == "name":  # a person's name: not the council's place, so not gold
            return rng.choice(pools["name"]["plain" if rng.random() < 0.8 else "everyday"])
        name = in_case_of(rng.choice(pools[match.group(1)][kind]), original)
        return f"[[{name}]]" if gold else name

    return PLACEHOLDER.sub(choose, edit_new)


def capitals(text: str, rng: random.Random) -> tuple[str, str]:
    """As Tanzanian papers print leads: the first words in capitals, or the whole text."""
    if rng.random() < 0.4:
        return "all", text.upper()
    words = text.split(" ")
    count = rng.randint(2, 8)
    return "lead", " ".join([word.upper() for word in words[:count]] + words[count:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--spec", default="tweets_spec.yaml", help="the spec, in this folder")
    parser.add_argument("--out", default="tweets.jsonl", help="the cases written, in this folder")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--part", choices=(SECOND_PART,), help="put every case in this part, drawn once")
    arguments = parser.parse_args()
    seed = arguments.seed
    tweets = load_tweets(arguments.data)
    places = yaml.safe_load((HERE / "places.yaml").read_text(encoding="utf-8"))
    reserved = {"wards": places["held_out"]["wards"], "villages": places["held_out"]["villages"],
                "personal": places["personal"]}
    if arguments.part:
        reserved = {key: [*names, *places["held_out_2"][key]] for key, names in reserved.items()}
    held_out_names = {*reserved["wards"], *reserved["villages"]}
    dev_pools = {
        "ward": {"everyday": tuple(places["wards"]), "plain": SHIPPED_WARDS},
        "village": {"everyday": tuple(places["villages"]), "plain": SHIPPED_VILLAGES},
    }
    held_out_pools = {
        kind: {"everyday": (*pool["everyday"], *reserved[f"{kind}s"]), "plain": pool["plain"]}
        for kind, pool in dev_pools.items()
    }
    shipped = (*SHIPPED_WARDS, *SHIPPED_VILLAGES)
    dev_pools["name"] = {"plain": shipped, "everyday": shipped}
    held_out_pools["name"] = {"plain": shipped, "everyday": tuple(reserved["personal"])}
    held_out_words = re.compile(r"\b(?:" + "|".join(held_out_names) + r")\b", re.IGNORECASE)
    cases = []
    for number, entry in enumerate(yaml.safe_load((HERE / arguments.spec).read_text(encoding="utf-8"))):
        key, edits = entry["tweet"], entry.get("edits", ())
        if arguments.part:
            split, pools, draws = arguments.part, held_out_pools, 1
        else:
            held_out = random.Random(f"{seed}:{key}").random() < HELD_OUT_SHARE
            if held_out_words.search(tweets[key]) or held_out_words.search(str(edits)):
                held_out = True
            split, pools = ("held-out", held_out_pools) if held_out else ("dev", dev_pools)
            draws = DRAWS[entry["class"]] if any(PLACEHOLDER.search(new) for _, new in edits) else 1
        for draw in range(draws):
            rng = random.Random(f"{seed}:{key}:{number}:{draw}")
            text = tweets[key]
            for original, new in edits:
                if text.count(original) != 1:
                    raise SystemExit(f"{key}: {original!r} occurs {text.count(original)} times")
                text = text.replace(original, fill(new, original, rng, pools, entry["class"] != "namesake"))
            case = {
                "id": f"tw-{number:03d}{'abc'[draw]}-{key}", "lang": "sw", "class": entry["class"],
                "split": split, "about_council": entry.get("about", False),
                "title": "", "text": text, "source": f"{SOURCE}, {key}",
            }
            cases.append(case)
            if rng.random() < CAPITALS_SHARE:
                style, upper = capitals(text, rng)
                cases.append({**case, "id": f"{case['id']}-caps", "class": "capitals", "of": entry["class"],
                              "style": style, "text": upper})
    with (HERE / arguments.out).open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(case, ensure_ascii=False) + "\n" for case in cases)
    print(f"{len(cases)} cases, {sum(case['split'] != 'dev' for case in cases)} held out")


if __name__ == "__main__":
    main()
