"""The users file (data/users.sqlite3): accounts with argon2 password hashes, server-side sessions, API tokens
and recent login failures; beside the article store, so it is the same with either backend.

Session ids and API tokens are kept only as SHA-256 digests; `clock` is passed in so tests can move time.
"""
from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from search_api.roles import Role

MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 64
SESSION_LIFETIME = 12 * 3600  # seconds from login, however active
SESSION_IDLE = 2 * 3600  # seconds without a request
FAILURE_WINDOW = 15 * 60
MAX_FAILURES = 5  # per user name and per client address within FAILURE_WINDOW
TOKEN_PREFIX = "habari_"
FIRST_ADMIN_COMMAND = "habari user add NAME --role admin"  # what a fresh install says to run
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
                                  created REAL NOT NULL, last_login REAL);
CREATE TABLE IF NOT EXISTS sessions (digest TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES users ON DELETE CASCADE,
                                     csrf TEXT NOT NULL, created REAL NOT NULL, last_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS api_tokens (id TEXT PRIMARY KEY, digest TEXT UNIQUE NOT NULL,
                                       user_name TEXT NOT NULL REFERENCES users ON DELETE CASCADE,
                                       created REAL NOT NULL, last_used REAL);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
"""


class UserError(ValueError):
    """A request about users that cannot be done, saying why (unknown user, duplicate, short password)."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created: datetime
    last_login: datetime | None
    token_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Session:
    """A signed-in browser: its user and the CSRF token its forms carry."""

    user: User
    csrf_token: str


@dataclass(frozen=True)
class LoginResult:
    """A login's outcome: a new session id to set as the cookie, or None; `limited` when refused for too many failures."""

    session_id: str | None
    limited: bool = False


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _moment(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, timezone.utc)


class UserStore:
    """Accounts, sessions, tokens and login failures in one SQLite file."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time, hasher: PasswordHasher | None = None):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._db.executescript(_SCHEMA)
        self._clock = clock
        self._hasher = hasher or PasswordHasher()
        self._absent_hash = self._hasher.hash(secrets.token_hex(16))  # verified against for unknown names

    def close(self) -> None:
        self._db.close()

    # accounts

    def add(self, name: str, role: Role, password: str) -> User:
        if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable() or name != name.strip():
            raise UserError(f"a user name is 1 to {MAX_NAME_LENGTH} printable characters without spaces around: {name!r}")
        _check_password(password)
        try:
            self._db.execute("INSERT INTO users VALUES (?, ?, ?, ?, NULL)",
                             (name, role.value, self._hasher.hash(password), self._clock()))
        except sqlite3.IntegrityError:
            raise UserError(f"there is already a user called {name!r}") from None
        return self.get(name)

    def get(self, name: str) -> User:
        row = self._db.execute("SELECT name, role, created, last_login FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UserError(f"no user called {name!r}")
        tokens = self._db.execute("SELECT id FROM api_tokens WHERE user_name = ? ORDER BY created", (name,)).fetchall()
        return User(row[0], Role(row[1]), _moment(row[2]), _moment(row[3]), tuple(token for (token,) in tokens))

    def users(self) -> list[User]:
        return [self.get(name) for (name,) in self._db.execute("SELECT name FROM users ORDER BY name")]

    def has_users(self) -> bool:
        return self._db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        self.get(name)
        self._db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (self._hasher.hash(password), name))
        self._db.execute("DELETE FROM sessions WHERE user_name = ?", (name,))

    def remove(self, name: str) -> None:
        self.get(name)
        self._db.execute("DELETE FROM users WHERE name = ?", (name,))

    # sessions

    def login(self, name: str, password: str, address: str) -> LoginResult:
        """A new session when the password is right and neither the name nor the address has failed too often."""
        now = self._clock()
        keys = (f"user:{name}", f"address:{address}")
        self._db.execute("DELETE FROM login_failures WHERE at < ?", (now - FAILURE_WINDOW,))
        if any(self._failures(key) >= MAX_FAILURES for key in keys):
            return LoginResult(None, limited=True)
        row = self._db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        if not self._verify(row[0] if row else self._absent_hash, password) or row is None:
            self._db.executemany("INSERT INTO login_failures VALUES (?, ?)", [(key, now) for key in keys])
            return LoginResult(None)
        if self._hasher.check_needs_rehash(row[0]):
            self._db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (self._hasher.hash(password), name))
        self._db.execute("DELETE FROM login_failures WHERE key = ?", (keys[0],))
        self._db.execute("UPDATE users SET last_login = ? WHERE name = ?", (now, name))
        session_id = secrets.token_urlsafe(32)
        self._db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                         (_digest(session_id), name, secrets.token_urlsafe(32), now, now))
        return LoginResult(session_id)

    def session(self, session_id: str) -> Session | None:
        """The live session with this id (its idle time restarts), or None when unknown, expired or idle too long."""
        now = self._clock()
        self._db.execute("DELETE FROM sessions WHERE created < ? OR last_seen < ?",
                         (now - SESSION_LIFETIME, now - SESSION_IDLE))
        row = self._db.execute("SELECT user_name, csrf FROM sessions WHERE digest = ?", (_digest(session_id),)).fetchone()
        if row is None:
            return None
        self._db.execute("UPDATE sessions SET last_seen = ? WHERE digest = ?", (now, _digest(session_id)))
        return Session(self.get(row[0]), row[1])

    def logout(self, session_id: str) -> None:
        self._db.execute("DELETE FROM sessions WHERE digest = ?", (_digest(session_id),))

    # API tokens

    def new_token(self, name: str) -> tuple[str, str]:
        """A new API token for `name`'s role: (its id, to revoke it by; the token itself, shown only now)."""
        self.get(name)
        token_id, token = secrets.token_hex(4), TOKEN_PREFIX + secrets.token_urlsafe(32)
        self._db.execute("INSERT INTO api_tokens VALUES (?, ?, ?, ?, NULL)", (token_id, _digest(token), name, self._clock()))
        return token_id, token

    def token_user(self, token: str) -> User | None:
        row = self._db.execute("SELECT user_name FROM api_tokens WHERE digest = ?", (_digest(token),)).fetchone()
        if row is None:
            return None
        self._db.execute("UPDATE api_tokens SET last_used = ? WHERE digest = ?", (self._clock(), _digest(token)))
        return self.get(row[0])

    def revoke_token(self, token_id: str) -> None:
        if self._db.execute("DELETE FROM api_tokens WHERE id = ?", (token_id,)).rowcount == 0:
            raise UserError(f"no API token with id {token_id!r} (habari user list shows them)")

    def _failures(self, key: str) -> int:
        return self._db.execute("SELECT count(*) FROM login_failures WHERE key = ?", (key,)).fetchone()[0]

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters (this one has {len(password)})")
