"""Signing in and what guards it, through the app on a SQLite store: CSRF on the login and logout forms, the login
rate limit, session expiry (a clock moved by hand), the Secure cookie behind HTTPS, API tokens, and `next`.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from search_api import create_app
from search_api.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, get_users, local_path, requires
from search_api.roles import Permission, Role
from search_api.users import FAILURE_WINDOW, FIRST_ADMIN_COMMAND, MAX_FAILURES, SESSION_IDLE, SESSION_LIFETIME, UserStore
from settings.environment import StoreBackend
from store import open_store
from tests.search_api.conftest import PASSWORD, login_form

FOREIGN_ORIGIN = "https://habari.example.org"


class Clock:
    """Seconds since the epoch, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_app(make_settings, clock) -> Iterator:
    """Apps on one SQLite store whose users file reads `clock`; keyword arguments override settings."""
    opened = []

    def build(**overrides) -> FastAPI:
        settings = make_settings(store=StoreBackend.sqlite, **overrides)
        store = open_store(settings)
        app = create_app(settings, store)
        users = UserStore(settings.users_path, clock=clock)
        app.dependency_overrides[get_users] = lambda: users
        opened.append((store, users))
        return app

    yield build
    for store, users in opened:
        users.close()
        store.close()


@pytest.fixture
def app(make_app) -> FastAPI:
    return make_app()


def users_of(app: FastAPI) -> UserStore:
    return app.dependency_overrides[get_users]()


def client_of(app: FastAPI, **headers: str) -> TestClient:
    return TestClient(app, follow_redirects=False, headers=headers)


def sign_in(client: TestClient, name: str = "afisa", role: Role = Role.officer) -> TestClient:
    users_of(client.app).add(name, role, PASSWORD)
    response = client.post("/login", data=login_form(client, name))
    assert response.status_code == 303 and SESSION_COOKIE in response.cookies
    return client


def is_signed_in(client: TestClient) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 303)
    return response.status_code == 200


def csrf_token(client: TestClient) -> str:
    return users_of(client.app).session(client.cookies[SESSION_COOKIE]).csrf_token


# CSRF


@pytest.mark.parametrize("fields, headers", [
    ({}, {}),
    ({"csrf_token": "not-the-sessions-token"}, {}),
    ("right", {"Origin": FOREIGN_ORIGIN}),
    ("right", {"Referer": f"{FOREIGN_ORIGIN}/page"}),
], ids=["no token", "wrong token", "foreign origin", "foreign referer"])
def test_logout_is_refused_without_its_token_or_from_another_site(app, fields, headers):
    client = sign_in(client_of(app))
    data = {"csrf_token": csrf_token(client)} if fields == "right" else fields
    response = client.post("/logout", data=data, headers=headers)
    assert response.status_code == 403 and "CSRF" in response.text
    assert is_signed_in(client)


def test_signing_in_again_replaces_the_browsers_earlier_session(app):
    client = sign_in(client_of(app))
    earlier = client.cookies[SESSION_COOKIE]
    assert client.post("/login", data=login_form(client, "afisa")).status_code == 303
    assert client.cookies[SESSION_COOKIE] != earlier and users_of(app).session(earlier) is None


def test_logout_with_its_token_from_this_site_ends_the_session(app):
    client = sign_in(client_of(app))
    response = client.post("/logout", data={"csrf_token": csrf_token(client)}, headers={"Origin": "http://testserver"})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert not is_signed_in(client)


@pytest.mark.parametrize("change", ["no cookie", "wrong token", "foreign origin"])
def test_the_login_form_is_refused_without_its_pre_session_token(app, change):
    users_of(app).add("afisa", Role.officer, PASSWORD)
    client = client_of(app)
    data = login_form(client, "afisa")
    headers = {}
    if change == "no cookie":
        client.cookies.clear()
    elif change == "wrong token":
        data["csrf_token"] = "0" * 64
    else:
        headers["Origin"] = FOREIGN_ORIGIN
    response = client.post("/login", data=data, headers=headers)
    assert response.status_code == 403 and SESSION_COOKIE not in response.cookies


