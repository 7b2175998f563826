"""What the story-cluster sets are made of, a labelled document, and how clusters are scored against the labels.

Pairwise: over all pairs of documents, is "same cluster" also "same story" (precision), and the other way (recall)?
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LabelledDoc:
    doc_id: str
    story: str  # docs with the same story are one story cluster
    copy_of: str  # docs with the same copy_of have the same text (exact copies); otherwise their own doc_id
    kind: str  # generated set: base, follow-up, or the variant's edits joined by "+"; real sets: "case:edit"
    language: str
    title: str
    text: str
    published: str
    site: str | None = None  # the host the copy was published on (the generated set has none)


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    true_pairs: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def pair_scores(truth: dict[str, str], predicted: dict[str, str]) -> PairScores:
    """Pairwise precision and recall of "same group" over the docs of `truth`, counted per group without listing
    pairs; with no pair on one side, its figure is 1."""

    def pairs(counts: Iterable[int]) -> int:
        return sum(count * (count - 1) // 2 for count in counts)

    together = pairs(Counter((truth[doc], predicted[doc]) for doc in truth).values())
    predicted_pairs = pairs(Counter(predicted[doc] for doc in truth).values())
    true_pairs = pairs(Counter(truth.values()).values())
    return PairScores(together / predicted_pairs if predicted_pairs else 1.0,
                      together / true_pairs if true_pairs else 1.0, true_pairs)
