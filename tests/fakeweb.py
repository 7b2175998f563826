"""Pytest fixtures serving fake news webs on loopback: a calm one of two sites, and a hostile one of five.

`news_web` (Swahili and English RSS sites, one robots-forbidden story) and `news_sources` poll it by RSS;
`hostile_web` gives each of five sites a host of its own and a mix of quirks, and `hostile_sources` polls
each of them in all four ways ('<site id>-rss', '-sitemap', '-section', '-search'). Below them, the quirks
and sites of single crawl tests: a robots.txt Crawl-delay, pages timed only in their byline, a site whose
robots.txt forbids links its sections carry, and a sitemap site with one slow story.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import pytest

from settings.config import Source
from habari.demo.content import demo_sources
from habari.demo.hostile import (
    GzipBomb,
    HugePage,
    LyingCharset,
    MalformedFeed,
    PdfDocument,
    RedirectLoop,
    RetryLater,
    SlowPage,
    TrackingCopies,
)
from habari.demo.feeds import RSS_TYPE, feed_document, robots_txt
from habari.demo.newsweb import NewsWeb
from habari.demo.pages import render_article, section_slugs
from habari.demo.site import LiveSite, NewsArticle, NewsSite, Quirk, Request, Response, Route

UNREACHABLE_FEED = "http://127.0.0.1:1/rss.xml"
DISALLOWED_SLUG = "siri-rasimu-ya-bajeti"
# Stories are dated back from the hour the tests start, so "recent" (a sitemap's first-run window) holds.
_NOW = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)

_SW_CLOSING = (
    "Wananchi walioshiriki mkutano huo waliomba taarifa za maendeleo ya mradi zibandikwe kwenye mbao za "
    "matangazo za kijiji kila mwezi, ili kila mmoja afahamu kiasi cha fedha kilichotumika na kazi iliyobaki. "
    "Viongozi wa kata waliahidi kufuatilia utekelezaji kwa karibu na kuwasilisha taarifa kwenye vikao vya "
    "kamati ya maendeleo ya kata. Katibu wa kamati alisema maoni ya wananchi yatajumuishwa katika mpango wa "
    "mwaka ujao wa fedha, na kwamba mikutano ya hadhara itaendelea kufanyika kila robo mwaka katika kila kijiji "
    "cha kata hiyo."
)
_EN_CLOSING = (
    "Residents who attended the meeting asked for progress reports to be posted on village notice boards every "
    "month, so that everyone can see how much money has been spent and what work remains. Ward leaders promised "
    "to follow the work closely and to report to the ward development committee at each of its meetings."
)


def site_article(slug: str, title: str, lead: str, middle: str, hours_ago: int, author: str, language: str) -> NewsArticle:
    closing = _SW_CLOSING if language == "sw" else _EN_CLOSING
    return NewsArticle(slug, title, (lead, middle, closing), _NOW - timedelta(hours=hours_ago), author, language)


SWAHILI_SITE = NewsSite(
    id="sauti",
    name="Sauti ya Pwani",
    language="sw",
    outlet_type="newspaper",
    robots_disallow=(f"/articles/{DISALLOWED_SLUG}",),
    articles=(
        site_article(
            "kisima-kipya-dunda",
            "Kisima kipya chaleta maji safi Dunda",
            "Halmashauri ya Wilaya ya Bagamoyo imekamilisha ujenzi wa kisima kirefu katika Kata ya Dunda, na sasa "
            "zaidi ya kaya mia nane zinapata maji safi karibu na makazi yao.",
            "Mhandisi wa maji wa wilaya alisema mradi huo umegharimu shilingi milioni mia tatu na una vituo sita vya "
            "kuchotea maji. Akina mama walisema hawatatembea tena umbali mrefu kutafuta maji kisimani.",
            5, "Neema Said", "sw",
        ),
        site_article(
            "barabara-ya-zinga",
            "Ukarabati wa barabara ya Zinga waanza",
            "Wakala wa Barabara za Vijijini na Mijini umeanza ukarabati wa barabara ya kilomita kumi na mbili "
            "inayounganisha Kata ya Zinga na soko kuu, kazi inayotarajiwa kukamilika kabla ya mvua za masika.",
            "Wakulima wa mihogo na mananasi walisema barabara hiyo ikipitika watasafirisha mazao yao kwa gharama "
            "nafuu. Mkandarasi ameahidi kutoa ajira za muda kwa vijana wa vijiji vinavyopitiwa na barabara.",
            30, "Juma Mrisho", "sw",
        ),
        site_article(
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
        site_article(
            "dunda-clinic-opens",
            "New clinic opens its doors in Dunda",
            "Bagamoyo District Council has opened a new clinic in Dunda ward with a maternity room, a small laboratory "
            "and a solar power system, ending long journeys to the district hospital for thousands of residents.",
            "The district medical officer said five health workers have been posted to the clinic and that medicines "
            "have been delivered from the central stores. Mothers welcomed the maternity room, saying night-time "
            "deliveries had been dangerous.",
            8, "Grace Mushi", "en",
        ),
        site_article(
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

# The hostile web: which story of which site misbehaves how.
TRACKED_SLUG = "soko-jipya-la-samaki-mlingotini"  # mwambao: in the feed four times, under tracking parameters
MWAMBAO_DISALLOWED_SLUG = "taarifa-ya-ndani-ya-ukaguzi"  # mwambao: forbidden by robots.txt
CHARSET_SLUG = "kaole-ruins-cafe-opens"  # coast-observer: UTF-8 page served as charset=iso-8859-1
PDF_SLUG = "council-budget-summary-2025"  # coast-observer: listed as /files/<slug>.pdf
LOOP_SLUG = "ferry-timetable-changes-again"  # coast-observer: redirects /loop/a <-> /loop/b for ever
SLOW_SLUG = "mvua-kubwa-yaharibu-madaraja-kiromo"  # sauti-kiromo: answered after SLOW_SECONDS
HUGE_SLUG = "tourism-season-brings-record-numbers"  # bay-gazette: a 50 MiB page
BOMB_SLUG = "salt-farmers-seek-new-markets"  # bay-gazette: a gzip bomb inflating to 1 GiB
SLOW_SECONDS = 3.0
CHARSET_PHRASE = "“a place to rest” — the café’s"  # in the lying-charset story's text

MWAMBAO = NewsSite(
    id="mwambao",
    name="Mwambao Leo",
    language="sw",
    outlet_type="newspaper",
    robots_disallow=(f"/articles/{MWAMBAO_DISALLOWED_SLUG}",),
    quirks=(RetryLater(r"/rss\.xml", status=429, times=2, retry_after=1), TrackingCopies(TRACKED_SLUG)),
    articles=(
        site_article(
            TRACKED_SLUG,
            "Soko jipya la samaki lafunguliwa Mlingotini",
            "Wavuvi na wachuuzi wa samaki wa Kijiji cha Mlingotini wameanza kutumia soko jipya lenye meza za "
            "saruji, maji ya bomba na sehemu ya kukaushia dagaa, baada ya miaka mingi ya kuuza samaki chini ya miti.",
            "Afisa Uvuvi wa wilaya alisema soko hilo lina vizimba arobaini na kwamba ushuru mdogo utakaokusanywa "
            "utatumika kulipa mlinzi na kusafisha eneo. Wachuuzi wanawake walisema sasa samaki hawataharibika jua "
            "likiwa kali.",
            6, "Mwanahawa Juma", "sw",
        ),
        site_article(
            "vijana-magomeni-wapata-mafunzo-ya-ufundi",
            "Vijana 60 wa Magomeni wapata mafunzo ya ufundi",
            "Vijana sitini kutoka Kata ya Magomeni wamehitimu mafunzo ya miezi mitatu ya useremala, uchomeleaji "
            "na ufundi umeme wa majumbani, yaliyotolewa na chuo cha ufundi stadi kwa ufadhili wa Halmashauri ya "
            "Wilaya ya Bagamoyo.",
            "Kila mhitimu alipewa seti ya vifaa vya kuanzia kazi, na vikundi vitano vimeahidiwa mikopo isiyo na "
            "riba ili kufungua karakana. Mratibu wa mafunzo alisema nusu ya wahitimu tayari wamepata kazi za muda "
            "kwenye ujenzi wa shule.",
            30, "Athumani Said", "sw",
        ),
        site_article(
            MWAMBAO_DISALLOWED_SLUG,
            "Taarifa ya ndani ya ukaguzi wa miradi",
            "Hii ni taarifa ya ndani ya ukaguzi wa miradi ya maendeleo ambayo bado haijawasilishwa kwenye kamati "
            "ya fedha, na ukurasa wake umezuiliwa kwa wasomaji wa nje.",
            "Taarifa inaorodhesha miradi minne iliyochelewa kukamilika na kupendekeza mikataba ya wakandarasi "
            "wawili ipitiwe upya kabla ya malipo ya mwisho kufanyika.",
            3, "Kitengo cha Ukaguzi", "sw",
        ),
        site_article(
            "wakulima-wa-korosho-wapokea-pembejeo",
            "Wakulima wa korosho wapokea pembejeo kabla ya msimu",
            "Wakulima wa korosho wa kata za Fukayosi na Kiwangwa wamepokea tani kumi za salfa na dawa za kuua "
            "wadudu, ikiwa ni wiki tatu kabla ya msimu wa kupuliza mikorosho kuanza rasmi.",
            "Mwenyekiti wa chama cha ushirika alisema pembejeo hizo zitagawiwa kwa kila mkulima kulingana na idadi "
            "ya miti aliyosajili, na akaonya kuwa atakayeuza pembejeo hizo atachukuliwa hatua za kisheria.",
            24 * 40, "Athumani Said", "sw",
        ),
    ),
)

COAST_OBSERVER = NewsSite(
    id="coast-observer",
    name="Coast Observer",
    language="en",
    outlet_type="online",
    quirks=(
        RetryLater(r"/sitemap-news\.xml", status=503, times=1, retry_after=2),
        LyingCharset(CHARSET_SLUG),
        PdfDocument(PDF_SLUG),
        RedirectLoop(LOOP_SLUG),
    ),
    articles=(
        site_article(
            CHARSET_SLUG,
            "Café at Kaole ruins opens — “a place to rest” for visitors",
            f"Visitors to the Kaole ruins now have {CHARSET_PHRASE} owner calls it: a small café run by a women’s "
            "group from Dunda ward, serving spiced tea, coconut bread and fresh juice under the old baobab trees.",
            "The group’s chairwoman said the council gave them a five-year lease on the plot and a loan for the "
            "kitchen. Guides at the site say tourists used to leave after an hour because there was nowhere to sit "
            "down, eat and escape the midday heat; now many stay for the afternoon.",
            4, "Amina Salum", "en",
        ),
        site_article(
            "mapinga-market-stalls-rebuilt",
            "Mapinga market stalls rebuilt after the fire",
            "Traders at Mapinga market are back in business after the district council rebuilt sixty stalls "
            "destroyed by a night-time fire in March, this time with brick walls, iron roofs and a proper "
            "drainage channel along the main row.",
            "The market master said each trader will pay the same monthly rent as before, and that two fire "
            "extinguishers and a water tank have been installed near the entrance. Traders asked for "
            "electricity so that they can keep their stalls open after dark during the fasting month.",
            20, "Daniel Mrema", "en",
        ),
        site_article(
            PDF_SLUG,
            "Bagamoyo District Council budget summary 2025/26",
            "The council has published a summary of its budget for the coming financial year, setting out "
            "planned spending on health, education, water and roads, and the revenue it expects to collect "
            "from levies, licences and central government grants.",
            "The summary is published as a document for residents to download and read. Ward executive officers "
            "have been asked to pin printed copies on notice boards and to collect questions from residents "
            "before the full council meets to approve the budget next month.",
            9, "Council Information Unit", "en",
        ),
        site_article(
            LOOP_SLUG,
            "Ferry timetable changes again",
            "The ferry that links the Bagamoyo landing site with the islands will run on a new timetable from "
            "Monday, the third change this year, after the operator said the old schedule did not fit the tides "
            "in the rainy season.",
            "Passengers complained that the changes are announced only by word of mouth at the landing site. The "
            "operator promised to post the timetable online and on boards at both ends of the crossing, and to "
            "add an extra morning trip on market days.",
            12, "Daniel Mrema", "en",
        ),
    ),
)

SAUTI_KIROMO = NewsSite(
    id="sauti-kiromo",
    name="Sauti ya Kiromo",
    language="sw",
    outlet_type="blog",
    quirks=(MalformedFeed(), SlowPage(SLOW_SLUG, seconds=SLOW_SECONDS)),
    articles=(
        site_article(
            SLOW_SLUG,
            "Mvua kubwa yaharibu madaraja mawili Kiromo",
            "Mvua kubwa iliyonyesha usiku kucha katika Kata ya Kiromo imeharibu madaraja mawili madogo na "
            "kukata mawasiliano kati ya vitongoji vinne na barabara kuu, huku wanafunzi wakishindwa kufika shuleni.",
            "Mhandisi wa TARURA wa wilaya alitembelea eneo hilo na kusema vivuko vya muda vitajengwa ndani ya wiki "
            "moja. Wananchi wameombwa kutovuka mito iliyojaa maji na kuwaangalia watoto wanapokwenda shule.",
            2, "Hamisi Kibwana", "sw",
        ),
        site_article(
            "wakulima-wa-mpunga-kiromo-wapata-mbegu",
            "Wakulima wa mpunga Kiromo wapata mbegu bora",
            "Wakulima mia mbili wa mpunga katika bonde la Kiromo wamepokea mbegu bora zinazostahimili ukame, "
            "katika mpango wa halmashauri wa kuongeza mavuno ya mpunga kwa ekari moja.",
            "Afisa Kilimo wa kata alisema kila mkulima atapata mafunzo ya upandaji kwa mistari na matumizi sahihi "
            "ya mbolea, na kwamba mashamba darasa matatu yameandaliwa kando ya barabara ili wakulima wajifunze kwa "
            "kuona.",
            28, "Hamisi Kibwana", "sw",
        ),
        site_article(
            "ligi-ya-vijana-kiromo-yaanza",
            "Ligi ya soka ya vijana Kiromo yaanza kwa kishindo",
            "Ligi ya soka ya vijana ya Kata ya Kiromo imeanza mwishoni mwa wiki kwa timu kumi na mbili kutoka "
            "vitongoji vyote, huku mamia ya mashabiki wakijitokeza uwanjani kushangilia.",
            "Mratibu wa ligi alisema lengo ni kuwaweka vijana mbali na vishawishi na kuibua vipaji vipya. Mshindi "
            "atapata kombe, jezi na mipira, na wachezaji bora watatu watapelekwa kwenye majaribio ya timu ya mkoa.",
            52, "Rajabu Mfaume", "sw",
        ),
    ),
)

BAY_GAZETTE = NewsSite(
    id="bay-gazette",
    name="Bagamoyo Bay Gazette",
    language="en",
    outlet_type="newspaper",
    robots_disallow=("/admin/",),
    quirks=(HugePage(HUGE_SLUG), GzipBomb(BOMB_SLUG)),
    articles=(
        site_article(
            HUGE_SLUG,
            "Tourism season brings record numbers to Bagamoyo",
            "Hotels along the Bagamoyo beach front report their busiest season in a decade, with occupancy above "
            "ninety per cent for most of the holiday weeks and the old town's guided walks fully booked.",
            "The district tourism officer said the council's new visitor centre and the repaired road to the "
            "Kaole ruins helped, and that the hotel levy collected this season will pay for street lights in the "
            "old town. Guides asked for training in French and German.",
            7, "Joyce Mwakyusa", "en",
        ),
        site_article(
            BOMB_SLUG,
            "Salt farmers seek new markets",
            "Salt farmers on the creeks north of Bagamoyo town say prices have fallen by a third since last year, "
            "as cheaper salt from outside the region floods the markets in Dar es Salaam and Morogoro.",
            "The farmers' association wants the council to help them iodise and package their salt so that they "
            "can sell directly to supermarkets. A trader said buyers now ask for clean, branded bags rather than "
            "the open sacks the farmers have always used.",
            16, "Joyce Mwakyusa", "en",
        ),
        site_article(
            "zinga-secondary-school-gets-a-laboratory",
            "Zinga secondary school gets a science laboratory",
            "Students at Zinga secondary school will no longer learn chemistry and physics from the blackboard "
            "alone: the school has opened a laboratory with gas, running water and equipment for forty students "
            "at a time.",
            "The head teacher said the school had sent its candidates to a neighbouring school for practical "
            "examinations for years. Parents contributed bricks and labour, and Bagamoyo District Council paid for "
            "the roof, the benches and the first year of chemicals.",
            40, "Paul Shirima", "en",
        ),
    ),
)

REDIO_KIMYA = NewsSite(id="redio-kimya", name="Redio Kimya FM", language="sw", outlet_type="radio", articles=(),
                       silent=True)

HOSTILE_SITES = (MWAMBAO, COAST_OBSERVER, SAUTI_KIROMO, BAY_GAZETTE, REDIO_KIMYA)
HOSTILE_HOSTS = tuple(f"127.0.0.{11 + n}" for n in range(len(HOSTILE_SITES)))  # a host of its own per site


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


@pytest.fixture
def hostile_web() -> Iterator[NewsWeb]:
    """HOSTILE_SITES, each on a loopback host of its own (127.0.0.11 to .15); see each site's quirks."""
    web = NewsWeb(HOSTILE_SITES, hosts=HOSTILE_HOSTS)
    with web:
        yield web


