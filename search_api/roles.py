"""Roles as sets of permissions: admin, officer, viewer; a route names the one permission it needs.

Adding a role or a permission is a change here only; routes depend on `requires(Permission.X)` (search_api/auth.py).
"""
from __future__ import annotations

from enum import Enum


class Permission(str, Enum):
    SEARCH = "search"  # the search page and API, articles, snapshots
    REPORTS = "reports"
    SAVED_SEARCHES = "saved-searches"
    CORRECTIONS = "corrections"
    UPLOADS = "uploads"
    SOURCES = "sources"  # the sources' polls and failures, and (to come) editing them
    WATCH_RULES = "watch-rules"
    SUBSCRIBERS = "subscribers"
    USERS = "users"


class Role(str, Enum):
    admin = "admin"
    officer = "officer"
    viewer = "viewer"


_VIEWER = frozenset({Permission.SEARCH, Permission.REPORTS})
_OFFICER = _VIEWER | {Permission.SAVED_SEARCHES, Permission.CORRECTIONS, Permission.UPLOADS}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.viewer: _VIEWER,
    Role.officer: _OFFICER,
    Role.admin: frozenset(Permission),
}
ROLE_NAMES = ", ".join(role.value for role in Role)


def parse_role(name: str) -> Role:
    """The role called `name`, or a ValueError that names the roles there are."""
    try:
        return Role(name)
    except ValueError:
        raise ValueError(f"unknown role {name!r}: the roles are {ROLE_NAMES}") from None