def test_the_login_page_keeps_a_browsers_pre_session_token_and_a_login_drops_it(app):
    client = client_of(app)
    first = login_form(client, "afisa")["csrf_token"]
    assert login_form(client, "afisa")["csrf_token"] == first and len(first) == 64
    assert client_of(app).get("/login").cookies[LOGIN_CSRF_COOKIE] != first
    users_of(app).add("afisa", Role.officer, PASSWORD)
    response = client.post("/login", data={"name": "afisa", "password": PASSWORD, "csrf_token": first})
    assert response.status_code == 303 and LOGIN_CSRF_COOKIE not in client.cookies


# The login rate limit


def test_too_many_failures_for_a_name_refuse_even_the_right_password_until_the_window_passes(app, clock):
    users_of(app).add("afisa", Role.officer, PASSWORD)
    client = client_of(app)
    for _ in range(MAX_FAILURES):
        assert client.post("/login", data=login_form(client, "afisa", "wrong password")).status_code == 401
    refused = client.post("/login", data=login_form(client, "afisa"))
    assert refused.status_code == 429 and "Too many failed logins" in refused.text
    clock.now += FAILURE_WINDOW + 1
    assert client.post("/login", data=login_form(client, "afisa")).status_code == 303


def test_too_many_failures_from_one_address_refuse_it_for_every_name(make_app):
    app = make_app(trusted_proxy=True)
    users_of(app).add("afisa", Role.officer, PASSWORD)
    attacker = client_of(app, **{"X-Forwarded-For": "10.0.0.7"})
    for number in range(MAX_FAILURES):
        assert attacker.post("/login", data=login_form(attacker, f"guess{number}", "wrong password")).status_code == 401
    assert attacker.post("/login", data=login_form(attacker, "afisa")).status_code == 429
    spoofing = client_of(app, **{"X-Forwarded-For": "10.9.9.9, 10.0.0.7"})  # the proxy appends what it saw
    assert spoofing.post("/login", data=login_form(spoofing, "afisa")).status_code == 429
    officer = client_of(app, **{"X-Forwarded-For": "10.0.0.8"})
    assert officer.post("/login", data=login_form(officer, "afisa")).status_code == 303


def test_without_a_trusted_proxy_x_forwarded_for_does_not_dodge_the_address_limit(app):
    users_of(app).add("afisa", Role.officer, PASSWORD)
    for number in range(MAX_FAILURES):
        client = client_of(app, **{"X-Forwarded-For": f"10.0.0.{number}"})
        assert client.post("/login", data=login_form(client, f"guess{number}", "wrong password")).status_code == 401
    client = client_of(app, **{"X-Forwarded-For": "10.0.0.99"})
    assert client.post("/login", data=login_form(client, "afisa")).status_code == 429


# Sessions


def test_a_session_idle_too_long_must_sign_in_again(app, clock):
    client = sign_in(client_of(app))
    clock.now += SESSION_IDLE - 60
    assert is_signed_in(client)
    clock.now += SESSION_IDLE + 1
    response = client.get("/", params={"q": "maji"})
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2F%3Fq%3Dmaji"


