"""Deduplication and story clusters: exact copies point at their original, copies of one story share a cluster.

Sentence keys in SQLite (WAL) find candidates; shingle containment, less the lines a site repeats, confirms them.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple, Self

import numpy as np

from pipeline.normalise import without_accents
from store.sqlite_file import connect_shared, statements, write_transaction

log = logging.getLogger(__name__)

SCHEME = "sentence-keys/3"
BUSY_TIMEOUT_SECONDS = 60.0
SHINGLE_DTYPE = np.dtype("<u4")  # a shingle's hash, stored: its 64-bit hash's low half
SENTENCE_DTYPE = np.dtype([("key", "<i8"), ("shingles", "<u4")])  # a sentence's hash and its number of shingles
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
    site INTEGER,
    fingerprint TEXT,
    sentences BLOB NOT NULL,
    shingles BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS members_by_fingerprint ON members (fingerprint);
CREATE INDEX IF NOT EXISTS members_by_cluster ON members (cluster_id);
CREATE TABLE IF NOT EXISTS postings (key INTEGER NOT NULL, member INTEGER NOT NULL, PRIMARY KEY (key, member))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clusters (
    cluster_id TEXT PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    lead_id TEXT NOT NULL,
    lead_published TEXT,
    size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS merges (
    number INTEGER PRIMARY KEY,
    absorbed TEXT NOT NULL UNIQUE,
    into_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS merges_into ON merges (into_id);
CREATE TABLE IF NOT EXISTS merges_applied (id INTEGER PRIMARY KEY CHECK (id = 1), number INTEGER NOT NULL);
INSERT OR IGNORE INTO merges_applied (id, number) VALUES (1, 0);
"""


@dataclass(frozen=True)
class DedupeSettings:
    """How texts are cut and keyed (stored with the table) and how copies are matched (free to change)."""

    shingle_words: int = 5
    shingles_per_key: int = 16  # a sentence is keyed by its hash and its least shingle hashes, one per this many
    max_shingles: int = 20_000  # a text's first shingles compared; a longer text's rest is not
    postings_per_key: int = 16  # members remembered per key: however common a line, its candidate list stays short
    candidates: int = 8  # members compared with a new text, the most overlapping first ...
    candidates_per_cluster: int = 2  # ... and at most this many of one cluster
    recurring_stories: int = 2  # a sentence found in this many other stories is no evidence of a candidate's
    lead_shingles: int = 10  # a text's opening: its first informative shingles
    # The share of the shorter text's informative shingles that must be in the longer: `contained` for two texts of
    # one site, and for texts whose openings are not in each other; falling to `same_opening` as more of each opening
    # is in the other, and for texts of two known sites to `one_opening` when one text's opening is in the other
    # (a copy that starts in the middle of the story, or after a block of its own).
    contained: float = 0.95
    one_opening: float = 0.8
    same_opening: float = 0.3
    min_shared_shingles: int = 5  # fewer informative shingles in common are never evidence

    def __post_init__(self) -> None:
        if min(self.shingle_words, self.shingles_per_key, self.max_shingles, self.postings_per_key, self.candidates,
               self.candidates_per_cluster, self.recurring_stories, self.lead_shingles, self.min_shared_shingles) < 1:
            raise ValueError(f"every count of {self} must be at least 1")
        if not 0 <= self.same_opening <= self.one_opening <= self.contained <= 1:
            raise ValueError(f"{self} needs 0 <= same_opening <= one_opening <= contained <= 1")

    @property
    def sketch(self) -> str:
        return (f"{SCHEME} shingle_words={self.shingle_words} shingles_per_key={self.shingles_per_key}"
                f" max_shingles={self.max_shingles}")


@dataclass(frozen=True)
class StoryMembership:
    doc_id: str
    cluster_id: str  # the doc_id of the cluster's first-seen member, or of the oldest cluster it was merged into
    lead_id: str  # the earliest published member (ties, or no dates: first seen; a date outranks none)
    duplicate_of: str | None  # an earlier document with the same normalised text
    merged: tuple[str, ...] = ()  # clusters this document showed to be the same story, now part of cluster_id


