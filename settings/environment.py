"""The one settings object: environment (HABARI_*) plus the validated config/ files, built once.

`Settings()` reads both; every component receives this frozen object and reads nothing else.
"""
from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from settings.config import HabariConfig, load_config

REPO_ROOT = Path(__file__).resolve().parent.parent
DOTTED_NAME = re.compile(r"[A-Za-z_][\w.]*(:[A-Za-z_][\w.]*)?")  # package.module:name


class StoreBackend(str, Enum):
    sqlite = "sqlite"
    elasticsearch = "elasticsearch"


class Settings(BaseSettings):
    """Deployment settings from HABARI_* environment variables, and the council's config."""

    model_config = SettingsConfigDict(env_prefix="HABARI_", frozen=True, extra="ignore")

    config_dir: Path = REPO_ROOT / "config"
    data_dir: Path = REPO_ROOT / "data"
    store: StoreBackend = StoreBackend.sqlite
    es_url: str = "http://127.0.0.1:9200"
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_ca_certs: Path | None = None
    es_index: str = Field(default="habari-articles", pattern=r"^[a-z0-9][a-z0-9_-]*$")
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    contact_url: str = "https://github.com/habari-tz/habari"
    crawl_processes: int = Field(default=2, ge=1, le=32)  # each host is crawled by one of them
    local_web: bool = False  # every source is on this machine (demo, tests): no politeness delays
    max_crawl_delay: float = Field(default=30.0, ge=0, le=600)  # seconds a robots.txt Crawl-delay may ask
    log_level: str = "INFO"
    # Behind a reverse proxy: believe its X-Forwarded-Proto and X-Forwarded-For (search_api/auth.py)
    trusted_proxy: bool = False
    # Callables run on each crawled article after the built-in stages (pipeline/chain.py), as a JSON list
    extra_stages: tuple[str, ...] = ()
    config: HabariConfig = Field(exclude=True)

    @field_validator("extra_stages")
    @classmethod
    def _stages_are_dotted_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if not DOTTED_NAME.fullmatch(name):
                raise ValueError(f"{name!r} does not name a callable as package.module:name")
        return names

    @model_validator(mode="before")
    @classmethod
    def _read_config_files(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("config") is None:
            config_dir = Path(data.get("config_dir") or REPO_ROOT / "config")
            data = {**data, "config": load_config(config_dir)}
        return data

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "habari.sqlite3"

    @property
    def stories_path(self) -> Path:
        """The story clusters' own SQLite file (with either store backend)."""
        return self.data_dir / "stories.sqlite3"

    @property
    def sitemaps_path(self) -> Path:
        """The sitemap sources' windows and the entries they handled (crawlers/sitemap_window.py)."""
        return self.data_dir / "sitemaps.sqlite3"

    @property
    def users_path(self) -> Path:
        """Accounts, sessions, API tokens and login failures (search_api/users.py), with either store backend."""
        return self.data_dir / "users.sqlite3"

    @property
    def warc_dir(self) -> Path:
        return self.data_dir / "warc"

    @property
    def robots_cache_dir(self) -> Path:
        """robots.txt files kept between crawls for up to a day."""
        return self.data_dir / "robots-cache"

    @property
    def user_agent(self) -> str:
        return f"Habari/0.1 (+{self.contact_url})"
