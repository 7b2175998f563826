"""Benchmark: Swahili / English / other identification, per-class precision and recall, and ms per long document.

Usage: python -m bench.language [--passes 3] [--errors CANDIDATE]; texts: the bench sets and the extraction dev set.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from lingua import Language, LanguageDetectorBuilder
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from settings.environment import REPO_ROOT
from pipeline.language import LanguageDetector

DATA = Path(__file__).parent / "data"
REPO_SETS = (
    DATA / "mentions" / "generated.jsonl",
    DATA / "dedupe" / "labelled.jsonl",
    *sorted((DATA / "tagging").glob("*.jsonl")),
)
DEV_SET = REPO_ROOT.parent / "shared" / "datasets" / "extraction-dev" / "gold.json"
# Dev-set pages are labelled by publisher (the key without its date), checked by reading each page's opening:
# the country is not the language (Canadian and Namibian papers write English, Mallorca Zeitung German, Ilanga Zulu).
ENGLISH_COUNTRIES = frozenset({"us", "uk", "au", "ca"})
ENGLISH_PUBLISHERS = frozenset({
    "be-PoliticoEu", "ind-TimesOfIndia", "jp-TheJapanNews", "ls-LesothoTimes", "mx-MexicoNewsDaily", "my-MalayMail",
    "na-TheNamibian", "pt-ThePortugalNews", "tw-TaipeiTimes", "tz-DailyNewsTZ", "za-DailyMaverick", "za-DurbanLocal",
    "za-TheCitizen", "za-TimesLive",
})
SWAHILI_PUBLISHERS = frozenset({"tz-HabariLeo"})
CLASSES = ("sw", "en", "other")
VARIANTS = ("full", "title", "first100")
SHORT_CHARS = 100
MARKUP = re.compile(r"\[\[|\]\]")  # the mentions set marks names as [[name]]
LINGUA_FEW = (
    Language.SWAHILI, Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH, Language.PORTUGUESE,
    Language.ITALIAN, Language.DUTCH,
)
LINGUA_MANY = LINGUA_FEW + (
    Language.ARABIC, Language.CHINESE, Language.JAPANESE, Language.KOREAN, Language.RUSSIAN, Language.UKRAINIAN,
    Language.HINDI, Language.TURKISH, Language.POLISH, Language.CZECH, Language.SWEDISH, Language.DANISH,
    Language.BOKMAL, Language.NYNORSK, Language.ICELANDIC, Language.LITHUANIAN, Language.VIETNAMESE,
    Language.INDONESIAN, Language.MALAY, Language.ZULU, Language.XHOSA, Language.SOTHO, Language.TSWANA,
    Language.SOMALI, Language.SHONA, Language.YORUBA, Language.GANDA, Language.AFRIKAANS,
)


@dataclass(frozen=True)
class Sample:
    source: str
    language: str
    title: str
    text: str

    def variant(self, name: str) -> str:
        """The string the detector sees: title and body as the pipeline joins them, the title, or the body's start."""
        if name == "title":
            return self.title
        if name == "first100":
            return self.text[:SHORT_CHARS]
        return f"{self.title}\n{self.text}"


def repo_samples() -> Iterator[Sample]:
    """Swahili and English articles from the mentions, dedupe and tagging sets, each distinct text once."""
    seen: set[str] = set()
    for path in REPO_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = MARKUP.sub("", row["text"])
            if text in seen:
                continue
            seen.add(text)
            yield Sample(path.parent.name, row.get("language") or row["lang"], MARKUP.sub("", row["title"]), text)


def dev_set_samples(path: Path = DEV_SET) -> Iterator[Sample]:
    """Extraction dev-set pages, labelled sw, en or other by publisher."""
    for key, page in json.loads(path.read_text(encoding="utf-8")).items():
        publisher = key.split("_", 1)[0]
        if publisher in SWAHILI_PUBLISHERS:
            language = "sw"
        elif page["country"] in ENGLISH_COUNTRIES or publisher in ENGLISH_PUBLISHERS:
            language = "en"
        else:
            language = "other"
        yield Sample("extraction-dev", language, page["title"], page["articleBody"])


def py3langid(chars: int, lower: bool = False, without: frozenset[str] = frozenset()) -> Callable[[str], str]:
    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=False)
    if without:
        identifier.set_languages([code for code in identifier.nb_classes if code not in without])

    def detect(text: str) -> str:
        language, _ = identifier.classify(text[:chars].lower() if lower else text[:chars])
        return language if language in CLASSES else "other"

    return detect


def lingua(languages: Sequence[Language] | None, low_accuracy: bool, chars: int | None = None) -> Callable[[str], str]:
    builder = (LanguageDetectorBuilder.from_languages(*languages) if languages
               else LanguageDetectorBuilder.from_all_languages())
    detector = (builder.with_low_accuracy_mode() if low_accuracy else builder).with_preloaded_language_models().build()

    def detect(text: str) -> str:
        language = detector.detect_language_of(text[:chars])
        code = language.iso_code_639_1.name.lower() if language else "other"
        return code if code in CLASSES else "other"

    return detect