@pytest.fixture
def hostile_sources(hostile_web: NewsWeb) -> dict[str, Source]:
    """Every way to poll every hostile site, by source id: '<site id>-rss', '-sitemap', '-section', '-search'."""
    return {source.id: source for site in HOSTILE_SITES for source in site_sources(site, hostile_web.urls[site.id])}


def site_sources(site: NewsSite, base_url: str) -> tuple[Source, ...]:
    """A site's RSS feed, sitemap index, first section page and search feed (url with {term}) as sources."""
    targets = {
        "rss": "/rss.xml",
        "sitemap": "/sitemap_index.xml",
        "section": f"/section/{section_slugs(site.language)[0]}",
        "search": "/search/rss?q={term}",
    }
    return tuple(
        Source(id=f"{site.id}-{kind}", outlet=site.name, outlet_type=site.outlet_type, kind=kind,
               url=base_url + path, language=site.language)
        for kind, path in targets.items()
    )


def unreachable_source(source_id: str = "dead-rss") -> Source:
    """An RSS source whose host refuses every connection."""
    return Source(id=source_id, outlet="Dead Outlet", outlet_type="online", kind="rss", url=UNREACHABLE_FEED,
                  language="en")


@dataclass(frozen=True)
class CrawlDelay(Quirk):
    """robots.txt asks every crawler to wait `seconds` between two requests."""

    seconds: float

    def routes(self) -> tuple[tuple[str, Route], ...]:
        return ((r"/robots\.txt", self._robots),)

    def _robots(self, site: LiveSite, request: Request) -> Response:
        plain = robots_txt(site, request)
        asking = f"User-agent: *\nCrawl-delay: {self.seconds:g}\n".encode()
        return replace(plain, body=plain.body.replace(b"User-agent: *\n", asking, 1))


