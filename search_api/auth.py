"""Who is asking: a session cookie (pages) or a Bearer token (API), checked against the permission a route needs,
and the CSRF checks every POST form passes: a same-origin Origin/Referer, and a token in a hidden field that matches
the session's or, on the login form (no session yet), the pre-session cookie's (double submit).

`requires(Permission.X)` is the one dependency routes declare; without a user, pages redirect to /login, /api gets 401.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Form, Request
from starlette.responses import Response

from search_api.roles import ROLE_PERMISSIONS, Permission
from search_api.users import Session, User, UserStore

SESSION_COOKIE = "habari_session"
LOGIN_CSRF_COOKIE = "habari_login_csrf"
LOGIN_TOKEN_LENGTH = 64  # hex digits


class NotSignedIn(Exception):
    """No valid session or token; the error handler answers 401 under /api and a redirect to /login elsewhere."""


class Forbidden(Exception):
    """Signed in, but the role lacks the permission the route needs."""

    def __init__(self, permission: Permission):
        super().__init__(f"this needs the '{permission.value}' permission, which your role does not have")


class CsrfRefused(Exception):
    """A POST form without its CSRF token (the session's, or the login form's pre-session one), or from another site."""


def get_users(request: Request) -> UserStore:
    return request.app.state.users


UsersDep = Annotated[UserStore, Depends(get_users)]


def request_scheme(request: Request) -> str:
    """http or https as the client sees it: X-Forwarded-Proto (the proxy's own, the last) only when
    HABARI_TRUSTED_PROXY is set."""
    if request.app.state.settings.trusted_proxy and request.headers.get("x-forwarded-proto"):
        return request.headers["x-forwarded-proto"].split(",")[-1].strip().lower()
    return request.url.scheme


def client_address(request: Request) -> str:
    """The client's address, as the login rate limit counts it: behind a trusted proxy, the last X-Forwarded-For
    address, the one the proxy saw (those before it are the client's to write)."""
    if request.app.state.settings.trusted_proxy and request.headers.get("x-forwarded-for"):
        return request.headers["x-forwarded-for"].split(",")[-1].strip()
    return request.client.host if request.client else "unknown"


def current_session(request: Request, users: UsersDep) -> Session | None:
    """The browser's live session, also kept on request.state for the page header."""
    session_id = request.cookies.get(SESSION_COOKIE)
    session = users.session(session_id) if session_id else None
    request.state.session = session
    return session


def current_user(request: Request, users: UsersDep) -> User:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user = users.token_user(authorization[7:].strip())
        if user is None:
            raise NotSignedIn()
        return user
    session = current_session(request, users)
    if session is None:
        raise NotSignedIn()
    return session.user


def requires(permission: Permission) -> Callable[..., User]:
    """A dependency that lets through a user whose role has `permission`."""

    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if permission not in ROLE_PERMISSIONS[user.role]:
            raise Forbidden(permission)
        return user

    return check


def check_same_origin(request: Request) -> None:
    """Refuse a POST whose Origin (or, without one, Referer) is another site's; a browser sends one of them."""
    expected = f"{request_scheme(request)}://{request.headers.get('host', '')}"
    origin = request.headers.get("origin")
    if origin and origin != "null":
        if origin != expected:
            raise CsrfRefused()
        return
    referer = request.headers.get("referer")
    if referer and f"{urlsplit(referer).scheme}://{urlsplit(referer).netloc}" != expected:
        raise CsrfRefused()


def check_csrf(request: Request, users: UsersDep, csrf_token: Annotated[str, Form()] = "") -> Session:
    """The signed-in session of a POST form that carries its CSRF token and comes from this site."""
    check_same_origin(request)
    session = current_session(request, users)
    if session is None:
        raise NotSignedIn()
    if not secrets.compare_digest(csrf_token.encode(), session.csrf_token.encode()):
        raise CsrfRefused()
    return session


def login_form_token(request: Request) -> str:
    """The login form's CSRF token: the browser's pre-session cookie when it has a well-formed one, else a new one
    (the login page sets it as the cookie)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return token if len(token) == LOGIN_TOKEN_LENGTH and token.isalnum() else secrets.token_hex(LOGIN_TOKEN_LENGTH // 2)


def check_login_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """A login form from this site, whose hidden token is the one in its pre-session cookie."""
    check_same_origin(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(csrf_token.encode(), cookie.encode()):
        raise CsrfRefused()


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None, path: str = "/") -> None:
    """One of Habari's cookies: HttpOnly, SameSite=Lax, and Secure whenever the client reached Habari over HTTPS."""
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="lax",
                        secure=request_scheme(request) == "https")


def local_path(target: str | None) -> str:
    """`target` when it is a path on this site, else /: a login's `next` never leads elsewhere."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or not target.isprintable()):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def login_redirect_target(request: Request) -> str:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(path, safe="")
