"""Writes generated.jsonl: seeded synthetic news stories for bench/mentions.py, labelled as they are composed.

A story is a kind (council, passing, namesake, bare place, none) told from pools of phrasings; [[...]] marks gold.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 20261128
COUNT = 160
HERE = Path(__file__).parent

COUNCIL = {
    "sw": [
        "[[Halmashauri ya Wilaya ya Bagamoyo]]", "[[halmashauri ya wilaya ya Bagamoyo]]",
        "[[HALMASHAURI YA WILAYA YA BAGAMOYO]]", "[[Halmashauri ya Wilaya ya\nBagamoyo]]",
        "[[Halmashauri hiyo ya Wilaya ya Bagamoyo]]", "[[Halmashauri ya Bagamoyo]]", "[[Bagamoyo DC]]",
        "[[Halmashauri ya Wilaya ya Bagamoyó]]",
    ],
    "en": [
        "[[Bagamoyo District Council]]", "[[Bagamoyo district council]]", "[[BAGAMOYO DISTRICT COUNCIL]]",
        "[[Bagamoyo District\nCouncil]]", "[[Bagamoyo DC]]", "the [[Bagamoyo District Council]]'s office",
        "[[BDC]]",
    ],
}
OFFICIAL_FIRST = {
    "sw": [
        "Mkurugenzi Mtendaji wa {council}, [[Shauri Selenda]],", "Mkurugenzi Mtendaji [[Shauri Selenda]]",
        "Mkurugenzi wa halmashauri hiyo, Bw. [[Selenda]],", "Mkuu wa Wilaya ya [[Bagamoyo]], [[Halima Okash]],",
        "Mkuu wa Wilaya, Bi. [[Okash]],", "Mkurugenzi [[Selenda]]",
    ],
    "en": [
        "the District Executive Director of {council}, [[Shauri Selenda]],", "DED [[Shauri Selenda]]",
        "Executive Director Mr [[Selenda]]", "District Commissioner [[Halima Okash]]",
        "the [[Bagamoyo]] District Commissioner, Ms [[Okash]],", "[[Shauri Selenda]], who heads {council},",
    ],
}
SURNAME_AGAIN = {"Selenda": "[[Selenda]]", "Okash": "[[Okash]]"}
PLACES = {
    "sw": [
        "kata ya [[Dunda]]", "kata ya [[Zinga]]", "kijiji cha [[Kaole]]", "kijiji cha [[Mapinga]]",
        "[[Kondo]]", "kata ya [[Kiromo]]", "kata ya [[Magomeni]] wilayani [[Bagamoyo]]", "[[Yombo]]",
        "[[Kaoleni]]", "[[Dundani]]", "kijijini [[Kondo]]",
    ],
    "en": [
        "[[Dunda]] ward", "[[Zinga]] ward", "[[Kaole]] village", "[[Mapinga]] village", "[[Kondo]] village",
        "[[Kiromo]]", "[[Yombo]] ward in [[Bagamoyo]]", "[[Magomeni]] ward, [[Bagamoyo]],",
    ],
}
PROJECTS = {"sw": ["[[Bandari ya Bagamoyo]]", "mradi wa [[Bandari ya Bagamoyo]]"], "en": ["[[Bagamoyo Port]]"]}
NAMESAKES = {
    "sw": [
        "Mji wa Bagamoyo", "Jimbo la Bagamoyo", "Mbunge wa Bagamoyo", "Halmashauri ya Mji wa Kibaha",
        "Halmashauri ya Wilaya ya Chalinze", "Mkoa wa Pwani", "wilaya ya Kondoa", "Magomeni Mapipa",
        "Yombo Vituka", "Halmashauri ya Mji wa Bagamoyo",
    ],
    "en": [
        "Bagamoyo town", "Bagamoyo constituency", "the Bagamoyo MP", "Kibaha Town Council",
        "Chalinze District Council", "Pwani Region", "Kondoa District Council", "Magomeni Mapipa in Dar es Salaam",
        "Yombo Vituka",
    ],
}
LEADS = {
    "sw": [
        "{who} amesema {council} imetenga fedha za ujenzi wa zahanati mpya katika {place}.",
        "{council} imezindua mpango wa kusambaza maji safi kwa wakazi wa {place}.",
        "Wakazi wa {place} wamepongeza {council} kwa kukamilisha ujenzi wa barabara ya kilomita tano.",
        "{who} ametoa siku saba kwa wakandarasi kukamilisha madarasa katika {place}.",
        "Madiwani wa {council} wamepitisha bajeti ya shilingi bilioni 42 kwa mwaka ujao wa fedha.",
    ],
    "en": [
        "{who} said {council} has set aside funds for a new dispensary in {place}.",
        "{council} has launched a clean water scheme for residents of {place}.",
        "Residents of {place} have praised {council} for finishing a five-kilometre road.",
        "{who} gave contractors seven days to finish classrooms in {place}.",
        "Councillors of {council} have passed a 42bn/- budget for the coming financial year.",
    ],
}
TITLES = {
    "sw": [
        "{council} yatenga bilioni 2 kwa elimu", "{short} aagiza wakandarasi kukamilisha miradi",
        "Wakazi wa {place} walilia maji", "{council} yapata hati safi", "Maji safi yafika {place}",
    ],
    "en": [
        "{council} sets aside 2bn/- for schools", "{short} orders contractors to finish projects",
        "{place} residents cry for water", "{council} gets a clean audit", "Clean water reaches {place}",
    ],
}
NATIONAL_TITLES = {
    "sw": [
        "Serikali yatoa bilioni 100 kwa halmashauri nchini", "Mvua kubwa zaleta maafa mikoa ya pwani",
        "CAG abaini upungufu kwenye halmashauri 40", "Wakulima wa korosho walalamikia bei",
    ],
    "en": [
        "Government releases 100bn/- to councils", "Heavy rains cause havoc in coastal regions",
        "CAG flags shortfalls in 40 councils", "Cashew farmers decry low prices",
    ],
}
NEUTRAL = {
    "sw": [
        "Alisema fedha hizo zitatumika kwa uwazi na wananchi watashirikishwa katika kila hatua.",
        "Wananchi walioshiriki mkutano huo waliomba huduma za afya ziboreshwe zaidi.",
        "Ujenzi huo unatarajiwa kukamilika kabla ya mwisho wa mwaka huu.",
        "Wazazi wametakiwa kuzingatia ratiba ya chanjo kwa watoto wao.",
        "Mvua zilizonyesha wiki iliyopita ziliharibu madaraja mawili na kukata mawasiliano.",
        "Wafanyabiashara wadogo wamepewa mikopo isiyo na riba kupitia asilimia kumi ya mapato ya ndani.",
        "Mkondo wa maji uliharibu mashamba ya mpunga na ng'ombe kadhaa walisombwa.",
        "Walimu wapya 120 wamepangiwa shule za msingi mwezi huu.",
        "Ripoti hiyo ilionyesha ongezeko la mapato kwa asilimia 18.",
    ],
    "en": [
        "He said the money would be spent openly and residents would be involved at every stage.",
        "Residents who attended the meeting asked for better health services.",
        "The work is expected to be finished before the end of the year.",
        "Parents were urged to keep to their children's vaccination schedule.",
        "Rains last week washed away two bridges and cut off several villages.",
        "Small traders have received interest-free loans from the ten percent of internal revenue.",
        "The report showed revenue rising by 18 percent.",
        "A total of 120 new teachers have been posted to primary schools this month.",
        "Officials said the district's cashew harvest was up on last year.",
    ],
}
NATIONAL = {
    "sw": [
        "Waziri wa Nchi, Ofisi ya Rais TAMISEMI, amesema fedha hizo zitagawanywa kwa halmashauri zote 184.",
        "Mamlaka ya Hali ya Hewa imetoa tahadhari ya mvua kubwa kwa mikoa ya Dar es Salaam, Tanga na Lindi.",
        "Ripoti ya Mdhibiti na Mkaguzi Mkuu wa Hesabu za Serikali imebaini upungufu katika halmashauri 40.",
        "Bei ya korosho imeshuka kwa asilimia 20 katika minada ya mwezi huu.",
    ],
    "en": [
        "The Minister of State in the President's Office said the funds would go to all 184 councils.",
        "The Tanzania Meteorological Authority warned of heavy rain in Dar es Salaam, Tanga and Lindi.",
        "The Controller and Auditor General found shortfalls in 40 councils across the country.",
        "Cashew prices fell by 20 percent at this month's auctions.",
    ],
}
PASSING_ENDINGS = {
    "sw": [
        "Halmashauri nyingine zilizotajwa ni pamoja na {council}, Kibaha na Mkuranga.",
        "Kwa mujibu wa ripoti hiyo, {council} ilikusanya asilimia 92 ya lengo lake.",
        "Wilaya za Kisarawe, Rufiji na {place} pia ziliathirika.",
    ],
    "en": [
        "Other councils named include {council}, Kibaha and Mkuranga.",
        "According to the report, {council} collected 92 percent of its target.",
        "Kisarawe, Rufiji and {place} were also affected.",
    ],
}
NAMESAKE_STORIES = {
    "sw": [
        ("Watalii waongezeka {ns}", "Idadi ya watalii wanaotembelea {ns} imeongezeka mwaka huu."),
        ("{ns} ataka barabara ya lami", "{ns} amesema wananchi wanahitaji barabara ya lami."),
        ("Mafuriko {ns}", "Mvua kubwa zimesababisha mafuriko katika {ns} na maeneo jirani."),
    ],
    "en": [
        ("Tourists flock to {ns}", "The number of tourists visiting {ns} has risen this year."),
        ("Floods hit {ns}", "Heavy rain has flooded parts of {ns} and nearby areas."),
        ("{ns} wants tarmac road", "Speaking in {ns}, leaders said residents need a tarmac road."),
    ],
}
ASIDES = {
    "sw": "Wakati huohuo, taarifa kutoka {ns} zimesema hali ni shwari.",
    "en": "Meanwhile, reports from {ns} said the situation was calm.",
}
PLACE_AGAIN = {
    "sw": "Wakazi wa [[Bagamoyo]] wameombwa kushiriki.",
    "en": "Residents of [[Bagamoyo]] were urged to take part.",
}
PLACE_ONLY = {
    "sw": [
        "Tamasha la sanaa lafanyika Bagamoyo", "Wavuvi wa Bagamoyo walalamikia bei ya samaki",
        "Magofu ya kale ya Bagamoyo yavutia wageni",
    ],
    "en": [
        "Arts festival opens in Bagamoyo", "Bagamoyo fishermen decry fish prices",
        "Bagamoyo's old ruins draw visitors",
    ],
}


def council_ref(rng: random.Random, lang: str) -> str:
    return rng.choice(COUNCIL[lang])


def official(rng: random.Random, lang: str) -> str:
    return rng.choice(OFFICIAL_FIRST[lang]).format(council=council_ref(rng, lang))


def place(rng: random.Random, lang: str) -> str:
    return rng.choice(PLACES[lang] + PROJECTS[lang])


def neutral(rng: random.Random, lang: str, count: int) -> list[str]:
    return rng.sample(NEUTRAL[lang], count)


def council_story(rng: random.Random, lang: str) -> tuple[str, list[str], bool]:
    who = official(rng, lang)
    title = rng.choice(TITLES[lang]).format(
        council=council_ref(rng, lang).replace("\n", " "), place=place(rng, lang),
        short=rng.choice(["Mkurugenzi [[Selenda]]", "DC [[Okash]]", "[[Shauri Selenda]]"]),
    )
    lead_template = rng.choice(LEADS[lang])
    lead = lead_template.format(who=who, council=council_ref(rng, lang), place=place(rng, lang))
    lead = lead[0].upper() + lead[1:]
    paragraphs = [lead, *neutral(rng, lang, rng.randint(1, 3))]
    for name, marked in SURNAME_AGAIN.items():  # the surname again, once the lead has named the official
        if "{who}" in lead_template and name in who and rng.random() < 0.6:
            said = "alisema" if lang == "sw" else "said"
            paragraphs.append(f"{marked} {said} kazi hiyo itafuatiliwa kwa karibu." if lang == "sw"
                              else f"{marked} {said} the work would be closely monitored.")
    if rng.random() < 0.4:
        aside = ASIDES[lang].format(ns=rng.choice(NAMESAKES[lang]))
        paragraphs.insert(rng.randint(1, len(paragraphs)), aside)
    if rng.random() < 0.5:
        paragraphs.append(PLACE_AGAIN[lang])
    return title, paragraphs, True


def passing_story(rng: random.Random, lang: str) -> tuple[str, list[str], bool]:
    title = rng.choice(NATIONAL_TITLES[lang])
    ending = rng.choice(PASSING_ENDINGS[lang])
    if "{place}" in ending:  # a ward or village named in passing is still a mention
        ending = ending.format(place=place(rng, lang))
    else:
        ending = ending.format(council=council_ref(rng, lang))
    paragraphs = [rng.choice(NATIONAL[lang]), *neutral(rng, lang, rng.randint(2, 4)), ending]
    return title, paragraphs, False


def namesake_story(rng: random.Random, lang: str) -> tuple[str, list[str], bool]:
    title, lead = rng.choice(NAMESAKE_STORIES[lang])
    namesake = rng.choice(NAMESAKES[lang])
    return title.format(ns=namesake), [lead.format(ns=namesake), *neutral(rng, lang, rng.randint(1, 3))], False


def place_only_story(rng: random.Random, lang: str) -> tuple[str, list[str], bool]:
    title = rng.choice(PLACE_ONLY[lang])
    return title, [title + ".", *neutral(rng, lang, rng.randint(1, 3))], False


def no_mention_story(rng: random.Random, lang: str) -> tuple[str, list[str], bool]:
    paragraphs = [rng.choice(NATIONAL[lang]), *neutral(rng, lang, rng.randint(2, 4))]
    return rng.choice(NATIONAL_TITLES[lang]), paragraphs, False


KINDS = (
    (council_story, 0.4), (passing_story, 0.2), (namesake_story, 0.15), (place_only_story, 0.1),
    (no_mention_story, 0.15),
)


def main() -> None:
    rng = random.Random(SEED)
    with (HERE / "generated.jsonl").open("w", encoding="utf-8") as out:
        for number in range(COUNT):
            lang = rng.choice(["sw", "en"])
            compose = rng.choices([kind for kind, _ in KINDS], weights=[weight for _, weight in KINDS])[0]
            title, paragraphs, about = compose(rng, lang)
            record = {
                "id": f"gen-{number:03d}", "lang": lang, "kind": compose.__name__.removesuffix("_story"),
                "about_council": about, "title": title, "text": "\n\n".join(paragraphs),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
