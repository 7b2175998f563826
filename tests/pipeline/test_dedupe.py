"""Story clusters: exact copies, syndicated near-duplicates, distinct stories kept apart, leads, persistence;
stories that share a site's block kept apart, teasers joined, clusters merged by a bridge; any text assigned."""
from __future__ import annotations

import sqlite3
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.dedupe
from bench.dedupe import Implementation, arrival_orders, run_labelled_set
from bench.dedupe_generated import load_labelled_set
from pipeline.dedupe import ClusterMerge, DedupeSettings, StoryCluster, StoryClusters, normalised_words

DAY = datetime(2026, 11, 20, 8, tzinfo=UTC)
BUDGET = (
    "Baraza la Madiwani la Halmashauri ya Wilaya ya Bagamoyo limepitisha makadirio ya bajeti ya Sh 58.4 "
    "bilioni kwa mwaka wa fedha 2026/27, ambapo asilimia 71 ya fedha hizo zinatarajiwa kutoka Serikali "
    "Kuu.\n"
    "Akiwasilisha makadirio hayo katika kikao kilichofanyika mjini Bagamoyo, Mkurugenzi Mtendaji wa "
    "halmashauri hiyo, Shauri Selenda, alisema mapato ya ndani yanatarajiwa kufikia Sh 6.2 bilioni "
    "kutokana na ushuru wa mazao, leseni za biashara na ada za masoko.\n"
    "Kati ya fedha hizo, Sh 620 milioni zimetengwa kwa ajili ya mikopo ya asilimia kumi kwa vikundi vya "
    "wanawake, vijana na watu wenye ulemavu, huku Sh 1.4 bilioni zikielekezwa kukamilisha maboma ya "
    "madarasa katika kata za Dunda, Magomeni na Kiromo.\n"
    "Diwani wa Kata ya Zinga, Mwanaisha Ally, aliitaka halmashauri kuongeza ukusanyaji wa mapato ya ndani"
    " ili miradi ya maendeleo isikwame kama ilivyotokea mwaka jana kwa zahanati ya Kerege.\n"
    "Mwenyekiti wa halmashauri, Abdul Sharifu, aliwataka watumishi kusimamia matumizi ya fedha za umma "
    "kwa uadilifu na kuwasilisha taarifa za utekelezaji kila robo mwaka."
)
OTHER_BUDGET_STORY = (
    "Madiwani wa Halmashauri ya Wilaya ya Bagamoyo wamekataa taarifa ya mapato ya robo ya tatu wakisema "
    "makusanyo ya ushuru wa korosho yameshuka kwa asilimia 40 bila maelezo ya kuridhisha.\n"
    "Katika kikao hicho, Mkurugenzi Mtendaji, Shauri Selenda, aliahidi kuunda timu maalum ya kufuatilia "
    "mawakala wa ukusanyaji ambao hawajawasilisha fedha benki kwa zaidi ya miezi mitatu.\n"
    "Diwani wa Kata ya Magomeni, Saidi Mketo, alisema wafanyabiashara wa soko la Bagamoyo wamekuwa "
    "wakilipa ushuru bila kupewa stakabadhi za kielektroniki, hali inayoashiria upotevu wa mapato.\n"
    "Mwenyekiti wa halmashauri, Abdul Sharifu, aliagiza ripoti kamili iwasilishwe katika kikao kijacho "
    "cha Kamati ya Fedha, Uongozi na Mipango ndani ya wiki mbili.\n"
    "Kwa mujibu wa taarifa hiyo, halmashauri imekusanya Sh 3.1 bilioni kati ya Sh 6.2 bilioni "
    "zilizokadiriwa kwa mwaka huu wa fedha."
)
# Short news items, real tweets from AfriSenti-SemEval 2023 Kiswahili (Muhammad et al. 2023, CC BY 4.0).
BRIEFS = (
    "Bomu lililokuwa limetegwa ndani ya gari likiwalenga wajenzi kutoka Uturuki limelipuka katika eneo la Afgoye "
    "kaskazini Magharibi mwa mji mkuu wa Mogadishu Somalia limeua watu wanne polisi wamesema",
    "Wananchi wa mtaa wa Nshinde Wilayani Geita wamelalamikia ubovu wa Barabara inayoelekea fadhili bucha na "
    "Mwatulole mkoani hapa kuwa kero kubwa kutokana na ubovu ambao umekuwa ukisababisha gari nyingi kukwama",
    "Wakala wa Barabara Tanzania Tanroads umesema ujenzi wa daraja la mto Mkange mkoani Morogoro lililosombwa na "
    "maji utaanza leo usiku huu kwa ushirikiano na makandarasi wa ujenzi wa reli ya kisasa SGR",
    "Kaya 67 zilizopo kata ya Mbesa wilayani Tunduru mkoani Ruvuma zimekosa mahali pa kuishi baada ya nyumba zao "
    "zikiwemo nyumba za shule na madarasa kuezuliwa na upepo",
)
SITE_BLOCK = (  # what an extractor keeps of one outlet's page besides the story: its related list and its footer
    "Habari Zinazohusiana\n"
    "Serikali yatangaza ajira mpya za walimu wa shule za msingi na sekondari nchini\n"
    "Wakulima wa korosho mkoani Mtwara walalamikia bei ndogo ya zao hilo msimu huu\n"
    "Mvua kubwa zasababisha mafuriko katika mitaa kadhaa ya jiji la Dar es Salaam\n"
    "Timu ya taifa yajiandaa kwa mchezo wa kufuzu fainali za mataifa ya Afrika\n"
    "Jiunge na chaneli yetu ya WhatsApp upate habari zote za kitaifa na kimataifa kila siku bila malipo.\n"
    "Haki zote zimehifadhiwa na Kampuni ya Habari Pwani Limited, hairuhusiwi kunakili bila ridhaa ya mhariri."
)


