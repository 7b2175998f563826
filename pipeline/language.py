"""Language identification: Swahili, English or other, with py3langid's shipped model.

The identifier is built once by the caller and passed in; no module-level state.
"""
from __future__ import annotations

from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

KNOWN_LANGUAGES = ("sw", "en")


class LanguageDetector:
    def __init__(self) -> None:
        self._identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)

    def detect(self, text: str) -> str:
        """'sw', 'en' or 'other'."""
        language, _ = self._identifier.classify(text[:5000])
        return language if language in KNOWN_LANGUAGES else "other"