def candidates() -> dict[str, Callable[[str], str]]:
    """Every detector measured, built once; the last is the pipeline's own (pcm: Nigerian Pidgin)."""
    return {
        "py3langid 5000 chars": py3langid(5000),
        "py3langid 2000 chars": py3langid(2000),
        "py3langid 1000 chars": py3langid(1000),
        "py3langid 500 chars": py3langid(500),
        "py3langid 2000 chars, lower-cased": py3langid(2000, lower=True),
        "py3langid 1000 chars, lower-cased": py3langid(1000, lower=True),
        "py3langid 2000 ch., lower, no pcm": py3langid(2000, lower=True, without=frozenset({"pcm"})),
        "py3langid 1000 ch., lower, no pcm": py3langid(1000, lower=True, without=frozenset({"pcm"})),
        f"lingua {len(LINGUA_FEW)} langs, low acc.": lingua(LINGUA_FEW, low_accuracy=True),
        f"lingua {len(LINGUA_FEW)} langs, high acc.": lingua(LINGUA_FEW, low_accuracy=False),
        f"lingua {len(LINGUA_MANY)} langs, low acc.": lingua(LINGUA_MANY, low_accuracy=True),
        f"lingua {len(LINGUA_MANY)} langs, high acc.": lingua(LINGUA_MANY, low_accuracy=False),
        f"lingua {len(LINGUA_MANY)} langs, high, 1000 ch.": lingua(LINGUA_MANY, low_accuracy=False, chars=1000),
        "lingua all 75, low acc.": lingua(None, low_accuracy=True),
        "lingua all 75, high acc.": lingua(None, low_accuracy=False),
        "pipeline.language": LanguageDetector().detect,
    }


@dataclass(frozen=True)
class Score:
    accuracy: dict[str, float]  # by variant
    precision: dict[str, float]  # by class, all variants pooled
    recall: dict[str, float]
    errors: tuple[str, ...]


def score(detect: Callable[[str], str], samples: Sequence[Sample]) -> Score:
    right: Counter[str] = Counter()
    true_positives: Counter[str] = Counter()
    found: Counter[str] = Counter()
    labelled: Counter[str] = Counter()
    errors = []
    for variant in VARIANTS:
        for sample in samples:
            text = sample.variant(variant)
            answer = detect(text)
            found[answer] += 1
            labelled[sample.language] += 1
            if answer == sample.language:
                right[variant] += 1
                true_positives[answer] += 1
            else:
                errors.append(f"{variant:8} {sample.source:14} {sample.language:5} -> {answer:5} {text[:90]!r}")
    return Score(
        accuracy={variant: right[variant] / len(samples) for variant in VARIANTS},
        precision={label: true_positives[label] / found[label] if found[label] else 0.0 for label in CLASSES},
        recall={label: true_positives[label] / labelled[label] for label in CLASSES},
        errors=tuple(errors),
    )


def ms_per_document(detect: Callable[[str], str], texts: Sequence[str], passes: int) -> float:
    """CPU milliseconds per text in the fastest pass, the least disturbed by other jobs on the machine."""
    fastest = float("inf")
    for _ in range(passes):
        began = time.process_time()
        for text in texts:
            detect(text)
        fastest = min(fastest, time.process_time() - began)
    return fastest * 1000 / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passes", type=int, default=3, help="timing passes over the long documents")
    parser.add_argument("--errors", metavar="CANDIDATE", help="list this candidate's mistakes")
    arguments = parser.parse_args()

    samples = (*repo_samples(), *dev_set_samples())
    long_texts = [sample.variant("full") for sample in samples if sample.source == "extraction-dev"]
    counts = Counter(sample.language for sample in samples)
    print(f"machine: {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
          f"Python {platform.python_version()}, py3langid {version('py3langid')}, "
          f"lingua {version('lingua-language-detector')}")
    print(f"set: {len(samples)} texts x {len(VARIANTS)} variants {VARIANTS}; "
          + ", ".join(f"{label} {counts[label]}" for label in CLASSES))
    print(f"timing: {len(long_texts)} dev-set pages (title + body), {sum(map(len, long_texts)) / len(long_texts):,.0f} "
          f"characters on average, {arguments.passes} passes, fastest pass's CPU time\n")

    print(f"| {'candidate':34} | ms/long doc | acc. full | acc. title | acc. 100 ch. | "
          + " | ".join(f"{label} P / R" for label in CLASSES) + " |")
    print("|---|---:|---:|---:|---:|" + "---:|" * len(CLASSES))
    for name, detect in candidates().items():
        result = score(detect, samples)
        milliseconds = ms_per_document(detect, long_texts, arguments.passes)
        print(f"| {name:34} | {milliseconds:11.2f} | "
              + " | ".join(f"{result.accuracy[variant]:.3f}" for variant in VARIANTS) + " | "
              + " | ".join(f"{result.precision[label]:.3f} / {result.recall[label]:.3f}" for label in CLASSES) + " |")
        if name == arguments.errors:
            print(*result.errors, sep="\n")


if __name__ == "__main__":
    main()