def edited(text: str) -> str:
    """A syndicated copy: a few words changed, a paragraph moved and a byline added."""
    paragraphs = text.replace("alisema", "amesema").replace("wananchi", "wakazi").split("\n")
    paragraphs[1], paragraphs[3] = paragraphs[3], paragraphs[1]
    return "\n".join([*paragraphs, "Imeandikwa na Elias Mhagama, Bagamoyo."])


def truncated(text: str, share: float) -> str:
    words = text.split()
    return " ".join(words[: int(len(words) * share)]) + " ..."


@pytest.fixture
def clusters():
    with StoryClusters(None) as story_clusters:
        yield story_clusters


def test_same_normalised_text_under_another_id_is_an_exact_copy(clusters):
    first = clusters.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY)
    noisy = BUDGET.upper().replace(", ", " , ").replace("\n", "\n\n")
    copy = clusters.assign("b", "BAJETI YA SH 58.4 BILIONI", noisy, DAY)
    assert copy.duplicate_of == "a"
    assert copy.cluster_id == first.cluster_id == "a"
    assert first.duplicate_of is None


def test_a_lightly_edited_copy_joins_the_story(clusters):
    clusters.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY)
    copy = clusters.assign("b", "Bajeti ya Bagamoyo", edited(BUDGET), DAY)
    assert (copy.cluster_id, copy.duplicate_of) == ("a", None)


@pytest.mark.parametrize("share", [0.4, 0.6])
def test_a_truncated_copy_joins_the_story_even_when_it_arrives_first(clusters, share):
    clusters.assign("short", "Bajeti ya Bagamoyo", truncated(BUDGET, share), DAY)
    assert clusters.assign("full", "Bajeti ya Bagamoyo", BUDGET, DAY).cluster_id == "short"


def test_a_re_headlined_copy_with_a_source_line_joins_the_story(clusters):
    clusters.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY)
    copy = clusters.assign("b", "Madiwani waridhia Sh 58.4 bilioni", BUDGET + "\nChanzo: HabariLeo", DAY)
    assert copy.cluster_id == "a"


def test_a_different_story_about_the_same_council_budget_is_not_merged(clusters):
    clusters.assign("budget", "Bajeti ya Bagamoyo", BUDGET, DAY)
    clusters.assign("budget-copy", "Bajeti ya Bagamoyo", edited(BUDGET), DAY)
    other = clusters.assign("revenue", "Madiwani wakataa mapato", OTHER_BUDGET_STORY, DAY + timedelta(days=5))
    assert other.cluster_id == "revenue"


def test_a_very_short_text_is_not_merged_just_because_a_story_contains_it(clusters):
    boilerplate = "Jiunge na chaneli yetu ya WhatsApp upate habari zote za Pwani kila siku."
    clusters.assign("budget", "Bajeti ya Bagamoyo", f"{BUDGET}\n{boilerplate}", DAY)
    notice = clusters.assign("notice", "Tangazo", f"Tangazo kwa wasomaji wetu wa Bagamoyo. {boilerplate}", DAY)
    assert notice.cluster_id == "notice"


