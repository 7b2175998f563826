"""The long-running service: the scheduler polling sources, and the search API with its web page.

`habari run` and `habari demo` both end here; shutting down stops the scheduler and closes the store.
"""
from __future__ import annotations

import logging
import threading

import uvicorn

from crawlers.run import start_fork_server
from habari.scheduler import build_scheduler
from settings.environment import Settings
from search_api.app import create_app
from search_api.users import FIRST_ADMIN_COMMAND
from store import open_store

log = logging.getLogger("habari.service")


def serve(settings: Settings) -> None:
    store = open_store(settings)
    threading.Thread(target=start_fork_server, name="crawl-fork-server", daemon=True).start()
    scheduler = build_scheduler(settings)
    scheduler.resume()
    app = create_app(settings, store)
    if not app.state.users.has_users():
        log.warning("no users yet, so nobody can sign in: create the first admin with `%s` (users file %s)",
                    FIRST_ADMIN_COMMAND, settings.users_path)
    log.info(
        "Habari on the %s store; web page and API at http://%s:%d",
        settings.store.value,
        settings.api_host,
        settings.api_port,
    )
    try:
        uvicorn.run(
            app,
            host=settings.api_host,
            port=settings.api_port,
            log_config=None,
            access_log=False,
        )
    finally:
        scheduler.shutdown(wait=False)
        store.close()