def test_a_session_ends_after_its_lifetime_however_active(app, clock):
    client = sign_in(client_of(app))
    for _ in range(SESSION_LIFETIME // (SESSION_IDLE // 2)):
        assert is_signed_in(client)
        clock.now += SESSION_IDLE // 2
    clock.now += 1
    assert not is_signed_in(client)


@pytest.mark.parametrize("trusted_proxy, secure", [(True, True), (False, False)])
def test_cookies_are_secure_behind_https_only_from_a_trusted_proxy(make_app, trusted_proxy, secure):
    app = make_app(trusted_proxy=trusted_proxy)
    users_of(app).add("afisa", Role.officer, PASSWORD)
    login_page = client_of(app, **{"X-Forwarded-Proto": "https"}).get("/login")
    token = login_page.cookies[LOGIN_CSRF_COOKIE]
    # The test client speaks plain HTTP to the app, so a Secure cookie is sent back by hand.
    client = client_of(app, **{"X-Forwarded-Proto": "https", "Cookie": f"{LOGIN_CSRF_COOKIE}={token}"})
    response = client.post("/login", data={"name": "afisa", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    for set_cookie in (login_page.headers["set-cookie"], response.headers.get_list("set-cookie")[0]):
        assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
        assert ("Secure" in set_cookie) is secure


def test_plain_http_gets_no_secure_cookie(app):
    users_of(app).add("afisa", Role.officer, PASSWORD)
    client = client_of(app)
    response = client.post("/login", data=login_form(client, "afisa"))
    assert response.status_code == 303 and "Secure" not in response.headers["set-cookie"]


# API tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_api_token_answers_until_it_is_revoked(app):
    users = users_of(app)
    users.add("mfumo", Role.viewer, PASSWORD)
    token_id, token = users.new_token("mfumo")
    client = client_of(app)
    assert client.get("/api/search", params={"q": "maji"}, headers=bearer(token)).status_code == 200
    users.revoke_token(token_id)
    revoked = client.get("/api/search", params={"q": "maji"}, headers=bearer(token))
    assert revoked.status_code == 401 and revoked.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/search", headers=bearer(token + "x")).status_code == 401
    assert client.get("/api/search", headers=bearer("")).status_code == 401


def test_a_viewers_token_cannot_reach_an_officer_or_admin_route(app):
    app.add_api_route("/api/probe/corrections", lambda: {"ok": True},
                      dependencies=[Depends(requires(Permission.CORRECTIONS))])
    users = users_of(app)
    users.add("mtazamaji", Role.viewer, PASSWORD)
    users.add("afisa", Role.officer, PASSWORD)
    viewer, officer = users.new_token("mtazamaji")[1], users.new_token("afisa")[1]
    client = client_of(app)
    refused = client.get("/api/probe/corrections", headers=bearer(viewer))
    assert refused.status_code == 403 and "'corrections' permission" in refused.json()["detail"]
    assert client.get("/api/probe/corrections", headers=bearer(officer)).status_code == 200
    assert client.get("/api/sources", headers=bearer(viewer)).status_code == 403
    assert client.get("/api/sources", headers=bearer(officer)).status_code == 403


def test_removing_a_user_ends_their_sessions_and_tokens(app):
    client = sign_in(client_of(app))
    token = users_of(app).new_token("afisa")[1]
    users_of(app).remove("afisa")
    assert not is_signed_in(client)
    assert client_of(app).get("/api/search", headers=bearer(token)).status_code == 401


def test_a_new_password_ends_the_users_sessions(app):
    client = sign_in(client_of(app))
    users_of(app).set_password("afisa", "a-new-password-2026")
    assert not is_signed_in(client)


# Where a login leads, and the first run


@pytest.mark.parametrize("target, kept", [
    ("/articles/maji?x=1", "/articles/maji?x=1"),
    ("//habari.example.org/", "/"),
    ("https://habari.example.org/", "/"),
    ("/\\habari.example.org", "/"),
    ("\\\\habari.example.org", "/"),
    ("/\t/habari.example.org", "/"),
    ("javascript:alert(1)", "/"),
    ("habari.example.org", "/"),
    ("", "/"),
])
def test_next_is_only_ever_a_path_on_this_site(target, kept):
    assert local_path(target) == kept


@pytest.mark.parametrize("target, location", [("//habari.example.org/x", "/"), ("/sources", "/sources")])
def test_a_login_goes_on_to_next_when_it_is_on_this_site(app, target, location):
    users_of(app).add("afisa", Role.officer, PASSWORD)
    client = client_of(app)
    assert f'name="next" value="{location}"' in client.get("/login", params={"next": target}).text
    response = client.post("/login", data=login_form(client, "afisa", next=target))
    assert response.headers["location"] == location


def test_with_no_users_the_login_page_says_how_to_create_the_first_admin(app):
    client = client_of(app)
    assert FIRST_ADMIN_COMMAND in client.get("/login").text
    users_of(app).add("msimamizi", Role.admin, PASSWORD)
    assert FIRST_ADMIN_COMMAND not in client.get("/login").text


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_the_api_documentation_needs_a_signed_in_user(app, path):
    client = client_of(app)
    assert client.get(path).status_code == 303
    sign_in(client, role=Role.viewer)
    assert client.get(path).status_code == 200
