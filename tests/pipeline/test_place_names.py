"""Place names: which ward and village names are everyday words, and the evidence that a name is used as the place.

Each rule is tried on a sentence of the kind a Tanzanian paper or tweet prints; the judge never raises.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from settings.config import Names, Official, WatchFile
from pipeline.place_names import PlaceJudge, Verdict, everyday_words, is_everyday

WATCH = WatchFile(
    council="Bagamoyo District Council", place="Bagamoyo",
    names=Names(sw=("Halmashauri ya Wilaya ya Bagamoyo",), en=("Bagamoyo District Council",)),
    officials=(Official(title="Mkurugenzi Mtendaji", name="Shauri Selenda"),), honorifics=("Bw.", "Mhe.", "Mr"),
    wards=("Dunda", "Kati", "Ukumbi", "Mjini"), villages=("Kaole", "Kondo", "Sokoni", "Mlimani"),
)


@pytest.fixture(scope="module")
def judge() -> PlaceJudge:
    return PlaceJudge(WATCH)


def judged(judge: PlaceJudge, text: str, name: str):
    """The judgement on `name` where the text first has it, matched as the listed ward or village it starts with."""
    start = text.index(name)
    term = next(place for place in (*WATCH.wards, *WATCH.villages) if name.casefold().startswith(place.casefold()))
    return judge.judge(text, start, start + len(name), term, "ward" if term in WATCH.wards else "village")


@pytest.mark.parametrize(
    ("name", "everyday"),
    [("Kati", True), ("Ukumbi", True), ("Sokoni", True), ("Mjini", True), ("Mlimani", True),  # soko, mji, mlima
     ("Dunda", False), ("Kaole", False), ("Bagamoyo", False), ("Nia Njema", False), ("", False)],
)
def test_which_names_are_everyday_words_comes_from_the_shipped_tweet_counts(name, everyday):
    assert is_everyday(name) is everyday


def test_the_shipped_list_holds_everyday_words_and_not_place_names():
    words = everyday_words()
    assert len(words) > 5000 and {"kati", "ukumbi", "maji", "watu"} <= words
    assert not {"dodoma", "arusha", "mwanza"} & words


def test_the_watch_file_adds_everyday_words_the_list_lacks():
    fields = {**WATCH.model_dump(), "wards": ("Majengo", "Dunda"), "villages": ()}
    listed = PlaceJudge(WatchFile.model_validate({**fields, "everyday_words": ("majengo",)}))
    text = "Mama alisema majengo mapya yamejengwa."
    assert not is_everyday("Majengo") and not PlaceJudge(WatchFile.model_validate(fields)).everyday("Majengo")
    assert listed.judge(text, 13, 20, "Majengo", "ward").verdict is Verdict.NOT_PLACE


@pytest.mark.parametrize(
    ("text", "name", "evidence"),
    [
        ("Wakazi wa kata ya Kati wamelalamikia maji.", "Kati", "after 'kata'"),
        ("WAKAZI WA KATA YA KATI WALALAMIKIA MAJI", "KATI", "after 'KATA'"),
        ("Mkutano ulifanyika kijijini Sokoni jana.", "Sokoni", "after 'kijijini'"),
        ("Residents of Ukumbi ward have new taps.", "Ukumbi", "before 'ward'"),
        ("Shule za kata za Dunda, Kati na Ukumbi zimefungwa.", "Ukumbi", "after 'kata'"),
        ("Wananchi wa Ukumbi wamepata maji.", "Ukumbi", "capitalised inside a sentence"),
        ("Soko jipya la Mjini, Bagamoyo limefunguliwa.", "Mjini", "capitalised inside a sentence"),
        ("Watoto wa Mlimani wilayani Bagamoyo wamepata madawati.", "Mlimani", "with the district after it"),
        ("Wakazi wa Kaole walilalamika.", "Kaole", "a village name that is not an everyday word"),
        ("UMEME WAONDOA SIFURI SEKONDARI SOKONI", "SOKONI", "after 'SEKONDARI'"),
        ("Wagonjwa wa Zahanati ya Kati wamepata dawa.", "Kati", "after 'Zahanati'"),
        ("Wakazi wa Kaole Pwani walilalamika.", "Kaole", "a village name that is not an everyday word"),
        ("Ofisi Dunda NBS imezindua chapisho.", "Dunda", "a ward name that is not an everyday word"),
    ],
)
def test_a_place_name_counts_with_the_evidence_it_was_used_as_one(judge, text, name, evidence):
    judgement = judged(judge, text, name)
    assert judgement.verdict is Verdict.PLACE and judgement.reason.startswith(evidence)


@pytest.mark.parametrize(
    ("text", "name", "verdict", "reason"),
    [
        ("Halmashauri iliombwa kuingilia kati.", "kati", Verdict.NOT_PLACE, "everyday word here (in lower case)"),
        ("Tulikutana ukumbini jana.", "ukumbini", Verdict.NOT_PLACE, "in lower case"),
        ("Kati ya wakazi 500, nusu hawana maji.", "Kati", Verdict.UNSURE, "starts a sentence"),
        ("“Ukumbi huu ni mdogo,” alisema.", "Ukumbi", Verdict.UNSURE, "starts a sentence"),
        ("KATI YA WAKAZI 500 HAWANA MAJI", "KATI", Verdict.UNSURE, "in capitals"),
        ("Balozi wa Jamhuri ya Afrika ya Kati amewasili.", "Kati", Verdict.NOT_PLACE, "name here (after 'Afrika')"),
        ("Tawi la benki Mlimani City limefunguliwa.", "Mlimani", Verdict.NOT_PLACE, "followed by 'City'"),
        ("Rais atazuru Unguja Mjini kesho.", "Mjini", Verdict.NOT_PLACE, "after 'Unguja'"),
        ("Mikopo ya Biashara Ndogo na za Kati imeongezeka.", "Kati", Verdict.NOT_PLACE, "after 'Biashara Ndogo'"),
        ("Kaya 67 za kata ya Dunda wilayani Tunduru hazina makazi.", "Dunda", Verdict.NOT_PLACE,
         "in another district (wilayani Tunduru)"),
        ("Mhe Stanslaus Kondo alikabidhi saruji.", "Kondo", Verdict.NOT_PLACE, "person's name (Mhe Stanslaus Kondo)"),
        ("KWA MHE STANSLAUS KONDO MBUNGE WA JIMBO", "KONDO", Verdict.NOT_PLACE, "person's name (MHE STANSLAUS KONDO)"),
        ("Muuguzi Martin Dunda amesimamishwa kazi.", "Dunda", Verdict.NOT_PLACE, "person's name (Martin Dunda)"),
        ("Bondia Kaole Mwakinyo amepewa zawadi.", "Kaole", Verdict.NOT_PLACE, "person's given name (Kaole Mwakinyo)"),
        ("Mwanafunzi Dunda Kulaya anashikiliwa.", "Dunda", Verdict.NOT_PLACE, "person's given name (Dunda Kulaya)"),
        ("Tawi la NMB Mlimani city litakuwa wazi.", "Mlimani", Verdict.NOT_PLACE, "followed by 'city'"),
        ("Watoto wa shule ya kati walipewa vitabu.", "kati", Verdict.NOT_PLACE, "in lower case"),
    ],
)
def test_an_everyday_word_a_longer_name_another_district_or_a_person_is_not_the_place(judge, text, name, verdict,
                                                                                       reason):
    judgement = judged(judge, text, name)
    assert judgement.verdict is verdict and reason in judgement.reason


def test_another_district_in_english_and_a_demonstrative_after_wilayani(judge):
    flooded = judged(judge, "Dunda ward in Kinondoni District was flooded.", "Dunda")
    assert flooded.verdict is Verdict.NOT_PLACE and "another district (ward in Kinondoni District)" in flooded.reason
    assert judged(judge, "Dunda ward in Bagamoyo District was flooded.", "Dunda").reason == "before 'ward'"
    text = "Wakazi wa Kaole wilayani humo wamepata maji."
    assert judged(judge, text, "Kaole").verdict is Verdict.PLACE


@settings(max_examples=300, deadline=None)
@given(
    before=st.text(st.characters(codec=None, exclude_categories=()), max_size=80),
    after=st.text(st.characters(codec=None, exclude_categories=()), max_size=80),
    name=st.sampled_from(["Kati", "KATI", "kati", "Kaole", "Sokoni", "Kondo"]),
)
def test_the_judge_gives_a_verdict_for_any_text_around_a_name(judge, before, after, name):
    text = before + name + after
    judgement = judge.judge(text, len(before), len(before) + len(name), name.title(), "ward")
    assert judgement.verdict in Verdict and judgement.reason
