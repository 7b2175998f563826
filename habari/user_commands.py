"""`habari user add|passwd|list|remove|token|revoke-token`: the accounts of the web page and API (search_api/users.py).

Passwords are asked twice on a terminal, or read from standard input with --password-stdin.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from search_api.roles import ROLE_NAMES, parse_role
from search_api.users import UserError, UserStore
from settings.environment import Settings

EXIT_REFUSED = 1


def add_user_commands(commands: argparse._SubParsersAction) -> None:
    user = commands.add_parser("user", help="manage the users of the web page and API")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="create a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, help=f"one of {ROLE_NAMES}")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=_add)
    passwd = actions.add_parser("passwd", help="set a user's password (signs out their sessions)")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    passwd.set_defaults(handler=_passwd)
    actions.add_parser("list", help="list the users").set_defaults(handler=_list)
    remove = actions.add_parser("remove", help="remove a user, their sessions and tokens")
    remove.add_argument("name")
    remove.set_defaults(handler=_remove)
    token = actions.add_parser("token", help="print a new API token for a user (shown once)")
    token.add_argument("name")
    token.set_defaults(handler=_token)
    revoke = actions.add_parser("revoke-token", help="revoke an API token by its id (habari user list shows them)")
    revoke.add_argument("token_id")
    revoke.set_defaults(handler=_revoke)


def _run(settings: Settings, action: Callable[[UserStore], None]) -> int:
    users = UserStore(settings.users_path)
    try:
        action(users)
    except ValueError as error:  # a UserError, or an unknown role
        print(f"habari user: {error}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        users.close()
    return 0


def _password(arguments: argparse.Namespace) -> str:
    if arguments.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise UserError("the two passwords differ")
    return first


def _add(settings: Settings, arguments: argparse.Namespace) -> int:
    def add(users: UserStore) -> None:
        role = parse_role(arguments.role)
        users.add(arguments.name, role, _password(arguments))
        print(f"added {arguments.name} ({role.value})")

    return _run(settings, add)


def _passwd(settings: Settings, arguments: argparse.Namespace) -> int:
    def change(users: UserStore) -> None:
        users.set_password(arguments.name, _password(arguments))
        print(f"new password for {arguments.name}; their sessions are signed out")

    return _run(settings, change)


def _remove(settings: Settings, arguments: argparse.Namespace) -> int:
    def remove(users: UserStore) -> None:
        users.remove(arguments.name)
        print(f"removed {arguments.name}, their sessions and API tokens")

    return _run(settings, remove)


def _list(settings: Settings, arguments: argparse.Namespace) -> int:
    def show(users: UserStore) -> None:
        for user in users.users():
            last = user.last_login.strftime("%Y-%m-%d %H:%M UTC") if user.last_login else "never"
            print(f"{user.name}\t{user.role.value}\tcreated {user.created:%Y-%m-%d}\tlast login {last}"
                  f"\ttokens {', '.join(user.token_ids) or '-'}")

    return _run(settings, show)


def _token(settings: Settings, arguments: argparse.Namespace) -> int:
    def issue(users: UserStore) -> None:
        token_id, token = users.new_token(arguments.name)
        print(f"API token {token_id} for {arguments.name} (shown only now; send it as 'Authorization: Bearer ...'):")
        print(token)

    return _run(settings, issue)


def _revoke(settings: Settings, arguments: argparse.Namespace) -> int:
    def revoke(users: UserStore) -> None:
        users.revoke_token(arguments.token_id)
        print(f"revoked API token {arguments.token_id}")

    return _run(settings, revoke)
