"""Writes pipeline/lexicons/everyday_sw.tsv: how often words of real Swahili tweets are in lower case and capitalised.

pipeline/place_names.py reads it to tell a ward named like an everyday word (Kati, Sokoni) from one that is only a name.
Usage: python scripts/build_everyday_words.py [--data ../shared/datasets/sentiment-sw]
"""
from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "datasets" / "sentiment-sw"
OUTPUT = REPO / "pipeline" / "lexicons" / "everyday_sw.tsv"
WORD = re.compile(r"[^\W\d_]+")
SENTENCE_END = re.compile(r"[.!?:;]\s*$")
HEADER = """\
# How often each word is written in lower case, and capitalised, inside a sentence (not its first word,
# not in capitals) in the 2,263 tweets of the AfriSenti-SemEval 2023 Kiswahili train and dev splits, by Shamsuddeen
# Hassan Muhammad et al., "AfriSenti: A Twitter Sentiment Analysis Benchmark for African Languages" (2023),
# licensed under Creative Commons Attribution 4.0 International (CC BY 4.0); counted by
# scripts/build_everyday_words.py. Listed: the everyday words, those written in lower case at least half as
# often as capitalised (a tweet capitalises words at random, and starts sentences without a full stop).
# Three tab-separated columns: word (lower case), times in lower case, times capitalised.
"""
EVERYDAY_SHARE = 0.5  # lower case at least this many times per capitalised use


def counts(tweets: list[str]) -> tuple[Counter[str], Counter[str]]:
    lower: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    for tweet in tweets:
        previous_end = 0
        for number, word in enumerate(WORD.finditer(tweet)):
            starts_sentence = number == 0 or bool(SENTENCE_END.search(tweet[previous_end : word.start()]))
            previous_end = word.end()
            text = word.group()
            if starts_sentence or len(text) < 2:
                continue
            if text.islower():
                lower[text] += 1
            elif text[0].isupper() and not text.isupper():
                capitalised[text.lower()] += 1
    return lower, capitalised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    arguments = parser.parse_args()
    tweets = []
    for split in ("train", "dev"):
        with (arguments.data / f"{split}.tsv").open(encoding="utf-8", newline="") as handle:
            tweets += [row["tweet"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    lower, capitalised = counts(tweets)
    everyday = sorted(word for word in lower if lower[word] >= EVERYDAY_SHARE * capitalised[word])
    lines = [f"{word}\t{lower[word]}\t{capitalised[word]}\n" for word in everyday]
    OUTPUT.write_text(HEADER + "".join(lines), encoding="utf-8")
    print(f"{len(tweets)} tweets: {len(lines)} everyday words -> {OUTPUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
