"""The app factory: `create_app(settings, store)` builds the FastAPI app with its API and web page.

No globals: the store, WARC archive and settings live on `app.state` and reach routes through dependencies.
"""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from store.archive import WarcArchive
from settings.environment import Settings
from search_api import routes_api, routes_docs, routes_login, routes_pages, routes_snapshot
from search_api.routes_docs import DOCS_ASSETS, DOCS_ASSETS_URL
from search_api.users import UserStore
from search_api.errors import install_error_handlers
from search_api.templating import STATIC_DIR, make_templates
from store import ArticleStore


def create_app(settings: Settings, store: ArticleStore) -> FastAPI:
    """The search API and web page over `store`; the caller opens and closes the store."""
    app = FastAPI(
        title="Habari",
        summary="Search the council's news coverage, in Swahili and English.",
        version="0.1.0",
        openapi_url=None,  # routes_docs serves the schema and /docs (from installed files) to signed-in users
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.archive = WarcArchive(settings.warc_dir)  # read only: the crawlers write it
    app.state.users = UserStore(settings.users_path)
    app.state.templates = make_templates()
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(routes_api.router)
    app.include_router(routes_login.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_snapshot.router)
    app.include_router(routes_docs.router)
    install_error_handlers(app)
    return app