@dataclass(frozen=True)
class BylineTimeOnly(Quirk):
    """Story pages carry their publication time only in the byline, as many WordPress themes print it:
    `<time datetime="2026-11-23T05:42:43+00:00">Monday, November 23, 2026</time>`, with no published_time <meta>."""

    def routes(self) -> tuple[tuple[str, Route], ...]:
        return ((r"/articles/(?P<slug>[A-Za-z0-9_-]+)", self._page),)

    def _page(self, site: LiveSite, request: Request) -> Response | None:
        article = site.article(request.params["slug"])
        if article is None:
            return None
        moment = article.published.astimezone(timezone.utc)
        shown = f"{moment:%A, %B} {moment.day}, {moment.year}"
        page = re.sub(r'<meta property="article:(published|modified)_time"[^>]*>\n', "",
                      render_article(site, article, request.base_url))
        byline_time = f'<time datetime="{moment.isoformat()}">{shown}</time>'
        page = re.sub(r'<time datetime="[^"]*">[^<]*</time>', byline_time, page)
        return Response(200, page.encode())


@dataclass(frozen=True)
class SloppyFeedLinks(Quirk):
    """The feed links story `slug` by its path alone, and lists items whose links are no web address."""

    slug: str
    broken: tuple[str, ...] = ("http://[", "javascript:void(0)")

    def routes(self) -> tuple[tuple[str, Route], ...]:
        return ((r"/rss\.xml", self._feed),)

    def _feed(self, site: LiveSite, request: Request) -> Response:
        absolute = f"<link>{request.base_url}/articles/{self.slug}</link>".encode()
        feed = feed_document(site, request.base_url).replace(absolute, f"<link>/articles/{self.slug}</link>".encode())
        items = b"".join(f"<item><title>Broken</title><link>{link}</link></item>".encode() for link in self.broken)
        return Response(200, feed.replace(b"</channel>", items + b"</channel>"), RSS_TYPE)