@pytest.mark.parametrize("site", ["habaripwani.co.tz", None], ids=["told the site", "no site"])
def test_distinct_short_stories_that_share_their_sites_block_stay_apart(clusters, site):
    for number, brief in enumerate(BRIEFS):
        membership = clusters.assign(f"brief-{number}", brief[:40], f"{brief}\n{SITE_BLOCK}", DAY, site=site)
        assert membership.cluster_id == f"brief-{number}"


def test_a_sites_block_before_the_story_is_learnt_from_its_second_page(clusters):
    """Two texts of one site must contain each other almost wholly; from the site's second page on, its block is
    known, and a copy on another site matches the story alone."""
    for number, brief in enumerate(BRIEFS[:3]):
        membership = clusters.assign(f"brief-{number}", brief[:40], f"{SITE_BLOCK}\n{brief}", DAY, site="pwani.tz")
        assert membership.cluster_id == f"brief-{number}"
    copy = clusters.assign("copy", BRIEFS[2][:40], f"{BRIEFS[2]}\nChanzo: Pwani", DAY, site="aggregator.tz")
    assert copy.cluster_id == "brief-2"


@pytest.mark.parametrize("teaser_first", [True, False], ids=["teaser first", "full story first"])
def test_a_teaser_of_the_first_sentences_joins_the_full_story(clusters, teaser_first):
    teaser = " ".join(BUDGET.split("\n")[0].split()[:30]) + " … Soma zaidi"
    docs = [("teaser", teaser, "aggregator.co.tz"), ("full", f"{BUDGET}\n{SITE_BLOCK}", "habaripwani.co.tz")]
    first, second = docs if teaser_first else docs[::-1]
    clusters.assign(first[0], "Bajeti ya Bagamoyo", first[1], DAY, site=first[2])
    assert clusters.assign(second[0], "Bajeti ya Bagamoyo", second[1], DAY, site=second[2]).cluster_id == first[0]


def test_an_all_capitals_headline_and_lead_join_the_story(clusters):
    clusters.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY, site="habarileo.co.tz")
    lead, rest = BUDGET.split("\n", 1)
    copy = clusters.assign("b", "BAJETI YA BAGAMOYO YAPITISHWA", f"{lead.upper()}\n{rest}\n{SITE_BLOCK}", DAY,
                           site="habaripwani.co.tz")
    assert (copy.cluster_id, copy.duplicate_of) == ("a", None)


def test_capitals_fold_like_the_small_letters_they_stand_for():
    turkish = "İstanbul'da gözaltına alınan 15 şüpheliden 4'ü tutuklandı"
    assert normalised_words(turkish.upper()) == normalised_words(turkish)


