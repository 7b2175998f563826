"""`habari user ...` run as a command on a fresh data dir: add, passwd, list, remove, token, revoke-token."""
from __future__ import annotations

from pathlib import Path

from search_api.users import UserStore
from tests.habari.test_cli import habari

PASSWORD = "mvua-ya-masika-2026"


def user(data_dir: Path, *arguments: str, stdin: str | None = None):
    return habari("user", *arguments, stdin=stdin, HABARI_DATA_DIR=str(data_dir))


def test_add_with_an_unknown_role_names_the_roles(tmp_path):
    result = user(tmp_path, "add", "afisa", "--role", "boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 1
    assert "unknown role 'boss': the roles are admin, officer, viewer" in result.stderr


def test_add_refuses_a_short_password_and_a_second_user_of_the_same_name(tmp_path):
    short = user(tmp_path, "add", "afisa", "--role", "officer", "--password-stdin", stdin="fupi\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    assert user(tmp_path, "add", "afisa", "--role", "officer", "--password-stdin", stdin=PASSWORD).returncode == 0
    again = user(tmp_path, "add", "afisa", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    assert again.returncode == 1 and "already a user called 'afisa'" in again.stderr


def test_list_shows_names_roles_and_token_ids_but_no_secrets(tmp_path):
    assert user(tmp_path, "add", "afisa", "--role", "officer", "--password-stdin", stdin=PASSWORD).returncode == 0
    issued = user(tmp_path, "token", "afisa")
    token = issued.stdout.splitlines()[-1]
    token_id = issued.stdout.split()[2]
    listed = user(tmp_path, "list")
    assert listed.returncode == 0
    assert listed.stdout.startswith("afisa\tofficer\t") and token_id in listed.stdout and "last login never" in listed.stdout
    assert token not in listed.stdout and "$argon2" not in listed.stdout and PASSWORD not in listed.stdout


def test_passwd_changes_the_password(tmp_path):
    assert user(tmp_path, "add", "afisa", "--role", "officer", "--password-stdin", stdin=PASSWORD).returncode == 0
    assert user(tmp_path, "passwd", "afisa", "--password-stdin", stdin="nenosiri-jipya-2026\n").returncode == 0
    users = UserStore(tmp_path / "users.sqlite3")
    try:
        assert users.login("afisa", PASSWORD, "test").session_id is None
        assert users.login("afisa", "nenosiri-jipya-2026", "test").session_id is not None
    finally:
        users.close()
    unknown = user(tmp_path, "passwd", "hakuna", "--password-stdin", stdin=PASSWORD)
    assert unknown.returncode == 1 and "no user called 'hakuna'" in unknown.stderr


def test_remove_ends_the_users_sessions_and_tokens(tmp_path):
    assert user(tmp_path, "add", "afisa", "--role", "officer", "--password-stdin", stdin=PASSWORD).returncode == 0
    token = user(tmp_path, "token", "afisa").stdout.splitlines()[-1]
    users = UserStore(tmp_path / "users.sqlite3")
    try:
        session_id = users.login("afisa", PASSWORD, "test").session_id
        assert users.session(session_id) is not None and users.token_user(token) is not None
        assert user(tmp_path, "remove", "afisa").returncode == 0
        assert users.session(session_id) is None and users.token_user(token) is None
    finally:
        users.close()
    assert user(tmp_path, "list").stdout == ""


def test_revoke_token_by_its_id(tmp_path):
    assert user(tmp_path, "add", "afisa", "--role", "viewer", "--password-stdin", stdin=PASSWORD).returncode == 0
    issued = user(tmp_path, "token", "afisa").stdout
    token_id, token = issued.split()[2], issued.splitlines()[-1]
    assert user(tmp_path, "revoke-token", token_id).returncode == 0
    users = UserStore(tmp_path / "users.sqlite3")
    try:
        assert users.token_user(token) is None
    finally:
        users.close()
    again = user(tmp_path, "revoke-token", token_id)
    assert again.returncode == 1 and f"no API token with id '{token_id}'" in again.stderr
