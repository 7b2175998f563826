"""FastAPI dependencies for what `create_app` was given: the store, the WARC archive, the settings, the zone.

Tests swap any of them through `app.dependency_overrides`; nothing is held in module globals.
"""
from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from store.archive import WarcArchive
from settings.environment import Settings
from store import ArticleStore


def get_store(request: Request) -> ArticleStore:
    return request.app.state.store


def get_archive(request: Request) -> WarcArchive:
    return request.app.state.archive


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_zone(settings: Annotated[Settings, Depends(get_settings)]) -> ZoneInfo:
    """The council's time zone (schedule.timezone, Africa/Dar_es_Salaam): days and times shown in it."""
    return ZoneInfo(settings.config.schedule.timezone)


StoreDep = Annotated[ArticleStore, Depends(get_store)]
ArchiveDep = Annotated[WarcArchive, Depends(get_archive)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ZoneDep = Annotated[ZoneInfo, Depends(get_zone)]
