"""Writes to staff accounts: create, log in, change password, enable/disable."""
from __future__ import annotations

from sqlalchemy.orm import Session

from survey.auth import passwords, throttle
from survey.auth.queries import user_by_username
from survey.models import Unit, User
from survey.models.accounts import ROLES
from survey.models.types import utcnow


class AccountError(ValueError):
    """The account cannot be created or changed as asked; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def create_user(s: Session, username: str, role: str, unit: Unit, password: str) -> User:
    """Create an account; the username must be new and the password strong enough."""
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise AccountError("username")
    if role not in ROLES:
        raise AccountError("role")
    if user_by_username(s, username) is not None:
        raise AccountError("exists")
    if passwords.weakness(password, username):
        raise AccountError("weak")
    user = User(username=username, role=role, unit=unit, password_hash=passwords.hash_password(password))
    s.add(user)
    s.flush()
    return user


def authenticate(s: Session, username: str, password: str, client: str) -> tuple[User | None, str]:
    """Check a login; return (user, "ok") or (None, "locked" | "invalid" | "disabled")."""
    if throttle.locked(username, client):
        return None, "locked"
    user = user_by_username(s, username)
    if not passwords.verify_password(user.password_hash if user else None, password) or user is None:
        throttle.failed(username, client)
        return None, "invalid"
    if not user.active:
        throttle.failed(username, client)  # counted like a wrong password, answered alike
        return None, "disabled"
    throttle.succeeded(username, client)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    return user, "ok"


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one and the new one's strength."""
    if not passwords.verify_password(user.password_hash, current):
        raise AccountError("current")
    if passwords.weakness(new, user.username):
        raise AccountError("weak")
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    """Set a new password (administrators, command line); every session of the account ends."""
    user.password_hash = passwords.hash_password(new)
    user.end_sessions()


def set_active(user: User, active: bool) -> None:
    """Enable or disable the account; disabling ends its sessions at once."""
    user.active = active
    if not active:
        user.end_sessions()


def update_user(user: User, role: str, unit: Unit) -> None:
    """Change the role or the unit of an account."""
    if role not in ROLES:
        raise AccountError("role")
    user.role, user.unit = role, unit


def ensure_demo_admin(s: Session, unit: Unit, username: str = "demo-admin") -> tuple[User, str]:
    """Create or re-enable the demo administrator with a fresh random password.

    The password is new at every call, so the login printed by the last
    `sipas demo seed` always works and no fixed password ships in the code.
    """
    password = passwords.generate_password()
    user = user_by_username(s, username)
    if user is None:
        user = create_user(s, username, "admin", unit, password)
    else:
        user.role, user.unit, user.active = "admin", unit, True
        set_password(user, password)
    s.flush()
    return user, password