@dataclass(frozen=True)
class CutGzipSitemap(Quirk):
    """`/sitemap-news.xml` is served gzipped and cut off after its first bytes."""

    def routes(self) -> tuple[tuple[str, Route], ...]:
        cut = Response(200, b"\x1f\x8b\x08\x00cut", "application/gzip")
        return ((r"/sitemap-news\.xml", lambda site, request: cut),)


TIMED_SLUG = "mapinga-water-kiosks-open"  # published at 05:42:43 UTC, a day before the tests start
ROBOTS_FORBIDDEN_SLUG = "fishermen-cold-room"
# Coast Times: the English site's stories and one published at a time of day, each page timed only in its byline;
# robots.txt forbids the tag pages every page links, and one story.
COAST_TIMES = NewsSite(
    id="coast-times",
    name="Coast Times",
    language="en",
    robots_disallow=("/tag/", f"/articles/{ROBOTS_FORBIDDEN_SLUG}"),
    quirks=(BylineTimeOnly(),),
    articles=(
        NewsArticle(
            TIMED_SLUG,
            "Water kiosks open in Mapinga",
            (
                "Residents of Mapinga ward can now buy clean water at six new kiosks built by the district council, "
                "each a short walk from the homes it serves and open from six in the morning until late evening.",
                "The council's water engineer said a bucket costs fifty shillings and that the money pays the kiosk "
                "attendants and the pump's electricity. Women said they would no longer queue at the old borehole.",
                _EN_CLOSING,
            ),
            (_NOW - timedelta(days=1)).replace(hour=5, minute=42, second=43),
            "Grace Mushi",
            "en",
        ),
        *ENGLISH_SITE.articles,
    ),
)

