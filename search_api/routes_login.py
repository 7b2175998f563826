"""The login page, signing in (rate-limited per name and per address) and signing out.

The login form carries a pre-session CSRF token (search_api/auth.py); a login replaces it with the session cookie.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from search_api.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    UsersDep,
    check_csrf,
    check_login_csrf,
    client_address,
    local_path,
    login_form_token,
    set_cookie,
)
from search_api.templating import render
from search_api.users import FAILURE_WINDOW, FIRST_ADMIN_COMMAND, SESSION_LIFETIME, Session

router = APIRouter(include_in_schema=False)
LOGIN_PATH = "/login"


def _login_form(request: Request, users: UsersDep, next_path: str, error: str | None, status_code: int) -> Response:
    token = login_form_token(request)
    context = {"next": next_path, "error": error, "csrf_token": token, "no_users": not users.has_users(),
               "first_admin": FIRST_ADMIN_COMMAND}
    response = render(request, "login.html", context, status_code=status_code)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=None, path=LOGIN_PATH)
    return response


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_page(request: Request, users: UsersDep, next: str = "/") -> Response:
    return _login_form(request, users, local_path(next), None, 200)


@router.post(LOGIN_PATH, response_class=HTMLResponse, dependencies=[Depends(check_login_csrf)])
def login(request: Request, users: UsersDep, name: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/") -> Response:
    result = users.login(name, password, client_address(request))
    if result.limited:
        minutes = FAILURE_WINDOW // 60
        message = (f"Majaribio mengi mno · Too many failed logins: jaribu tena baada ya dakika {minutes} · try again "
                   f"in {minutes} minutes, or ask the ICT Officer to reset the password (habari user passwd NAME).")
        return _login_form(request, users, local_path(next), message, 429)
    if result.session_id is None:
        return _login_form(request, users, local_path(next), "Jina au nenosiri si sahihi · Wrong name or password.", 401)
    if SESSION_COOKIE in request.cookies:
        users.logout(request.cookies[SESSION_COOKIE])  # a login replaces the browser's earlier session
    response = RedirectResponse(local_path(next), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, result.session_id, max_age=SESSION_LIFETIME)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


@router.post("/logout")
def logout(request: Request, users: UsersDep, session: Annotated[Session, Depends(check_csrf)]) -> Response:
    users.logout(request.cookies[SESSION_COOKIE])
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