@dataclass(frozen=True)
class StoryCluster:
    cluster_id: str
    lead_id: str
    size: int


@dataclass(frozen=True)
class ClusterMerge:
    number: int  # merges are numbered in the order they happened
    absorbed: str  # a cluster id that articles may still carry ...
    into: str  # ... and the cluster that holds its members now


@dataclass(frozen=True)
class TextSketch:
    fingerprint: str | None  # None: a text without characters, which is no copy of anything
    shingles: np.ndarray  # SHINGLE_DTYPE, sentence after sentence in the text's order
    sentences: np.ndarray  # SENTENCE_DTYPE, in the text's order
    keys: tuple[int, ...]  # what the postings index: each sentence's hash and its least shingle hashes


_Posted = dict[int, tuple[str, int | None]]  # the members remembered under a key: seq -> (cluster id, site)


class _Text(NamedTuple):
    """A text's shingles without its recurring sentences: in order, and as a set."""

    ordered: np.ndarray
    unique: np.ndarray


def normalised_words(text: str) -> list[str]:
    """Case-folded words without diacritics or punctuation; the dotless i is an i (its capital, I, folds to i)."""
    return _WORD.findall(without_accents(text.casefold()).replace("\u0131", "i"))


def _hash64(text: str) -> int:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _utc_text(published: datetime | None) -> str | None:
    if published is None:
        return None
    aware = published if published.tzinfo else published.replace(tzinfo=UTC)
    try:
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    except OverflowError:  # within a day of year 1 or 9999, out of range in UTC: the range's end keeps the order
        return (datetime.min if aware.year == datetime.min.year else datetime.max).replace(tzinfo=UTC).isoformat(
            timespec="microseconds")


_MERGED_INTO = "SELECT into_id FROM merges WHERE absorbed = ?"


def current_story_id(path: Path, cluster_id: str) -> str:
    """The id a story's articles are found under now, read from the stories file without writing to it (a
    search's `story` link made before a merge): its own, or that of the story it was merged into. A missing or
    unreadable file changes nothing."""
    if not path.is_file():
        return cluster_id
    try:
        with contextlib.closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True,
                                                timeout=BUSY_TIMEOUT_SECONDS)) as db:
            row = db.execute(_MERGED_INTO, (cluster_id,)).fetchone()
    except (sqlite3.Error, UnicodeEncodeError) as error:
        log.warning("story %r looked up as it is: the stories file %s could not be read (%s)", cluster_id, path, error)
        return cluster_id
    return cluster_id if row is None else row[0]


