"""The search API and its web page: FastAPI routes over the article store, built by `create_app`.

Nothing here knows which backend is in use; the store arrives through a FastAPI dependency.
"""
from search_api.app import create_app

__all__ = ["create_app"]
