"""The role × route matrix: every route of the app, every method, is in RULES with the permission it needs, and each
role (and a caller with no session or a wrong token) gets in exactly where its permissions say, on both stores.

A route added without a line in RULES fails here; so does a line in RULES for a route that is gone.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from search_api.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from search_api.roles import ROLE_PERMISSIONS, Permission, Role
from tests.search_api.conftest import MAJI, PASSWORD

PUBLIC = "public"  # answers anyone
SIGNED_IN = "signed in"  # any role, no particular permission

RULES: dict[tuple[str, str], Permission | str] = {
    ("GET", "/"): Permission.SEARCH,
    ("GET", "/help/query"): Permission.SEARCH,
    ("GET", "/articles/{doc_id}"): Permission.SEARCH,
    ("GET", "/articles/{doc_id}/snapshot"): Permission.SEARCH,
    ("GET", "/articles/{doc_id}/snapshot/view"): Permission.SEARCH,
    ("GET", "/articles/{doc_id}/snapshot/raw"): Permission.SEARCH,
    ("GET", "/sources"): Permission.SOURCES,
    ("GET", "/docs"): Permission.SEARCH,
    ("GET", "/openapi.json"): Permission.SEARCH,
    ("GET", "/api/search"): Permission.SEARCH,
    ("GET", "/api/articles/{doc_id}"): Permission.SEARCH,
    ("GET", "/api/export.{export_format}"): Permission.SEARCH,
    ("GET", "/api/sources"): Permission.SOURCES,
    ("GET", "/api/health"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): SIGNED_IN,
    ("GET", "/static/{path}"): PUBLIC,
    ("GET", "/static/docs/{path}"): PUBLIC,  # Swagger UI's own files
}
PATH_VALUES = {"doc_id": MAJI.doc_id, "export_format": "csv"}
STATIC_FILES = {"/static/{path}": "style.css", "/static/docs/{path}": "swagger-ui.css"}
# What the issue gives each role, pinned here so that a change to search_api/roles.py shows in this file too.
ISSUE_ROLES = {
    Role.viewer: {Permission.SEARCH, Permission.REPORTS},
    Role.officer: {Permission.SEARCH, Permission.REPORTS, Permission.SAVED_SEARCHES, Permission.CORRECTIONS,
                   Permission.UPLOADS},
    Role.admin: set(Permission),
}
LOGIN_USER = "kuingia"  # the account POST /login signs in as, for every caller


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role | None  # None: no session, perhaps a wrong token
    headers: dict[str, str]


CALLERS = (
    Caller("admin", Role.admin, {}),
    Caller("officer", Role.officer, {}),
    Caller("viewer", Role.viewer, {}),
    Caller("no session", None, {}),
    Caller("wrong token", None, {"Authorization": "Bearer habari_not-a-token"}),
)


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) for every route the app answers, included routers' routes under their own paths."""
    found = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            found.add(("GET", f"{route.path}/{{path}}"))
        elif isinstance(route.original_route, APIRoute):
            found.update((method, route.path) for method in route.methods)
        else:
            pytest.fail(f"a route of a kind this matrix does not know: {route.original_route!r}")
    return found


def test_every_route_has_exactly_one_rule(empty_client):
    routes = app_routes(empty_client.app)
    assert routes - RULES.keys() == set(), "routes with no rule in RULES: add one"
    assert RULES.keys() - routes == set(), "rules for routes the app no longer has"


def test_the_roles_hold_the_permissions_the_issue_gives_them():
    assert {role: set(permissions) for role, permissions in ROLE_PERMISSIONS.items()} == ISSUE_ROLES


def _url(path: str) -> str:
    path = path.replace("{path}", STATIC_FILES.get(path, "{path}"))
    for name, value in PATH_VALUES.items():
        path = path.replace(f"{{{name}}}", value)
    assert "{" not in path, f"no sample value for a parameter of {path}: add it to PATH_VALUES"
    return path


def _client(app: FastAPI, caller: Caller) -> TestClient:
    """A client of its own per request, so that a logout or login cannot change another request's caller."""
    client = TestClient(app, follow_redirects=False, headers=caller.headers)
    if caller.role is not None:
        session_id = app.state.users.login(caller.name, PASSWORD, "matrix").session_id
        client.cookies.set(SESSION_COOKIE, session_id)
    return client


def _form(client: TestClient, method: str, path: str) -> dict[str, str] | None:
    """The fields a POST form sends from Habari's own page, so that only the permission can refuse it."""
    if (method, path) == ("POST", "/login"):
        client.get("/login")
        return {"name": LOGIN_USER, "password": PASSWORD, "csrf_token": client.cookies[LOGIN_CSRF_COOKIE]}
    if (method, path) == ("POST", "/logout"):
        session_id = client.cookies.get(SESSION_COOKIE)
        session = client.app.state.users.session(session_id) if session_id else None
        return {"csrf_token": session.csrf_token if session else "none"}
    return None


def _allowed(rule: Permission | str, caller: Caller) -> bool:
    if rule == PUBLIC:
        return True
    if caller.role is None:
        return False
    return rule == SIGNED_IN or rule in ROLE_PERMISSIONS[caller.role]


def _outcome(status: int, location: str) -> str:
    if status in (401, 403):
        return str(status)
    if status == 303 and location.startswith("/login?next="):
        return "to login"
    return "in"


def _expected(rule: Permission | str, caller: Caller, path: str) -> str:
    if _allowed(rule, caller):
        return "in"
    if caller.role is not None:
        return "403"
    return "401" if path.startswith("/api/") else "to login"


def test_each_caller_reaches_exactly_the_routes_its_role_allows(client):
    app = client.app
    for caller in CALLERS:
        if caller.role is not None:
            app.state.users.add(caller.name, caller.role, PASSWORD)
    app.state.users.add(LOGIN_USER, Role.viewer, PASSWORD)
    wrong = []
    for (method, path), rule in RULES.items():
        for caller in CALLERS:
            client = _client(app, caller)
            response = client.request(method, _url(path), data=_form(client, method, path))
            outcome = _outcome(response.status_code, response.headers.get("location", ""))
            expected = _expected(rule, caller, path)
            if outcome != expected:
                wrong.append(f"{method} {path} as {caller.name}: {response.status_code} ({outcome}), not {expected}")
    assert wrong == []
