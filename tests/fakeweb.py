"""Pytest fixtures serving a fake news web on loopback: a Swahili and an English site with RSS feeds.

The Swahili site's robots.txt forbids one article its feed lists; `news_sources` gives Habari sources for both.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from habari.config import Source
from habari.demo.content import demo_sources
from habari.demo.newsweb import NewsArticle, NewsSite, NewsWeb

UNREACHABLE_FEED = "http://127.0.0.1:1/rss.xml"
DISALLOWED_SLUG = "siri-rasimu-ya-bajeti"
_NOW = datetime(2025, 6, 3, 9, 0, tzinfo=timezone.utc)

_SW_CLOSING = (
    "Wananchi walioshiriki mkutano huo waliomba taarifa za maendeleo ya mradi zibandikwe kwenye mbao za "
    "matangazo za kijiji kila mwezi, ili kila mmoja afahamu kiasi cha fedha kilichotumika na kazi iliyobaki. "
    "Viongozi wa kata waliahidi kufuatilia utekelezaji kwa karibu na kuwasilisha taarifa kwenye vikao vya "
    "kamati ya maendeleo ya kata."
)
_EN_CLOSING = (
    "Residents who attended the meeting asked for progress reports to be posted on village notice boards every "
    "month, so that everyone can see how much money has been spent and what work remains. Ward leaders promised "
    "to follow the work closely and to report to the ward development committee at each of its meetings."
)


def _article(slug: str, title: str, lead: str, middle: str, hours_ago: int, author: str, language: str) -> NewsArticle:
    closing = _SW_CLOSING if language == "sw" else _EN_CLOSING
    return NewsArticle(slug, title, (lead, middle, closing), _NOW - timedelta(hours=hours_ago), author, language)


SWAHILI_SITE = NewsSite(
    id="sauti",
    name="Sauti ya Pwani",
    language="sw",
    outlet_type="newspaper",
    robots_disallow=(f"/articles/{DISALLOWED_SLUG}",),
    articles=(
        _article(
            "kisima-kipya-dunda",
            "Kisima kipya chaleta maji safi Dunda",
            "Halmashauri ya Wilaya ya Bagamoyo imekamilisha ujenzi wa kisima kirefu katika Kata ya Dunda, na sasa "
            "zaidi ya kaya mia nane zinapata maji safi karibu na makazi yao.",
            "Mhandisi wa maji wa wilaya alisema mradi huo umegharimu shilingi milioni mia tatu na una vituo sita vya "
            "kuchotea maji. Akina mama walisema hawatatembea tena umbali mrefu kutafuta maji kisimani.",
            5, "Neema Said", "sw",
        ),
        _article(
            "barabara-ya-zinga",
            "Ukarabati wa barabara ya Zinga waanza",
            "Wakala wa Barabara za Vijijini na Mijini umeanza ukarabati wa barabara ya kilomita kumi na mbili "
            "inayounganisha Kata ya Zinga na soko kuu, kazi inayotarajiwa kukamilika kabla ya mvua za masika.",
            "Wakulima wa mihogo na mananasi walisema barabara hiyo ikipitika watasafirisha mazao yao kwa gharama "
            "nafuu. Mkandarasi ameahidi kutoa ajira za muda kwa vijana wa vijiji vinavyopitiwa na barabara.",
            30, "Juma Mrisho", "sw",
        ),
        _article(
            DISALLOWED_SLUG,
            "Rasimu ya siri ya bajeti ya halmashauri",
            "Hii ni rasimu ya ndani ya bajeti ambayo bado haijajadiliwa na kamati ya fedha ya halmashauri, na "
            "haipaswi kusambazwa nje ya ofisi.",
            "Rasimu inapendekeza kuhamisha fedha kutoka matengenezo ya magari kwenda kwenye ujenzi wa zahanati na "
            "ununuzi wa madawati kwa shule za msingi zenye upungufu mkubwa.",
            2, "Idara ya Mipango", "sw",
        ),
    ),
)

ENGLISH_SITE = NewsSite(
    id="herald",
    name="Pwani Herald",
    language="en",
    outlet_type="online",
    articles=(
        _article(
            "dunda-clinic-opens",
            "New clinic opens its doors in Dunda",
            "Bagamoyo District Council has opened a new clinic in Dunda ward with a maternity room, a small laboratory "
            "and a solar power system, ending long journeys to the district hospital for thousands of residents.",
            "The district medical officer said five health workers have been posted to the clinic and that medicines "
            "have been delivered from the central stores. Mothers welcomed the maternity room, saying night-time "
            "deliveries had been dangerous.",
            8, "Grace Mushi", "en",
        ),
        _article(
            "fishermen-cold-room",
            "Fishermen at Kaole get a cold room for their catch",
            "Fishermen at the Kaole landing site can now store their catch in a new cold room, which they say will "
            "stop them selling fish at a loss when the market is flooded after a good night at sea.",
            "The cold room runs on solar power and can hold two tonnes of fish. The fishermen's cooperative will "
            "charge a small daily fee per crate to pay for maintenance and a night watchman.",
            50, "Peter Lyimo", "en",
        ),
    ),
)

FAKE_SITES = (SWAHILI_SITE, ENGLISH_SITE)


@pytest.fixture
def news_web() -> Iterator[NewsWeb]:
    """The fake sites served on ephemeral loopback ports; `news_web.urls` maps site id to base URL."""
    web = NewsWeb(FAKE_SITES)
    with web:
        yield web


@pytest.fixture
def news_sources(news_web: NewsWeb) -> tuple[Source, ...]:
    """One RSS source per fake site: ids 'sauti-rss' and 'herald-rss'."""
    return demo_sources(FAKE_SITES, news_web.urls)


def unreachable_source(source_id: str = "dead-rss") -> Source:
    """An RSS source whose host refuses every connection."""
    return Source(id=source_id, outlet="Dead Outlet", outlet_type="online", kind="rss", url=UNREACHABLE_FEED,
                  language="en")
