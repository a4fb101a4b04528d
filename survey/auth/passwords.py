"""Password hashing with Argon2id (argon2-cffi), and a generator for new accounts."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong username costs
# as much time as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("sipas-dummy-password")


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether the password matches; spend the same time when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def generate_password() -> str:
    """Return a random password easy to read aloud (no look-alike characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def weakness(password: str, username: str = "") -> str | None:
    """Return why the password is too weak (a message id), or None."""
    if len(password) < MIN_LENGTH:
        return "short"
    if len(username) >= 3 and username.lower() in password.lower():
        return "username"
    return None
