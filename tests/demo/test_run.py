"""`habari demo`'s way in: each start gives the demo admin a new random password, and only that one signs in."""
from __future__ import annotations

from habari.demo.run import DEMO_USER, reset_demo_admin
from search_api.roles import Role
from search_api.users import UserStore


def test_each_demo_start_gives_the_demo_admin_a_new_password(make_settings):
    settings = make_settings()
    first, second = reset_demo_admin(settings), reset_demo_admin(settings)
    users = UserStore(settings.users_path)
    try:
        assert users.get(DEMO_USER).role is Role.admin and len(users.users()) == 1
        assert first != second and len(second) >= 16
        assert users.login(DEMO_USER, first, "demo").session_id is None
        assert users.login(DEMO_USER, second, "demo").session_id is not None
    finally:
        users.close()
