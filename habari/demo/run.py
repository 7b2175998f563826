"""`habari demo`: the whole service against the bundled offline news web, on a data dir of its own.

The demo sites' feeds are written into a real config dir, so each poll reads them like any other; each start gives
the demo's admin a new random password and logs it, so that a newcomer can sign in.
"""
from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import yaml

from settings.config import Source
from habari.demo.content import UpcomingStory, demo_sources, load_demo
from habari.demo.newsweb import NewsWeb
from habari.service import serve
from search_api.roles import Role
from search_api.users import UserError, UserStore
from settings.environment import Settings

log = logging.getLogger("habari.demo")
PUBLISH_EVERY_SECONDS = 45
DEMO_USER = "demo"
COPIED_FILES = ("watch.yaml", "topics.yaml", "schedule.yaml")


def run_demo(settings: Settings) -> None:
    content = load_demo(datetime.now(timezone.utc))
    demo_dir = settings.data_dir / "demo"
    web = NewsWeb(content.sites)
    with web as urls:
        write_demo_config(settings.config_dir, demo_dir / "config", demo_sources(content.sites, urls))
        (demo_dir / "scheduler.sqlite3").unlink(missing_ok=True)
        # The demo is its own deployment: polls rebuild settings from this environment.
        os.environ.update(
            HABARI_CONFIG_DIR=str(demo_dir / "config"),
            HABARI_DATA_DIR=str(demo_dir),
            HABARI_ES_INDEX=f"{settings.es_index}-demo",
            HABARI_LOCAL_WEB="true",
        )
        for site_id, url in urls.items():
            log.info("demo site %s at %s", site_id, url)
        log.info("to search the demo from a terminal: HABARI_DATA_DIR=%s HABARI_CONFIG_DIR=%s habari search QUERY",
                 demo_dir, demo_dir / "config")
        demo_settings = Settings()
        password = reset_demo_admin(demo_settings)
        log.info("sign in at http://%s:%d/login as '%s' with the password %s (a new one each time the demo starts)",
                 demo_settings.api_host, demo_settings.api_port, DEMO_USER, password)
        stop = threading.Event()
        threading.Thread(target=_publish_over_time, args=(web, content.upcoming, stop), daemon=True).start()
        try:
            serve(demo_settings)
        finally:
            stop.set()


def reset_demo_admin(settings: Settings) -> str:
    """The demo admin's new random password, the account made on the first start."""
    password = secrets.token_urlsafe(12)
    users = UserStore(settings.users_path)
    try:
        users.get(DEMO_USER)
    except UserError:
        users.add(DEMO_USER, Role.admin, password)
    else:
        users.set_password(DEMO_USER, password)
    finally:
        users.close()
    return password


def write_demo_config(config_dir: Path, demo_config_dir: Path, sources: Iterable[Source]) -> None:
    """The council's own watch, topics and schedule files, with the demo web as the only sources."""
    demo_config_dir.mkdir(parents=True, exist_ok=True)
    for name in COPIED_FILES:
        shutil.copyfile(config_dir / name, demo_config_dir / name)
    listed = [source.model_dump(mode="json", exclude_none=True) for source in sources]
    (demo_config_dir / "sources.yaml").write_text(
        "# Written by `habari demo`: the bundled offline demo sites.\n"
        + yaml.safe_dump({"sources": listed}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )


def _publish_over_time(web: NewsWeb, upcoming: Iterable[UpcomingStory], stop: threading.Event) -> None:
    for story in upcoming:
        if stop.wait(PUBLISH_EVERY_SECONDS):
            return
        web.publish(story.site_id, replace(story.article, published=datetime.now(timezone.utc)))
        log.info("demo: %s published '%s'", story.site_id, story.article.title)
