"""Fixtures for the search API: a few Swahili and English articles indexed in each backend, and a client;
a story told by four outlets and an undated article beside them. One article is hostile (script in the
title, a javascript: URL) to prove the page escapes feed text.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient

from settings.environment import Settings
from search_api import create_app
from search_api.auth import LOGIN_CSRF_COOKIE
from search_api.roles import Role
from store import Article, ArticleStore
from store.models import Entities, FailedPage, Mention, SourceRun
from tests.builders import make_article

FETCHED = datetime(2026, 3, 7, 6, 0, tzinfo=timezone.utc)
UNREACHABLE_NODE = "http://127.0.0.1:1"


def article(doc_id: str, **fields: Any) -> Article:
    defaults = dict(
        url=f"https://www.mwananchi.co.tz/habari/{doc_id}",
        title="Habari",
        fetched_at=FETCHED,
        published=datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc),
    )
    return make_article(doc_id, **{**defaults, **fields})


MAJI = article(
    "maji",
    title="Mradi wa maji Kaole wakamilika",
    text="Halmashauri ya Wilaya ya Bagamoyo imekamilisha mradi wa maji katika kijiji cha Kaole.\n\n"
    "Wananchi wamepongeza hatua hiyo.",
    # 22:30 UTC on 5 March is 01:30 EAT on 6 March: the EAT day differs from the UTC day.
    published=datetime(2026, 3, 5, 22, 30, tzinfo=timezone.utc),
    authors=("Asha Mussa",),
    cluster_id="water",
    about_council=True,
    relevance=0.83,
    mentions=(Mention("name", "Halmashauri ya Wilaya ya Bagamoyo", "text", 0, 33,
                      "Halmashauri ya Wilaya ya Bagamoyo imekamilisha mradi wa maji", "the council's name"),),
    topics=("water",),
    sentiment="positive",
    sentiment_confidence=0.72,
    entities=Entities(places=("Kaole",), organisations=("Halmashauri ya Wilaya ya Bagamoyo",)),
)
WATER = article(
    "water",
    url="https://www.thecitizen.co.tz/tanzania/news/water",
    title="Bagamoyo council completes water project",
    text="The Bagamoyo District Council completed a water project in Kaole village.",
    source_id="thecitizen-rss",
    outlet="The Citizen",
    language="en",
    published=datetime(2026, 3, 5, 8, 0, tzinfo=timezone.utc),
    cluster_id="water",
    topics=("water", "projects"),
    sentiment="positive",
    entities=Entities(places=("Kaole",)),
)
HOSTILE = article(
    "hostile",
    url="javascript:alert(3)",
    title="<script>alert(1)</script> Bagamoyo roads",
    text="Council says <img src=x onerror=alert(2)> roads will be repaired in Bagamoyo.",
    source_id="dailynews-rss",
    outlet="Daily <b>News</b>",
    outlet_type="online",
    language="en",
    published=datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc),
)
CORPUS = (MAJI, WATER, HOSTILE)


def road_article(doc_id: str, outlet: str, source_id: str, day: int, **fields: Any) -> Article:
    """A member of the Msata road story, published at 09:00 UTC (12:00 EAT) on `day` March 2026."""
    defaults = dict(
        url=f"https://{source_id}.example.tz/barabara/{doc_id}",
        title="Barabara ya Bagamoyo–Msata kukarabatiwa",
        text="Ukarabati wa barabara ya Bagamoyo hadi Msata utaanza mwezi huu, Halmashauri imesema.",
        source_id=source_id,
        outlet=outlet,
        published=datetime(2026, 3, day, 9, 0, tzinfo=timezone.utc),
        cluster_id="msata-road",
        topics=("roads",),
    )
    return article(doc_id, **{**defaults, **fields})


# One story in four outlets, over three days (the 4th has none of them: a zero day in the histogram).
ROAD_STORY = (
    road_article("barabara", "Mwananchi", "mwananchi-rss", 3),
    road_article("barabara-habarileo", "HabariLeo", "habarileo-sitemap", 3,
                 title="Ukarabati wa barabara ya Msata waanza"),
    road_article("barabara-nipashe", "IPP Media (Nipashe, The Guardian)", "ippmedia-rss", 5,
                 title="Barabara ya Msata kujengwa upya"),
    road_article("road", "Daily News", "dailynews-rss", 6, language="en", title="Bagamoyo–Msata road repairs begin",
                 text="Repairs of the Bagamoyo–Msata road (barabara) start this month, the council said."),
)
MAPINGA = article(
    "maji-mapinga",
    title="Wakazi wa Mapinga walalamikia uhaba wa maji",
    text="Wakazi wa kata ya Mapinga wamelalamikia uhaba wa maji kwa wiki mbili.",
    published=datetime(2026, 3, 4, 7, 0, tzinfo=timezone.utc),
    sentiment="negative",
)
UNDATED = article("undated", title="Taarifa ya maji bila tarehe", text="Taarifa kuhusu maji.", published=None)
STORIES = (*ROAD_STORY, MAPINGA, UNDATED)


@pytest.fixture
def filled(store: ArticleStore) -> ArticleStore:
    store.upsert(CORPUS)
    store.refresh()
    return store


@pytest.fixture
def storied(filled: ArticleStore) -> ArticleStore:
    """The corpus with the road story, the Mapinga article and an undated one."""
    filled.upsert(STORIES)
    filled.refresh()
    return filled


@pytest.fixture
def polled(filled: ArticleStore) -> ArticleStore:
    """Two polls of mwananchi-rss that failed, the second with a hostile error, and two of its pages that failed."""
    at = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
    filled.record_source_run(SourceRun("mwananchi-rss", at, at, False, pages_fetched=5, new_articles=3, error="timeout"))
    filled.record_source_run(SourceRun("mwananchi-rss", at + timedelta(hours=1), at + timedelta(hours=1), False,
                                       pages_fetched=4, new_articles=2, error="<script>alert(4)</script>"))
    filled.record_failures([
        FailedPage("https://www.mwananchi.co.tz/habari/ajali", "mwananchi-rss", "entities", "IndexError: x", at),
        FailedPage("https://www.mwananchi.co.tz/habari/mvua", "mwananchi-rss", "extract", "<b>bold</b>", at),
    ])
    return filled


PASSWORD = "mvua-ya-masika-2026"


def login_form(client: TestClient, name: str, password: str = PASSWORD, **fields: str) -> dict[str, str]:
    """The login form's fields as the login page gives them to `client` (with its pre-session CSRF token)."""
    assert client.get("/login").status_code == 200
    return {"name": name, "password": password, "csrf_token": client.cookies[LOGIN_CSRF_COOKIE], **fields}


def signed_in(client: TestClient, role: Role = Role.admin, name: str = "afisa") -> TestClient:
    """`client` after a user of `role` has signed in through the login form."""
    client.app.state.users.add(name, role, PASSWORD)
    response = client.post("/login", data=login_form(client, name), follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def client(store_settings: Settings, filled: ArticleStore) -> TestClient:
    return signed_in(TestClient(create_app(store_settings, filled)))


@pytest.fixture
def empty_client(store_settings: Settings, store: ArticleStore) -> TestClient:
    return signed_in(TestClient(create_app(store_settings, store)))