def test_a_later_article_that_contains_two_clusters_merges_them_into_the_older(clusters):
    words = BUDGET.split()
    head = clusters.assign("head", "Bajeti", " ".join(words[: len(words) // 2]) + " ...", DAY, site="one.tz")
    tail = clusters.assign("tail", "Bajeti", " ".join(words[len(words) // 2 + 5 :]), DAY - timedelta(hours=2),
                           site="two.tz")
    assert (head.cluster_id, tail.cluster_id) == ("head", "tail")
    bridge = clusters.assign("full", "Bajeti ya Bagamoyo", BUDGET, DAY + timedelta(hours=3), site="three.tz")
    assert (bridge.cluster_id, bridge.merged, bridge.lead_id) == ("head", ("tail",), "tail")
    assert clusters.assign("tail", "Bajeti", "", None).cluster_id == "head"
    assert clusters.merges() == [ClusterMerge(1, "tail", "head")]
    assert clusters.merges(after=1) == []
    assert clusters.current_cluster_id("tail") == "head"
    assert clusters.cluster("tail") == clusters.cluster("head") == StoryCluster("head", "tail", 3)


def test_a_merged_cluster_merged_again_maps_straight_to_the_survivor(clusters):
    words = BUDGET.split()
    third = len(words) // 3
    clusters.assign("a", "Bajeti", " ".join(words[:third]), DAY, site="a.tz")
    clusters.assign("b", "Bajeti", " ".join(words[third + 3 : 2 * third]), DAY, site="b.tz")
    clusters.assign("c", "Bajeti", " ".join(words[2 * third + 3 :]), DAY, site="c.tz")
    assert clusters.assign("bc", "Bajeti", " ".join(words[third + 3 :]), DAY, site="d.tz").merged == ("c",)
    assert clusters.assign("abc", "Bajeti", BUDGET, DAY, site="e.tz").merged == ("b",)
    assert {merge.absorbed: merge.into for merge in clusters.merges()} == {"b": "a", "c": "a"}
    assert clusters.current_cluster_id("c") == "a"
    assert clusters.cluster("c").size == 5


def test_assigning_a_known_doc_again_returns_its_membership(clusters):
    first = clusters.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY)
    clusters.assign("other", "Madiwani wakataa taarifa ya mapato", OTHER_BUDGET_STORY, DAY)
    again = clusters.assign("a", "Bajeti ya Bagamoyo (imesahihishwa)", BUDGET.replace("58.4", "58.6"), None)
    assert again == first
    assert clusters.cluster("a") == StoryCluster("a", "a", 1)


def test_an_earlier_published_member_becomes_the_lead_and_the_cluster_keeps_its_id(clusters):
    clusters.assign("late", "Bajeti ya Bagamoyo", BUDGET, DAY + timedelta(hours=6))
    undated = clusters.assign("undated", "Bajeti", edited(BUDGET), None)
    assert (undated.cluster_id, undated.lead_id) == ("late", "late")
    early = clusters.assign("early", "Bajeti", truncated(BUDGET, 0.6), DAY)
    assert (early.cluster_id, early.lead_id) == ("late", "early")
    later = clusters.assign("later", "Bajeti", BUDGET + "\nSource: Daily News", DAY + timedelta(days=1))
    assert (later.cluster_id, later.lead_id) == ("late", "early")
    assert clusters.cluster("late") == StoryCluster("late", "early", 4)


def test_texts_without_words_are_copies_only_of_the_same_characters(clusters):
    assert clusters.assign("a", "", "🙂🙂 ...", DAY).duplicate_of is None
    assert clusters.assign("b", "", "😡 !!!", DAY).cluster_id == "b"
    assert clusters.assign("c", "", " 🙂🙂 ... ", DAY).duplicate_of == "a"
    assert clusters.assign("d", "", "", DAY).duplicate_of is None
    assert clusters.assign("e", "", "  ", DAY).cluster_id == "e"


def test_clusters_survive_close_and_reopen(tmp_path):
    path = tmp_path / "stories.sqlite3"
    with StoryClusters(path) as clusters:
        first = clusters.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY)
    with StoryClusters(path) as clusters:
        assert clusters.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY) == first
        assert clusters.assign("b", "Bajeti", edited(BUDGET), DAY).cluster_id == "a"
        assert clusters.assign("c", "Bajeti", BUDGET, DAY).duplicate_of == "a"


def test_blocks_learnt_and_merges_made_survive_a_restart(tmp_path):
    path = tmp_path / "stories.sqlite3"
    words = BUDGET.split()
    with StoryClusters(path) as clusters:
        for number, brief in enumerate(BRIEFS[:2]):
            clusters.assign(f"brief-{number}", brief[:40], f"{SITE_BLOCK}\n{brief}", DAY, site="pwani.tz")
        clusters.assign("head", "Bajeti", " ".join(words[: len(words) // 2]), DAY, site="one.tz")
        clusters.assign("tail", "Bajeti", " ".join(words[len(words) // 2 + 5 :]), DAY, site="two.tz")
    with StoryClusters(path) as clusters:
        third = clusters.assign("brief-2", BRIEFS[2][:40], f"{SITE_BLOCK}\n{BRIEFS[2]}", DAY, site="pwani.tz")
        assert third.cluster_id == "brief-2"
        assert clusters.assign("full", "Bajeti", BUDGET, DAY, site="three.tz").merged == ("tail",)
    with StoryClusters(path) as clusters:
        assert clusters.current_cluster_id("tail") == "head"
        assert clusters.cluster("head").size == 3


def test_two_objects_on_one_file_see_each_others_members(tmp_path):
    path = tmp_path / "stories.sqlite3"
    with StoryClusters(path) as one, StoryClusters(path) as two:
        one.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY)
        assert two.assign("b", "Bajeti", truncated(BUDGET, 0.5), DAY - timedelta(hours=1)).cluster_id == "a"
        assert one.assign("c", "Bajeti", edited(BUDGET), DAY).lead_id == "b"


def test_a_file_made_with_other_signature_settings_is_kept_aside(tmp_path):
    path = tmp_path / "stories.sqlite3"
    StoryClusters(path).close()
    with StoryClusters(path, DedupeSettings(shingle_words=3)) as other:  # the first file is kept aside, not read
        assert other.assign("b", "Bajeti", BUDGET, DAY).cluster_id == "b"
    assert len(list(tmp_path.glob("stories.sqlite3.before-*"))) == 1


def test_a_stories_file_of_the_minhash_version_is_kept_aside_and_stories_start_afresh(tmp_path, caplog):
    path = tmp_path / "stories.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sketch (settings TEXT NOT NULL)")
        db.execute("INSERT INTO sketch VALUES ('affine32 seed=1 num_perm=128 shingle_words=5 bands=28x2')")
    with StoryClusters(path) as clusters:
        assert clusters.assign("a", "Bajeti", BUDGET, DAY).cluster_id == "a"
    (kept,) = tmp_path.glob("stories.sqlite3.before-*")
    with sqlite3.connect(kept) as db:
        assert db.execute("SELECT settings FROM sketch").fetchone()[0].startswith("affine32")
    assert "kept as" in caplog.text


def test_settings_out_of_range_are_refused():
    with pytest.raises(ValueError, match="at least 1"):
        DedupeSettings(postings_per_key=0)
    with pytest.raises(ValueError, match="same_opening <= one_opening"):
        DedupeSettings(one_opening=0.99)


def test_a_doc_id_that_is_not_text_is_named(clusters):
    with pytest.raises(ValueError, match="doc_id"):
        clusters.assign("a\ud800", "Bajeti", BUDGET, DAY)


def test_the_candidate_lists_stay_bounded_however_many_near_identical_notices(clusters):
    notice = ("TANGAZO LA ZABUNI Na. {}/2026. Halmashauri ya Wilaya ya Bagamoyo inawakaribisha wazabuni wenye sifa "
              "kuwasilisha zabuni za ujenzi wa choo cha shule ya msingi.\nNyaraka za zabuni zinapatikana ofisi ya "
              "Mkurugenzi Mtendaji kwa ada ya Sh 50,000 isiyorejeshwa.")
    for number in range(300):
        clusters.assign(f"notice-{number}", "Tangazo", notice.format(number), DAY, site="bagamoyodc.go.tz")
    longest = clusters._db.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM postings GROUP BY key)").fetchone()
    assert longest == (DedupeSettings().postings_per_key,)


def _assign_all(path: Path, order: list[int]) -> dict[str, tuple[str, str | None]]:
    docs = load_labelled_set()
    with StoryClusters(path) as clusters:
        memberships = [clusters.assign(docs[i].doc_id, docs[i].title, docs[i].text, None) for i in order]
        return {m.doc_id: (clusters.current_cluster_id(m.cluster_id), m.duplicate_of) for m in memberships}


def test_two_processes_assigning_the_same_docs_agree_on_every_membership(tmp_path):
    path = tmp_path / "stories.sqlite3"
    order = list(range(120))
    with ProcessPoolExecutor(2) as pool:
        forward, backward = pool.map(_assign_all, [path, path], [order, order[::-1]])
    with StoryClusters(path) as clusters:  # a merge after a process last looked is followed now
        forward, backward = ({doc: (clusters.current_cluster_id(cluster), copy_of)
                              for doc, (cluster, copy_of) in found.items()} for found in (forward, backward))
        assert forward == backward
        assert sum(clusters.cluster(cluster_id).size for cluster_id in {c for c, _ in forward.values()}) == len(order)


@pytest.mark.parametrize("order", ["shuffled 1", "shuffled 2"])
@pytest.mark.parametrize("sites", [True, False], ids=["told sites", "no sites"])
def test_the_labelled_set_clusters_with_pairwise_precision_and_recall_of_at_least_095(order, sites):
    result = run_labelled_set(arrival_orders(load_labelled_set())[order],
                              Implementation("this version", pipeline.dedupe, sites))
    assert result.clusters.precision >= 0.95
    assert result.clusters.recall >= 0.95
    assert (result.exact.precision, result.exact.recall) == (1.0, 1.0)


ANY_ZONE = st.one_of(st.none(), st.timezones(),
                     st.builds(timezone, st.timedeltas(timedelta(hours=-23), timedelta(hours=23))))
ANY_TIME = st.datetimes(timezones=ANY_ZONE)


@settings(max_examples=150, deadline=None)
@given(title=st.text(), text=st.text(), published=st.one_of(st.none(), ANY_TIME), site=st.one_of(st.none(), st.text()))
def test_any_text_is_assigned_a_story(title, text, published, site):
    with StoryClusters(None) as clusters:
        clusters.assign("seen", "Bajeti", BUDGET, DAY, site="habarileo.co.tz")
        membership = clusters.assign("new", title, text, published, site=site)
        assert membership.cluster_id in ("new", "seen")
        assert clusters.assign("new", title, text, published, site=site) == replace(membership, merged=())
