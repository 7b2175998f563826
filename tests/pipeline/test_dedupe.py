"""Story clusters: exact copies, syndicated near-duplicates, distinct stories kept apart, leads, persistence."""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.dedupe import load_labelled_set, run_labelled_set
from pipeline.dedupe import DedupeSettings, StoryCluster, StoryClusters

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


def test_clusters_survive_close_and_reopen(tmp_path):
    path = tmp_path / "stories.sqlite3"
    with StoryClusters(path) as clusters:
        first = clusters.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY)
    with StoryClusters(path) as clusters:
        assert clusters.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY) == first
        assert clusters.assign("b", "Bajeti", edited(BUDGET), DAY).cluster_id == "a"
        assert clusters.assign("c", "Bajeti", BUDGET, DAY).duplicate_of == "a"


def test_two_objects_on_one_file_see_each_others_members(tmp_path):
    path = tmp_path / "stories.sqlite3"
    with StoryClusters(path) as one, StoryClusters(path) as two:
        one.assign("a", "Bajeti ya Bagamoyo", BUDGET, DAY)
        assert two.assign("b", "Bajeti", truncated(BUDGET, 0.5), DAY - timedelta(hours=1)).cluster_id == "a"
        assert one.assign("c", "Bajeti", edited(BUDGET), DAY).lead_id == "b"


def test_a_file_made_with_other_signature_settings_is_refused(tmp_path):
    path = tmp_path / "stories.sqlite3"
    StoryClusters(path).close()
    with pytest.raises(ValueError, match="signatures made with"):
        StoryClusters(path, DedupeSettings(shingle_words=3))


def _assign_all(path: Path, order: list[int]) -> dict[str, tuple[str, str | None]]:
    docs = load_labelled_set()
    with StoryClusters(path) as clusters:
        memberships = (clusters.assign(docs[i].doc_id, docs[i].title, docs[i].text, None) for i in order)
        return {membership.doc_id: (membership.cluster_id, membership.duplicate_of) for membership in memberships}


def test_two_processes_assigning_the_same_docs_agree_on_every_membership(tmp_path):
    path = tmp_path / "stories.sqlite3"
    order = list(range(120))
    with ProcessPoolExecutor(2) as pool:
        forward, backward = pool.map(_assign_all, [path, path], [order, order[::-1]])
    assert forward == backward
    cluster_ids = {cluster_id for cluster_id, _ in forward.values()}
    with StoryClusters(path) as clusters:
        assert sum(clusters.cluster(cluster_id).size for cluster_id in cluster_ids) == len(order)


@pytest.mark.parametrize("order_seed", [1, 2])
def test_the_labelled_set_clusters_with_pairwise_precision_and_recall_of_at_least_095(order_seed):
    result = run_labelled_set(load_labelled_set(), DedupeSettings(), order_seed)
    assert result.clusters.precision >= 0.95
    assert result.clusters.recall >= 0.95
    assert (result.exact.precision, result.exact.recall) == (1.0, 1.0)
