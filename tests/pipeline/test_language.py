"""Language identification: Swahili, English, other (French, German), short Swahili titles, mixed text.

The detector is py3langid's shipped model, built once per module here as the pipeline builds it once per process.
"""
from __future__ import annotations

import pytest
from hypothesis import given

from pipeline.language import LanguageDetector
from tests.strategies import TOTALITY, hostile_text


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


def test_swahili(detector: LanguageDetector) -> None:
    text = ("Halmashauri ya Wilaya ya Bagamoyo imetenga shilingi milioni 150 kwa ajili ya ujenzi wa zahanati mpya "
            "katika kijiji cha Kaole, ambapo wananchi wameanza kupata huduma za afya karibu na makazi yao.")
    assert detector.detect(text) == "sw"


def test_english(detector: LanguageDetector) -> None:
    text = ("Bagamoyo District Council has set aside funds for a new dispensary in Kaole village, the District "
            "Executive Director said on Tuesday, adding that the work would be closely monitored.")
    assert detector.detect(text) == "en"


@pytest.mark.parametrize("text", [
    "Le conseil municipal a voté mardi un nouveau budget pour la rénovation des écoles primaires de la ville.",
    "Die Bundesregierung hat am Dienstag neue Maßnahmen gegen die steigenden Energiepreise beschlossen.",
])
def test_other_languages(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) == "other"


@pytest.mark.parametrize("title", [
    "Ujenzi wa zahanati ya Kaole wakamilika",
    "Wazazi Magomeni walalamikia michango shuleni",
])
def test_short_swahili_title(detector: LanguageDetector, title: str) -> None:
    assert detector.detect(title) == "sw"


def test_all_capital_lead_is_still_swahili(detector: LanguageDetector) -> None:
    assert detector.detect("JESHI LA POLISI MKOANI PWANI LIMEFANIKIWA KUKAMATA WATU 18 KWA MAKOSA MBALIMBALI") == "sw"


def test_short_english_headline_is_not_pidgin(detector: LanguageDetector) -> None:
    assert detector.detect("Magomeni traders strike over new levy") == "en"


def test_mixed_text_dominated_by_swahili(detector: LanguageDetector) -> None:
    text = ("Mkuu wa Wilaya amesema mradi wa maji utakamilika mwezi ujao na wananchi wote watapata maji safi. "
            "\"We are committed to delivering clean water,\" alisema. Wakazi wa kijiji hicho wameshukuru serikali "
            "kwa hatua hiyo na kuomba miradi mingine ya barabara ifanyike haraka.")
    assert detector.detect(text) == "sw"


def test_only_the_opening_is_read(detector: LanguageDetector) -> None:
    swahili = "Wananchi wa kijiji cha Kaole wameanza kupata huduma za afya karibu na makazi yao. " * 20
    assert detector.detect(swahili + "The rest of this page is an English reader comment section. " * 100) == "sw"


@TOTALITY
@given(text=hostile_text())
def test_any_text_is_swahili_english_or_other(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) in ("sw", "en", "other")
