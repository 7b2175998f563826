"""The login page, signing in (rate-limited per name and per address) and signing out.

The session cookie is HttpOnly and SameSite=Lax, and Secure whenever the client reached Habari over HTTPS.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from search_api.auth import SESSION_COOKIE, UsersDep, check_csrf, check_same_origin, client_address, local_path, request_scheme
from search_api.templating import render
from search_api.users import FAILURE_WINDOW, SESSION_LIFETIME, Session

router = APIRouter(include_in_schema=False)
FIRST_ADMIN = "habari user add NAME --role admin"


def _login_form(request: Request, users: UsersDep, next_path: str, error: str | None, status_code: int) -> Response:
    context = {"next": next_path, "error": error, "no_users": not users.has_users(), "first_admin": FIRST_ADMIN}
    return render(request, "login.html", context, status_code=status_code)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, users: UsersDep, next: str = "/") -> Response:
    return _login_form(request, users, local_path(next), None, 200)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, users: UsersDep, name: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/") -> Response:
    check_same_origin(request)
    result = users.login(name, password, client_address(request))
    if result.limited:
        minutes = FAILURE_WINDOW // 60
        message = (f"Majaribio mengi mno · Too many failed logins: try again in {minutes} minutes, "
                   "or ask the ICT Officer to reset the password (habari user passwd NAME).")
        return _login_form(request, users, local_path(next), message, 429)
    if result.session_id is None:
        return _login_form(request, users, local_path(next), "Jina au nenosiri si sahihi · Wrong name or password.", 401)
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, result.session_id, max_age=SESSION_LIFETIME, path="/", httponly=True,
                        samesite="lax", secure=request_scheme(request) == "https")
    return response


@router.post("/logout")
def logout(request: Request, users: UsersDep, session: Annotated[Session, Depends(check_csrf)]) -> Response:
    users.logout(request.cookies[SESSION_COOKIE])
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
