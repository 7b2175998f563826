"""Deduplication and story clusters: exact copies point at their original, near-duplicates join one story.

MinHash bands in a SQLite (WAL) table find candidates, estimated containment confirms them; nothing lives in memory.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import numpy as np
from datasketch import MinHash

from pipeline.normalise import without_accents
from store.sqlite_file import connect_shared, statements, write_transaction

SCHEME = "affine32"
SIGNATURE_DTYPE = np.uint32
BUSY_TIMEOUT_SECONDS = 60.0
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_BREAK = re.compile(r"[.!?]+(?:\s|$)|\n")

SCHEMA = """
CREATE TABLE IF NOT EXISTS sketch (settings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members (
    seq INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    cluster_id TEXT NOT NULL,
    duplicate_of TEXT,
    published TEXT,
    fingerprint TEXT NOT NULL,
    shingles INTEGER NOT NULL,
    signature BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS members_by_fingerprint ON members (fingerprint);
CREATE TABLE IF NOT EXISTS bands (bucket INTEGER NOT NULL, member INTEGER NOT NULL, PRIMARY KEY (bucket, member))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clusters (
    cluster_id TEXT PRIMARY KEY,
    lead_id TEXT NOT NULL,
    lead_published TEXT,
    size INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class DedupeSettings:
    """Shingling, MinHash and banding settings (stored with the table) and the matching thresholds (free to change)."""

    shingle_words: int = 5
    num_perm: int = 128
    seed: int = 1
    lsh_bands: int = 28  # bands of lsh_rows hash values: a candidate shares one band; a truncated copy
    lsh_rows: int = 2  # (Jaccard about 0.3) must still be one, hence many short bands
    same_story: float = 0.5  # estimated containment (or Jaccard, for short texts) that makes two texts one story
    min_contained_shingles: int = 25  # a shorter text than this must match by Jaccard, not containment
    min_jaccard: float = 0.2  # a match also needs this overlap of the union: a truncated copy has 0.3 or more, a
    # short text that shares boilerplate sentences with a long one has less

    def __post_init__(self) -> None:
        if self.lsh_bands * self.lsh_rows > self.num_perm:
            raise ValueError(f"{self.lsh_bands} bands of {self.lsh_rows} exceed {self.num_perm} hash values")

    @property
    def sketch(self) -> str:
        return (f"{SCHEME} seed={self.seed} num_perm={self.num_perm} shingle_words={self.shingle_words}"
                f" bands={self.lsh_bands}x{self.lsh_rows}")


@dataclass(frozen=True)
class StoryMembership:
    doc_id: str
    cluster_id: str  # the doc_id of the cluster's first-seen member; never changes
    lead_id: str  # the earliest published member (ties, or no dates: first seen; a date outranks none)
    duplicate_of: str | None  # an earlier document with the same normalised text


@dataclass(frozen=True)
class StoryCluster:
    cluster_id: str
    lead_id: str
    size: int


@dataclass(frozen=True)
class TextSketch:
    fingerprint: str
    shingles: int
    signature: np.ndarray


def normalised_words(text: str) -> list[str]:
    """Case-folded words without diacritics or punctuation."""
    return _WORD.findall(without_accents(text.casefold()))


def band_buckets(signature: np.ndarray, settings: DedupeSettings) -> list[int]:
    """One signed 64-bit bucket per LSH band: the band's number and hash values, hashed."""
    rows = settings.lsh_rows
    return [
        int.from_bytes(
            hashlib.blake2b(band.to_bytes(2, "big") + signature[band * rows : (band + 1) * rows].tobytes(),
                            digest_size=8).digest(), "big", signed=True,
        )
        for band in range(settings.lsh_bands)
    ]


def _utc_text(published: datetime | None) -> str | None:
    if published is None:
        return None
    aware = published if published.tzinfo else published.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


class StoryClusters:
    """Incremental story clustering over a SQLite file shared by processes; None keeps it in memory."""

    def __init__(self, path: Path | None, settings: DedupeSettings = DedupeSettings()) -> None:
        self._settings = settings
        self._permutations = MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme=SCHEME).permutations
        self._db = connect_shared(path, BUSY_TIMEOUT_SECONDS)
        with write_transaction(self._db):
            for statement in statements(SCHEMA):
                self._db.execute(statement)
            stored = self._db.execute("SELECT settings FROM sketch").fetchone()
            if stored is None:
                self._db.execute("INSERT INTO sketch (settings) VALUES (?)", (settings.sketch,))
            elif stored[0] != settings.sketch:
                raise ValueError(f"{path} holds signatures made with {stored[0]}, not {settings.sketch}")

    def assign(self, doc_id: str, title: str, text: str, published: datetime | None) -> StoryMembership:
        sketch = self._sketch(title, text)  # before taking the write lock: other processes wait for less
        with write_transaction(self._db):
            known = self._membership(doc_id)
            if known is not None:
                return known
            original = self._db.execute(
                "SELECT doc_id, cluster_id FROM members WHERE fingerprint = ? AND duplicate_of IS NULL"
                " ORDER BY seq LIMIT 1",
                (sketch.fingerprint,),
            ).fetchone()
            duplicate_of, cluster_id = original if original else (None, self._nearest_cluster(sketch))
            seq = self._join(doc_id, cluster_id or doc_id, duplicate_of, _utc_text(published), sketch)
            if duplicate_of is None:
                self._db.executemany("INSERT OR IGNORE INTO bands (bucket, member) VALUES (?, ?)",
                                     ((bucket, seq) for bucket in band_buckets(sketch.signature, self._settings)))
            return self._membership(doc_id)

    def cluster(self, cluster_id: str) -> StoryCluster | None:
        row = self._db.execute("SELECT lead_id, size FROM clusters WHERE cluster_id = ?", (cluster_id,)).fetchone()
        return None if row is None else StoryCluster(cluster_id, *row)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _sketch(self, title: str, text: str) -> TextSketch:
        # A text without words (never passed by the pipeline, which rejects short pages) is sketched by its title.
        body = text if _WORD.search(text) else title
        # Shingles stop at sentence ends, so moved or dropped sentences and paragraphs change no other shingle.
        sentences = [words for words in map(normalised_words, _SENTENCE_BREAK.split(body)) if words]
        words = [word for sentence in sentences for word in sentence]  # sentence breaks never split a word
        size = self._settings.shingle_words
        shingles = {
            " ".join(sentence[start : start + size])
            for sentence in sentences
            for start in range(max(1, len(sentence) - size + 1))
        }
        minhash = MinHash(
            num_perm=self._settings.num_perm, seed=self._settings.seed, permutations=self._permutations, scheme=SCHEME
        )
        minhash.update_batch([shingle.encode("utf-8") for shingle in shingles])
        fingerprint = hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:32]
        return TextSketch(fingerprint, len(shingles), minhash.hashvalues.astype(SIGNATURE_DTYPE))

    def _nearest_cluster(self, sketch: TextSketch) -> str | None:
        """The cluster of the most similar earlier text that passes `same_story`, or None."""
        buckets = band_buckets(sketch.signature, self._settings)
        rows = self._db.execute(
            "SELECT cluster_id, shingles, signature FROM members WHERE seq IN"
            f" (SELECT member FROM bands WHERE bucket IN ({','.join('?' * len(buckets))})) ORDER BY seq",
            buckets,
        )
        best_score, best_cluster = 0.0, None
        for cluster_id, shingles, signature in rows:
            score = self._similarity(sketch, shingles, np.frombuffer(signature, dtype=SIGNATURE_DTYPE))
            if score >= self._settings.same_story and score > best_score:
                best_score, best_cluster = score, cluster_id
        return best_cluster

    def _similarity(self, sketch: TextSketch, other_shingles: int, other_signature: np.ndarray) -> float:
        """Estimated containment of the shorter text in the longer (0 below the Jaccard floor); Jaccard itself when
        the shorter text is very short."""
        jaccard = float(np.count_nonzero(sketch.signature == other_signature)) / self._settings.num_perm
        shorter = min(sketch.shingles, other_shingles)
        if shorter < self._settings.min_contained_shingles:
            return jaccard
        if jaccard < self._settings.min_jaccard:
            return 0.0
        intersection = jaccard * (sketch.shingles + other_shingles) / (1.0 + jaccard)
        return min(1.0, intersection / shorter)

    def _join(
        self, doc_id: str, cluster_id: str, duplicate_of: str | None, published: str | None, sketch: TextSketch
    ) -> int:
        """Adds the member and updates its cluster's lead and size; returns the member's seq."""
        seq = self._db.execute(
            "INSERT INTO members (doc_id, cluster_id, duplicate_of, published, fingerprint, shingles, signature)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc_id, cluster_id, duplicate_of, published, sketch.fingerprint, sketch.shingles,
             sketch.signature.tobytes()),
        ).lastrowid
        lead = self._db.execute("SELECT lead_published FROM clusters WHERE cluster_id = ?", (cluster_id,)).fetchone()
        if lead is None:
            self._db.execute(
                "INSERT INTO clusters (cluster_id, lead_id, lead_published, size) VALUES (?, ?, ?, 1)",
                (cluster_id, doc_id, published),
            )
        elif published is not None and (lead[0] is None or published < lead[0]):
            self._db.execute(
                "UPDATE clusters SET lead_id = ?, lead_published = ?, size = size + 1 WHERE cluster_id = ?",
                (doc_id, published, cluster_id),
            )
        else:
            self._db.execute("UPDATE clusters SET size = size + 1 WHERE cluster_id = ?", (cluster_id,))
        return seq

    def _membership(self, doc_id: str) -> StoryMembership | None:
        row = self._db.execute(
            "SELECT members.cluster_id, clusters.lead_id, members.duplicate_of FROM members"
            " JOIN clusters ON clusters.cluster_id = members.cluster_id WHERE members.doc_id = ?",
            (doc_id,),
        ).fetchone()
        return None if row is None else StoryMembership(doc_id, *row)