SLOW_STORY_SECONDS = 3.0
# Pwani Sitemap: the Swahili site's stories, one answered slowly, so that a first poll lasts long enough
# for stories to be published while it runs.
PWANI_SITEMAP = replace(
    SWAHILI_SITE, id="pwani-sitemap", name="Pwani Sitemap",
    quirks=(SlowPage(SWAHILI_SITE.articles[0].slug, seconds=SLOW_STORY_SECONDS),),
)


def story_published_at(number: int, published: datetime) -> NewsArticle:
    """A Swahili story of its own (number `number`), published at `published` by the site's clock."""
    return NewsArticle(
        f"taarifa-ya-kata-namba-{number}",
        f"Taarifa ya kata namba {number} yatolewa",
        (
            f"Kamati ya maendeleo ya kata namba {number} imetoa taarifa ya robo mwaka ya miradi ya maji, barabara "
            f"na elimu, ikieleza kuwa kazi {number * 3 + 4} zilizopangwa zimekamilika kwa wakati.",
            f"Mwenyekiti wa kamati alisema fedha za mradi namba {number} zimetumika kama ilivyopangwa, na wananchi "
            "wameombwa kuhudhuria mkutano wa hadhara ujao ili kutoa maoni yao kuhusu vipaumbele vya mwaka ujao.",
            _SW_CLOSING,
        ),
        published,
        "Mwandishi Wetu",
        "sw",
    )