class StoryClusters:
    """Incremental story clustering over a SQLite file shared by processes; None keeps it in memory."""

    def __init__(self, path: Path | None, settings: DedupeSettings = DedupeSettings()) -> None:
        self._settings = settings
        self._db = connect_shared(path, BUSY_TIMEOUT_SECONDS)
        while not self._open_schema():  # a file of other signatures (an older Habari's) is kept aside, not read
            self._db.close()
            kept = path.with_name(f"{path.name}.before-{datetime.now(UTC):%Y%m%dT%H%M%S}")
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):  # another process may have moved it first
                    Path(f"{path}{suffix}").rename(f"{kept}{suffix}")
            log.warning("%s held story signatures of another kind: kept as %s; stories start afresh", path, kept)
            self._db = connect_shared(path, BUSY_TIMEOUT_SECONDS)

    def _open_schema(self) -> bool:
        """Creates the tables if need be; False if the file holds signatures made with other settings."""
        with write_transaction(self._db):
            stored = None
            if self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sketch'").fetchone():
                stored = self._db.execute("SELECT settings FROM sketch").fetchone()
            if stored is not None and stored[0] != self._settings.sketch:
                return False
            for statement in statements(SCHEMA):
                self._db.execute(statement)
            if stored is None:
                self._db.execute("INSERT INTO sketch (settings) VALUES (?)", (self._settings.sketch,))
        return True

    def assign(
        self, doc_id: str, title: str, text: str, published: datetime | None, site: str | None = None
    ) -> StoryMembership:
        """The document's story: an exact copy's original's, the cluster of the copies it matches (merged into the
        oldest when it matches several), or a new one. `site` names where it was published: lines that recur across
        one site's documents (a footer, a related-stories list) are no evidence that two of them are one story."""
        if not _storable(doc_id):
            raise ValueError(f"doc_id {doc_id!r} is not valid Unicode text (it has a lone surrogate)")
        sketch = self.sketch(title, text)  # before taking the write lock: other processes wait for less
        site_key = None if site is None else _hash64(site)
        with write_transaction(self._db):
            known = self._membership(doc_id)
            if known is not None:
                return known
            original = None if sketch.fingerprint is None else self._db.execute(
                "SELECT doc_id, cluster_id FROM members WHERE fingerprint = ? AND duplicate_of IS NULL"
                " ORDER BY seq LIMIT 1",
                (sketch.fingerprint,),
            ).fetchone()
            if original is not None:
                self._join(doc_id, original[1], original[0], _utc_text(published), site_key, sketch)
                return self._membership(doc_id)
            postings = self._postings(sketch.keys)
            matched = self._matching_clusters(sketch, site_key, postings)
            cluster_id, merged = (doc_id, ()) if not matched else self._merge(matched)
            seq = self._join(doc_id, cluster_id, None, _utc_text(published), site_key, sketch)
            self._db.executemany(
                "INSERT OR IGNORE INTO postings (key, member) VALUES (?, ?)",
                ((key, seq) for key in sketch.keys
                 if len(postings.get(key, ())) < self._settings.postings_per_key),
            )
            membership = self._membership(doc_id)
            return StoryMembership(membership.doc_id, membership.cluster_id, membership.lead_id, None, merged)

    def cluster(self, cluster_id: str) -> StoryCluster | None:
        """The cluster, also under the id of a cluster merged into it."""
        current = self.current_cluster_id(cluster_id)
        row = self._db.execute("SELECT lead_id, size FROM clusters WHERE cluster_id = ?", (current,)).fetchone()
        return None if row is None else StoryCluster(current, *row)

    def current_cluster_id(self, cluster_id: str) -> str:
        """The id under which a cluster's members are now: its own, or that of the cluster it was merged into."""
        row = self._db.execute(_MERGED_INTO, (cluster_id,)).fetchone()
        return cluster_id if row is None else row[0]

    def merges(self, after: int = 0) -> list[ClusterMerge]:
        """The merges numbered above `after`, in order: articles indexed under `absorbed` belong to `into` now."""
        rows = self._db.execute("SELECT number, absorbed, into_id FROM merges WHERE number > ? ORDER BY number",
                                (after,))
        return [ClusterMerge(*row) for row in rows]

    def merges_applied(self) -> int:
        """The number of the last merge whose articles the store holds under the surviving cluster (0: none)."""
        return self._db.execute("SELECT number FROM merges_applied").fetchone()[0]

    def mark_applied(self, number: int) -> None:
        """Remembers that the store's articles follow every merge up to `number`; a lower number changes nothing."""
        with write_transaction(self._db):
            self._db.execute("UPDATE merges_applied SET number = MAX(number, ?)", (number,))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def sketch(self, title: str, text: str) -> TextSketch:
        """Shingles of `shingle_words` words that stop at sentence ends, so moved or dropped sentences and paragraphs
        change no other shingle. A shorter sentence has none: menus, bylines, datelines and "Read more" lines say
        nothing of the story. A text without words is sketched by its title."""
        has_words = _WORD.search(text) is not None
        body = text if has_words else title
        sentences = [words for words in map(normalised_words, _SENTENCE_BREAK.split(body)) if words]
        size, budget = self._settings.shingle_words, self._settings.max_shingles
        shingled, hashes = [], []
        for words in sentences:
            if len(words) < size or budget <= 0:
                continue
            shingles = [" ".join(words[start : start + size]) for start in range(len(words) - size + 1)][:budget]
            shingled.append(words)
            hashes.append(np.array([_hash64(shingle) for shingle in shingles], dtype=np.int64))
            budget -= len(shingles)
        sentence_keys = np.array([(_hash64(" ".join(words)), len(values)) for words, values in zip(shingled, hashes)],
                                 dtype=SENTENCE_DTYPE)
        keys = {int(key) for key in sentence_keys["key"]} | {
            int(key) for values in hashes
            for key in np.sort(values)[: math.ceil(len(values) / self._settings.shingles_per_key)]}
        ordered = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.int64)
        return TextSketch(_fingerprint(text, sentences if has_words else None),
                          (ordered & 0xFFFFFFFF).astype(SHINGLE_DTYPE), sentence_keys, tuple(sorted(keys)))

    def _postings(self, keys: tuple[int, ...] | set[int]) -> dict[int, _Posted]:
        """The members remembered under each key that has any (at most postings_per_key)."""
        found: dict[int, _Posted] = defaultdict(dict)
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for key, seq, cluster_id, site in self._db.execute(
                "SELECT postings.key, members.seq, members.cluster_id, members.site FROM postings"
                f" JOIN members ON members.seq = postings.member WHERE postings.key IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                found[key][seq] = (cluster_id, site)
        return dict(found)

    def _matching_clusters(self, sketch: TextSketch, site: int | None, postings: dict[int, _Posted]) -> set[str]:
        """The clusters of the candidates that the new text is a copy of (or that are copies of it)."""
        overlap: dict[int, float] = defaultdict(float)
        cluster_of: dict[int, str] = {}
        for key in sketch.keys:
            members = postings.get(key, {})
            for seq, (cluster_id, _) in members.items():
                overlap[seq] += 1 / len(members)
                cluster_of[seq] = cluster_id
        chosen, per_cluster = [], defaultdict(int)
        for seq in sorted(overlap, key=lambda seq: (-overlap[seq], seq)):
            if per_cluster[cluster_of[seq]] < self._settings.candidates_per_cluster:
                chosen.append(seq)
                per_cluster[cluster_of[seq]] += 1
                if len(chosen) == self._settings.candidates:
                    break
        if not chosen:
            return set()
        rows = self._db.execute(
            "SELECT seq, cluster_id, site, sentences, shingles FROM members"
            f" WHERE seq IN ({','.join('?' * len(chosen))})",
            chosen,
        ).fetchall()
        candidates = [(seq, cluster_id, site_key, np.frombuffer(sentences, dtype=SENTENCE_DTYPE),
                       np.frombuffer(shingles, dtype=SHINGLE_DTYPE))
                      for seq, cluster_id, site_key, sentences, shingles in rows]
        unseen = {int(key) for *_, sentences, _ in candidates for key in sentences["key"]} - postings.keys()
        postings = {**postings, **self._postings(unseen)}
        matched = set()
        for seq, cluster_id, candidate_site, sentences, shingles in candidates:
            new = self._informative(sketch.shingles, sketch.sentences, site, postings, seq, cluster_id)
            old = self._informative(shingles, sentences, candidate_site, postings, seq, cluster_id)
            if self._same_story(new, old, None if site is None or candidate_site is None else site == candidate_site):
                matched.add(cluster_id)
        return matched

    def _informative(
        self, shingles: np.ndarray, sentences: np.ndarray, site: int | None, postings: dict[int, _Posted],
        candidate: int, candidate_cluster: str,
    ) -> _Text:
        """The shingles of a text's sentences that are evidence for the candidate's story: those not found in another
        document of the text's site (but the candidate), nor in `recurring_stories` stories other than the
        candidate's."""
        stories = self._settings.recurring_stories
        keep = np.fromiter(
            (key not in postings or not _recurs(postings[key], site, candidate, candidate_cluster, stories)
             for key in sentences["key"].tolist()),
            dtype=bool, count=len(sentences),
        )
        ordered = shingles[np.repeat(keep, sentences["shingles"])]
        return _Text(ordered, np.unique(ordered))

    def _same_story(self, new: _Text, old: _Text, same_site: bool | None) -> bool:
        """Whether the shorter text is contained enough in the longer (see DedupeSettings). A site publishes a story
        once, so two texts of one site must be `contained`; and two of unknown sites, one of whose opening is in the
        other, might be two stories that share a block."""
        shared = np.intersect1d(new.unique, old.unique, assume_unique=True).size
        if shared < self._settings.min_shared_shingles:
            return False
        shorter, longer = sorted((new, old), key=lambda text: text.unique.size)
        settings, lead = self._settings, self._settings.lead_shingles
        found = (float(np.isin(shorter.ordered[:lead], longer.unique).mean()),
                 float(np.isin(longer.ordered[:lead], shorter.unique).mean()))
        alike = min(found) if same_site is not True else 0.0
        one = max(found) if same_site is False else alike
        needed = (settings.contained - (settings.contained - settings.same_opening) * alike
                  - (settings.contained - settings.one_opening) * (one - alike))
        return shared / shorter.unique.size >= needed

    def _merge(self, cluster_ids: set[str]) -> tuple[str, tuple[str, ...]]:
        """Merges the clusters into the oldest (first seen); returns its id and the ids of the others."""
        rows = self._db.execute(
            f"SELECT cluster_id, first_seq, lead_id, lead_published, size FROM clusters"
            f" WHERE cluster_id IN ({','.join('?' * len(cluster_ids))}) ORDER BY first_seq",
            sorted(cluster_ids),
        ).fetchall()
        survivor, absorbed = rows[0][0], rows[1:]
        if not absorbed:
            return survivor, ()
        dated = [row for row in rows if row[3] is not None]
        lead = min(dated, key=lambda row: (row[3], row[1])) if dated else rows[0]
        for cluster_id, *_ in absorbed:
            self._db.execute("UPDATE members SET cluster_id = ? WHERE cluster_id = ?", (survivor, cluster_id))
            self._db.execute("UPDATE merges SET into_id = ? WHERE into_id = ?", (survivor, cluster_id))
            self._db.execute("INSERT INTO merges (absorbed, into_id) VALUES (?, ?)", (cluster_id, survivor))
            self._db.execute("DELETE FROM clusters WHERE cluster_id = ?", (cluster_id,))
        self._db.execute(
            "UPDATE clusters SET lead_id = ?, lead_published = ?, size = ? WHERE cluster_id = ?",
            (lead[2], lead[3], sum(row[4] for row in rows), survivor),
        )
        return survivor, tuple(row[0] for row in absorbed)

    def _join(
        self, doc_id: str, cluster_id: str, duplicate_of: str | None, published: str | None, site: int | None,
        sketch: TextSketch,
    ) -> int:
        """Adds the member and updates its cluster's lead and size; returns the member's seq."""
        seq = self._db.execute(
            "INSERT INTO members (doc_id, cluster_id, duplicate_of, published, site, fingerprint, sentences, shingles)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, cluster_id, duplicate_of, published, site, sketch.fingerprint,
             b"" if duplicate_of else sketch.sentences.tobytes(), b"" if duplicate_of else sketch.shingles.tobytes()),
        ).lastrowid
        lead = self._db.execute("SELECT lead_published FROM clusters WHERE cluster_id = ?", (cluster_id,)).fetchone()
        if lead is None:
            self._db.execute(
                "INSERT INTO clusters (cluster_id, first_seq, lead_id, lead_published, size) VALUES (?, ?, ?, ?, 1)",
                (cluster_id, seq, doc_id, published),
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


def _recurs(members: _Posted, site: int | None, candidate: int, candidate_cluster: str, stories: int) -> bool:
    """Whether a sentence is in another document of `site` than the candidate, or in `stories` clusters other than
    the candidate's."""
    if len(members) == 1 and candidate in members:
        return False
    if site is not None and any(seq != candidate and where == site for seq, (_, where) in members.items()):
        return True
    return len({cluster_id for cluster_id, _ in members.values()} - {candidate_cluster}) >= stories


def _fingerprint(text: str, sentences: list[list[str]] | None) -> str | None:
    """The hash of the text's normalised words; of its characters when it has no words (None when it has none)."""
    if sentences is not None:
        content = "words:" + " ".join(word for words in sentences for word in words)
    elif text.strip():
        content = "characters:" + "".join(text.split())
    else:
        return None
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _storable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
